package io.nitrosim.pci.trace;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Flyweight over one trace record: fixed length {@value #LENGTH} bytes, little-endian (the order of the trace
 * files, whatever the machine):
 * <pre>
 *   0  timeNs    i64  simulated time of the event
 *   8  kind      i32  {@link TraceKind} id
 *  12  instance  i32  the instance's index in the scenario (-1: none, e.g. a host-level event)
 *  16  function  i32  the PCI function: its device number on the instance's bus (-1: none)
 *  20  queue     i32  the queue (or record tag) the event belongs to (-1: none)
 *  24  arg0      i64  kind-specific arguments, see {@link TraceKind}
 *  32  arg1      i64
 *  40  arg2      i64
 *  48  arg3      i64
 * </pre>
 */
public final class TraceRecord
{
    public static final int TIME_NS_OFFSET = 0;
    public static final int KIND_OFFSET = 8;
    public static final int INSTANCE_OFFSET = 12;
    public static final int FUNCTION_OFFSET = 16;
    public static final int QUEUE_OFFSET = 20;
    public static final int ARG0_OFFSET = 24;
    public static final int ARG1_OFFSET = 32;
    public static final int ARG2_OFFSET = 40;
    public static final int ARG3_OFFSET = 48;
    public static final int LENGTH = 56;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;
    private int offset;

    public TraceRecord wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /** Writes a whole record at {@code offset} of {@code buffer}. */
    public static void put(
        final MutableDirectBuffer buffer, final int offset, final long timeNs, final int kind, final int instance,
        final int function, final int queue, final long arg0, final long arg1, final long arg2, final long arg3)
    {
        buffer.putLong(offset + TIME_NS_OFFSET, timeNs, ORDER);
        buffer.putInt(offset + KIND_OFFSET, kind, ORDER);
        buffer.putInt(offset + INSTANCE_OFFSET, instance, ORDER);
        buffer.putInt(offset + FUNCTION_OFFSET, function, ORDER);
        buffer.putInt(offset + QUEUE_OFFSET, queue, ORDER);
        buffer.putLong(offset + ARG0_OFFSET, arg0, ORDER);
        buffer.putLong(offset + ARG1_OFFSET, arg1, ORDER);
        buffer.putLong(offset + ARG2_OFFSET, arg2, ORDER);
        buffer.putLong(offset + ARG3_OFFSET, arg3, ORDER);
    }

    public long timeNs()
    {
        return buffer.getLong(offset + TIME_NS_OFFSET, ORDER);
    }

    public int kind()
    {
        return buffer.getInt(offset + KIND_OFFSET, ORDER);
    }

    public int instance()
    {
        return buffer.getInt(offset + INSTANCE_OFFSET, ORDER);
    }

    public int function()
    {
        return buffer.getInt(offset + FUNCTION_OFFSET, ORDER);
    }

    public int queue()
    {
        return buffer.getInt(offset + QUEUE_OFFSET, ORDER);
    }

    /** Argument {@code i} (0..3). */
    public long arg(final int i)
    {
        return buffer.getLong(offset + ARG0_OFFSET + 8 * i, ORDER);
    }

    public long arg0()
    {
        return arg(0);
    }

    public long arg1()
    {
        return arg(1);
    }

    public long arg2()
    {
        return arg(2);
    }

    public long arg3()
    {
        return arg(3);
    }
}
