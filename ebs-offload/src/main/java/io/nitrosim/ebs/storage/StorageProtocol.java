package io.nitrosim.ebs.storage;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The storage server's TCP protocol: length-prefixed, versioned frames carrying request ids, all little-endian.
 * <pre>
 * frame:  length u32 (bytes that follow) | header (48 B) | payload
 * header:
 *   0  magic      u32  0x5342454E ("NEBS" in byte order)
 *   4  version    u8   {@link #VERSION}
 *   5  op         u8   {@link StorageOp}
 *   6  status     u16  {@link StorageStatus} (responses; 0 in requests)
 *   8  requestId  i64  chosen by the client, echoed in the response
 *  16  volHigh    i32  first hex digit of the volume id
 *  20  length     i32  READ/WRITE byte count (requests); payload length (responses)
 *  24  volLow     i64  last 16 hex digits of the volume id
 *  32  offset     i64  byte offset (CREATE: volume size in bytes)
 *  40  value      i64  TRIM: length in bytes; responses: journal sequence of an acknowledged mutation
 *  48  payload         WRITE data (request), READ data or STATUS counters (OK response)
 * </pre>
 * A response carries the request's op and id; data only when OK. A frame with a bad magic or version is
 * answered BAD_VERSION and the connection closed. STATUS counters ({@link #STATUS_LENGTH} bytes, i64 each):
 * volume count, last sequence, last journal index, checkpoint journal index, records since checkpoint,
 * replayed records, rejected records, checkpoints.
 * <p>
 * <b>Authentication.</b> The first request on a connection must be AUTH with the server's access token
 * ({@link #TOKEN_LENGTH} bytes, see {@link AccessToken}) as payload. The server answers OK with the hello payload
 * below, or UNAUTHORIZED and closes the connection; any other request before a successful AUTH is answered
 * UNAUTHORIZED and the connection closed.
 * <pre>
 * hello (AUTH response payload, {@link #HELLO_LENGTH} B):
 *   0  maxIoBytes      i32  largest READ/WRITE the server takes
 *   4  maxInFlight     i32  requests per connection the server works on at once (more wait, unread)
 *   8  idleTimeoutMs   i64  a connection silent this long is closed: clients PING well before
 * </pre>
 * Version 2 added AUTH and PING; a version 1 frame is answered BAD_VERSION.
 */
public final class StorageProtocol
{
    public static final int MAGIC = 0x5342454E;
    public static final int VERSION = 2;
    public static final int LENGTH_PREFIX = 4;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int OP_OFFSET = 5;
    public static final int STATUS_OFFSET = 6;
    public static final int REQUEST_ID_OFFSET = 8;
    public static final int VOL_HIGH_OFFSET = 16;
    public static final int LENGTH_OFFSET = 20;
    public static final int VOL_LOW_OFFSET = 24;
    public static final int OFFSET_OFFSET = 32;
    public static final int VALUE_OFFSET = 40;
    public static final int HEADER_LENGTH = 48;

    public static final int STATUS_VOLUME_COUNT_OFFSET = 0;
    public static final int STATUS_LAST_SEQUENCE_OFFSET = 8;
    public static final int STATUS_LAST_JOURNAL_INDEX_OFFSET = 16;
    public static final int STATUS_CHECKPOINT_JOURNAL_INDEX_OFFSET = 24;
    public static final int STATUS_RECORDS_SINCE_CHECKPOINT_OFFSET = 32;
    public static final int STATUS_REPLAYED_RECORDS_OFFSET = 40;
    public static final int STATUS_REJECTED_RECORDS_OFFSET = 48;
    public static final int STATUS_CHECKPOINTS_OFFSET = 56;
    public static final int STATUS_LENGTH = 64;

    public static final int TOKEN_LENGTH = AccessToken.LENGTH;
    public static final int HELLO_MAX_IO_OFFSET = 0;
    public static final int HELLO_MAX_IN_FLIGHT_OFFSET = 4;
    public static final int HELLO_IDLE_TIMEOUT_OFFSET = 8;
    public static final int HELLO_LENGTH = 16;

    private StorageProtocol()
    {
    }

    /** Largest frame body (header + payload) for a maximum I/O. */
    public static int maxFrameBodyLength(final int maxIoBytes)
    {
        return HEADER_LENGTH + Math.max(maxIoBytes, STATUS_LENGTH);
    }

    /** Largest whole frame (length prefix + body) for a maximum I/O: the frame decoders' limit. */
    public static int maxFrameLength(final int maxIoBytes)
    {
        return LENGTH_PREFIX + maxFrameBodyLength(maxIoBytes);
    }

    /** Writes a request frame (length prefix included) at {@code index}; returns the frame length. */
    public static int encodeRequest(
        final MutableDirectBuffer buffer,
        final int index,
        final int op,
        final long requestId,
        final int volHigh,
        final long volLow,
        final long offset,
        final int length,
        final long value,
        final int payloadLength)
    {
        final int body = index + LENGTH_PREFIX;
        buffer.putInt(index, HEADER_LENGTH + payloadLength, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(body + MAGIC_OFFSET, MAGIC, ByteOrder.LITTLE_ENDIAN);
        buffer.putByte(body + VERSION_OFFSET, (byte)VERSION);
        buffer.putByte(body + OP_OFFSET, (byte)op);
        buffer.putShort(body + STATUS_OFFSET, (short)0, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(body + REQUEST_ID_OFFSET, requestId, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(body + VOL_HIGH_OFFSET, volHigh, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(body + LENGTH_OFFSET, length, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(body + VOL_LOW_OFFSET, volLow, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(body + OFFSET_OFFSET, offset, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(body + VALUE_OFFSET, value, ByteOrder.LITTLE_ENDIAN);
        return LENGTH_PREFIX + HEADER_LENGTH + payloadLength;
    }

    /** Engine counters in the STATUS layout (the caller serialises access to the engine). */
    public static void encodeStatus(final StorageEngine engine, final MutableDirectBuffer buffer, final int index)
    {
        buffer.putLong(index + STATUS_VOLUME_COUNT_OFFSET, engine.volumeCount(), ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(index + STATUS_LAST_SEQUENCE_OFFSET, engine.lastSequence(), ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(index + STATUS_LAST_JOURNAL_INDEX_OFFSET, engine.lastJournalIndex(), ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(index + STATUS_CHECKPOINT_JOURNAL_INDEX_OFFSET, engine.checkpointJournalIndex(),
            ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(index + STATUS_RECORDS_SINCE_CHECKPOINT_OFFSET, engine.recordsSinceCheckpoint(),
            ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(index + STATUS_REPLAYED_RECORDS_OFFSET, engine.replayedRecords(), ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(index + STATUS_REJECTED_RECORDS_OFFSET, engine.rejectedRecords(), ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(index + STATUS_CHECKPOINTS_OFFSET, engine.checkpoints(), ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads one i64 STATUS counter (offset one of the STATUS_*_OFFSET constants). */
    public static long statusField(final DirectBuffer buffer, final int dataIndex, final int fieldOffset)
    {
        return buffer.getLong(dataIndex + fieldOffset, ByteOrder.LITTLE_ENDIAN);
    }
}
