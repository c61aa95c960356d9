package io.nitrosim.nic.bridge;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A bounded single-producer single-consumer byte stream whose consumer may read any byte it has not yet
 * released, as often as it likes: the send buffer of a reliable stream, where bytes stay until the peer
 * acknowledges them (so they can be sent again), and its receive buffer, where they stay until the local socket
 * took them.
 * <p>
 * Positions are absolute byte counts since the start of the stream: the producer publishes {@link #tail()}
 * after copying bytes in, the consumer publishes {@link #head()} when it releases them; each side reads the
 * other's position with acquire semantics, so the bytes between are always fully written. An Agrona ring
 * buffer would not do here: its reader consumes a record by reading it. Capacity is a power of two.
 */
public final class ByteRing
{
    private final UnsafeBuffer bytes;
    private final int capacity;
    private final int mask;
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong tail = new AtomicLong();

    public ByteRing(final int capacityBytes)
    {
        if (capacityBytes < 1024 || Integer.bitCount(capacityBytes) != 1)
        {
            throw new IllegalArgumentException("ring capacity " + capacityBytes + " B: accepted a power of two >= 1024");
        }
        this.capacity = capacityBytes;
        this.mask = capacityBytes - 1;
        this.bytes = new UnsafeBuffer(ByteBuffer.allocateDirect(capacityBytes));
    }

    public int capacity()
    {
        return capacity;
    }

    /** First byte not yet released by the consumer. */
    public long head()
    {
        return head.get();
    }

    /** One past the last byte the producer published. */
    public long tail()
    {
        return tail.get();
    }

    /** Producer: room for this many bytes now. */
    public int writable()
    {
        return capacity - (int)(tail.get() - head.get());
    }

    /** Consumer: bytes published and not released. */
    public int readable()
    {
        return (int)(tail.get() - head.get());
    }

    /** Producer: copies as much of {@code src} as fits and publishes it. @return bytes copied. */
    public int write(final DirectBuffer src, final int offset, final int length)
    {
        final long t = tail.get();
        final int n = Math.min(length, capacity - (int)(t - head.get()));
        if (n <= 0)
        {
            return 0;
        }
        final int at = (int)t & mask;
        final int first = Math.min(n, capacity - at);
        bytes.putBytes(at, src, offset, first);
        if (n > first)
        {
            bytes.putBytes(0, src, offset + first, n - first);
        }
        tail.lazySet(t + n);
        return n;
    }

    /**
     * Consumer: copies {@code length} bytes starting at stream position {@code position} (between head and tail)
     * into {@code dst}, without releasing them.
     */
    public void read(final long position, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        if (position < head.get() || position + length > tail.get() || length < 0)
        {
            throw new IndexOutOfBoundsException("read of " + length + " B at " + position + " outside ["
                + head.get() + ", " + tail.get() + ")");
        }
        final int at = (int)position & mask;
        final int first = Math.min(length, capacity - at);
        dst.putBytes(dstOffset, bytes, at, first);
        if (length > first)
        {
            dst.putBytes(dstOffset + first, bytes, 0, length - first);
        }
    }

    /**
     * Consumer: frees every byte before {@code position} (at most the tail; never moves back). A full volatile
     * store, so a producer that then says it waits for room (a volatile flag the consumer reads next) cannot be
     * missed.
     */
    public void releaseTo(final long position)
    {
        final long h = head.get();
        final long to = Math.min(position, tail.get());
        if (to > h)
        {
            head.set(to);
        }
    }
}
