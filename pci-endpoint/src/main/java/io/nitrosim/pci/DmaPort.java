package io.nitrosim.pci;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.pci.trace.Tracer;

/**
 * The function's bus-master port: reads and writes guest-physical memory through the {@link DmaWindow} (the
 * instance's IOMMU domain) the host connected.
 * <p>
 * Every call returns a status instead of throwing, so a device turns a refusal into its own error status.
 * A transfer is refused whole (nothing read or written), counted, and flagged in the configuration status
 * register as Received Master Abort when the window refuses it, if:
 * <ul>
 *   <li>bus mastering is off (command register bit 2) -> {@link #BUS_MASTER_DISABLED};</li>
 *   <li>the function is not connected -> {@link #NOT_CONNECTED};</li>
 *   <li>the address is negative, the length is negative, or address + length overflows
 *       (guest-physical addresses are non-negative longs, checked with {@link Math#addExact}) ->
 *       {@link #ADDRESS_OVERFLOW};</li>
 *   <li>the window refuses any byte of it -> {@link #REFUSED}.</li>
 * </ul>
 * A zero-length transfer at a valid address succeeds without touching the window. Multi-byte values in guest
 * memory are little-endian. Not thread-safe: used by the device agent only (the scalar helpers share one
 * scratch buffer, so they allocate nothing).
 */
public final class DmaPort
{
    public static final int OK = 0;
    public static final int BUS_MASTER_DISABLED = 1;
    public static final int NOT_CONNECTED = 2;
    public static final int REFUSED = 3;
    public static final int ADDRESS_OVERFLOW = 4;

