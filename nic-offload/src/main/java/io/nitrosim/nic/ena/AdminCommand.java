package io.nitrosim.nic.ena;

import java.nio.ByteOrder;

import org.agrona.MutableDirectBuffer;

/**
 * A 64-byte admin submission queue entry (ena_admin_aq_entry and the per-command layouts of Linux
 * {@code ena_admin_defs.h}), as a flyweight. Little-endian.
 * <pre>
 * common (all commands)
 *   0  command_id   u16   command_id[11:0]
 *   2  opcode       u8    {@link EnaAdmin} opcode
 *   3  flags        u8    phase[0], ctrl_data[1], ctrl_data_indirect[2]
 * CREATE_SQ
 *   4  sq_identity  u8    sq_direction[7:5] (1 TX, 2 RX)
 *   6  sq_caps_2    u8    placement_policy[3:0] (1 host memory), completion_policy[6:4]
 *   7  sq_caps_3    u8    is_physically_contiguous[0]
 *   8  cq_idx       u16   the CQ this SQ completes into (created before)
 *  10  sq_depth     u16   entries, a power of two
 *  12  sq_ba        addr  48-bit ring base (u32 low, u16 high)
 *  20  sq_head_writeback addr (head policies only; unsupported here)
 * DESTROY_SQ
 *   4  sq_idx       u16
 *   6  sq_identity  u8    sq_direction[7:5]
 * CREATE_CQ
 *   4  cq_caps_1    u8    interrupt_mode_enabled[5]
 *   5  cq_caps_2    u8    cq_entry_size_words[4:0] (2 = 8-byte TX completions, 4 = 16-byte RX completions)
 *   6  cq_depth     u16   entries, a power of two
 *   8  msix_vector  u32
 *  12  cq_ba        addr  48-bit ring base
 * DESTROY_CQ
 *   4  cq_idx       u16
 * GET_FEATURE / SET_FEATURE
 *   4  control_buffer length u32, 8 address (unused here)
 *  16  flags        u8    select[1:0]
 *  17  feature_id   u8
 *  18  feature_version u8
 *  20  feature data (SET MTU: mtu u32 at 20; SET AENQ_CONFIG: supported_groups u32 at 20, enabled_groups at 24)
 * GET_STATS
 *   4  control_buffer (unused here)
 *  16  type         u8    0 basic, 2 ENI
 *  17  scope        u8    1 ETH traffic
 *  20  queue_idx    u16
 *  22  device_id    u16   0xFFFF = this function
 *  24  requested_metrics u64
 * </pre>
 */
public final class AdminCommand
{
    public static final int LENGTH = EnaAdmin.ENTRY_SIZE_BYTES;
    public static final int COMMAND_ID_OFFSET = 0;
    public static final int OPCODE_OFFSET = 2;
    public static final int FLAGS_OFFSET = 3;
    public static final int COMMAND_ID_MASK = 0x0FFF;
    public static final int FLAG_PHASE = 1;
    public static final int FLAG_CTRL_DATA = 1 << 1;
    public static final int FLAG_CTRL_DATA_INDIRECT = 1 << 2;

    public static final int CREATE_SQ_IDENTITY_OFFSET = 4;
    public static final int CREATE_SQ_CAPS_2_OFFSET = 6;
    public static final int CREATE_SQ_CAPS_3_OFFSET = 7;
    public static final int CREATE_SQ_CQ_IDX_OFFSET = 8;
    public static final int CREATE_SQ_DEPTH_OFFSET = 10;
    public static final int CREATE_SQ_BASE_OFFSET = 12;
    public static final int CREATE_SQ_HEAD_WRITEBACK_OFFSET = 20;
    public static final int SQ_DIRECTION_SHIFT = 5;
    public static final int SQ_DIRECTION_MASK = 0xE0;
    public static final int PLACEMENT_POLICY_MASK = 0x0F;
    public static final int COMPLETION_POLICY_SHIFT = 4;
    public static final int COMPLETION_POLICY_MASK = 0x70;
    public static final int SQ_CAPS_3_PHYSICALLY_CONTIGUOUS = 1;

