package io.nitrosim.ebs.nvme;

import org.agrona.concurrent.AtomicBuffer;

/**
 * The NVMe controller registers at the start of BAR0 (NVMe Base Specification, "Controller Registers"), as a
 * flyweight over the BAR's register file, which the controller reads and writes through it. The spec's registers
 * are little-endian; the accessors are whole-register volatile accesses in the platform's byte order, as every
 * {@code BarRegisterFile} stores them (the host reads registers as values through MMIO, never as bytes), which
 * is the spec's byte layout on the little-endian platforms the simulator runs on (pinned by NvmeLayoutTest).
 * <pre>
 * offset  register  width  fields
 * 0x00    CAP       64     MQES[15:0] (max queue entries, 0-based), CQR[16] (contiguous queues required),
 *                          AMS[18:17], TO[31:24] (ready timeout, 500 ms units), DSTRD[35:32] (doorbell stride:
 *                          4 << DSTRD bytes), NSSRS[36], CSS[44:37] (bit 37: NVM command set), BPS[45],
 *                          MPSMIN[51:48], MPSMAX[55:52] (page size 2^(12+MPS)), CMBS[57]
 * 0x08    VS        32     MJR[31:16], MNR[15:8], TER[7:0]
 * 0x0C    INTMS     32     interrupt mask set (pin/MSI only; reserved with MSI-X)
 * 0x10    INTMC     32     interrupt mask clear
 * 0x14    CC        32     EN[0], CSS[6:4], MPS[10:7], AMS[13:11], SHN[15:14], IOSQES[19:16], IOCQES[23:20]
 * 0x1C    CSTS      32     RDY[0], CFS[1], SHST[3:2], NSSRO[4], PP[5]
 * 0x20    NSSR      32     write 0x4E564D65 ("NVMe") for a subsystem reset
 * 0x24    AQA       32     ASQS[11:0], ACQS[27:16] (admin queue sizes, 0-based)
 * 0x28    ASQ       64     admin SQ base, 4 KiB aligned (bits 11:0 reserved)
 * 0x30    ACQ       64     admin CQ base, 4 KiB aligned
 * 0x1000  doorbells        SQ y tail at 0x1000 + (2y) * (4 << DSTRD), CQ y head at 0x1000 + (2y + 1) * (4 << DSTRD)
 * </pre>
 */
public final class NvmeRegisters
{
    public static final int CAP_OFFSET = 0x00;
    public static final int VS_OFFSET = 0x08;
    public static final int INTMS_OFFSET = 0x0C;
    public static final int INTMC_OFFSET = 0x10;
    public static final int CC_OFFSET = 0x14;
    public static final int CSTS_OFFSET = 0x1C;
    public static final int NSSR_OFFSET = 0x20;
    public static final int AQA_OFFSET = 0x24;
    public static final int ASQ_OFFSET = 0x28;
    public static final int ACQ_OFFSET = 0x30;
    public static final int DOORBELL_BASE_OFFSET = 0x1000;
    /** Bytes of the register block before the doorbells. */
    public static final int REGISTERS_LENGTH = 0x1000;

    // CAP
    public static final long CAP_MQES_MASK = 0xFFFFL;
    public static final int CAP_CQR_SHIFT = 16;
    public static final int CAP_AMS_SHIFT = 17;
    public static final int CAP_TO_SHIFT = 24;
    public static final long CAP_TO_MASK = 0xFFL;
    public static final int CAP_DSTRD_SHIFT = 32;
    public static final long CAP_DSTRD_MASK = 0xFL;
    public static final int CAP_NSSRS_SHIFT = 36;
    public static final int CAP_CSS_SHIFT = 37;
    /** CAP.CSS bit for the NVM command set. */
    public static final long CAP_CSS_NVM = 1L;
    public static final int CAP_BPS_SHIFT = 45;
    public static final int CAP_MPSMIN_SHIFT = 48;
    public static final int CAP_MPSMAX_SHIFT = 52;
    public static final long CAP_MPS_MASK = 0xFL;
    public static final int CAP_CMBS_SHIFT = 57;

    // CC
    public static final int CC_EN = 1;
    public static final int CC_CSS_SHIFT = 4;
    public static final int CC_CSS_MASK = 0x7;
    public static final int CC_MPS_SHIFT = 7;
    public static final int CC_MPS_MASK = 0xF;
    public static final int CC_AMS_SHIFT = 11;
    public static final int CC_AMS_MASK = 0x7;
    public static final int CC_SHN_SHIFT = 14;
    public static final int CC_SHN_MASK = 0x3;
    public static final int CC_SHN_NONE = 0;
    public static final int CC_SHN_NORMAL = 1;
    public static final int CC_SHN_ABRUPT = 2;
    public static final int CC_IOSQES_SHIFT = 16;
    public static final int CC_IOCQES_SHIFT = 20;
    public static final int CC_QES_MASK = 0xF;

