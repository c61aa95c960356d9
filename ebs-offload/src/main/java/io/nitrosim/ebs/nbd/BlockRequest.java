package io.nitrosim.ebs.nbd;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One block request on its way from a protocol thread to the device side and back: the seam between the NBD
 * server (Netty threads) and whatever executes the I/O (the guest's NVMe driver on its vCPU).
 * <p>
 * Ownership moves with the request and never overlaps: the protocol side fills it and hands it over with
 * {@link BlockQueue#offer}; the device side reads {@link #op()}, {@link #offsetBytes()}, {@link #lengthBytes()}
 * and {@link #data()}, writes read data into {@link #data()}, and gives it back with {@link #complete(int)},
 * after which it must not touch it again. Both hand-overs go through lock-free bounded queues, which order
 * every write before them. Requests are pooled per connection: nothing is allocated per request.
 */
public final class BlockRequest
{
    public static final int OP_READ = 0;
    public static final int OP_WRITE = 1;
    public static final int OP_FLUSH = 2;
    public static final int OP_TRIM = 3;
    public static final int OP_WRITE_ZEROES = 4;

    /** Where a completed request goes back to (the connection that sent it). */
    interface Owner
    {
        /** Called on the device's thread; must only enqueue. */
        void onCompleted(BlockRequest request);
    }

    private final Owner owner;
    private final UnsafeBuffer data = new UnsafeBuffer(0, 0);
    private int op;
    private boolean fua;
    private boolean noHole;
    private long offsetBytes;
    private long lengthBytes;
    private int error;

    // Protocol side only.
    long cookie;
    io.netty.buffer.ByteBuf buffer;

    // Device side only, while it owns the request.
    long nextOffsetBytes;
    int commandsOutstanding;
    int deviceError;
    int stage;

    BlockRequest(final Owner owner)
    {
        this.owner = owner;
    }

    void set(final int op, final boolean fua, final boolean noHole, final long offsetBytes, final long lengthBytes)
    {
        this.op = op;
        this.fua = fua;
        this.noHole = noHole;
        this.offsetBytes = offsetBytes;
        this.lengthBytes = lengthBytes;
        this.error = 0;
        this.nextOffsetBytes = offsetBytes;
        this.commandsOutstanding = 0;
        this.deviceError = 0;
        this.stage = 0;
    }

    /** Points {@link #data()} at {@code length} bytes of native memory (the request's payload or read buffer). */
    void data(final long address, final int length)
    {
        if (length == 0)
        {
            data.wrap(0, 0);
        }
        else
        {
            data.wrap(address, length);
        }
    }

    UnsafeBuffer dataBuffer()
    {
        return data;
    }

    /** One of OP_READ, OP_WRITE, OP_FLUSH, OP_TRIM, OP_WRITE_ZEROES. */
    public int op()
    {
        return op;
    }

    /** The data must be durable before the request completes (NBD's FUA). */
    public boolean fua()
    {
        return fua;
    }

    /** WRITE_ZEROES must allocate (write zeroes) rather than deallocate. */
    public boolean noHole()
    {
        return noHole;
    }

    public long offsetBytes()
    {
        return offsetBytes;
    }

    public long lengthBytes()
    {
        return lengthBytes;
    }

    /** READ: where the data goes; WRITE: the data. Empty for the other operations. */
    public MutableDirectBuffer data()
    {
        return data;
    }

    /** Error given at completion (0 = success, else an NBD error value such as {@link NbdProtocol#EIO}). */
    public int error()
    {
        return error;
    }

    /** Hands the request back; the caller must not touch it afterwards. */
    public void complete(final int error)
    {
        this.error = error;
        owner.onCompleted(this);
    }

    @Override
    public String toString()
    {
        return "BlockRequest{op=" + op + ", offset=" + offsetBytes + ", length=" + lengthBytes + "}";
    }
}
