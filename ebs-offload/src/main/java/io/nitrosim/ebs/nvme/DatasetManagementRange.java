package io.nitrosim.ebs.nvme;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * One 16-byte Dataset Management range (NVM Command Set spec), read from the data buffer a DSM command points
 * to. Little-endian.
 * <pre>
 *  0  CATTR  u32  context attributes
 *  4  NLB    u32  length in logical blocks (a count, not 0-based)
 *  8  SLBA   u64  starting LBA
 * </pre>
 */
public final class DatasetManagementRange
{
    public static final int LENGTH = 16;
    public static final int CONTEXT_ATTRIBUTES_OFFSET = 0;
    public static final int BLOCK_COUNT_OFFSET = 4;
    public static final int STARTING_LBA_OFFSET = 8;
    /** NR is 8 bits, 0-based: at most 256 ranges per command. */
    public static final int MAX_RANGES = 256;

    private DirectBuffer buffer;
    private int offset;

    public DatasetManagementRange wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int contextAttributes()
    {
        return buffer.getInt(offset + CONTEXT_ATTRIBUTES_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    /** Blocks in the range, unsigned. */
    public long blockCount()
    {
        return buffer.getInt(offset + BLOCK_COUNT_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
    }

    public long startingLba()
    {
        return buffer.getLong(offset + STARTING_LBA_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes a range (the driver side). */
    public static void put(
        final MutableDirectBuffer buffer, final int offset, final long startingLba, final long blockCount)
    {
        buffer.putInt(offset + CONTEXT_ATTRIBUTES_OFFSET, 0, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(offset + BLOCK_COUNT_OFFSET, (int)blockCount, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(offset + STARTING_LBA_OFFSET, startingLba, ByteOrder.LITTLE_ENDIAN);
    }
}