    private final ConfigSpace config;
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[8]);
    private final AtomicCounter refusedBusMaster;
    private final AtomicCounter refusedNotConnected;
    private final AtomicCounter refusedByWindow;
    private final AtomicCounter refusedOverflow;
    private final AtomicCounter readBytes;
    private final AtomicCounter writtenBytes;
    private volatile DmaWindow window;
    private int lastStatus = OK;
    private Tracer tracer = Tracer.OFF;

    DmaPort(
        final ConfigSpace config,
        final AtomicCounter refusedBusMaster,
        final AtomicCounter refusedNotConnected,
        final AtomicCounter refusedByWindow,
        final AtomicCounter refusedOverflow,
        final AtomicCounter readBytes,
        final AtomicCounter writtenBytes)
    {
        this.config = config;
        this.refusedBusMaster = refusedBusMaster;
        this.refusedNotConnected = refusedNotConnected;
        this.refusedByWindow = refusedByWindow;
        this.refusedOverflow = refusedOverflow;
        this.readBytes = readBytes;
        this.writtenBytes = writtenBytes;
    }

    /** Copies {@code length} bytes at guest address {@code address} into {@code dst}. @return a status. */
    public int read(final long address, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        final DmaWindow window = this.window;
        int status = check(window, address, length);
        if (status == OK && length > 0)
        {
            if (window.read(address, dst, dstOffset, length))
            {
                readBytes.getAndAddRelease(length); // one writer: this port's agent
            }
            else
            {
                status = refusedByWindow();
            }
        }
        lastStatus = status;
        tracer.emit(TraceKind.DMA_READ, -1, address, length, status, 0);
        if (tracer.isOn(TraceKind.DMA_DATA) && status == OK)
        {
            traceData(address, dst, dstOffset, length);
        }
        return status;
    }

    /** The bytes just read, {@link TraceKind#DMA_DATA_BYTES} per record. */
    private void traceData(final long address, final DirectBuffer data, final int offset, final int length)
    {
        for (int done = 0; done < length; done += TraceKind.DMA_DATA_BYTES)
        {
            final int n = Math.min(TraceKind.DMA_DATA_BYTES, length - done);
            tracer.emit(TraceKind.DMA_DATA, -1, (address + done) | ((long)n << 56), word(data, offset + done, n, 0),
                word(data, offset + done, n, 8), word(data, offset + done, n, 16));
        }
    }

    /** Little-endian bytes {@code from..from+7} of the {@code n} at {@code offset} (missing bytes are 0). */
    private static long word(final DirectBuffer data, final int offset, final int n, final int from)
    {
        if (n >= from + 8)
        {
            return data.getLong(offset + from, ByteOrder.LITTLE_ENDIAN);
        }
        long v = 0;
        for (int i = from; i < n; i++)
        {
            v |= (data.getByte(offset + i) & 0xFFL) << (8 * (i - from));
        }
        return v;
    }

    /** Copies {@code length} bytes from {@code src} to guest address {@code address}. @return a status. */
    public int write(final long address, final DirectBuffer src, final int srcOffset, final int length)
    {
        final DmaWindow window = this.window;
        int status = check(window, address, length);
        if (status == OK && length > 0)
        {
            if (window.write(address, src, srcOffset, length))
            {
                writtenBytes.getAndAddRelease(length);
            }
            else
            {
                status = refusedByWindow();
            }
        }
        lastStatus = status;
        tracer.emit(TraceKind.DMA_WRITE, -1, address, length, status, 0);
        return status;
    }

    /** Reads a little-endian u64; on refusal returns 0 and {@link #lastStatus()} says why. */
    public long getLong(final long address)
    {
        return read(address, scratch, 0, 8) == OK ? scratch.getLong(0, ByteOrder.LITTLE_ENDIAN) : 0;
    }

    /** Reads a little-endian u32; on refusal returns 0 and {@link #lastStatus()} says why. */
    public int getInt(final long address)
    {
        return read(address, scratch, 0, 4) == OK ? scratch.getInt(0, ByteOrder.LITTLE_ENDIAN) : 0;
    }

    /** Writes a little-endian u64. @return a status. */
    public int putLong(final long address, final long value)
    {
        scratch.putLong(0, value, ByteOrder.LITTLE_ENDIAN);
        return write(address, scratch, 0, 8);
    }

    /** Writes a little-endian u32. @return a status. */
    public int putInt(final long address, final int value)
    {
        scratch.putInt(0, value, ByteOrder.LITTLE_ENDIAN);
        return write(address, scratch, 0, 4);
    }

    /** Status of the most recent transfer on this port. */
    public int lastStatus()
    {
        return lastStatus;
    }

    public boolean isConnected()
    {
        return window != null;
    }

    /** Transfers refused for any reason. */
    public long refusedCount()
    {
        return refusedBusMaster.get() + refusedNotConnected.get() + refusedByWindow.get() + refusedOverflow.get();
    }

    public long refusedBusMasterCount()
    {
        return refusedBusMaster.get();
    }

    public long refusedNotConnectedCount()
    {
        return refusedNotConnected.get();
    }

    public long refusedByWindowCount()
    {
        return refusedByWindow.get();
    }

    public long refusedOverflowCount()
    {
        return refusedOverflow.get();
    }

    public long readBytesCount()
    {
        return readBytes.get();
    }

    public long writtenBytesCount()
    {
        return writtenBytes.get();
    }

    /** A readable name for a status code (for logs and test messages). */
    public static String statusName(final int status)
    {
        switch (status)
        {
            case OK:
                return "OK";
            case BUS_MASTER_DISABLED:
                return "BUS_MASTER_DISABLED";
            case NOT_CONNECTED:
                return "NOT_CONNECTED";
            case REFUSED:
                return "REFUSED";
            case ADDRESS_OVERFLOW:
                return "ADDRESS_OVERFLOW";
            default:
                return "UNKNOWN(" + status + ")";
        }
    }

    void tracer(final Tracer tracer)
    {
        this.tracer = tracer;
    }

    void window(final DmaWindow window)
    {
        this.window = window;
    }

    private int check(final DmaWindow window, final long address, final int length)
    {
        if (!config.isBusMasterEnabled())
        {
            refusedBusMaster.increment();
            return BUS_MASTER_DISABLED;
        }
        if (window == null)
        {
            refusedNotConnected.increment();
            return NOT_CONNECTED;
        }
        if (address < 0 || length < 0 || address > Long.MAX_VALUE - length)
        {
            refusedOverflow.increment();
            return ADDRESS_OVERFLOW;
        }
        return OK;
    }

    private int refusedByWindow()
    {
        refusedByWindow.increment();
        config.setStatusBits(ConfigSpace.STATUS_RECEIVED_MASTER_ABORT);
        return REFUSED;
    }
}
