package io.nitrosim.nic.ena;

/**
 * The ENA function's BAR0 register map (offsets and bit fields as published in Linux
 * {@code drivers/net/ethernet/amazon/ena/ena_regs_defs.h}), plus where this model places the per-queue
 * doorbells and the MSI-X table inside BAR0. All registers are 32-bit, little-endian.
 * <pre>
 * offset  register            access  fields
 *  0x00   VERSION             RO      minor[7:0], major[15:8] (ENA common spec version, 2.0 here)
 *  0x04   CONTROLLER_VERSION  RO      subminor[7:0], minor[15:8], major[23:16], impl_id[31:24]
 *  0x08   CAPS                RO      contiguous_queue_required[0], reset_timeout[5:1] (x 100 ms),
 *                                     dma_addr_width[15:8] (48), admin_cmd_to[19:16]
 *  0x0c   CAPS_EXT            RO      0
 *  0x10   AQ_BASE_LO          RW      admin submission queue base, bits 31:0
 *  0x14   AQ_BASE_HI          RW      bits 63:32
 *  0x18   AQ_CAPS             RW      aq_depth[15:0], aq_entry_size[31:16] (64)
 *  0x20   ACQ_BASE_LO         RW      admin completion queue base
 *  0x24   ACQ_BASE_HI         RW
 *  0x28   ACQ_CAPS            RW      acq_depth[15:0], acq_entry_size[31:16] (64)
 *  0x2c   AQ_DB               DB      admin SQ tail, a 16-bit running counter
 *  0x30   ACQ_TAIL            RO      completions the device has written (16-bit running counter)
 *  0x34   AENQ_CAPS           RW      aenq_depth[15:0], aenq_entry_size[31:16] (64)
 *  0x38   AENQ_BASE_LO        RW
 *  0x3c   AENQ_BASE_HI        RW
 *  0x40   AENQ_HEAD_DB        DB      consumed entries + depth: the device may write up to this count
 *  0x44   AENQ_TAIL           RO      events the device has written
 *  0x4c   INTR_MASK           RW      bit 0 masks the admin completion interrupt (admin polling mode)
 *  0x54   DEV_CTL             RW/N    dev_reset[0], aq_restart[1], quiescent[2], io_resume[3],
 *                                     reset_reason[31:28] (the driver says why it resets)
 *  0x58   DEV_STS             RO      ready[0], aq_restart_in_progress[1], aq_restart_finished[2],
 *                                     reset_in_progress[3], reset_finished[4], fatal_error[5]
 *  0x5c   MMIO_REG_READ       DB      req_id[15:0], reg_off[31:16]: the device DMA-writes
 *                                     {req_id u16, reg_off u16, value u32} to MMIO_RESP
 *  0x60   MMIO_RESP_LO        RW      where the read-less response goes
 *  0x64   MMIO_RESP_HI        RW
 * </pre>
 * This model's placement (ENA lets the device choose it and reports it in CREATE_SQ / CREATE_CQ responses):
 * <pre>
 *  0x1000 + 8 * sq_idx        TX SQ doorbell (tail, 16-bit running counter)
 *  0x1004 + 8 * sq_idx        RX SQ doorbell
 *  0x1800 + 4 * cq_idx        CQ interrupt unmask register (ena_eth_io_intr_reg: intr_unmask[30])
 *  0x2000                     MSI-X table (vector 0: admin + AENQ, 1..n: IO queue pairs)
 *  0x3000                     MSI-X PBA
 * </pre>
 */
public final class EnaRegisters
{
    /** BAR0: the register BAR (64-bit, non-prefetchable). */
    public static final int REGISTER_BAR = 0;
    public static final int REGISTER_BAR_SIZE_BYTES = 16 * 1024;

    public static final int VERSION = 0x00;
    public static final int CONTROLLER_VERSION = 0x04;
    public static final int CAPS = 0x08;
    public static final int CAPS_EXT = 0x0c;
    public static final int AQ_BASE_LO = 0x10;
    public static final int AQ_BASE_HI = 0x14;
    public static final int AQ_CAPS = 0x18;
    public static final int ACQ_BASE_LO = 0x20;
    public static final int ACQ_BASE_HI = 0x24;
    public static final int ACQ_CAPS = 0x28;
    public static final int AQ_DB = 0x2c;
    public static final int ACQ_TAIL = 0x30;
    public static final int AENQ_CAPS = 0x34;
    public static final int AENQ_BASE_LO = 0x38;
    public static final int AENQ_BASE_HI = 0x3c;
    public static final int AENQ_HEAD_DB = 0x40;
    public static final int AENQ_TAIL = 0x44;
    public static final int INTR_MASK = 0x4c;
    public static final int DEV_CTL = 0x54;
    public static final int DEV_STS = 0x58;
    public static final int MMIO_REG_READ = 0x5c;
    public static final int MMIO_RESP_LO = 0x60;
    public static final int MMIO_RESP_HI = 0x64;
    public static final int RSS_IND_ENTRY_UPDATE = 0x68;

