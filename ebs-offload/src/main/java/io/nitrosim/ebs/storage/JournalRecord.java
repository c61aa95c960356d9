package io.nitrosim.ebs.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Flyweight over the header of one journal record (what follows Chronicle's own excerpt header), with the CRC32C
 * that replay checks before applying anything. Little-endian:
 * <pre>
 *   0  type      u8   1 CREATE, 3 WRITE, 5 TRIM (the {@link StorageOp} codes)
 *   1  reserved  3 B  zero
 *   4  volHigh   i32  first hex digit of the volume id
 *   8  volLow    i64  last 16 hex digits of the volume id
 *  16  sequence  i64  monotonic per engine, survives restarts
 *  24  offset    i64  byte offset (CREATE: volume size in bytes)
 *  32  length    i64  bytes written or trimmed (0 for CREATE)
 *  40  crc       i32  CRC32C of bytes 0..39 and the data
 *  44  reserved  i32  zero
 *  48  data      length bytes (WRITE only)
 * </pre>
 * One instance per engine (not thread-safe); the header lives in a direct buffer of {@link #HEADER_LENGTH} bytes.
 */
final class JournalRecord
{
    static final int TYPE_OFFSET = 0;
    static final int VOL_HIGH_OFFSET = 4;
    static final int VOL_LOW_OFFSET = 8;
    static final int SEQUENCE_OFFSET = 16;
    static final int OFFSET_OFFSET = 24;
    static final int LENGTH_OFFSET = 32;
    static final int CRC_OFFSET = 40;
    static final int RESERVED_OFFSET = 44;
    static final int HEADER_LENGTH = 48;

    private final ByteBuffer header = ByteBuffer.allocateDirect(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();

    /** The header bytes, position 0 and limit {@link #HEADER_LENGTH} (for appending or reading into). */
    ByteBuffer header()
    {
        return header.clear();
    }

    /**
     * Fills every header field and seals it with the CRC over the header and {@code data}'s remaining bytes
     * (data may be null; its position is kept).
     */
    JournalRecord set(
        final int type,
        final int volHigh,
        final long volLow,
        final long sequence,
        final long offset,
        final long length,
        final ByteBuffer data)
    {
        header.clear();
        header.putInt(TYPE_OFFSET, type & 0xFF);
        header.putInt(VOL_HIGH_OFFSET, volHigh).putLong(VOL_LOW_OFFSET, volLow).putLong(SEQUENCE_OFFSET, sequence);
        header.putLong(OFFSET_OFFSET, offset).putLong(LENGTH_OFFSET, length);
        header.putInt(CRC_OFFSET, 0).putInt(RESERVED_OFFSET, 0);
        header.putInt(CRC_OFFSET, checksum(data));
        return this;
    }

    int type()
    {
        return header.get(TYPE_OFFSET);
    }

    int volHigh()
    {
        return header.getInt(VOL_HIGH_OFFSET);
    }

    long volLow()
    {
        return header.getLong(VOL_LOW_OFFSET);
    }

    long sequence()
    {
        return header.getLong(SEQUENCE_OFFSET);
    }

    long offset()
    {
        return header.getLong(OFFSET_OFFSET);
    }

    long length()
    {
        return header.getLong(LENGTH_OFFSET);
    }

    /** Bytes of data that follow the header: the length of a WRITE, 0 otherwise. */
    long dataLength()
    {
        return type() == StorageOp.WRITE ? length() : 0;
    }

    /** Whether the stored CRC matches the header and {@code data}'s remaining bytes (data's position is kept). */
    boolean verify(final ByteBuffer data)
    {
        return header.getInt(CRC_OFFSET) == checksum(data);
    }

    /** CRC32C of header bytes 0..39 and data's remaining bytes. */
    private int checksum(final ByteBuffer data)
    {
        crc.reset();
        header.clear().limit(CRC_OFFSET);
        crc.update(header);
        header.clear();
        if (data != null)
        {
            final int position = data.position();
            crc.update(data);
            data.position(position);
        }
        return (int)crc.getValue();
    }
}
