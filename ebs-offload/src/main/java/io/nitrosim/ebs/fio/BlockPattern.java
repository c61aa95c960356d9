package io.nitrosim.ebs.fio;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.payload.PayloadBytes;
import io.nitrosim.pci.GuestMemoryAccess;

/**
 * The verify pattern of fio blocks, written into guest memory with one bulk copy and checked with one bulk
 * compare. Layout of a block of {@code B} bytes at LBA {@code L}, generation {@code G} (G counts the writes of
 * that block by the run), little-endian:
 * <pre>
 *   0   L   i64   the block's first LBA
 *   8   G   i64   generation
 *  16   body      B - 16 bytes of the pattern table from byte 8 * ((L * 0x9E3779B97F4A7C15 + G * 0xBF58476D1CE4E5B9)
 *                 &gt;&gt;&gt; 55), i.e. one of 512 word-aligned starts, so consecutive generations of a block differ
 * </pre>
 * The pattern table is {@code maxBlockBytes + 4 KiB} of splitmix64 output (seed {@value #TABLE_SEED}), made once
 * per workload. A check fails on a wrong LBA (a misdirected write), a wrong generation (a lost or stale write) or
 * any changed byte. Not thread-safe (one per workload, on its guest's thread).
 */
public final class BlockPattern
{
    public static final int HEADER_BYTES = 16;
    /** Seed of the splitmix64 stream that fills the table. */
    public static final long TABLE_SEED = 0x6E69_7472_6F73_696DL;

    private static final int STARTS = 512;
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final UnsafeBuffer table;
    private final int maxBlockBytes;

    /** @param maxBlockBytes the largest block this pattern writes, at least {@value #HEADER_BYTES}. */
    public BlockPattern(final int maxBlockBytes)
    {
        if (maxBlockBytes < HEADER_BYTES)
        {
            throw new IllegalArgumentException("maxBlockBytes " + maxBlockBytes + " is below " + HEADER_BYTES);
        }
        this.maxBlockBytes = maxBlockBytes;
        this.table = new UnsafeBuffer(new byte[maxBlockBytes + STARTS * Long.BYTES]);
        long state = TABLE_SEED;
        for (int i = 0; i + Long.BYTES <= table.capacity(); i += Long.BYTES)
        {
            state += 0x9E3779B97F4A7C15L;
            table.putLong(i, mix(state), ORDER);
        }
    }

    /** Writes block (lba, generation) of {@code lengthBytes} at {@code address} of guest memory. */
    public void write(final GuestMemoryAccess memory, final long address, final long lba, final long generation,
        final int lengthBytes)
    {
        checkLength(lengthBytes);
        memory.putLong(address, lba);
        memory.putLong(address + Long.BYTES, generation);
        memory.write(address + HEADER_BYTES, table, bodyStart(lba, generation), lengthBytes - HEADER_BYTES);
    }

    /** Whether the {@code lengthBytes} at {@code index} of {@code block} are block (lba, generation). */
    public boolean matches(final DirectBuffer block, final int index, final long lba, final long generation,
        final int lengthBytes)
    {
        checkLength(lengthBytes);
        return block.getLong(index, ORDER) == lba
            && block.getLong(index + Long.BYTES, ORDER) == generation
            && PayloadBytes.equal(block, index + HEADER_BYTES, table, bodyStart(lba, generation),
                lengthBytes - HEADER_BYTES);
    }

    private void checkLength(final int lengthBytes)
    {
        if (lengthBytes < HEADER_BYTES || lengthBytes > maxBlockBytes)
        {
            throw new IllegalArgumentException("block of " + lengthBytes + " B outside " + HEADER_BYTES + ".."
                + maxBlockBytes);
        }
    }

    private static int bodyStart(final long lba, final long generation)
    {
        return (int)((lba * 0x9E3779B97F4A7C15L + generation * 0xBF58476D1CE4E5B9L) >>> 55) * Long.BYTES;
    }

    private static long mix(final long z0)
    {
        long z = (z0 ^ (z0 >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