    public static final int DESTROY_SQ_IDX_OFFSET = 4;
    public static final int DESTROY_SQ_IDENTITY_OFFSET = 6;

    public static final int CREATE_CQ_CAPS_1_OFFSET = 4;
    public static final int CREATE_CQ_CAPS_2_OFFSET = 5;
    public static final int CREATE_CQ_DEPTH_OFFSET = 6;
    public static final int CREATE_CQ_MSIX_VECTOR_OFFSET = 8;
    public static final int CREATE_CQ_BASE_OFFSET = 12;
    public static final int CQ_CAPS_1_INTERRUPT_MODE = 1 << 5;
    public static final int CQ_CAPS_2_ENTRY_SIZE_WORDS_MASK = 0x1F;

    public static final int DESTROY_CQ_IDX_OFFSET = 4;

    public static final int CONTROL_BUFFER_LENGTH_OFFSET = 4;
    public static final int CONTROL_BUFFER_ADDRESS_OFFSET = 8;
    public static final int FEATURE_FLAGS_OFFSET = 16;
    public static final int FEATURE_ID_OFFSET = 17;
    public static final int FEATURE_VERSION_OFFSET = 18;
    public static final int FEATURE_DATA_OFFSET = 20;
    public static final int SET_MTU_OFFSET = 20;
    public static final int SET_AENQ_SUPPORTED_GROUPS_OFFSET = 20;
    public static final int SET_AENQ_ENABLED_GROUPS_OFFSET = 24;
    public static final int FEATURE_SELECT_MASK = 0x3;
    public static final int FEATURE_SELECT_CURRENT = 1;

    public static final int GET_STATS_TYPE_OFFSET = 16;
    public static final int GET_STATS_SCOPE_OFFSET = 17;
    public static final int GET_STATS_QUEUE_IDX_OFFSET = 20;
    public static final int GET_STATS_DEVICE_ID_OFFSET = 22;
    public static final int GET_STATS_REQUESTED_METRICS_OFFSET = 24;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private MutableDirectBuffer buffer;
    private int offset;

    public AdminCommand wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    /** Zeroes the entry. */
    public AdminCommand clear()
    {
        buffer.setMemory(offset, LENGTH, (byte)0);
        return this;
    }

    /** Writes the common header: command id, opcode and the phase bit (other flags clear). */
    public AdminCommand header(final int commandId, final int opcode, final boolean phase)
    {
        buffer.putShort(offset + COMMAND_ID_OFFSET, (short)(commandId & COMMAND_ID_MASK), LE);
        buffer.putByte(offset + OPCODE_OFFSET, (byte)opcode);
        buffer.putByte(offset + FLAGS_OFFSET, (byte)(phase ? FLAG_PHASE : 0));
        return this;
    }

    public int commandId()
    {
        return buffer.getShort(offset + COMMAND_ID_OFFSET, LE) & COMMAND_ID_MASK;
    }

    public AdminCommand commandId(final int commandId)
    {
        buffer.putShort(offset + COMMAND_ID_OFFSET, (short)(commandId & COMMAND_ID_MASK), LE);
        return this;
    }

    public int opcode()
    {
        return buffer.getByte(offset + OPCODE_OFFSET) & 0xFF;
    }

    public AdminCommand opcode(final int opcode)
    {
        buffer.putByte(offset + OPCODE_OFFSET, (byte)opcode);
        return this;
    }

    public int flags()
    {
        return buffer.getByte(offset + FLAGS_OFFSET) & 0xFF;
    }

    public boolean phase()
    {
        return (flags() & FLAG_PHASE) != 0;
    }

    public AdminCommand phase(final boolean phase)
    {
        final int flags = flags();
        buffer.putByte(offset + FLAGS_OFFSET, (byte)(phase ? flags | FLAG_PHASE : flags & ~FLAG_PHASE));
        return this;
    }

    // ---- generic field access (the per-command offsets above) ----

    public int u8(final int fieldOffset)
    {
        return buffer.getByte(offset + fieldOffset) & 0xFF;
    }