    // VERSION / CONTROLLER_VERSION
    public static final int VERSION_MINOR_MASK = 0xff;
    public static final int VERSION_MAJOR_SHIFT = 8;
    public static final int VERSION_MAJOR_MASK = 0xff00;
    /** ENA common spec 2.0, as the Linux driver's ena_common_defs.h states it. */
    public static final int VERSION_VALUE = 2 << VERSION_MAJOR_SHIFT;
    public static final int CONTROLLER_VERSION_SUBMINOR_MASK = 0xff;
    public static final int CONTROLLER_VERSION_MINOR_SHIFT = 8;
    public static final int CONTROLLER_VERSION_MAJOR_SHIFT = 16;
    public static final int CONTROLLER_VERSION_IMPL_ID_SHIFT = 24;
    /** Controller 0.0.1 (the minimum the Linux driver accepts), implementation id 0. */
    public static final int CONTROLLER_VERSION_VALUE = 1;

    // CAPS
    public static final int CAPS_CONTIGUOUS_QUEUE_REQUIRED = 1;
    public static final int CAPS_RESET_TIMEOUT_SHIFT = 1;
    public static final int CAPS_RESET_TIMEOUT_MASK = 0x3e;
    public static final int CAPS_DMA_ADDR_WIDTH_SHIFT = 8;
    public static final int CAPS_DMA_ADDR_WIDTH_MASK = 0xff00;
    public static final int CAPS_ADMIN_CMD_TO_SHIFT = 16;
    public static final int CAPS_ADMIN_CMD_TO_MASK = 0xf0000;
    /** Units of CAPS.reset_timeout. */
    public static final long RESET_TIMEOUT_UNIT_NS = 100_000_000L;
    public static final int DMA_ADDRESS_WIDTH_BITS = 48;
    /** Largest guest-physical address a 48-bit DMA engine reaches, plus one. */
    public static final long DMA_ADDRESS_LIMIT = 1L << DMA_ADDRESS_WIDTH_BITS;

    // AQ_CAPS / ACQ_CAPS / AENQ_CAPS
    public static final int QUEUE_CAPS_DEPTH_MASK = 0xffff;
    public static final int QUEUE_CAPS_ENTRY_SIZE_SHIFT = 16;

    // INTR_MASK
    public static final int INTR_MASK_ADMIN = 1;

    // DEV_CTL
    public static final int DEV_CTL_DEV_RESET = 1;
    public static final int DEV_CTL_AQ_RESTART = 1 << 1;
    public static final int DEV_CTL_QUIESCENT = 1 << 2;
    public static final int DEV_CTL_IO_RESUME = 1 << 3;
    public static final int DEV_CTL_RESET_REASON_SHIFT = 28;
    public static final int DEV_CTL_RESET_REASON_MASK = 0xf000_0000;

    // DEV_STS
    public static final int DEV_STS_READY = 1;
    public static final int DEV_STS_AQ_RESTART_IN_PROGRESS = 1 << 1;
    public static final int DEV_STS_AQ_RESTART_FINISHED = 1 << 2;
    public static final int DEV_STS_RESET_IN_PROGRESS = 1 << 3;
    public static final int DEV_STS_RESET_FINISHED = 1 << 4;
    public static final int DEV_STS_FATAL_ERROR = 1 << 5;
    public static final int DEV_STS_QUIESCENT_STATE_IN_PROGRESS = 1 << 6;
    public static final int DEV_STS_QUIESCENT_STATE_ACHIEVED = 1 << 7;

    // MMIO_REG_READ
    public static final int MMIO_REG_READ_REQ_ID_MASK = 0xffff;
    public static final int MMIO_REG_READ_REG_OFF_SHIFT = 16;

    // Model placement
    public static final int SQ_DOORBELL_BASE = 0x1000;
    public static final int SQ_DOORBELL_STRIDE = 8;
    public static final int RX_SQ_DOORBELL_DELTA = 4;
    public static final int CQ_UNMASK_BASE = 0x1800;
    public static final int CQ_UNMASK_STRIDE = 4;
    /** intr_unmask bit of the unmask register value (ena_eth_io_intr_reg). */
    public static final int INTR_REG_UNMASK = 1 << 30;
    public static final int MSIX_TABLE_OFFSET = 0x2000;
    public static final int MSIX_PBA_OFFSET = 0x3000;
    /** Most IO queue pairs one function offers (limited by the doorbell and unmask regions). */
    public static final int MAX_QUEUE_PAIRS = 32;

    private EnaRegisters()
    {
    }

    /** Doorbell offset of TX SQ {@code sqIdx}. */
    public static int txSqDoorbell(final int sqIdx)
    {
        return SQ_DOORBELL_BASE + SQ_DOORBELL_STRIDE * sqIdx;
    }

    /** Doorbell offset of RX SQ {@code sqIdx}. */
    public static int rxSqDoorbell(final int sqIdx)
    {
        return SQ_DOORBELL_BASE + SQ_DOORBELL_STRIDE * sqIdx + RX_SQ_DOORBELL_DELTA;
    }

    /** Interrupt unmask register offset of CQ {@code cqIdx}. */
    public static int cqUnmask(final int cqIdx)
    {
        return CQ_UNMASK_BASE + CQ_UNMASK_STRIDE * cqIdx;
    }

    /** A queue caps register value: depth[15:0], entry size[31:16]. */
    public static int queueCaps(final int depth, final int entrySizeBytes)
    {
        return (depth & QUEUE_CAPS_DEPTH_MASK) | (entrySizeBytes << QUEUE_CAPS_ENTRY_SIZE_SHIFT);
    }
}
