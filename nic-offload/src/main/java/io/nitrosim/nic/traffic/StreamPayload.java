package io.nitrosim.nic.traffic;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.payload.PayloadBytes;

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
 * In payload mode the rest of a data frame's payload is the fill of its segment: the byte at payload position
 * {@code p} ({@code p >= LENGTH}) of segment {@code seq} is {@code (byte)(seq * 31 + p)}. Every segment's fill is
 * a slice of one table (byte {@code k} = {@code (byte)k}) starting at {@code (seq * 31) mod 256 + LENGTH}, so
 * {@link #fill} is one bulk copy and {@link #hasFill} one bulk compare.
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
    /** Byte k is (byte)k, long enough for a rotation of 0..255 plus the largest payload. Read-only. */
    private static final UnsafeBuffer FILL_TABLE = fillTable(256 + EthernetFrame.MAX_MTU);

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

    /** Writes segment {@code seq}'s fill into positions [LENGTH, payloadLength) of the payload at {@code index}. */
    public static void fill(final MutableDirectBuffer buffer, final int index, final long seq, final int payloadLength)
    {
        if (payloadLength > LENGTH)
        {
            buffer.putBytes(index + LENGTH, FILL_TABLE, fillStart(seq), payloadLength - LENGTH);
        }
    }

    /**
     * Whether payload positions [LENGTH, payloadLength) of the payload at {@code index} hold segment {@code seq}'s
     * fill (false for a payload longer than any frame carries).
     */
    public static boolean hasFill(final DirectBuffer buffer, final int index, final long seq, final int payloadLength)
    {
        if (payloadLength <= LENGTH)
        {
            return true;
        }
        final int start = fillStart(seq);
        return payloadLength - LENGTH <= FILL_TABLE.capacity() - start
            && PayloadBytes.equal(buffer, index + LENGTH, FILL_TABLE, start, payloadLength - LENGTH);
    }

    /** Where in the table segment {@code seq}'s fill for position LENGTH is: (seq * 31 + LENGTH) mod 256, rotated. */
    private static int fillStart(final long seq)
    {
        return (int)((seq * 31) & 0xFF) + LENGTH;
    }

    private static UnsafeBuffer fillTable(final int length)
    {
        final byte[] table = new byte[length];
        for (int k = 0; k < length; k++)
        {
            table[k] = (byte)k;
        }
        return new UnsafeBuffer(table);
    }
}
