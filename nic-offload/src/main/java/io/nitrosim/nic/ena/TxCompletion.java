package io.nitrosim.nic.ena;

import java.nio.ByteOrder;

import org.agrona.MutableDirectBuffer;

import io.nitrosim.pci.queue.PhaseTag;

/**
 * An 8-byte ENA TX completion (ena_eth_io_tx_cdesc), as a flyweight. Little-endian.
 * <pre>
 *  0  req_id       u16  req_id of the completed frame (from its first descriptor)
 *  2  status       u8   0 = sent; this model's error codes: {@link #STATUS_MALFORMED}, {@link #STATUS_DMA_ERROR}
 *  3  flags        u8   phase[0]
 *  4  sub_qid      u16  0
 *  6  sq_head_idx  u16  the SQ head after this frame (16-bit running counter)
 * </pre>
 * ENA defines the status byte but publishes no values; the two non-zero codes are this simulator's (see
 * docs/ena.md): the frame was dropped and its buffers may be reused.
 */
public final class TxCompletion
{
    public static final int LENGTH = 8;
    /** cq_entry_size_words of a TX completion queue. */
    public static final int ENTRY_SIZE_WORDS = LENGTH / 4;
    public static final int REQ_ID_OFFSET = 0;
    public static final int STATUS_OFFSET = 2;
    public static final int FLAGS_OFFSET = 3;
    public static final int SUB_QID_OFFSET = 4;
    public static final int SQ_HEAD_IDX_OFFSET = 6;
    public static final int FLAG_PHASE = 1;
    /** Where a completion keeps its phase tag, for the driver's completion queue reader. */
    public static final PhaseTag PHASE_TAG = new PhaseTag(FLAGS_OFFSET & ~3, FLAG_PHASE << (8 * (FLAGS_OFFSET & 3)));

    public static final int STATUS_OK = 0;
    /** A descriptor of length 0, or a frame longer than MTU + 14 or shorter than its Ethernet and IPv4 headers. */
    public static final int STATUS_MALFORMED = 1;
    /** The IOMMU refused a buffer of the frame. */
    public static final int STATUS_DMA_ERROR = 2;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private MutableDirectBuffer buffer;
    private int offset;

    public TxCompletion wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /** Writes the whole entry (sub_qid 0). */
    public TxCompletion set(final int reqId, final int status, final boolean phase, final int sqHead)
    {
        buffer.putShort(offset + REQ_ID_OFFSET, (short)reqId, LE);
        buffer.putByte(offset + STATUS_OFFSET, (byte)status);
        buffer.putByte(offset + FLAGS_OFFSET, (byte)(phase ? FLAG_PHASE : 0));
        buffer.putShort(offset + SUB_QID_OFFSET, (short)0, LE);
        buffer.putShort(offset + SQ_HEAD_IDX_OFFSET, (short)sqHead, LE);
        return this;
    }

    public int reqId()
    {
        return buffer.getShort(offset + REQ_ID_OFFSET, LE) & 0xFFFF;
    }

    public int status()
    {
        return buffer.getByte(offset + STATUS_OFFSET) & 0xFF;
    }

    public boolean phase()
    {
        return (buffer.getByte(offset + FLAGS_OFFSET) & FLAG_PHASE) != 0;
    }

    public int subQid()
    {
        return buffer.getShort(offset + SUB_QID_OFFSET, LE) & 0xFFFF;
    }

    public int sqHead()
    {
        return buffer.getShort(offset + SQ_HEAD_IDX_OFFSET, LE) & 0xFFFF;
    }
}
