package io.nitrosim.nic.ena;

import java.nio.ByteOrder;

import org.agrona.MutableDirectBuffer;

import io.nitrosim.pci.queue.PhaseTag;

/**
 * A 64-byte asynchronous event notification queue entry (ena_admin_aenq_entry), as a flyweight.
 * Little-endian.
 * <pre>
 *   0  group          u16   {@link EnaAdmin} AENQ group (0 LINK_CHANGE, 1 FATAL_ERROR, 4 KEEP_ALIVE, ...)
 *   2  syndrome       u16   group specific; FATAL_ERROR here: the ENA reset reason ({@link EnaResetReason})
 *   4  flags          u8    phase[0]
 *   8  timestamp_low  u32   device time (simulated ns) bits 31:0
 *  12  timestamp_high u32   bits 63:32
 *  16  data:
 *      LINK_CHANGE  16 flags u32: link_status[0]
 *      KEEP_ALIVE   16 rx_drops u64, 24 tx_drops u64, 32 rx_overruns u64
 * </pre>
 */
public final class AenqEntry
{
    public static final int LENGTH = EnaAdmin.ENTRY_SIZE_BYTES;
    public static final int GROUP_OFFSET = 0;
    public static final int SYNDROME_OFFSET = 2;
    public static final int FLAGS_OFFSET = 4;
    public static final int TIMESTAMP_LOW_OFFSET = 8;
    public static final int TIMESTAMP_HIGH_OFFSET = 12;
    public static final int LINK_FLAGS_OFFSET = 16;
    public static final int KEEP_ALIVE_RX_DROPS_OFFSET = 16;
    public static final int KEEP_ALIVE_TX_DROPS_OFFSET = 24;
    public static final int KEEP_ALIVE_RX_OVERRUNS_OFFSET = 32;
    public static final int FLAG_PHASE = 1;
    /** Where an entry keeps its phase tag, for the driver's queue reader. */
    public static final PhaseTag PHASE_TAG = new PhaseTag(FLAGS_OFFSET & ~3, FLAG_PHASE << (8 * (FLAGS_OFFSET & 3)));
    public static final int LINK_STATUS_UP = 1;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private MutableDirectBuffer buffer;
    private int offset;

    public AenqEntry wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public AenqEntry clear()
    {
        buffer.setMemory(offset, LENGTH, (byte)0);
        return this;
    }

    public AenqEntry header(final int group, final int syndrome, final boolean phase, final long timestampNs)
    {
        buffer.putShort(offset + GROUP_OFFSET, (short)group, LE);
        buffer.putShort(offset + SYNDROME_OFFSET, (short)syndrome, LE);
        buffer.putByte(offset + FLAGS_OFFSET, (byte)(phase ? FLAG_PHASE : 0));
        buffer.putInt(offset + TIMESTAMP_LOW_OFFSET, (int)timestampNs, LE);
        buffer.putInt(offset + TIMESTAMP_HIGH_OFFSET, (int)(timestampNs >>> 32), LE);
        return this;
    }

    public int group()
    {
        return buffer.getShort(offset + GROUP_OFFSET, LE) & 0xFFFF;
    }

    public int syndrome()
    {
        return buffer.getShort(offset + SYNDROME_OFFSET, LE) & 0xFFFF;
    }

    public boolean phase()
    {
        return (buffer.getByte(offset + FLAGS_OFFSET) & FLAG_PHASE) != 0;
    }

    public long timestampNs()
    {
        return (buffer.getInt(offset + TIMESTAMP_LOW_OFFSET, LE) & 0xFFFF_FFFFL)
            | ((long)buffer.getInt(offset + TIMESTAMP_HIGH_OFFSET, LE) << 32);
    }

    public boolean linkUp()
    {
        return (buffer.getInt(offset + LINK_FLAGS_OFFSET, LE) & LINK_STATUS_UP) != 0;
    }

    public AenqEntry linkUp(final boolean up)
    {
        buffer.putInt(offset + LINK_FLAGS_OFFSET, up ? LINK_STATUS_UP : 0, LE);
        return this;
    }

    public long u64(final int fieldOffset)
    {
        return buffer.getLong(offset + fieldOffset, LE);
    }

    public AenqEntry u64(final int fieldOffset, final long value)
    {
        buffer.putLong(offset + fieldOffset, value, LE);
        return this;
    }
}
