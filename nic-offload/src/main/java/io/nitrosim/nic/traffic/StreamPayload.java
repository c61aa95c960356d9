package io.nitrosim.nic.traffic;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The traffic model's header at the start of a frame's L4 payload (what iperf puts in its UDP datagrams).
 * It is always captured, also in timing-only mode. Network byte order.
 * <pre>
 *   0  stream id  i32
 *   4  kind       i32   0 data, 1 ack
 *   8  seq        i64   data: segment number from 0; ack: highest segment number received
 *  16  time ns    i64   data: sender's clock at send; ack: echo of the acked segment's send time
 *  24  count      i64   ack: data frames received so far; data: 0
 * </pre>
 */
public final class StreamPayload
{
    public static final int STREAM_ID_OFFSET = 0;
    public static final int KIND_OFFSET = 4;
    public static final int SEQ_OFFSET = 8;
    public static final int TIME_OFFSET = 16;
    public static final int COUNT_OFFSET = 24;
    public static final int LENGTH = 32;
    public static final int KIND_DATA = 0;
    public static final int KIND_ACK = 1;

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private StreamPayload()
    {
    }

    public static void write(final MutableDirectBuffer buffer, final int index, final int streamId, final int kind,
        final long seq, final long timeNs, final long count)
    {
        buffer.putInt(index + STREAM_ID_OFFSET, streamId, NET);
        buffer.putInt(index + KIND_OFFSET, kind, NET);
        buffer.putLong(index + SEQ_OFFSET, seq, NET);
        buffer.putLong(index + TIME_OFFSET, timeNs, NET);
        buffer.putLong(index + COUNT_OFFSET, count, NET);
    }

    public static int streamId(final DirectBuffer buffer, final int index)
    {
        return buffer.getInt(index + STREAM_ID_OFFSET, NET);
    }

    public static int kind(final DirectBuffer buffer, final int index)
    {
        return buffer.getInt(index + KIND_OFFSET, NET);
    }

    public static long seq(final DirectBuffer buffer, final int index)
    {
        return buffer.getLong(index + SEQ_OFFSET, NET);
    }

    public static long timeNs(final DirectBuffer buffer, final int index)
    {
        return buffer.getLong(index + TIME_OFFSET, NET);
    }

    public static long count(final DirectBuffer buffer, final int index)
    {
        return buffer.getLong(index + COUNT_OFFSET, NET);
    }

    /** The payload-mode fill byte at {@code position} of the payload of segment {@code seq} (after the header). */
    public static byte patternByte(final long seq, final int position)
    {
        return (byte)(seq * 31 + position);
    }
}
