package io.nitrosim.nic.ena;

import java.nio.ByteOrder;

import org.agrona.MutableDirectBuffer;

import io.nitrosim.pci.queue.PhaseTag;

/**
 * A 16-byte ENA RX completion (ena_eth_io_rx_cdesc_base), one per RX descriptor used, as a flyweight.
 * Little-endian.
 * <pre>
 *  0  status   u32  l3_proto_idx[4:0] (8 IPv4), src_vlan_cnt[6:5], l4_proto_idx[12:8] (12 TCP, 13 UDP),
 *                   l3_csum_err[13], l4_csum_err[14], ipv4_frag[15], l4_csum_checked[16], phase[24],
 *                   l3_csum2[25], first[26], last[27], buffer[30] (a buffer descriptor was used)
 *  4  length   u16  bytes of the frame in this buffer
 *  6  req_id   u16  the RX descriptor's req_id
 *  8  hash     u32  flow hash of the frame's 5-tuple
 * 12  sub_qid  u16
 * 14  offset   u8   where the data starts in the buffer (0)
 * </pre>
 * Parsing fields (protocol indexes) are valid only on the completion with {@code last}.
 */
public final class RxCompletion
{
    public static final int LENGTH = 16;
    /** cq_entry_size_words of an RX completion queue. */
    public static final int ENTRY_SIZE_WORDS = LENGTH / 4;
    public static final int STATUS_OFFSET = 0;
    public static final int LENGTH_OFFSET = 4;
    public static final int REQ_ID_OFFSET = 6;
    public static final int HASH_OFFSET = 8;
    public static final int SUB_QID_OFFSET = 12;
    public static final int DATA_OFFSET_OFFSET = 14;

    public static final int L3_PROTO_IDX_MASK = 0x1F;
    public static final int L4_PROTO_IDX_SHIFT = 8;
    public static final int L4_PROTO_IDX_MASK = 0x1F00;
    public static final int L3_CSUM_ERR = 1 << 13;
    public static final int L4_CSUM_ERR = 1 << 14;
    public static final int IPV4_FRAG = 1 << 15;
    public static final int L4_CSUM_CHECKED = 1 << 16;
    public static final int PHASE = 1 << 24;
    public static final int L3_CSUM2 = 1 << 25;
    public static final int FIRST = 1 << 26;
    public static final int LAST = 1 << 27;
    public static final int BUFFER = 1 << 30;
    /** Where a completion keeps its phase tag, for the driver's completion queue reader. */
    public static final PhaseTag PHASE_TAG = new PhaseTag(STATUS_OFFSET, PHASE);

    /** ena_eth_io_l3_proto_index / l4_proto_index values. */
    public static final int L3_PROTO_IPV4 = 8;
    public static final int L4_PROTO_TCP = 12;
    public static final int L4_PROTO_UDP = 13;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private MutableDirectBuffer buffer;
    private int offset;

    public RxCompletion wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * Writes the whole entry for one buffer of a frame (the buffer bit set, sub_qid and offset 0).
     *
     * @param protocolIndexes {@link #protocolIndexes}, valid on the frame's last buffer only (0 elsewhere).
     */
    public RxCompletion set(final int protocolIndexes, final boolean phase, final boolean first, final boolean last,
        final int length, final int reqId, final int hash)
    {
        final int status = BUFFER | protocolIndexes | (phase ? PHASE : 0) | (first ? FIRST : 0) | (last ? LAST : 0);
        buffer.putInt(offset + STATUS_OFFSET, status, LE);
        buffer.putShort(offset + LENGTH_OFFSET, (short)length, LE);
        buffer.putShort(offset + REQ_ID_OFFSET, (short)reqId, LE);
        buffer.putInt(offset + HASH_OFFSET, hash, LE);
        buffer.putShort(offset + SUB_QID_OFFSET, (short)0, LE);
        buffer.putByte(offset + DATA_OFFSET_OFFSET, (byte)0);
        buffer.putByte(offset + DATA_OFFSET_OFFSET + 1, (byte)0);
        return this;
    }

    /** The status bits of a frame's L3 and L4 protocol indexes ({@link #L3_PROTO_IPV4}, {@link #L4_PROTO_TCP}, ...). */
    public static int protocolIndexes(final int l3ProtoIdx, final int l4ProtoIdx)
    {
        return (l3ProtoIdx & L3_PROTO_IDX_MASK) | ((l4ProtoIdx << L4_PROTO_IDX_SHIFT) & L4_PROTO_IDX_MASK);
    }

    public int status()
    {
        return buffer.getInt(offset + STATUS_OFFSET, LE);
    }

    public boolean phase()
    {
        return (status() & PHASE) != 0;
    }

    public boolean first()
    {
        return (status() & FIRST) != 0;
    }

    public boolean last()
    {
        return (status() & LAST) != 0;
    }

    public int length()
    {
        return buffer.getShort(offset + LENGTH_OFFSET, LE) & 0xFFFF;
    }

    public int reqId()
    {
        return buffer.getShort(offset + REQ_ID_OFFSET, LE) & 0xFFFF;
    }

    public int hash()
    {
        return buffer.getInt(offset + HASH_OFFSET, LE);
    }

    public int l3ProtoIdx()
    {
        return status() & L3_PROTO_IDX_MASK;
    }

    public int l4ProtoIdx()
    {
        return (status() & L4_PROTO_IDX_MASK) >>> L4_PROTO_IDX_SHIFT;
    }
}
