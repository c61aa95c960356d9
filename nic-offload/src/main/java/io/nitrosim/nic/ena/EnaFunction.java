package io.nitrosim.nic.ena;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.card.FrameSink;
import io.nitrosim.nic.card.TxQueue;
import io.nitrosim.nic.flow.FlowKey;
import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.nic.shaping.EniCounters;
import io.nitrosim.nic.shaping.EniMeter;
import io.nitrosim.pci.DmaPort;
import io.nitrosim.pci.PciFunction;
import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.time.SimAgent;

/**
 * An Elastic Network Adapter virtual function (PCI 1d0f:ec20, class 0x020000) serving one ENI of a
 * {@link io.nitrosim.nic.card.VpcCard}: the guest's view of the VPC card. Register map in {@link EnaRegisters},
 * admin vocabulary in {@link EnaAdmin}, data-path layouts in {@link TxDescriptor}, {@link TxCompletion},
 * {@link RxDescriptor} and {@link RxCompletion}; behaviour described in docs/ena.md.
 * <p>
 * <b>Data path.</b> TX: on an SQ doorbell the device reads the descriptors by DMA, checks the chain, claims a
 * record in the ENI's card {@link TxQueue} (one per IO queue pair), DMA-reads the frame (or, in timing-only
 * mode, only its first {@code captureBytes}) straight into it, commits, and writes a TX completion. A full
 * TxQueue stops the SQ until the card has taken a frame: back-pressure reaches the guest's ring, nothing is
 * dropped. RX: the card delivers frames through this function's {@link FrameSink} into a bounded one-to-one
 * hand-off ring (the card may run on another thread); the device agent DMA-writes each frame into posted RX
 * buffers (several when a buffer is smaller than the frame) and writes one RX completion per buffer. No posted
 * buffer: the frame is dropped and counted in the ENI's {@code nic.rx_no_buffer_dropped}.
 * <p>
 * <b>Interrupts.</b> MSI-X vector 0 for admin completions and asynchronous events, vector {@code msix_vector}
 * (chosen by the driver at CREATE_CQ) per IO completion queue. IO vectors are one-shot, as ENA's: after a
 * message the vector stays quiet until the driver writes intr_unmask to a CQ's unmask register; completions
 * written meanwhile raise it at that moment. Every completion batch of a device pass raises a vector once.
 * <p>
 * <b>Errors</b> never throw: admin commands answer with ENA status codes, per-frame TX problems with a TX
 * completion status, and ring corruption with a fatal error (DEV_STS.fatal_error, an AENQ FATAL_ERROR event whose
 * syndrome is the ENA reset reason) after which the device does nothing until the driver resets it.
 * <p>
 * Threads: device state belongs to the function's agent; the card thread only writes the RX hand-off ring and
 * consumes the TX queues.
 */
public final class EnaFunction extends PciFunction
{
    public static final int VENDOR_ID = 0x1d0f;
    public static final int DEVICE_ID = 0xec20;
    public static final int CLASS_CODE_ETHERNET = 0x020000;
    /** MTU after reset, until SET_FEATURE MTU. */
    public static final int DEFAULT_MTU = 1500;
    public static final int MIN_MTU = 128;
    public static final int MAX_MTU = EthernetFrame.MAX_MTU;
    /** Most descriptors of one TX or RX frame (MAX_QUEUES_NUM max_packet_tx_descs / rx_descs). */
    public static final int MAX_PACKET_DESCS = 32;
    public static final int MAX_ADMIN_DEPTH = 4096;
    /** Groups the AENQ can report: LINK_CHANGE, FATAL_ERROR, KEEP_ALIVE. */
    public static final int AENQ_SUPPORTED_GROUPS =
        (1 << EnaAdmin.AENQ_LINK_CHANGE) | (1 << EnaAdmin.AENQ_FATAL_ERROR) | (1 << EnaAdmin.AENQ_KEEP_ALIVE);
    public static final int SUPPORTED_FEATURES = (1 << EnaAdmin.FEATURE_DEVICE_ATTRIBUTES)
        | (1 << EnaAdmin.FEATURE_MAX_QUEUES_NUM) | (1 << EnaAdmin.FEATURE_MTU) | (1 << EnaAdmin.FEATURE_AENQ_CONFIG);
    /** Bytes captured per frame in timing-only mode: Ethernet + IPv4 + TCP headers and a 32-byte stream header. */
    public static final int TIMING_ONLY_CAPTURE_BYTES = 128;

    private static final int DESC_CACHE_ENTRIES = 64;
    private static final int MIN_FRAME_BYTES = EthernetFrame.L4_OFFSET;
    private static final int MSG_TYPE_FRAME = 1;
    private static final int HANDOFF_HEADER = 4;

    private final Context ctx;
    private final EniPort port;
    private final EniCounters eniCounters;
    private final NanoClock clock;
    private final long mac;
    private final int maxPairs;
    private final int maxQueueDepth;
    private final int msixVectors;
    private final int captureBytes;
    private final TxQueue[] txQueues;
    private final Sq[] txSqs;
    private final Sq[] rxSqs;
    private final Cq[] cqs;
    private final Sq[] activeRx;
    private int activeRxCount;
    private int txRoundRobin;

    private final OneToOneRingBuffer handoff;
    private final RxSink rxSink = new RxSink();
    private final RxHandler rxHandler = new RxHandler();

    private final UnsafeBuffer command = new UnsafeBuffer(new byte[AdminCommand.LENGTH]);
    private final UnsafeBuffer response = new UnsafeBuffer(new byte[AdminCompletion.LENGTH]);
    private final UnsafeBuffer event = new UnsafeBuffer(new byte[AenqEntry.LENGTH]);
    private final UnsafeBuffer rxCompletionBuffer = new UnsafeBuffer(new byte[RxCompletion.LENGTH]);
    private final AdminCommand cmd = new AdminCommand();
    private final AdminCompletion resp = new AdminCompletion();
    private final AenqEntry aenqEntry = new AenqEntry();
    private final RxCompletion rxCompletion = new RxCompletion();
    private final EthernetFrame frame = new EthernetFrame();

    private final AtomicCounter txFrames;
    private final AtomicCounter txBytes;
    private final AtomicCounter txErrors;
    private final AtomicCounter txBlocked;
    private final AtomicCounter rxFrames;
    private final AtomicCounter rxBytes;
    private final AtomicCounter rxOverruns;
    private final AtomicCounter fatalErrors;
    private final AtomicCounter aenqDropped;
    private final AtomicCounter adminCommands;

    // Device state (agent thread).
    private boolean resetting;
    private boolean resetReleased;
    private long resetDoneAtNs;
    private boolean fatal;
    private int fatalReason = -1;
    private int lastDriverResetReason = -1;
    private int mtu = DEFAULT_MTU;

    private boolean adminConfigured;
    private boolean adminWork;
    private long aqBase;
    private int aqDepth;
    private int aqHead;
    private int aqTail;
    private long acqBase;
    private int acqDepth;
    private int acqTail;
    private boolean adminInterruptPending;

    private boolean aenqConfigured;
    private long aenqBase;
    private int aenqDepth;
    private int aenqTail;
    private int aenqLimit;
    private int aenqEnabledGroups;
    private long nextKeepAliveNs = SimAgent.NO_DEADLINE;
    private boolean aenqInterruptPending;

    private final boolean[] vectorArmed;
    private final boolean[] vectorPending;

