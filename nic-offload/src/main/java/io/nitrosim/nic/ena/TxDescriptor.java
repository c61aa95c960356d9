package io.nitrosim.nic.ena;

import java.nio.ByteOrder;

import org.agrona.MutableDirectBuffer;

/**
 * A 16-byte ENA TX descriptor (ena_eth_io_tx_desc), as a flyweight. Little-endian.
 * <pre>
 *  0  len_ctrl   u32  length[15:0] (buffer bytes), req_id_hi[21:16] (req_id bits 15:10), meta_desc[23],
 *                     phase[24], first[26], last[27], comp_req[28]
 *  4  meta_ctrl  u32  l3_proto_idx[3:0], DF[4], tso_en[7], l4_proto_idx[12:8], l3_csum_en[13], l4_csum_en[14],
 *                     ethernet_fcs_dis[15], l4_csum_partial[17], req_id_lo[31:22] (req_id bits 9:0)
 *  8  buff_addr_lo    u32  buffer address bits 31:0
 * 12  buff_addr_hi_hdr_sz u32  address bits 47:32 in [15:0], header_length[31:24] (LLQ only)
 * </pre>
 * A frame is one or more descriptors, the first with {@code first}, the last with {@code last}; the req_id of
 * the first descriptor identifies the frame in its TX completion (requested with {@code comp_req} on the first
 * descriptor). The phase bit is 1 on the ring's first lap and flips on every wrap.
 */
public final class TxDescriptor
{
    public static final int LENGTH = 16;
    public static final int LEN_CTRL_OFFSET = 0;
    public static final int META_CTRL_OFFSET = 4;
    public static final int BUFFER_ADDRESS_OFFSET = 8;
    public static final int ADDRESS_HI_HEADER_OFFSET = 12;

    public static final int LENGTH_MASK = 0xFFFF;
    public static final int REQ_ID_HI_SHIFT = 16;
    public static final int REQ_ID_HI_MASK = 0x3F_0000;
    public static final int META_DESC = 1 << 23;
    public static final int PHASE = 1 << 24;
    public static final int FIRST = 1 << 26;
    public static final int LAST = 1 << 27;
    public static final int COMP_REQ = 1 << 28;

    public static final int L3_PROTO_IDX_MASK = 0xF;
    public static final int DF = 1 << 4;
    public static final int TSO_EN = 1 << 7;
    public static final int L4_PROTO_IDX_SHIFT = 8;
    public static final int L4_PROTO_IDX_MASK = 0x1F00;
    public static final int L3_CSUM_EN = 1 << 13;
    public static final int L4_CSUM_EN = 1 << 14;
    public static final int ETHERNET_FCS_DIS = 1 << 15;
    public static final int L4_CSUM_PARTIAL = 1 << 17;
    public static final int REQ_ID_LO_SHIFT = 22;
    /** req_id bits 9:0 live in meta_ctrl[31:22], bits 15:10 in len_ctrl[21:16]. */
    public static final int REQ_ID_LO_BITS = 10;
    public static final int HEADER_LENGTH_SHIFT = 24;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private MutableDirectBuffer buffer;
    private int offset;

    public TxDescriptor wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int lenCtrl()
    {
        return buffer.getInt(offset + LEN_CTRL_OFFSET, LE);
    }

    public int metaCtrl()
    {
        return buffer.getInt(offset + META_CTRL_OFFSET, LE);
    }

    public int length()
    {
        return lenCtrl() & LENGTH_MASK;
    }

    public boolean phase()
    {
        return (lenCtrl() & PHASE) != 0;
    }

    public boolean first()
    {
        return (lenCtrl() & FIRST) != 0;
    }

    public boolean last()
    {
        return (lenCtrl() & LAST) != 0;
    }

    public boolean compReq()
    {
        return (lenCtrl() & COMP_REQ) != 0;
    }

    public boolean metaDesc()
    {
        return (lenCtrl() & META_DESC) != 0;
    }

    public int reqId()
    {
        return reqId(lenCtrl(), metaCtrl());
    }

    public static int reqId(final int lenCtrl, final int metaCtrl)
    {
        return ((lenCtrl & REQ_ID_HI_MASK) >>> REQ_ID_HI_SHIFT << REQ_ID_LO_BITS) | (metaCtrl >>> REQ_ID_LO_SHIFT);
    }

    public long bufferAddress()
    {
        return EnaMemAddress.get(buffer, offset + BUFFER_ADDRESS_OFFSET);
    }

    /**
     * Writes the whole descriptor.
     *
     * @param reqId    0..65535, split into req_id_hi/req_id_lo.
     * @param l3l4Meta meta_ctrl bits other than req_id (protocol indexes, DF; 0 for none).
     */
    public TxDescriptor set(final int length, final int reqId, final boolean phase, final boolean first,
        final boolean last, final boolean compReq, final int l3l4Meta, final long bufferAddress)
    {
        int lenCtrl = (length & LENGTH_MASK) | (((reqId >>> REQ_ID_LO_BITS) << REQ_ID_HI_SHIFT) & REQ_ID_HI_MASK);
        if (phase)
        {
            lenCtrl |= PHASE;
        }
        if (first)
        {
            lenCtrl |= FIRST;
        }
        if (last)
        {
            lenCtrl |= LAST;
        }
        if (compReq)
        {
            lenCtrl |= COMP_REQ;
        }
        buffer.putInt(offset + LEN_CTRL_OFFSET, lenCtrl, LE);
        buffer.putInt(offset + META_CTRL_OFFSET,
            (l3l4Meta & ((1 << REQ_ID_LO_SHIFT) - 1)) | (reqId << REQ_ID_LO_SHIFT), LE);
        buffer.putInt(offset + ADDRESS_HI_HEADER_OFFSET, 0, LE);
        EnaMemAddress.put(buffer, offset + BUFFER_ADDRESS_OFFSET, bufferAddress);
        return this;
    }
}
