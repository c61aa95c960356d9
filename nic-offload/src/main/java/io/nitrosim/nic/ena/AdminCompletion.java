package io.nitrosim.nic.ena;

import java.nio.ByteOrder;

import org.agrona.MutableDirectBuffer;

import io.nitrosim.pci.queue.PhaseTag;

/**
 * A 64-byte admin completion queue entry (ena_admin_acq_entry and the response layouts of Linux
 * {@code ena_admin_defs.h}), as a flyweight. Little-endian.
 * <pre>
 * common
 *   0  command          u16   command_id[11:0] of the command it completes
 *   2  status           u8    {@link EnaAdmin} completion status
 *   3  flags            u8    phase[0]
 *   4  extended_status  u16
 *   6  sq_head_indx     u16   admin SQ entries the device has consumed (running counter)
 * CREATE_SQ response
 *   8  sq_idx u16, 12 sq_doorbell_offset u32 (in BAR0), 16 llq_descriptors_offset u32, 20 llq_headers_offset u32
 * CREATE_CQ response
 *   8  cq_idx u16, 10 cq_actual_depth u16, 12 numa_node_register_offset u32, 16 cq_head_db_register_offset u32
 *      (0: none), 20 cq_interrupt_unmask_register_offset u32
 * GET_FEATURE DEVICE_ATTRIBUTES
 *   8  impl_id, 12 device_version, 16 supported_features (bitmap of feature ids), 20 capabilities (bitmap),
 *  24  phys_addr_width, 28 virt_addr_width, 32 mac_addr[6] (network order), 40 max_mtu     (all u32)
 * GET_FEATURE MAX_QUEUES_NUM
 *   8  max_sq_num, 12 max_sq_depth, 16 max_cq_num, 20 max_cq_depth, 24 max_legacy_llq_num,
 *  28  max_legacy_llq_depth, 32 max_header_size (u32), 36 max_packet_tx_descs u16, 38 max_packet_rx_descs u16
 * GET_FEATURE MTU: 8 mtu u32.   GET_FEATURE AENQ_CONFIG: 8 supported_groups, 12 enabled_groups
 * GET_STATS BASIC (u64 each): 8 tx_bytes, 16 tx_pkts, 24 rx_bytes, 32 rx_pkts, 40 rx_drops, 48 tx_drops,
 *  56 rx_overruns
 * GET_STATS ENI (u64 each): 8 bw_in_allowance_exceeded, 16 bw_out_allowance_exceeded,
 *  24 pps_allowance_exceeded, 32 conntrack_allowance_exceeded, 40 linklocal_allowance_exceeded
 * </pre>
 */
public final class AdminCompletion
{
    public static final int LENGTH = EnaAdmin.ENTRY_SIZE_BYTES;
    public static final int COMMAND_OFFSET = 0;
    public static final int STATUS_OFFSET = 2;
    public static final int FLAGS_OFFSET = 3;
    public static final int EXTENDED_STATUS_OFFSET = 4;
    public static final int SQ_HEAD_OFFSET = 6;
    public static final int DATA_OFFSET = 8;
    public static final int FLAG_PHASE = 1;
    /** Where an entry keeps its phase tag, for the driver's queue reader. */
    public static final PhaseTag PHASE_TAG = new PhaseTag(FLAGS_OFFSET & ~3, FLAG_PHASE << (8 * (FLAGS_OFFSET & 3)));

    public static final int CREATE_SQ_IDX_OFFSET = 8;
    public static final int CREATE_SQ_DOORBELL_OFFSET_OFFSET = 12;
    public static final int CREATE_SQ_LLQ_DESCRIPTORS_OFFSET = 16;
    public static final int CREATE_SQ_LLQ_HEADERS_OFFSET = 20;

    public static final int CREATE_CQ_IDX_OFFSET = 8;
    public static final int CREATE_CQ_ACTUAL_DEPTH_OFFSET = 10;
    public static final int CREATE_CQ_NUMA_REGISTER_OFFSET = 12;
    public static final int CREATE_CQ_HEAD_DB_REGISTER_OFFSET = 16;
    public static final int CREATE_CQ_UNMASK_REGISTER_OFFSET = 20;

    public static final int DEV_ATTR_IMPL_ID_OFFSET = 8;
    public static final int DEV_ATTR_DEVICE_VERSION_OFFSET = 12;
    public static final int DEV_ATTR_SUPPORTED_FEATURES_OFFSET = 16;
    public static final int DEV_ATTR_CAPABILITIES_OFFSET = 20;
    public static final int DEV_ATTR_PHYS_ADDR_WIDTH_OFFSET = 24;
    public static final int DEV_ATTR_VIRT_ADDR_WIDTH_OFFSET = 28;
    public static final int DEV_ATTR_MAC_OFFSET = 32;
    public static final int DEV_ATTR_MAX_MTU_OFFSET = 40;