    // CSTS
    public static final int CSTS_RDY = 1;
    public static final int CSTS_CFS = 1 << 1;
    public static final int CSTS_SHST_SHIFT = 2;
    public static final int CSTS_SHST_MASK = 0x3;
    public static final int CSTS_SHST_NORMAL = 0;
    public static final int CSTS_SHST_OCCURRING = 1;
    public static final int CSTS_SHST_COMPLETE = 2;
    public static final int CSTS_NSSRO = 1 << 4;
    public static final int CSTS_PP = 1 << 5;

    // AQA
    public static final int AQA_ASQS_MASK = 0xFFF;
    public static final int AQA_ACQS_SHIFT = 16;

    /** NSSR value that requests an NVM subsystem reset ("NVMe"). */
    public static final int NSSR_RESET_VALUE = 0x4E564D65;
    /** SQ entry size 2^6 = 64 B and CQ entry size 2^4 = 16 B, as CC.IOSQES / CC.IOCQES must select. */
    public static final int SQ_ENTRY_SIZE_SHIFT = 6;
    public static final int CQ_ENTRY_SIZE_SHIFT = 4;

    private AtomicBuffer buffer;
    private int offset;

    public NvmeRegisters wrap(final AtomicBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public long cap()
    {
        return buffer.getLongVolatile(offset + CAP_OFFSET);
    }

    public NvmeRegisters cap(final long value)
    {
        buffer.putLongVolatile(offset + CAP_OFFSET, value);
        return this;
    }

    public int vs()
    {
        return buffer.getIntVolatile(offset + VS_OFFSET);
    }

    public NvmeRegisters vs(final int value)
    {
        buffer.putIntVolatile(offset + VS_OFFSET, value);
        return this;
    }

    public int intms()
    {
        return buffer.getIntVolatile(offset + INTMS_OFFSET);
    }

    public NvmeRegisters intms(final int value)
    {
        buffer.putIntVolatile(offset + INTMS_OFFSET, value);
        return this;
    }

    public int intmc()
    {
        return buffer.getIntVolatile(offset + INTMC_OFFSET);
    }

    public NvmeRegisters intmc(final int value)
    {
        buffer.putIntVolatile(offset + INTMC_OFFSET, value);
        return this;
    }

    public int cc()
    {
        return buffer.getIntVolatile(offset + CC_OFFSET);
    }

    public NvmeRegisters cc(final int value)
    {
        buffer.putIntVolatile(offset + CC_OFFSET, value);
        return this;
    }

    public int csts()
    {
        return buffer.getIntVolatile(offset + CSTS_OFFSET);
    }

    public NvmeRegisters csts(final int value)
    {
        buffer.putIntVolatile(offset + CSTS_OFFSET, value);
        return this;
    }

    public int aqa()
    {
        return buffer.getIntVolatile(offset + AQA_OFFSET);
    }

    public NvmeRegisters aqa(final int value)
    {
        buffer.putIntVolatile(offset + AQA_OFFSET, value);
        return this;
    }

    public long asq()
    {
        return buffer.getLongVolatile(offset + ASQ_OFFSET);
    }

    public NvmeRegisters asq(final long value)
    {
        buffer.putLongVolatile(offset + ASQ_OFFSET, value);
        return this;
    }

    public long acq()
    {
        return buffer.getLongVolatile(offset + ACQ_OFFSET);
    }

    public NvmeRegisters acq(final long value)
    {
        buffer.putLongVolatile(offset + ACQ_OFFSET, value);
        return this;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Field helpers

    /**
     * Encodes CAP.
     *
     * @param maxQueueEntries   largest queue size supported, 2..65536 (stored 0-based in MQES).
     * @param contiguousQueues  CQR.
     * @param timeout500ms      TO: worst-case time to CSTS.RDY in 500 ms units.
     * @param doorbellStride    DSTRD: doorbells are {@code 4 << DSTRD} bytes apart.
     * @param mpsMin            MPSMIN: smallest page size 2^(12 + mpsMin).
     * @param mpsMax            MPSMAX.
     */
    public static long encodeCap(
        final int maxQueueEntries,
        final boolean contiguousQueues,
        final int timeout500ms,
        final int doorbellStride,
        final int mpsMin,
        final int mpsMax)
    {
        return ((maxQueueEntries - 1) & CAP_MQES_MASK)
            | (contiguousQueues ? 1L << CAP_CQR_SHIFT : 0)
            | ((timeout500ms & CAP_TO_MASK) << CAP_TO_SHIFT)
            | ((doorbellStride & CAP_DSTRD_MASK) << CAP_DSTRD_SHIFT)
            | (CAP_CSS_NVM << CAP_CSS_SHIFT)
            | ((mpsMin & CAP_MPS_MASK) << CAP_MPSMIN_SHIFT)
            | ((mpsMax & CAP_MPS_MASK) << CAP_MPSMAX_SHIFT);
    }

    /** Largest queue size (MQES + 1). */
    public static int capMaxQueueEntries(final long cap)
    {
        return (int)(cap & CAP_MQES_MASK) + 1;
    }

    public static int capTimeout500ms(final long cap)
    {
        return (int)((cap >>> CAP_TO_SHIFT) & CAP_TO_MASK);
    }

    public static int capDoorbellStride(final long cap)
    {
        return (int)((cap >>> CAP_DSTRD_SHIFT) & CAP_DSTRD_MASK);
    }

    public static int capMpsMin(final long cap)
    {
        return (int)((cap >>> CAP_MPSMIN_SHIFT) & CAP_MPS_MASK);
    }

    public static int capMpsMax(final long cap)
    {
        return (int)((cap >>> CAP_MPSMAX_SHIFT) & CAP_MPS_MASK);
    }

    public static int encodeVersion(final int major, final int minor, final int tertiary)
    {
        return (major << 16) | (minor << 8) | tertiary;
    }

    public static boolean ccEnabled(final int cc)
    {
        return (cc & CC_EN) != 0;
    }

    /** Memory page size selected by CC.MPS: 2^(12 + MPS) bytes. */
    public static int ccPageSize(final int cc)
    {
        return 1 << (12 + ((cc >>> CC_MPS_SHIFT) & CC_MPS_MASK));
    }

    public static int ccShutdownNotification(final int cc)
    {
        return (cc >>> CC_SHN_SHIFT) & CC_SHN_MASK;
    }

    public static int ccCommandSet(final int cc)
    {
        return (cc >>> CC_CSS_SHIFT) & CC_CSS_MASK;
    }

    /** CC.IOSQES: I/O SQ entry size as a power of two. */
    public static int ccIoSqEntrySizeShift(final int cc)
    {
        return (cc >>> CC_IOSQES_SHIFT) & CC_QES_MASK;
    }

    /** CC.IOCQES: I/O CQ entry size as a power of two. */
    public static int ccIoCqEntrySizeShift(final int cc)
    {
        return (cc >>> CC_IOCQES_SHIFT) & CC_QES_MASK;
    }

    public static int encodeCsts(final boolean ready, final boolean fatal, final int shutdownStatus)
    {
        return (ready ? CSTS_RDY : 0) | (fatal ? CSTS_CFS : 0) | ((shutdownStatus & CSTS_SHST_MASK) << CSTS_SHST_SHIFT);
    }

    /** Admin SQ size in entries (ASQS + 1). */
    public static int aqaSubmissionQueueEntries(final int aqa)
    {
        return (aqa & AQA_ASQS_MASK) + 1;
    }

    /** Admin CQ size in entries (ACQS + 1). */
    public static int aqaCompletionQueueEntries(final int aqa)
    {
        return ((aqa >>> AQA_ACQS_SHIFT) & AQA_ASQS_MASK) + 1;
    }

    public static int encodeAqa(final int sqEntries, final int cqEntries)
    {
        return ((sqEntries - 1) & AQA_ASQS_MASK) | (((cqEntries - 1) & AQA_ASQS_MASK) << AQA_ACQS_SHIFT);
    }

    /** BAR0 offset of submission queue {@code queueId}'s tail doorbell. */
    public static int sqTailDoorbellOffset(final int queueId, final int doorbellStride)
    {
        return DOORBELL_BASE_OFFSET + (2 * queueId) * (4 << doorbellStride);
    }

    /** BAR0 offset of completion queue {@code queueId}'s head doorbell. */
    public static int cqHeadDoorbellOffset(final int queueId, final int doorbellStride)
    {
        return DOORBELL_BASE_OFFSET + (2 * queueId + 1) * (4 << doorbellStride);
    }

    /** Queue id a doorbell offset belongs to, or -1 if the offset is not a doorbell. */
    public static int doorbellQueueId(final int barOffset, final int doorbellStride)
    {
        final int index = doorbellIndex(barOffset, doorbellStride);
        return index < 0 ? -1 : index >>> 1;
    }

    /** Whether a doorbell offset is a CQ head doorbell (else an SQ tail doorbell). */
    public static boolean isCompletionQueueDoorbell(final int barOffset, final int doorbellStride)
    {
        final int index = doorbellIndex(barOffset, doorbellStride);
        return index >= 0 && (index & 1) == 1;
    }

    private static int doorbellIndex(final int barOffset, final int doorbellStride)
    {
        final int relative = barOffset - DOORBELL_BASE_OFFSET;
        final int stride = 4 << doorbellStride;
        if (relative < 0 || relative % stride != 0)
        {
            return -1;
        }
        return relative / stride;
    }
}