    public AdminCommand u8(final int fieldOffset, final int value)
    {
        buffer.putByte(offset + fieldOffset, (byte)value);
        return this;
    }

    public int u16(final int fieldOffset)
    {
        return buffer.getShort(offset + fieldOffset, LE) & 0xFFFF;
    }

    public AdminCommand u16(final int fieldOffset, final int value)
    {
        buffer.putShort(offset + fieldOffset, (short)value, LE);
        return this;
    }

    public int u32(final int fieldOffset)
    {
        return buffer.getInt(offset + fieldOffset, LE);
    }

    public AdminCommand u32(final int fieldOffset, final int value)
    {
        buffer.putInt(offset + fieldOffset, value, LE);
        return this;
    }

    public long u64(final int fieldOffset)
    {
        return buffer.getLong(offset + fieldOffset, LE);
    }

    public long address(final int fieldOffset)
    {
        return EnaMemAddress.get(buffer, offset + fieldOffset);
    }

    public AdminCommand address(final int fieldOffset, final long address)
    {
        EnaMemAddress.put(buffer, offset + fieldOffset, address);
        return this;
    }

    // ---- command builders (the reference driver and tests use them) ----

    public AdminCommand createCq(final boolean interruptMode, final int entrySizeWords, final int depth,
        final int msixVector, final long baseAddress)
    {
        u8(CREATE_CQ_CAPS_1_OFFSET, interruptMode ? CQ_CAPS_1_INTERRUPT_MODE : 0);
        u8(CREATE_CQ_CAPS_2_OFFSET, entrySizeWords & CQ_CAPS_2_ENTRY_SIZE_WORDS_MASK);
        u16(CREATE_CQ_DEPTH_OFFSET, depth);
        u32(CREATE_CQ_MSIX_VECTOR_OFFSET, msixVector);
        return address(CREATE_CQ_BASE_OFFSET, baseAddress);
    }

    public AdminCommand createSq(final int direction, final int placementPolicy, final int completionPolicy,
        final int cqIdx, final int depth, final long baseAddress)
    {
        u8(CREATE_SQ_IDENTITY_OFFSET, direction << SQ_DIRECTION_SHIFT);
        u8(CREATE_SQ_CAPS_2_OFFSET, (placementPolicy & PLACEMENT_POLICY_MASK)
            | ((completionPolicy << COMPLETION_POLICY_SHIFT) & COMPLETION_POLICY_MASK));
        u8(CREATE_SQ_CAPS_3_OFFSET, SQ_CAPS_3_PHYSICALLY_CONTIGUOUS);
        u16(CREATE_SQ_CQ_IDX_OFFSET, cqIdx);
        u16(CREATE_SQ_DEPTH_OFFSET, depth);
        return address(CREATE_SQ_BASE_OFFSET, baseAddress);
    }

    public AdminCommand destroySq(final int sqIdx, final int direction)
    {
        u16(DESTROY_SQ_IDX_OFFSET, sqIdx);
        return u8(DESTROY_SQ_IDENTITY_OFFSET, direction << SQ_DIRECTION_SHIFT);
    }

    public AdminCommand destroyCq(final int cqIdx)
    {
        return u16(DESTROY_CQ_IDX_OFFSET, cqIdx);
    }

    public AdminCommand feature(final int featureId)
    {
        u8(FEATURE_FLAGS_OFFSET, FEATURE_SELECT_CURRENT);
        return u8(FEATURE_ID_OFFSET, featureId);
    }

    public AdminCommand getStats(final int type)
    {
        u8(GET_STATS_TYPE_OFFSET, type);
        u8(GET_STATS_SCOPE_OFFSET, EnaAdmin.STATS_SCOPE_ETH_TRAFFIC);
        return u16(GET_STATS_DEVICE_ID_OFFSET, EnaAdmin.STATS_DEVICE_ID_MINE);
    }

    public int sqDirection()
    {
        return (u8(CREATE_SQ_IDENTITY_OFFSET) & SQ_DIRECTION_MASK) >>> SQ_DIRECTION_SHIFT;
    }
}