    private EnaFunction(final Context ctx, final Builder builder)
    {
        super(builder);
        this.ctx = ctx;
        this.port = ctx.port;
        this.eniCounters = port.counters();
        this.clock = ctx.clock;
        this.mac = port.eni().mac();
        this.maxPairs = ctx.maxQueuePairs;
        this.maxQueueDepth = ctx.maxQueueDepth;
        this.msixVectors = maxPairs + 1;
        this.captureBytes = ctx.captureBytes;
        this.txQueues = new TxQueue[maxPairs];
        this.txSqs = new Sq[maxPairs];
        this.rxSqs = new Sq[maxPairs];
        this.activeRx = new Sq[maxPairs];
        this.cqs = new Cq[2 * maxPairs];
        for (int i = 0; i < maxPairs; i++)
        {
            txQueues[i] = port.addTxQueue(ctx.txQueueDepthFrames, captureBytes);
            txSqs[i] = new Sq(i, EnaAdmin.SQ_DIRECTION_TX);
            rxSqs[i] = new Sq(i, EnaAdmin.SQ_DIRECTION_RX);
        }
        for (int i = 0; i < cqs.length; i++)
        {
            cqs[i] = new Cq(i);
        }
        vectorArmed = new boolean[msixVectors];
        vectorPending = new boolean[msixVectors];
        java.util.Arrays.fill(vectorArmed, true);

        final int record = BitUtil.align(8 + HANDOFF_HEADER + captureBytes, 8);
        final int capacity = BitUtil.findNextPositivePowerOfTwo(Math.max(4096, record * ctx.rxHandoffFrames));
        handoff = new OneToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH)));

        final CounterRegistry r = ctx.registry;
        final MetricTags tags = MetricTags.of("instance", port.instance().instanceId(), "eni", port.eni().id());
        txFrames = EnaMeter.TX_FRAMES.newCounter(r, tags);
        txBytes = EnaMeter.TX_BYTES.newCounter(r, tags);
        txErrors = EnaMeter.TX_ERRORS.newCounter(r, tags);
        txBlocked = EnaMeter.TX_BLOCKED.newCounter(r, tags);
        rxFrames = EnaMeter.RX_FRAMES.newCounter(r, tags);
        rxBytes = EnaMeter.RX_BYTES.newCounter(r, tags);
        rxOverruns = EnaMeter.RX_OVERRUNS.newCounter(r, tags);
        fatalErrors = EnaMeter.FATAL_ERRORS.newCounter(r, tags);
        aenqDropped = EnaMeter.AENQ_DROPPED.newCounter(r, tags);
        adminCommands = EnaMeter.ADMIN_COMMANDS.newCounter(r, tags);
        port.sink(rxSink);
    }

    /** The configuration of the device of one ENI port (not to be confused with {@link PciFunction#builder()}). */
    public static Context context()
    {
        return new Context();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Accessors (diagnostics and tests; read them from the agent's thread or after a run)

    public EniPort port()
    {
        return port;
    }

    /** The card egress queue behind IO queue pair {@code i}'s TX SQ. */
    public TxQueue txQueue(final int i)
    {
        return txQueues[i];
    }

    public int maxQueuePairs()
    {
        return maxPairs;
    }

    public int captureBytes()
    {
        return captureBytes;
    }

    public int mtu()
    {
        return mtu;
    }

    public boolean isFatal()
    {
        return fatal;
    }

    /** ENA reset reason of the device's fatal error, -1 when none. */
    public int fatalResetReason()
    {
        return fatalReason;
    }

    /** The reset reason the driver wrote into DEV_CTL with its last reset, -1 before any. */
    public int lastDriverResetReason()
    {
        return lastDriverResetReason;
    }

    public long txFrames()
    {
        return txFrames.get();
    }

    public long txErrors()
    {
        return txErrors.get();
    }

    /** Times a TX SQ found its card queue full and stopped (back-pressure). */
    public long txBlocked()
    {
        return txBlocked.get();
    }

    public long rxFrames()
    {
        return rxFrames.get();
    }

    public long rxOverruns()
    {
        return rxOverruns.get();
    }

    public long aenqDropped()
    {
        return aenqDropped.get();
    }

    public long adminCommands()
    {
        return adminCommands.get();
    }

    // ---------------------------------------------------------------------------------------------------------
    // PciFunction hooks

    @Override
    protected void onDoorbell(final int barIndex, final int offset, final int value)
    {
        if (offset == EnaRegisters.DEV_CTL)
        {
            onDevCtl(value);
            return;
        }
        if (offset == EnaRegisters.MMIO_REG_READ)
        {
            readLess(value);
            return;
        }
        if (resetting || fatal)
        {
            return; // a device in reset or fatal error ignores its queues until the driver resets it
        }
        if (offset == EnaRegisters.AQ_DB)
        {
            aqTail = value & 0xFFFF;
            adminWork = true;
        }
        else if (offset == EnaRegisters.AENQ_HEAD_DB)
        {
            if (!aenqConfigured && !configureAenq())
            {
                return;
            }
            aenqLimit = value & 0xFFFF;
        }
        else if (offset >= EnaRegisters.SQ_DOORBELL_BASE && offset < EnaRegisters.CQ_UNMASK_BASE)
        {
            final int rel = offset - EnaRegisters.SQ_DOORBELL_BASE;
            final int idx = rel / EnaRegisters.SQ_DOORBELL_STRIDE;
            if (idx < maxPairs)
            {
                final Sq sq = (rel % EnaRegisters.SQ_DOORBELL_STRIDE) == 0 ? txSqs[idx] : rxSqs[idx];
                if (sq.inUse)
                {
                    sq.tail = value & 0xFFFF;
                }
            }
        }
        else if (offset >= EnaRegisters.CQ_UNMASK_BASE && offset < EnaRegisters.MSIX_TABLE_OFFSET)
        {
            final int idx = (offset - EnaRegisters.CQ_UNMASK_BASE) / EnaRegisters.CQ_UNMASK_STRIDE;
            if (idx < cqs.length && cqs[idx].inUse && (value & EnaRegisters.INTR_REG_UNMASK) != 0)
            {
                final int vector = cqs[idx].vector;
                if (vector > 0 && vector < msixVectors)
                {
                    vectorArmed[vector] = true;
                }
            }
        }
    }

    @Override
    protected void onReset()
    {
        clearState();
        resetting = false;
        resetReleased = false;
    }

    @Override
    protected int doDeviceWork()
    {
        final long nowNs = clock.nanoTime();
        int work = 0;
        if (resetting)
        {
            if (resetReleased && nowNs >= resetDoneAtNs)
            {
                resetting = false;
                resetReleased = false;
                registers(EnaRegisters.REGISTER_BAR).putInt(EnaRegisters.DEV_STS,
                    EnaRegisters.DEV_STS_READY | EnaRegisters.DEV_STS_RESET_FINISHED);
                work++;
            }
            work += handoff.read(rxHandler, ctx.rxBudget); // dropped: no queues
            return work;
        }
        if (adminWork && !fatal)
        {
            adminWork = false;
            work += processAdmin();
        }
        work += handoff.read(rxHandler, ctx.rxBudget);
        if (!fatal)
        {
            work += processTx();
            if (nowNs >= nextKeepAliveNs)
            {
                postKeepAlive(nowNs);
                nextKeepAliveNs = Math.max(nextKeepAliveNs + ctx.keepAliveIntervalNs, nowNs);
                work++;
            }
        }
        fireInterrupts();
        return work;
    }

    @Override
    protected long deviceNextDeadlineNs()
    {
        if (resetting)
        {
            return resetReleased ? resetDoneAtNs : SimAgent.NO_DEADLINE;
        }
        if (handoff.size() > 0 || (adminWork && !fatal))
        {
            return clock.nanoTime();
        }
        return fatal ? SimAgent.NO_DEADLINE : nextKeepAliveNs;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reset and fatal errors

    private void onDevCtl(final int value)
    {
        if ((value & EnaRegisters.DEV_CTL_DEV_RESET) != 0)
        {
            lastDriverResetReason = value >>> EnaRegisters.DEV_CTL_RESET_REASON_SHIFT;
            if (!resetting)
            {
                tracer().emit(TraceKind.RESET, -1, 1, lastDriverResetReason, 0, 0);
                clearState();
                resetting = true;
                resetReleased = false;
                registers(EnaRegisters.REGISTER_BAR).putInt(EnaRegisters.DEV_STS, EnaRegisters.DEV_STS_RESET_IN_PROGRESS);
            }
        }
        else if (resetting && !resetReleased)
        {
            resetReleased = true;
            resetDoneAtNs = clock.nanoTime() + ctx.resetDelayNs;
        }
    }

    private void clearState()
    {
        fatal = false;
        fatalReason = -1;
        mtu = DEFAULT_MTU;
        adminConfigured = false;
        adminWork = false;
        aqHead = 0;
        aqTail = 0;
        acqTail = 0;
        adminInterruptPending = false;
        aenqConfigured = false;
        aenqTail = 0;
        aenqLimit = 0;
        aenqEnabledGroups = 0;
        nextKeepAliveNs = SimAgent.NO_DEADLINE;
        aenqInterruptPending = false;
        for (final Sq sq : txSqs)
        {
            sq.free();
        }
        for (final Sq sq : rxSqs)
        {
            sq.free();
        }
        for (final Cq cq : cqs)
        {
            cq.free();
        }
        activeRxCount = 0;
        java.util.Arrays.fill(vectorArmed, true);
        java.util.Arrays.fill(vectorPending, false);
    }

    /** Enters the fatal state: DEV_STS.fatal_error, an AENQ FATAL_ERROR event, no more work until reset. */
    private void fatal(final int reason)
    {
        if (fatal || resetting)
        {
            return;
        }
        fatal = true;
        fatalReason = reason;
        fatalErrors.incrementRelease();
        registers(EnaRegisters.REGISTER_BAR).setBits(EnaRegisters.DEV_STS, EnaRegisters.DEV_STS_FATAL_ERROR);
        tracer().emit(TraceKind.STATE, -1, registers(EnaRegisters.REGISTER_BAR).getInt(EnaRegisters.DEV_STS), reason, 0, 0);
        postAenq(EnaAdmin.AENQ_FATAL_ERROR, reason, clock.nanoTime()); // best effort: the AENQ may be the fault
    }

    private void readLess(final int value)
    {
        final int reqId = value & EnaRegisters.MMIO_REG_READ_REQ_ID_MASK;
        final int regOff = value >>> EnaRegisters.MMIO_REG_READ_REG_OFF_SHIFT;
        final int registerValue = (regOff & 3) == 0 && regOff <= EnaRegisters.RSS_IND_ENTRY_UPDATE
            ? registers(EnaRegisters.REGISTER_BAR).getInt(regOff) : -1;
        final long address = registerAddress(EnaRegisters.MMIO_RESP_LO);
        dma().putLong(address, MmioReadResponse.encode(reqId, regOff, registerValue)); // refused: the driver times out
    }

    private long registerAddress(final int loOffset)
    {
        final var regs = registers(EnaRegisters.REGISTER_BAR);
        return (regs.getInt(loOffset) & 0xFFFF_FFFFL) | ((long)regs.getInt(loOffset + 4) << 32);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Admin queue

    private boolean configureAdmin()
    {
        final var regs = registers(EnaRegisters.REGISTER_BAR);
        aqBase = registerAddress(EnaRegisters.AQ_BASE_LO);
        acqBase = registerAddress(EnaRegisters.ACQ_BASE_LO);
        final int aqCaps = regs.getInt(EnaRegisters.AQ_CAPS);
        final int acqCaps = regs.getInt(EnaRegisters.ACQ_CAPS);
        aqDepth = aqCaps & EnaRegisters.QUEUE_CAPS_DEPTH_MASK;
        acqDepth = acqCaps & EnaRegisters.QUEUE_CAPS_DEPTH_MASK;
        if (!validRing(aqBase, aqDepth, aqCaps >>> EnaRegisters.QUEUE_CAPS_ENTRY_SIZE_SHIFT, MAX_ADMIN_DEPTH)
            || !validRing(acqBase, acqDepth, acqCaps >>> EnaRegisters.QUEUE_CAPS_ENTRY_SIZE_SHIFT, MAX_ADMIN_DEPTH)
            || acqDepth < aqDepth)
        {
            fatal(EnaResetReason.INIT_ERR);
            return false;
        }
        adminConfigured = true;
        return true;
    }

    private boolean configureAenq()
    {
        final var regs = registers(EnaRegisters.REGISTER_BAR);
        aenqBase = registerAddress(EnaRegisters.AENQ_BASE_LO);
        final int caps = regs.getInt(EnaRegisters.AENQ_CAPS);
        aenqDepth = caps & EnaRegisters.QUEUE_CAPS_DEPTH_MASK;
        if (!validRing(aenqBase, aenqDepth, caps >>> EnaRegisters.QUEUE_CAPS_ENTRY_SIZE_SHIFT, MAX_ADMIN_DEPTH))
        {
            fatal(EnaResetReason.INIT_ERR);
            return false;
        }
        aenqConfigured = true;
        aenqTail = 0;
        return true;
    }

    private static boolean validRing(final long base, final int depth, final int entrySize, final int maxDepth)
    {
        return entrySize == EnaAdmin.ENTRY_SIZE_BYTES && depth >= 2 && depth <= maxDepth
            && Integer.bitCount(depth) == 1 && (base & 7) == 0 && EnaMemAddress.fits(base)
            && base + (long)depth * entrySize <= EnaRegisters.DMA_ADDRESS_LIMIT;
    }

    private int processAdmin()
    {
        if (!adminConfigured && !configureAdmin())
        {
            return 1;
        }
        int work = 0;
        final DmaPort dma = dma();
        while (((aqTail - aqHead) & 0xFFFF) != 0 && !fatal)
        {
            final int slot = aqHead & (aqDepth - 1);
            final boolean expectedPhase = (aqHead & aqDepth) == 0;
            if (dma.read(aqBase + (long)slot * AdminCommand.LENGTH, command, 0, AdminCommand.LENGTH) != DmaPort.OK)
            {
                fatal(EnaResetReason.ADMIN_TO); // the driver would never see its completion
                break;
            }
            aqHead = (aqHead + 1) & 0xFFFF;
            cmd.wrap(command, 0);
            resp.wrap(response, 0).clear();
            adminCommands.incrementRelease();
            final int status = cmd.phase() != expectedPhase ? EnaAdmin.MALFORMED_REQUEST : execute();
            final boolean phase = (acqTail & acqDepth) == 0;
            resp.header(cmd.commandId(), status, phase, aqHead);
            final int cqSlot = acqTail & (acqDepth - 1);
            if (dma.write(acqBase + (long)cqSlot * AdminCompletion.LENGTH, response, 0, AdminCompletion.LENGTH)
                != DmaPort.OK)
            {
                fatal(EnaResetReason.ADMIN_TO);
                break;
            }
            acqTail = (acqTail + 1) & 0xFFFF;
            registers(EnaRegisters.REGISTER_BAR).putInt(EnaRegisters.ACQ_TAIL, acqTail);
            if ((registers(EnaRegisters.REGISTER_BAR).getInt(EnaRegisters.INTR_MASK) & EnaRegisters.INTR_MASK_ADMIN) == 0)
            {
                adminInterruptPending = true;
            }
            work++;
        }
        return work;
    }

    private int execute()
    {
        switch (cmd.opcode())
        {
            case EnaAdmin.CREATE_CQ:
                return createCq();
            case EnaAdmin.DESTROY_CQ:
                return destroyCq();
            case EnaAdmin.CREATE_SQ:
                return createSq();
            case EnaAdmin.DESTROY_SQ:
                return destroySq();
            case EnaAdmin.GET_FEATURE:
                return getFeature();
            case EnaAdmin.SET_FEATURE:
                return setFeature();
            case EnaAdmin.GET_STATS:
                return getStats();
            default:
                return EnaAdmin.BAD_OPCODE;
        }
    }

    private boolean validQueueDepth(final int depth)
    {
        return depth >= 2 && depth <= maxQueueDepth && Integer.bitCount(depth) == 1;
    }

    private static boolean validRingAddress(final long base, final int depth, final int entryBytes)
    {
        return base % entryBytes == 0 && EnaMemAddress.fits(base)
            && base + (long)depth * entryBytes <= EnaRegisters.DMA_ADDRESS_LIMIT;
    }

    private int createCq()
    {
        final int words = cmd.u8(AdminCommand.CREATE_CQ_CAPS_2_OFFSET) & AdminCommand.CQ_CAPS_2_ENTRY_SIZE_WORDS_MASK;
        final int depth = cmd.u16(AdminCommand.CREATE_CQ_DEPTH_OFFSET);
        final boolean interrupts = (cmd.u8(AdminCommand.CREATE_CQ_CAPS_1_OFFSET) & AdminCommand.CQ_CAPS_1_INTERRUPT_MODE) != 0;
        final int vector = cmd.u32(AdminCommand.CREATE_CQ_MSIX_VECTOR_OFFSET);
        final long base = cmd.address(AdminCommand.CREATE_CQ_BASE_OFFSET);
        if ((words != TxCompletion.ENTRY_SIZE_WORDS && words != RxCompletion.ENTRY_SIZE_WORDS)
            || !validQueueDepth(depth) || (interrupts && (vector < 1 || vector >= msixVectors))
            || !validRingAddress(base, depth, words * 4))
        {
            return EnaAdmin.ILLEGAL_PARAMETER;
        }
        for (final Cq cq : cqs)
        {
            if (!cq.inUse)
            {
                cq.open(base, depth, words * 4, interrupts ? vector : -1);
                resp.u16(AdminCompletion.CREATE_CQ_IDX_OFFSET, cq.idx)
                    .u16(AdminCompletion.CREATE_CQ_ACTUAL_DEPTH_OFFSET, depth)
                    .u32(AdminCompletion.CREATE_CQ_NUMA_REGISTER_OFFSET, 0)
                    .u32(AdminCompletion.CREATE_CQ_HEAD_DB_REGISTER_OFFSET, 0)
                    .u32(AdminCompletion.CREATE_CQ_UNMASK_REGISTER_OFFSET, EnaRegisters.cqUnmask(cq.idx));
                return EnaAdmin.SUCCESS;
            }
        }
        return EnaAdmin.RESOURCE_ALLOCATION_FAILURE;
    }

    private int destroyCq()
    {
        final int idx = cmd.u16(AdminCommand.DESTROY_CQ_IDX_OFFSET);
        if (idx >= cqs.length || !cqs[idx].inUse)
        {
            return EnaAdmin.ILLEGAL_PARAMETER;
        }
        if (cqs[idx].boundSq != null)
        {
            return EnaAdmin.RESOURCE_BUSY;
        }
        cqs[idx].free();
        return EnaAdmin.SUCCESS;
    }

    private int createSq()
    {
        final int direction = cmd.sqDirection();
        final int caps2 = cmd.u8(AdminCommand.CREATE_SQ_CAPS_2_OFFSET);
        final int placement = caps2 & AdminCommand.PLACEMENT_POLICY_MASK;
        final int completionPolicy = (caps2 & AdminCommand.COMPLETION_POLICY_MASK) >>> AdminCommand.COMPLETION_POLICY_SHIFT;
        final int cqIdx = cmd.u16(AdminCommand.CREATE_SQ_CQ_IDX_OFFSET);
        final int depth = cmd.u16(AdminCommand.CREATE_SQ_DEPTH_OFFSET);
        final long base = cmd.address(AdminCommand.CREATE_SQ_BASE_OFFSET);
        if (direction != EnaAdmin.SQ_DIRECTION_TX && direction != EnaAdmin.SQ_DIRECTION_RX
            || placement != EnaAdmin.PLACEMENT_POLICY_HOST
            || (completionPolicy != EnaAdmin.COMPLETION_POLICY_DESC
            && completionPolicy != EnaAdmin.COMPLETION_POLICY_DESC_ON_DEMAND)
            || !validQueueDepth(depth) || !validRingAddress(base, depth, TxDescriptor.LENGTH))
        {
            return EnaAdmin.ILLEGAL_PARAMETER;
        }
        final boolean tx = direction == EnaAdmin.SQ_DIRECTION_TX;
        final Cq cq = cqIdx < cqs.length ? cqs[cqIdx] : null;
        if (cq == null || !cq.inUse || cq.boundSq != null || cq.depth < depth
            || cq.entryBytes != (tx ? TxCompletion.LENGTH : RxCompletion.LENGTH))
        {
            return EnaAdmin.ILLEGAL_PARAMETER;
        }
        final Sq[] table = tx ? txSqs : rxSqs;
        for (final Sq sq : table)
        {
            if (!sq.inUse)
            {
                sq.open(base, depth, cq, completionPolicy == EnaAdmin.COMPLETION_POLICY_DESC,
                    tx ? txQueues[sq.idx] : null);
                if (!tx)
                {
                    rebuildActiveRx();
                }
                resp.u16(AdminCompletion.CREATE_SQ_IDX_OFFSET, sq.idx)
                    .u32(AdminCompletion.CREATE_SQ_DOORBELL_OFFSET_OFFSET,
                        tx ? EnaRegisters.txSqDoorbell(sq.idx) : EnaRegisters.rxSqDoorbell(sq.idx));
                return EnaAdmin.SUCCESS;
            }
        }
        return EnaAdmin.RESOURCE_ALLOCATION_FAILURE;
    }

    private int destroySq()
    {
        final int idx = cmd.u16(AdminCommand.DESTROY_SQ_IDX_OFFSET);
        final int direction = (cmd.u8(AdminCommand.DESTROY_SQ_IDENTITY_OFFSET) & AdminCommand.SQ_DIRECTION_MASK)
            >>> AdminCommand.SQ_DIRECTION_SHIFT;
        final Sq[] table = direction == EnaAdmin.SQ_DIRECTION_TX ? txSqs
            : direction == EnaAdmin.SQ_DIRECTION_RX ? rxSqs : null;
        if (table == null || idx >= table.length || !table[idx].inUse)
        {
            return EnaAdmin.ILLEGAL_PARAMETER;
        }
        table[idx].free();
        if (table == rxSqs)
        {
            rebuildActiveRx();
        }
        return EnaAdmin.SUCCESS;
    }

    private void rebuildActiveRx()
    {
        activeRxCount = 0;
        for (final Sq sq : rxSqs)
        {
            if (sq.inUse)
            {
                activeRx[activeRxCount++] = sq;
            }
        }
    }

    private int getFeature()
    {
        switch (cmd.u8(AdminCommand.FEATURE_ID_OFFSET))
        {
            case EnaAdmin.FEATURE_DEVICE_ATTRIBUTES:
                resp.u32(AdminCompletion.DEV_ATTR_IMPL_ID_OFFSET, 0)
                    .u32(AdminCompletion.DEV_ATTR_DEVICE_VERSION_OFFSET, 0)
                    .u32(AdminCompletion.DEV_ATTR_SUPPORTED_FEATURES_OFFSET, SUPPORTED_FEATURES)
                    .u32(AdminCompletion.DEV_ATTR_CAPABILITIES_OFFSET, 1 << EnaAdmin.CAPABILITY_ENI_STATS)
                    .u32(AdminCompletion.DEV_ATTR_PHYS_ADDR_WIDTH_OFFSET, EnaRegisters.DMA_ADDRESS_WIDTH_BITS)
                    .u32(AdminCompletion.DEV_ATTR_VIRT_ADDR_WIDTH_OFFSET, EnaRegisters.DMA_ADDRESS_WIDTH_BITS)
                    .macAddress(mac)
                    .u32(AdminCompletion.DEV_ATTR_MAX_MTU_OFFSET, MAX_MTU);
                return EnaAdmin.SUCCESS;
            case EnaAdmin.FEATURE_MAX_QUEUES_NUM:
                resp.u32(AdminCompletion.MAX_QUEUES_SQ_NUM_OFFSET, maxPairs)
                    .u32(AdminCompletion.MAX_QUEUES_SQ_DEPTH_OFFSET, maxQueueDepth)
                    .u32(AdminCompletion.MAX_QUEUES_CQ_NUM_OFFSET, maxPairs)
                    .u32(AdminCompletion.MAX_QUEUES_CQ_DEPTH_OFFSET, maxQueueDepth)
                    .u32(AdminCompletion.MAX_QUEUES_LLQ_NUM_OFFSET, 0)
                    .u32(AdminCompletion.MAX_QUEUES_LLQ_DEPTH_OFFSET, 0)
                    .u32(AdminCompletion.MAX_QUEUES_HEADER_SIZE_OFFSET, 0)
                    .u16(AdminCompletion.MAX_QUEUES_PACKET_TX_DESCS_OFFSET, MAX_PACKET_DESCS)
                    .u16(AdminCompletion.MAX_QUEUES_PACKET_RX_DESCS_OFFSET, MAX_PACKET_DESCS);
                return EnaAdmin.SUCCESS;
            case EnaAdmin.FEATURE_MTU:
                resp.u32(AdminCompletion.MTU_OFFSET, mtu);
                return EnaAdmin.SUCCESS;
            case EnaAdmin.FEATURE_AENQ_CONFIG:
                resp.u32(AdminCompletion.AENQ_SUPPORTED_GROUPS_OFFSET, AENQ_SUPPORTED_GROUPS)
                    .u32(AdminCompletion.AENQ_ENABLED_GROUPS_OFFSET, aenqEnabledGroups);
                return EnaAdmin.SUCCESS;
            default:
                return EnaAdmin.UNSUPPORTED_OPCODE;
        }
    }

    private int setFeature()
    {
        switch (cmd.u8(AdminCommand.FEATURE_ID_OFFSET))
        {
            case EnaAdmin.FEATURE_MTU:
            {
                final int requested = cmd.u32(AdminCommand.SET_MTU_OFFSET);
                if (requested < MIN_MTU || requested > MAX_MTU)
                {
                    return EnaAdmin.ILLEGAL_PARAMETER;
                }
                mtu = requested;
                return EnaAdmin.SUCCESS;
            }
            case EnaAdmin.FEATURE_AENQ_CONFIG:
            {
                final int enabled = cmd.u32(AdminCommand.SET_AENQ_ENABLED_GROUPS_OFFSET);
                if ((enabled & ~AENQ_SUPPORTED_GROUPS) != 0)
                {
                    return EnaAdmin.ILLEGAL_PARAMETER;
                }
                final int newlyEnabled = enabled & ~aenqEnabledGroups;
                aenqEnabledGroups = enabled;
                final long nowNs = clock.nanoTime();
                if ((newlyEnabled & (1 << EnaAdmin.AENQ_LINK_CHANGE)) != 0)
                {
                    postLinkChange(nowNs); // the link is up as soon as someone listens
                }
                if ((enabled & (1 << EnaAdmin.AENQ_KEEP_ALIVE)) == 0)
                {
                    nextKeepAliveNs = SimAgent.NO_DEADLINE;
                }
                else if ((newlyEnabled & (1 << EnaAdmin.AENQ_KEEP_ALIVE)) != 0)
                {
                    nextKeepAliveNs = nowNs + ctx.keepAliveIntervalNs;
                }
                return EnaAdmin.SUCCESS;
            }
            default:
                return EnaAdmin.UNSUPPORTED_OPCODE;
        }
    }

    private int getStats()
    {
        final int deviceId = cmd.u16(AdminCommand.GET_STATS_DEVICE_ID_OFFSET);
        if (deviceId != EnaAdmin.STATS_DEVICE_ID_MINE && deviceId != 0)
        {
            return EnaAdmin.ILLEGAL_PARAMETER; // only a privileged function may read another's statistics
        }
        switch (cmd.u8(AdminCommand.GET_STATS_TYPE_OFFSET))
        {
            case EnaAdmin.STATS_TYPE_BASIC:
                resp.u64(AdminCompletion.BASIC_TX_BYTES_OFFSET, txBytes.get())
                    .u64(AdminCompletion.BASIC_TX_PKTS_OFFSET, txFrames.get())
                    .u64(AdminCompletion.BASIC_RX_BYTES_OFFSET, rxBytes.get())
                    .u64(AdminCompletion.BASIC_RX_PKTS_OFFSET, rxFrames.get())
                    .u64(AdminCompletion.BASIC_RX_DROPS_OFFSET, eniCounters.get(EniMeter.RX_NO_BUFFER_DROPPED))
                    .u64(AdminCompletion.BASIC_TX_DROPS_OFFSET, txErrors.get())
                    .u64(AdminCompletion.BASIC_RX_OVERRUNS_OFFSET, rxOverruns.get());
                return EnaAdmin.SUCCESS;
            case EnaAdmin.STATS_TYPE_ENI:
                for (int i = 0; i < EnaAdmin.ENI_STATS_COUNT; i++)
                {
                    resp.u64(AdminCompletion.ENI_STATS_OFFSET + 8 * i, eniCounters.enaStat(i));
                }
                return EnaAdmin.SUCCESS;
            default:
                return EnaAdmin.UNSUPPORTED_OPCODE;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // AENQ

    private void postLinkChange(final long nowNs)
    {
        if (postAenqHeader(EnaAdmin.AENQ_LINK_CHANGE, 0, nowNs))
        {
            aenqEntry.linkUp(true);
            writeAenq();
        }
    }

    private void postKeepAlive(final long nowNs)
    {
        if (postAenqHeader(EnaAdmin.AENQ_KEEP_ALIVE, 0, nowNs))
        {
            aenqEntry.u64(AenqEntry.KEEP_ALIVE_RX_DROPS_OFFSET, eniCounters.get(EniMeter.RX_NO_BUFFER_DROPPED))
                .u64(AenqEntry.KEEP_ALIVE_TX_DROPS_OFFSET, txErrors.get())
                .u64(AenqEntry.KEEP_ALIVE_RX_OVERRUNS_OFFSET, rxOverruns.get());
            writeAenq();
        }
    }

    private void postAenq(final int group, final int syndrome, final long nowNs)
    {
        if (postAenqHeader(group, syndrome, nowNs))
        {
            writeAenq();
        }
    }

    /** Prepares an event in the scratch entry. @return false when the group is off or the queue full (dropped). */
    private boolean postAenqHeader(final int group, final int syndrome, final long nowNs)
    {
        if (!aenqConfigured || (aenqEnabledGroups & (1 << group)) == 0)
        {
            return false;
        }
        if (((aenqLimit - aenqTail) & 0xFFFF) == 0 || ((aenqLimit - aenqTail) & 0xFFFF) > aenqDepth)
        {
            aenqDropped.incrementRelease(); // the driver has not handed the entries back
            return false;
        }
        aenqEntry.wrap(event, 0).clear().header(group, syndrome, (aenqTail & aenqDepth) == 0, nowNs);
        tracer().emit(TraceKind.AENQ, -1, group, syndrome, 0, 0);
        return true;
    }

    private void writeAenq()
    {
        final int slot = aenqTail & (aenqDepth - 1);
        if (dma().write(aenqBase + (long)slot * AenqEntry.LENGTH, event, 0, AenqEntry.LENGTH) != DmaPort.OK)
        {
            aenqConfigured = false; // never loop through fatal -> AENQ -> fatal
            fatal(EnaResetReason.GENERIC);
            return;
        }
        aenqTail = (aenqTail + 1) & 0xFFFF;
        registers(EnaRegisters.REGISTER_BAR).putInt(EnaRegisters.AENQ_TAIL, aenqTail);
        aenqInterruptPending = true;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Interrupts

    private void fireInterrupts()
    {
        if (adminInterruptPending || aenqInterruptPending)
        {
            adminInterruptPending = false;
            aenqInterruptPending = false;
            signalMsix(0);
        }
        for (int v = 1; v < msixVectors; v++)
        {
            if (vectorPending[v] && vectorArmed[v])
            {
                vectorPending[v] = false;
                vectorArmed[v] = false;
                signalMsix(v);
            }
        }
    }

    private void completionWritten(final Cq cq)
    {
        if (cq.vector > 0)
        {
            vectorPending[cq.vector] = true;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // TX

    private int processTx()
    {
        int work = 0;
        final int n = maxPairs;
        int i = txRoundRobin;
        for (int k = 0; k < n; k++)
        {
            final Sq sq = txSqs[i];
            i = i + 1 == n ? 0 : i + 1;
            if (sq.inUse && sq.tail != sq.head)
            {
                work += processTxQueue(sq, ctx.txBurst);
                if (fatal)
                {
                    break;
                }
            }
        }
        txRoundRobin = i;
        return work;
    }

    private int processTxQueue(final Sq sq, final int budget)
    {
        int frames = 0;
        final DmaPort dma = dma();
        while (frames < budget)
        {
            if (sq.chainLength == 0 && !scanTxChain(sq))
            {
                break; // incomplete chain (wait for the doorbell) or fatal
            }
            final int total = sq.chainBytes;
            int status = TxCompletion.STATUS_OK;
            if (sq.chainMalformed || total > mtu + EthernetFrame.ETH_HEADER_LENGTH || total < MIN_FRAME_BYTES)
            {
                status = TxCompletion.STATUS_MALFORMED;
            }
            else
            {
                final TxQueue queue = sq.txQueue;
                final int captured = Math.min(total, captureBytes);
                final int index = queue.tryClaim(captured, total);
                if (index < 0)
                {
                    if (!sq.blocked)
                    {
                        sq.blocked = true;
                        txBlocked.incrementRelease();
                    }
                    break; // the card's queue is full: leave the frame in the guest's ring
                }
                sq.blocked = false;
                final MutableDirectBuffer dst = queue.buffer();
                int copied = 0;
                for (int d = 0; d < sq.chainLength && copied < captured; d++)
                {
                    final int length = Math.min(sq.chainLen[d], captured - copied);
                    if (length > 0 && dma.read(sq.chainAddr[d], dst, index + copied, length) != DmaPort.OK)
                    {
                        status = TxCompletion.STATUS_DMA_ERROR;
                        break;
                    }
                    copied += length;
                }
                if (status == TxCompletion.STATUS_OK)
                {
                    queue.commit(index);
                    txFrames.incrementRelease();
                    txBytes.getAndAddRelease(total);
                }
                else
                {
                    queue.abort(index);
                }
            }
            if (status != TxCompletion.STATUS_OK)
            {
                txErrors.incrementRelease();
            }
            tracer().emit(TraceKind.DESCRIPTOR_COMPLETE, 2 * sq.idx, sq.head, sq.chainReqId, status, 0);
            sq.head = (sq.head + sq.chainLength) & 0xFFFF;
            sq.chainLength = 0;
            frames++;
            if ((sq.chainCompReq || sq.completeAll) && !writeTxCompletion(sq, sq.chainReqId, status))
            {
                break;
            }
        }
        return frames;
    }

    /**
     * Reads the next frame's descriptors from the SQ head into the SQ's chain arrays.
     *
     * @return true when a complete chain is ready; false when the doorbell has not covered its last descriptor
     * yet, or after a fatal error (chain without last within the queue, bad req_id, phase, DMA refusal).
     */
    private boolean scanTxChain(final Sq sq)
    {
        final int pending = (sq.tail - sq.head) & 0xFFFF;
        if (pending > sq.depth)
        {
            fatal(EnaResetReason.DRIVER_INVALID_STATE); // a tail more than a ring ahead of the head
            return false;
        }
        final MutableDirectBuffer cache = sq.cache;
        int bytes = 0;
        boolean malformed = false;
        for (int k = 0; k < pending; k++)
        {
            final int counter = (sq.head + k) & 0xFFFF;
            final int at = sq.descriptor(counter, dma());
            if (at < 0)
            {
                fatal(EnaResetReason.GENERIC); // the ring itself is outside guest memory
                return false;
            }
            final int lenCtrl = cache.getInt(at + TxDescriptor.LEN_CTRL_OFFSET, ByteOrder.LITTLE_ENDIAN);
            final boolean expectedPhase = (counter & sq.depth) == 0;
            if (((lenCtrl & TxDescriptor.PHASE) != 0) != expectedPhase
                || ((lenCtrl & TxDescriptor.FIRST) != 0) != (k == 0))
            {
                fatal(EnaResetReason.DRIVER_INVALID_STATE);
                return false;
            }
            if (k == 0)
            {
                final int metaCtrl = cache.getInt(at + TxDescriptor.META_CTRL_OFFSET, ByteOrder.LITTLE_ENDIAN);
                final int reqId = TxDescriptor.reqId(lenCtrl, metaCtrl);
                if (reqId >= sq.depth)
                {
                    fatal(EnaResetReason.INV_TX_REQ_ID);
                    return false;
                }
                sq.chainReqId = reqId;
                sq.chainCompReq = (lenCtrl & TxDescriptor.COMP_REQ) != 0;
            }
            if (k >= MAX_PACKET_DESCS)
            {
                fatal(EnaResetReason.DRIVER_INVALID_STATE); // more descriptors than one frame may have
                return false;
            }
            int length = 0;
            if ((lenCtrl & TxDescriptor.META_DESC) == 0)
            {
                length = lenCtrl & TxDescriptor.LENGTH_MASK;
                malformed |= length == 0;
            }
            sq.chainAddr[k] = EnaMemAddress.get(cache, at + TxDescriptor.BUFFER_ADDRESS_OFFSET);
            sq.chainLen[k] = length;
            bytes += length;
            if ((lenCtrl & TxDescriptor.LAST) != 0)
            {
                sq.chainLength = k + 1;
                sq.chainBytes = bytes;
                sq.chainMalformed = malformed;
                tracer().emit(TraceKind.DESCRIPTOR_FETCH, 2 * sq.idx, sq.head, sq.chainReqId, bytes, 0);
                return true;
            }
        }
        if (pending == sq.depth)
        {
            fatal(EnaResetReason.DRIVER_INVALID_STATE); // the whole ring and still no last descriptor
        }
        return false;
    }

    private boolean writeTxCompletion(final Sq sq, final int reqId, final int status)
    {
        final Cq cq = sq.cq;
        final int slot = cq.tail & (cq.depth - 1);
        final long entry = (reqId & 0xFFFFL) | ((status & 0xFFL) << 16) | (((cq.tail & cq.depth) == 0 ? 1L : 0L) << 24)
            | ((sq.head & 0xFFFFL) << 48);
        if (dma().putLong(cq.base + (long)slot * TxCompletion.LENGTH, entry) != DmaPort.OK)
        {
            fatal(EnaResetReason.GENERIC);
            return false;
        }
        cq.tail = (cq.tail + 1) & 0xFFFF;
        completionWritten(cq);
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------
    // RX

    /** Card thread: hands a delivered frame to the device agent through the bounded hand-off ring. */
    private final class RxSink implements FrameSink
    {
        @Override
        public boolean onFrame(final EniPort eni, final DirectBuffer buffer, final int offset, final int capturedLength,
            final int frameLength, final long nowNs)
        {
            final int captured = Math.min(capturedLength, captureBytes);
            final int index = handoff.tryClaim(MSG_TYPE_FRAME, HANDOFF_HEADER + captured);
            if (index < 0)
            {
                return false; // counted by the card as a frame the receiver had no buffer for
            }
            final MutableDirectBuffer ring = handoff.buffer();
            ring.putInt(index, frameLength);
            ring.putBytes(index + HANDOFF_HEADER, buffer, offset, captured);
            handoff.commit(index);
            return true;
        }
    }

    /** Device agent: writes one handed-off frame into the guest's RX buffers. */
    private final class RxHandler implements MessageHandler
    {
        @Override
        public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            receive(buffer, index + HANDOFF_HEADER, length - HANDOFF_HEADER, buffer.getInt(index));
        }
    }

    private void receive(final MutableDirectBuffer src, final int srcIndex, final int captured, final int frameLength)
    {
        if (resetting || fatal || activeRxCount == 0)
        {
            eniCounters.increment(EniMeter.RX_NO_BUFFER_DROPPED);
            return;
        }
        final int hash = flowHash(src, srcIndex, captured);
        final Sq sq = activeRx[activeRxCount == 1 ? 0 : (hash & 0x7FFF_FFFF) % activeRxCount];
        final int pending = (sq.tail - sq.head) & 0xFFFF;
        if (pending > sq.depth)
        {
            fatal(EnaResetReason.RX_DESCRIPTOR_MALFORMED);
            return;
        }
        // First pass: find enough posted buffers for the whole frame, checking each descriptor.
        final MutableDirectBuffer cache = sq.cache;
        int needed = 0;
        long room = 0;
        while (room < frameLength)
        {
            if (needed == pending)
            {
                eniCounters.increment(EniMeter.RX_NO_BUFFER_DROPPED);
                return;
            }
            if (needed == MAX_PACKET_DESCS)
            {
                rxOverruns.incrementRelease(); // buffers too small for this frame
                return;
            }
            final int counter = (sq.head + needed) & 0xFFFF;
            final int at = sq.descriptor(counter, dma());
            if (at < 0)
            {
                fatal(EnaResetReason.GENERIC);
                return;
            }
            final int word0 = cache.getInt(at, ByteOrder.LITTLE_ENDIAN);
            final int reqId = cache.getShort(at + RxDescriptor.REQ_ID_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
            if (((word0 >>> 24) & RxDescriptor.CTRL_PHASE) != ((counter & sq.depth) == 0 ? 1 : 0))
            {
                fatal(EnaResetReason.RX_DESCRIPTOR_MALFORMED);
                return;
            }
            if (reqId >= sq.depth)
            {
                fatal(EnaResetReason.INV_RX_REQ_ID);
                return;
            }
            final int length = word0 & 0xFFFF;
            final int bufferLength = length == 0 ? RxDescriptor.ZERO_LENGTH_BYTES : length;
            sq.chainAddr[needed] = EnaMemAddress.get(cache, at + RxDescriptor.BUFFER_ADDRESS_OFFSET);
            sq.chainLen[needed] = bufferLength;
            sq.chainReq[needed] = reqId;
            room += bufferLength;
            needed++;
        }
        // Second pass: DMA the captured bytes, one completion per buffer.
        final DmaPort dma = dma();
        final Cq cq = sq.cq;
        final int lastStatus = rxProtocolBits(src, srcIndex, captured) | RxCompletion.LAST;
        int offset = 0;
        for (int d = 0; d < needed; d++)
        {
            final int inBuffer = Math.min(sq.chainLen[d], frameLength - offset);
            final int copy = Math.min(inBuffer, captured - offset);
            if (copy > 0 && dma.write(sq.chainAddr[d], src, srcIndex + offset, copy) != DmaPort.OK)
            {
                fatal(EnaResetReason.RX_DESCRIPTOR_MALFORMED); // RX completions carry no error status
                return;
            }
            int status = RxCompletion.BUFFER | ((cq.tail & cq.depth) == 0 ? RxCompletion.PHASE : 0);
            if (d == 0)
            {
                status |= RxCompletion.FIRST;
            }
            if (d == needed - 1)
            {
                status |= lastStatus;
            }
            rxCompletion.wrap(rxCompletionBuffer, 0).set(status, inBuffer, sq.chainReq[d], hash);
            if (dma.write(cq.base + (long)(cq.tail & (cq.depth - 1)) * RxCompletion.LENGTH, rxCompletionBuffer, 0,
                RxCompletion.LENGTH) != DmaPort.OK)
            {
                fatal(EnaResetReason.GENERIC);
                return;
            }
            cq.tail = (cq.tail + 1) & 0xFFFF;
            offset += inBuffer;
        }
        tracer().emit(TraceKind.DESCRIPTOR_COMPLETE, 2 * sq.idx + 1, sq.head, sq.chainReq[0],
            frameLength, (cq.tail & cq.depth) == 0 ? 1 : 0);
        sq.head = (sq.head + needed) & 0xFFFF;
        rxFrames.incrementRelease();
        rxBytes.getAndAddRelease(frameLength);
        completionWritten(cq);
    }

    private int flowHash(final DirectBuffer src, final int index, final int captured)
    {
        if (captured < EthernetFrame.L4_OFFSET + 4)
        {
            return 0;
        }
        final EthernetFrame f = frame.wrap(src, index, captured);
        return FlowKey.hash(FlowKey.hi(f.srcIp(), f.dstIp()), FlowKey.lo(f.srcPort(), f.dstPort(), f.protocol(), 0));
    }

    private int rxProtocolBits(final DirectBuffer src, final int index, final int captured)
    {
        if (captured < EthernetFrame.L4_OFFSET)
        {
            return 0;
        }
        final EthernetFrame f = frame.wrap(src, index, captured);
        if (f.etherType() != EthernetFrame.ETHER_TYPE_IPV4)
        {
            return 0;
        }
        final int protocol = f.protocol();
        final int l4 = protocol == EthernetFrame.PROTO_TCP ? RxCompletion.L4_PROTO_TCP
            : protocol == EthernetFrame.PROTO_UDP ? RxCompletion.L4_PROTO_UDP : 0;
        return RxCompletion.L3_PROTO_IPV4 | (l4 << RxCompletion.L4_PROTO_IDX_SHIFT);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Queue state

    private static final class Cq
    {
        final int idx;
        boolean inUse;
        long base;
        int depth;
        int entryBytes;
        int vector;
        int tail;
        Sq boundSq;

        Cq(final int idx)
        {
            this.idx = idx;
        }

        void open(final long base, final int depth, final int entryBytes, final int vector)
        {
            this.inUse = true;
            this.base = base;
            this.depth = depth;
            this.entryBytes = entryBytes;
            this.vector = vector;
            this.tail = 0;
            this.boundSq = null;
        }

        void free()
        {
            inUse = false;
            boundSq = null;
        }
    }

    private static final class Sq
    {
        final int idx;
        final int direction;
        final UnsafeBuffer cache = new UnsafeBuffer(new byte[DESC_CACHE_ENTRIES * TxDescriptor.LENGTH]);
        final long[] chainAddr = new long[MAX_PACKET_DESCS];
        final int[] chainLen = new int[MAX_PACKET_DESCS];
        final int[] chainReq = new int[MAX_PACKET_DESCS];
        boolean inUse;
        long base;
        int depth;
        int head;
        int tail;
        Cq cq;
        boolean completeAll;
        TxQueue txQueue;
        int cacheStart;
        int cacheCount;
        int chainLength;
        int chainBytes;
        int chainReqId;
        boolean chainCompReq;
        boolean chainMalformed;
        boolean blocked;

        Sq(final int idx, final int direction)
        {
            this.idx = idx;
            this.direction = direction;
        }

        void open(final long base, final int depth, final Cq cq, final boolean completeAll, final TxQueue txQueue)
        {
            this.inUse = true;
            this.base = base;
            this.depth = depth;
            this.head = 0;
            this.tail = 0;
            this.cq = cq;
            cq.boundSq = this;
            this.completeAll = completeAll;
            this.txQueue = txQueue;
            this.cacheCount = 0;
            this.chainLength = 0;
            this.blocked = false;
        }

        void free()
        {
            if (inUse && cq != null)
            {
                cq.boundSq = null;
            }
            inUse = false;
            cq = null;
            cacheCount = 0;
            chainLength = 0;
        }

        /**
         * Offset in {@link #cache} of the descriptor at running counter {@code counter} (which must be below the
         * tail), reading up to 64 descriptors at once by DMA. @return -1 when the DMA was refused.
         */
        int descriptor(final int counter, final DmaPort dma)
        {
            final int delta = (counter - cacheStart) & 0xFFFF;
            if (delta < cacheCount)
            {
                return delta * TxDescriptor.LENGTH;
            }
            final int slot = counter & (depth - 1);
            final int ahead = (tail - counter) & 0xFFFF;
            final int count = Math.max(1, Math.min(DESC_CACHE_ENTRIES, Math.min(ahead, depth - slot)));
            if (dma.read(base + (long)slot * TxDescriptor.LENGTH, cache, 0, count * TxDescriptor.LENGTH) != DmaPort.OK)
            {
                cacheCount = 0;
                return -1;
            }
            cacheStart = counter;
            cacheCount = count;
            return 0;
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Configuration of one ENA function, validated in {@link #build()}. */
    public static final class Context
    {
        private EniPort port;
        private NanoClock clock;
        private CounterRegistry registry;
        private int maxQueuePairs = 8;
        private int maxQueueDepth = 8192;
        private int txQueueDepthFrames = 256;
        private int captureBytes = EthernetFrame.MAX_FRAME_LENGTH;
        private int rxHandoffFrames = 256;
        private int txBurst = 256;
        private int rxBudget = 1024;
        private long keepAliveIntervalNs = 1_000_000_000L;
        private long resetDelayNs = 10_000L;
        private int doorbellRingCapacity = 1024;

        private Context()
        {
        }

        /** The ENI this function serves (required); the function becomes its frame sink and adds TX queues. */
        public Context port(final EniPort port)
        {
            this.port = port;
            return this;
        }

        /** The simulation clock (required): keep-alive events, reset timing, AENQ timestamps. */
        public Context clock(final NanoClock clock)
        {
            this.clock = clock;
            return this;
        }

        /** Where the function's counters are registered (tags instance, eni); null keeps them unregistered. */
        public Context registry(final CounterRegistry registry)
        {
            this.registry = registry;
            return this;
        }

        /** IO queue pairs offered (1..32, default 8); MSI-X vectors = pairs + 1. */
        public Context maxQueuePairs(final int pairs)
        {
            this.maxQueuePairs = pairs;
            return this;
        }

        /** Largest SQ/CQ depth accepted (a power of two, 16..32768, default 8192). */
        public Context maxQueueDepth(final int depth)
        {
            this.maxQueueDepth = depth;
            return this;
        }

        /** Frames each card egress queue holds between device and shaper (1..65536, default 256). */
        public Context txQueueDepthFrames(final int frames)
        {
            this.txQueueDepthFrames = frames;
            return this;
        }

        /**
         * Bytes of each frame the device moves (54..9015; default 9015: every byte). Smaller values are timing-only
         * mode: only the first bytes (headers) are read from TX buffers and written to RX buffers, while lengths,
         * shaping and completions stay those of the full frame.
         */
        public Context captureBytes(final int bytes)
        {
            this.captureBytes = bytes;
            return this;
        }

        /** Timing-only mode with {@link #TIMING_ONLY_CAPTURE_BYTES} captured per frame (true) or payload mode. */
        public Context timingOnly(final boolean timingOnly)
        {
            this.captureBytes = timingOnly ? TIMING_ONLY_CAPTURE_BYTES : EthernetFrame.MAX_FRAME_LENGTH;
            return this;
        }

        /** Frames the card-to-device RX hand-off ring holds (16..65536, default 256). */
        public Context rxHandoffFrames(final int frames)
        {
            this.rxHandoffFrames = frames;
            return this;
        }

        /** Most frames one TX SQ sends per device pass (1..65536, default 256). */
        public Context txBurst(final int frames)
        {
            this.txBurst = frames;
            return this;
        }

        /** Period of KEEP_ALIVE events in simulated time (1 ms..60 s, default 1 s). */
        public Context keepAliveIntervalNs(final long intervalNs)
        {
            this.keepAliveIntervalNs = intervalNs;
            return this;
        }

        /** Time from DEV_CTL.dev_reset released to DEV_STS.ready (0..10 s, default 10 us). */
        public Context resetDelayNs(final long delayNs)
        {
            this.resetDelayNs = delayNs;
            return this;
        }

        /** Doorbell ring records of the PCI function (16..65536, default 1024). */
        public Context doorbellRingCapacity(final int records)
        {
            this.doorbellRingCapacity = records;
            return this;
        }

        public EnaFunction build()
        {
            if (port == null || clock == null)
            {
                throw new IllegalArgumentException("ENA function needs an ENI port and a clock (port=" + port
                    + ", clock=" + clock + ")");
            }
            requireRange("ENA max queue pairs", maxQueuePairs, 1, EnaRegisters.MAX_QUEUE_PAIRS);
            if (maxQueueDepth < 16 || maxQueueDepth > 32_768 || Integer.bitCount(maxQueueDepth) != 1)
            {
                throw new IllegalArgumentException("ENA max queue depth " + maxQueueDepth
                    + " must be a power of two in 16..32768");
            }
            requireRange("ENA TX queue depth frames", txQueueDepthFrames, 1, 65_536);
            requireRange("ENA capture bytes", captureBytes, EthernetFrame.L4_OFFSET + EthernetFrame.TCP_HEADER_LENGTH,
                EthernetFrame.MAX_FRAME_LENGTH);
            requireRange("ENA RX hand-off frames", rxHandoffFrames, 16, 65_536);
            requireRange("ENA TX burst", txBurst, 1, 65_536);
            if (keepAliveIntervalNs < 1_000_000L || keepAliveIntervalNs > 60_000_000_000L)
            {
                throw new IllegalArgumentException("ENA keep-alive interval " + keepAliveIntervalNs
                    + " ns out of range, accepted 1000000..60000000000 ns");
            }
            if (resetDelayNs < 0 || resetDelayNs > 10_000_000_000L)
            {
                throw new IllegalArgumentException("ENA reset delay " + resetDelayNs
                    + " ns out of range, accepted 0..10000000000 ns");
            }
            final String instanceId = port.instance().instanceId();
            final String eniId = port.eni().id();
            final Builder builder = PciFunction.builder()
                .name("ena-" + eniId)
                .vendorId(VENDOR_ID).deviceId(DEVICE_ID).classCode(CLASS_CODE_ETHERNET)
                .subsystem(VENDOR_ID, DEVICE_ID)
                .memoryBar(EnaRegisters.REGISTER_BAR, EnaRegisters.REGISTER_BAR_SIZE_BYTES, true, false)
                .msix(maxQueuePairs + 1, EnaRegisters.REGISTER_BAR, EnaRegisters.MSIX_TABLE_OFFSET,
                    EnaRegisters.REGISTER_BAR, EnaRegisters.MSIX_PBA_OFFSET)
                .readOnly(EnaRegisters.REGISTER_BAR, EnaRegisters.VERSION, 16)
                .resetValue32(EnaRegisters.REGISTER_BAR, EnaRegisters.VERSION, EnaRegisters.VERSION_VALUE)
                .resetValue32(EnaRegisters.REGISTER_BAR, EnaRegisters.CONTROLLER_VERSION,
                    EnaRegisters.CONTROLLER_VERSION_VALUE)
                .resetValue32(EnaRegisters.REGISTER_BAR, EnaRegisters.CAPS,
                    (EnaRegisters.DMA_ADDRESS_WIDTH_BITS << EnaRegisters.CAPS_DMA_ADDR_WIDTH_SHIFT)
                        | (resetTimeoutUnits() << EnaRegisters.CAPS_RESET_TIMEOUT_SHIFT))
                .doorbells(EnaRegisters.REGISTER_BAR, EnaRegisters.AQ_DB, 4)
                .readOnly(EnaRegisters.REGISTER_BAR, EnaRegisters.ACQ_TAIL, 4)
                .doorbells(EnaRegisters.REGISTER_BAR, EnaRegisters.AENQ_HEAD_DB, 4)
                .readOnly(EnaRegisters.REGISTER_BAR, EnaRegisters.AENQ_TAIL, 4)
                .notifyOnWrite(EnaRegisters.REGISTER_BAR, EnaRegisters.DEV_CTL, 4)
                .readOnly(EnaRegisters.REGISTER_BAR, EnaRegisters.DEV_STS, 4)
                .resetValue32(EnaRegisters.REGISTER_BAR, EnaRegisters.DEV_STS, EnaRegisters.DEV_STS_READY)
                .doorbells(EnaRegisters.REGISTER_BAR, EnaRegisters.MMIO_REG_READ, 4)
                .doorbells(EnaRegisters.REGISTER_BAR, EnaRegisters.SQ_DOORBELL_BASE,
                    EnaRegisters.SQ_DOORBELL_STRIDE * EnaRegisters.MAX_QUEUE_PAIRS)
                .doorbells(EnaRegisters.REGISTER_BAR, EnaRegisters.CQ_UNMASK_BASE,
                    EnaRegisters.CQ_UNMASK_STRIDE * 2 * EnaRegisters.MAX_QUEUE_PAIRS)
                .doorbellRingCapacity(doorbellRingCapacity)
                .counters(registry, MetricTags.of("instance", instanceId, "eni", eniId));
            final EnaFunction function = new EnaFunction(this, builder);
            return function;
        }

        private int resetTimeoutUnits()
        {
            // CAPS.reset_timeout in 100 ms units, at least 1, at most 31.
            return (int)Math.min(31, Math.max(1, (resetDelayNs + EnaRegisters.RESET_TIMEOUT_UNIT_NS - 1)
                / EnaRegisters.RESET_TIMEOUT_UNIT_NS));
        }

        private static void requireRange(final String what, final int value, final int min, final int max)
        {
            if (value < min || value > max)
            {
                throw new IllegalArgumentException(what + " " + value + " out of range, accepted " + min + ".." + max);
            }
        }
    }
}
