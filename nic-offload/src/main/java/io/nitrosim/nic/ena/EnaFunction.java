package io.nitrosim.nic.ena;

import org.agrona.concurrent.NanoClock;

import io.nitrosim.metrics.MetricTags;
import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.card.TxQueue;
import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.pci.PciFunction;
import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.pci.PciFunctionBuilder;
import io.nitrosim.time.SimAgent;
import io.nitrosim.time.Wake;

/**
 * An Elastic Network Adapter virtual function (PCI 1d0f:ec20, class 0x020000) serving one ENI of a
 * {@link io.nitrosim.nic.card.VpcCard}: the guest's view of the VPC card. Register map in {@link EnaRegisters},
 * admin vocabulary in {@link EnaAdmin}, data-path layouts in {@link TxDescriptor}, {@link TxCompletion},
 * {@link RxDescriptor} and {@link RxCompletion}; behaviour described in docs/ena.md. Its parts: the IO queues and
 * their interrupt vectors ({@link EnaQueues}), the admin queue ({@link EnaAdminQueue}), the event queue
 * ({@link EnaAenq}), the transmit and receive paths ({@link EnaTxPath}, {@link EnaRxPath}), the configuration
 * ({@link EnaFunctionContext}); this class holds the registers, the reset handshake and the fatal state.
 * <p>
 * <b>Data path.</b> TX: on an SQ doorbell the device reads the descriptors by DMA, checks the chain, claims a
 * record in the ENI's card {@link TxQueue} (one per IO queue pair), DMA-reads the frame (or, in timing-only
 * mode, only its first {@code captureBytes}) straight into it, commits, and writes a TX completion. A full
 * TxQueue stops the SQ until the card has taken a frame: back-pressure reaches the guest's ring, nothing is
 * dropped. RX: the card delivers frames through this function's {@link io.nitrosim.nic.card.FrameSink} into a bounded one-to-one
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
    public static final int MAX_ADMIN_DEPTH = EnaAdminQueue.MAX_ADMIN_DEPTH;
    /** Groups the AENQ can report: LINK_CHANGE, FATAL_ERROR, KEEP_ALIVE. */
    public static final int AENQ_SUPPORTED_GROUPS =
        (1 << EnaAdmin.AENQ_LINK_CHANGE) | (1 << EnaAdmin.AENQ_FATAL_ERROR) | (1 << EnaAdmin.AENQ_KEEP_ALIVE);
    public static final int SUPPORTED_FEATURES = (1 << EnaAdmin.FEATURE_DEVICE_ATTRIBUTES)
        | (1 << EnaAdmin.FEATURE_MAX_QUEUES_NUM) | (1 << EnaAdmin.FEATURE_MTU) | (1 << EnaAdmin.FEATURE_AENQ_CONFIG);
    /** Bytes captured per frame in timing-only mode: Ethernet + IPv4 + TCP headers and a 32-byte stream header. */
    public static final int TIMING_ONLY_CAPTURE_BYTES = 128;

    private final EniPort port;
    private final NanoClock clock;
    private final long mac;
    private final int maxPairs;
    private final int maxQueueDepth;
    private final int captureBytes;
    private final long resetDelayNs;
    private final int rxBudget;
    private final TxQueue[] txQueues;
    private final EnaDeviceMeters meters;
    private final EnaQueues queues;
    private final EnaAenq aenq;
    private final EnaAdminQueue admin;
    private final EnaTxPath tx;
    private final EnaRxPath rx;

    // Device state (agent thread).
    private boolean resetting;
    private boolean resetReleased;
    private long resetDoneAtNs;
    private boolean fatal;
    /** The ENI's link is down (a fault): no TX frame is taken, every delivered frame is dropped. Not reset by FLR. */
    private boolean linkDown;
    private int fatalReason = -1;
    private int lastDriverResetReason = -1;
    private int mtu = DEFAULT_MTU;

    EnaFunction(final EnaFunctionContext ctx, final PciFunctionBuilder builder)
    {
        super(builder);
        this.port = ctx.port;
        this.clock = ctx.clock;
        this.mac = port.eni().mac();
        this.maxPairs = ctx.maxQueuePairs;
        this.maxQueueDepth = ctx.maxQueueDepth;
        this.captureBytes = ctx.captureBytes;
        this.resetDelayNs = ctx.resetDelayNs;
        this.rxBudget = ctx.rxBudget;
        this.txQueues = new TxQueue[maxPairs];
        for (int i = 0; i < maxPairs; i++)
        {
            txQueues[i] = port.addTxQueue(ctx.txQueueDepthFrames, captureBytes);
        }
        this.meters = new EnaDeviceMeters(ctx.registry,
            MetricTags.of("instance", port.instance().instanceId(), "eni", port.eni().id()), port.counters());
        this.queues = new EnaQueues(maxPairs, maxQueueDepth, txQueues);
        this.aenq = new EnaAenq(this, queues, meters, ctx.keepAliveIntervalNs);
        this.admin = new EnaAdminQueue(this, queues, aenq, meters);
        this.tx = new EnaTxPath(this, queues, meters, captureBytes, ctx.txBurst);
        this.rx = new EnaRxPath(this, queues, meters, captureBytes, ctx.rxHandoffFrames);
        port.sink(rx);
    }

    /** The configuration of the device of one ENI port (not to be confused with {@link PciFunction#builder()}). */
    public static EnaFunctionContext context()
    {
        return new EnaFunctionContext();
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
        return meters.txFrames.get();
    }

    public long txErrors()
    {
        return meters.txErrors.get();
    }

    /** Times a TX SQ found its card queue full and stopped (back-pressure). */
    public long txBlocked()
    {
        return meters.txBlocked.get();
    }

    public long rxFrames()
    {
        return meters.rxFrames.get();
    }

    public long rxOverruns()
    {
        return meters.rxOverruns.get();
    }

    /** Times the device entered its fatal state. */
    public long fatalErrors()
    {
        return meters.fatalErrors.get();
    }

    public long aenqDropped()
    {
        return meters.aenqDropped.get();
    }

    public long adminCommands()
    {
        return meters.adminCommands.get();
    }

    // ---------------------------------------------------------------------------------------------------------
    // What the function's parts share (package).

    long macAddress()
    {
        return mac;
    }

    int maxQueueDepth()
    {
        return maxQueueDepth;
    }

    void mtu(final int mtu)
    {
        this.mtu = mtu;
    }

    boolean isResetting()
    {
        return resetting;
    }

    long nowNs()
    {
        return clock.nanoTime();
    }

    /** The 64-bit address in the register pair at {@code loOffset} (low dword) and {@code loOffset + 4}. */
    long registerAddress(final int loOffset)
    {
        final var regs = registers(EnaRegisters.REGISTER_BAR);
        return (regs.getInt(loOffset) & 0xFFFF_FFFFL) | ((long)regs.getInt(loOffset + 4) << 32);
    }

    /**
     * The ENI's link goes down or up (the port's physical state, e.g. an injected fault): the device posts an AENQ
     * LINK_CHANGE whose link_status says which; while down it takes no frame from the guest's TX queues (they wait)
     * and drops every frame the card delivers ({@code ena.link.dropped}). Device agent thread.
     */
    public void link(final boolean up)
    {
        if (up == !linkDown)
        {
            return;
        }
        linkDown = !up;
        aenq.postLinkChange(up, clock.nanoTime()); // vector 0 fires at the end of the device's next pass
        wakeAgent();
    }

    /** Whether the ENI's link is up. */
    public boolean linkUp()
    {
        return !linkDown;
    }

    /** Frames the card delivered while the link was down, dropped. */
    public long linkDropped()
    {
        return meters.linkDropped.get();
    }

    /** Enters the fatal state: DEV_STS.fatal_error, an AENQ FATAL_ERROR event, no more work until reset. */
    void fatal(final int reason)
    {
        if (fatal || resetting)
        {
            return;
        }
        fatal = true;
        fatalReason = reason;
        meters.fatalErrors.incrementRelease();
        registers(EnaRegisters.REGISTER_BAR).setBits(EnaRegisters.DEV_STS, EnaRegisters.DEV_STS_FATAL_ERROR);
        tracer().emit(TraceKind.STATE, -1, registers(EnaRegisters.REGISTER_BAR).getInt(EnaRegisters.DEV_STS), reason, 0, 0);
        aenq.post(EnaAdmin.AENQ_FATAL_ERROR, reason, clock.nanoTime()); // best effort: the AENQ may be the fault
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
            admin.doorbell(value);
        }
        else if (offset == EnaRegisters.AENQ_HEAD_DB)
        {
            aenq.doorbell(value);
        }
        else
        {
            queues.doorbell(offset, value);
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
            return work + rx.drain(rxBudget); // dropped: no queues
        }
        if (admin.hasWork() && !fatal)
        {
            work += admin.process();
        }
        work += rx.drain(rxBudget);
        if (!fatal)
        {
            if (!linkDown)
            {
                work += tx.process(); // no link: the guest's TX frames wait in their queues
            }
            work += aenq.keepAlive(nowNs);
        }
        queues.vectors().fire(msix());
        return work;
    }

    @Override
    protected void onBindWake(final Wake wake)
    {
        port.bindFunctionWake(wake);
    }

    /** Its outside input is the card's: frames on the port's hand-off and room in the egress queues, both waking. */
    @Override
    protected boolean deviceWakesOnInput()
    {
        return true;
    }

    /**
     * Idle, it waits for input as a real ENA does (it acts on doorbells, not by scanning guest memory): doorbells and
     * register writes, the card's frames and egress room, link changes. Its timers (reset done, keep-alive, frames or
     * admin commands left over) are its deadline.
     */
    @Override
    protected boolean deviceIdleUntilWoken()
    {
        return true;
    }

    @Override
    protected long deviceNextDeadlineNs()
    {
        if (resetting)
        {
            return resetReleased ? resetDoneAtNs : SimAgent.NO_DEADLINE;
        }
        if (rx.hasFrames() || (admin.hasWork() && !fatal))
        {
            return clock.nanoTime();
        }
        return fatal ? SimAgent.NO_DEADLINE : aenq.nextKeepAliveNs();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reset and the read-less register read

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
                registers(EnaRegisters.REGISTER_BAR).putInt(EnaRegisters.DEV_STS,
                    EnaRegisters.DEV_STS_RESET_IN_PROGRESS);
            }
        }
        else if (resetting && !resetReleased)
        {
            resetReleased = true;
            resetDoneAtNs = clock.nanoTime() + resetDelayNs;
        }
    }

    private void clearState()
    {
        fatal = false;
        fatalReason = -1;
        mtu = DEFAULT_MTU;
        admin.clear();
        aenq.clear();
        queues.clear();
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
}
