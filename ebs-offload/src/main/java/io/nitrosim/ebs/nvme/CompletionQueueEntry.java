package io.nitrosim.ebs.nvme;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;

import io.nitrosim.pci.queue.PhaseTag;

/**
 * A 16-byte NVMe completion queue entry (NVMe Base Specification, "Completion Queue Entry"), as a flyweight.
 * Little-endian.
 * <pre>
 * offset  field
 *  0      DW0     command specific result (e.g. Number of Queues: NSQA[15:0] NCQA[31:16], 0-based; Abort: bit 0
 *                 IANP, 1 = the command was not aborted)
 *  4      DW1     reserved / command specific
 *  8      SQHD    u16 submission queue head pointer
 * 10      SQID    u16 submission queue the command came from
 * 12      CID     u16 command identifier
 * 14      STATUS  u16 P[0] phase tag, SC[8:1] status code, SCT[11:9] status code type, CRD[13:12],
 *                 M[14] more, DNR[15] do not retry
 * </pre>
 * The device writes DW0..CID first and the status/phase word last, with release ordering, so a host polling
 * the phase tag never sees a half-written entry ({@link #complete}).
 */
public final class CompletionQueueEntry
{
    public static final int LENGTH = 16;
    /** Abort's DW0 bit 0: set when the command was not aborted, clear when it was. */
    public static final int ABORT_NOT_ABORTED = 1;
    public static final int DW0_OFFSET = 0;
    public static final int DW1_OFFSET = 4;
    public static final int SQ_HEAD_OFFSET = 8;
    public static final int SQ_ID_OFFSET = 10;
    public static final int COMMAND_ID_OFFSET = 12;
    public static final int STATUS_OFFSET = 14;
    /** DW3 (CID + status) as one 32-bit word at offset 12. */
    public static final int DW3_OFFSET = 12;

    public static final int PHASE_BIT = 1;
    /** The status field sits above the phase bit. */
    public static final int STATUS_SHIFT = 1;
    /** Where an entry keeps its phase tag (bit 0 of the status word, bit 16 of DW3), for the host's CQ reader. */
    public static final PhaseTag PHASE_TAG = new PhaseTag(DW3_OFFSET, PHASE_BIT << (8 * (STATUS_OFFSET - DW3_OFFSET)));

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    public CompletionQueueEntry wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        return this;
    }

    public int dw0()
    {
        return buffer.getInt(offset + DW0_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public int dw1()
    {
        return buffer.getInt(offset + DW1_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public int sqHead()
    {
        return buffer.getShort(offset + SQ_HEAD_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    public int sqId()
    {
        return buffer.getShort(offset + SQ_ID_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    public int commandId()
    {
        return buffer.getShort(offset + COMMAND_ID_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    /** The raw 16-bit status word (phase in bit 0). */
    public int statusWord()
    {
        return buffer.getShort(offset + STATUS_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    public boolean phase()
    {
        return (statusWord() & PHASE_BIT) != 0;
    }

    /** The 15-bit status field ({@link NvmeStatus} encoding: SC | SCT << 8 | CRD << 11 | M << 13 | DNR << 14). */
    public int status()
    {
        return statusWord() >>> STATUS_SHIFT;
    }

    public boolean isSuccess()
    {
        return (status() & NvmeStatus.SCT_SC_MASK) == NvmeStatus.SUCCESS;
    }

    /**
     * Writes a whole entry: DW0, DW1 = 0, SQHD, SQID, then CID + status + phase as one 32-bit store, ordered after
     * the rest when the buffer is an {@link AtomicBuffer}.
     *
     * @param status an {@link NvmeStatus} value (15-bit status field).
     */
    public void complete(
        final int dw0, final int sqHead, final int sqId, final int commandId, final int status, final boolean phase)
    {
        mutableBuffer.putInt(offset + DW0_OFFSET, dw0, ByteOrder.LITTLE_ENDIAN);
        mutableBuffer.putInt(offset + DW1_OFFSET, 0, ByteOrder.LITTLE_ENDIAN);
        mutableBuffer.putShort(offset + SQ_HEAD_OFFSET, (short)sqHead, ByteOrder.LITTLE_ENDIAN);
        mutableBuffer.putShort(offset + SQ_ID_OFFSET, (short)sqId, ByteOrder.LITTLE_ENDIAN);
        final int dw3 = (commandId & 0xFFFF) | (statusWord(status, phase) << 16);
        if (mutableBuffer instanceof AtomicBuffer && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN)
        {
            ((AtomicBuffer)mutableBuffer).putIntRelease(offset + DW3_OFFSET, dw3);
        }
        else
        {
            mutableBuffer.putInt(offset + DW3_OFFSET, dw3, ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** Status word with the phase tag: {@code status << 1 | phase}. */
    public static int statusWord(final int status, final boolean phase)
    {
        return ((status << STATUS_SHIFT) | (phase ? PHASE_BIT : 0)) & 0xFFFF;
    }
}