    public static final int MAX_QUEUES_SQ_NUM_OFFSET = 8;
    public static final int MAX_QUEUES_SQ_DEPTH_OFFSET = 12;
    public static final int MAX_QUEUES_CQ_NUM_OFFSET = 16;
    public static final int MAX_QUEUES_CQ_DEPTH_OFFSET = 20;
    public static final int MAX_QUEUES_LLQ_NUM_OFFSET = 24;
    public static final int MAX_QUEUES_LLQ_DEPTH_OFFSET = 28;
    public static final int MAX_QUEUES_HEADER_SIZE_OFFSET = 32;
    public static final int MAX_QUEUES_PACKET_TX_DESCS_OFFSET = 36;
    public static final int MAX_QUEUES_PACKET_RX_DESCS_OFFSET = 38;

    public static final int MTU_OFFSET = 8;
    public static final int AENQ_SUPPORTED_GROUPS_OFFSET = 8;
    public static final int AENQ_ENABLED_GROUPS_OFFSET = 12;

    public static final int BASIC_TX_BYTES_OFFSET = 8;
    public static final int BASIC_TX_PKTS_OFFSET = 16;
    public static final int BASIC_RX_BYTES_OFFSET = 24;
    public static final int BASIC_RX_PKTS_OFFSET = 32;
    public static final int BASIC_RX_DROPS_OFFSET = 40;
    public static final int BASIC_TX_DROPS_OFFSET = 48;
    public static final int BASIC_RX_OVERRUNS_OFFSET = 56;
    /** ENI statistic i (0 bw_in .. 4 linklocal) is the u64 at ENI_STATS_OFFSET + 8 * i. */
    public static final int ENI_STATS_OFFSET = 8;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private MutableDirectBuffer buffer;
    private int offset;

    public AdminCompletion wrap(final MutableDirectBuffer buffer, final int offset)
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

    public AdminCompletion clear()
    {
        buffer.setMemory(offset, LENGTH, (byte)0);
        return this;
    }

    /** Writes the common part; response data is written with the field setters. */
    public AdminCompletion header(final int commandId, final int status, final boolean phase, final int sqHead)
    {
        buffer.putShort(offset + COMMAND_OFFSET, (short)(commandId & AdminCommand.COMMAND_ID_MASK), LE);
        buffer.putByte(offset + STATUS_OFFSET, (byte)status);
        buffer.putByte(offset + FLAGS_OFFSET, (byte)(phase ? FLAG_PHASE : 0));
        buffer.putShort(offset + EXTENDED_STATUS_OFFSET, (short)0, LE);
        buffer.putShort(offset + SQ_HEAD_OFFSET, (short)sqHead, LE);
        return this;
    }

    public int commandId()
    {
        return buffer.getShort(offset + COMMAND_OFFSET, LE) & AdminCommand.COMMAND_ID_MASK;
    }

    public int status()
    {
        return buffer.getByte(offset + STATUS_OFFSET) & 0xFF;
    }

    public boolean phase()
    {
        return (buffer.getByte(offset + FLAGS_OFFSET) & FLAG_PHASE) != 0;
    }

    public int extendedStatus()
    {
        return buffer.getShort(offset + EXTENDED_STATUS_OFFSET, LE) & 0xFFFF;
    }

    public int sqHead()
    {
        return buffer.getShort(offset + SQ_HEAD_OFFSET, LE) & 0xFFFF;
    }

    public int u16(final int fieldOffset)
    {
        return buffer.getShort(offset + fieldOffset, LE) & 0xFFFF;
    }

    public AdminCompletion u16(final int fieldOffset, final int value)
    {
        buffer.putShort(offset + fieldOffset, (short)value, LE);
        return this;
    }

    public int u32(final int fieldOffset)
    {
        return buffer.getInt(offset + fieldOffset, LE);
    }

    public AdminCompletion u32(final int fieldOffset, final int value)
    {
        buffer.putInt(offset + fieldOffset, value, LE);
        return this;
    }

    public long u64(final int fieldOffset)
    {
        return buffer.getLong(offset + fieldOffset, LE);
    }

    public AdminCompletion u64(final int fieldOffset, final long value)
    {
        buffer.putLong(offset + fieldOffset, value, LE);
        return this;
    }

    /** The MAC of a DEVICE_ATTRIBUTES response as a 48-bit value (first byte most significant). */
    public long macAddress()
    {
        long mac = 0;
        for (int i = 0; i < 6; i++)
        {
            mac = (mac << 8) | (buffer.getByte(offset + DEV_ATTR_MAC_OFFSET + i) & 0xFF);
        }
        return mac;
    }

    public AdminCompletion macAddress(final long mac)
    {
        for (int i = 0; i < 6; i++)
        {
            buffer.putByte(offset + DEV_ATTR_MAC_OFFSET + i, (byte)(mac >>> (8 * (5 - i))));
        }
        return this;
    }

    /** ENI statistic {@code index} (0 bw_in_allowance_exceeded .. 4 linklocal_allowance_exceeded). */
    public long eniStat(final int index)
    {
        return u64(ENI_STATS_OFFSET + 8 * index);
    }
}
