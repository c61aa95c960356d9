package io.nitrosim.nic.driver;

import org.agrona.DirectBuffer;

import io.nitrosim.nic.ena.AdminCompletion;
import io.nitrosim.nic.ena.EnaAdmin;
import io.nitrosim.nic.ena.EnaRegisters;
import io.nitrosim.nic.ena.EnaResetReason;
import io.nitrosim.nic.frame.FrameOutlet;
import io.nitrosim.nic.frame.FrameReceiver;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.GuestMemoryAccess;
import io.nitrosim.pci.GuestTask;

/**
 * The reference guest driver of the ENA function, written from the public ENA interface: it touches the device
 * only through configuration space, BAR0 and guest memory ({@link FunctionAccess}, {@link GuestMemoryAccess}),
 * like a kernel driver. It runs inside a guest program: call {@link #doWork(long)} from the vCPU's duty cycle,
 * {@link #onInterrupt(int)} for its MSI-X vectors, and honour {@link #nextDeadlineNs()}. Nothing blocks.
 * <p>
 * Bring-up (a state machine advanced by doWork): enable memory space and bus mastering (and MSI-X, programming one
 * table entry per vector with the given message address and data), check DEV_STS.ready, reset through
 * DEV_CTL.dev_reset and poll DEV_STS for reset_in_progress then ready, set up the admin SQ/CQ and the AENQ, then
 * admin commands: GET_FEATURE DEVICE_ATTRIBUTES (MAC, max MTU), GET_FEATURE MAX_QUEUES_NUM, SET_FEATURE
 * AENQ_CONFIG (link change, fatal error, keep-alive), SET_FEATURE MTU, and per IO queue pair CREATE_CQ/CREATE_SQ for
 * TX and RX; finally every RX buffer is posted. The link is up when the AENQ LINK_CHANGE event arrives.
 * <p>
 * Data path: {@link #txQueue(int)} is a zero-copy {@link FrameOutlet}; frames are copied into the queue's guest
 * buffers and described by TX descriptors, and one doorbell per queue covers everything posted since the last
 * ({@link #flushTx()}, also at the end of every doWork). Completions are reaped in doWork (interrupt mode: for the
 * vectors that fired; polling mode: always), received frames go to the {@link FrameReceiver}, and RX buffers are
 * reposted at once. In timing-only mode ({@link EnaDriverContext#captureBytes}) only each frame's first bytes are written
 * and read; descriptors and completions still carry full lengths.
 * <p>
 * Errors: an admin status is reported to whoever asked; a device fatal error (DEV_STS.fatal_error, or DEV_STS
 * reading all ones, or the AENQ FATAL_ERROR event), a missed keep-alive, an admin timeout, or a completion with an
 * impossible req_id put the driver in {@link #STATE_FAILED} with an ENA reset reason. Then, as Linux's reset task
 * ({@code ena_fw_reset_device}: {@code ena_destroy_device}, {@code ena_restore_device}), at the watchdog's next tick
 * (at once when the watchdog itself found the failure) it recovers by itself: the queues stop, frames posted for
 * transmission and not completed are lost ({@link #framesLostToResets()}), the device is reset through DEV_CTL with
 * the reason, bring-up runs again, every RX buffer is posted again and TX resumes. Resets are counted by reason
 * ({@link #resets(int)}). With {@link EnaDriverContext#autoRecovery(boolean) autoRecovery} off the driver stays
 * failed until {@link #reset(int)}. A received frame whose RX completion says l3_csum_err or l4_csum_err (Linux
 * {@code ena_rx_checksum}) is dropped and counted ({@link #rxCsumBad()}). Allocation-free after construction.
 * Single-threaded (the vCPU's).
 * <p>
 * Its parts: bring-up ({@link EnaBringUp}), the admin queue and AENQ ({@link EnaDriverAdmin}), the TX and RX rings
 * ({@link EnaTxRing}, {@link EnaRxRing}), the configuration ({@link EnaDriverContext}); the rings use the
 * pci-endpoint queue library for positions, phase tags and doorbells.
 */
public final class EnaDriver implements GuestTask
{
    public static final int STATE_OFF = 0;
    public static final int STATE_WAIT_READY = 1;
    public static final int STATE_WAIT_RESET_IN_PROGRESS = 2;
    public static final int STATE_WAIT_RESET_DONE = 3;
    public static final int STATE_ADMIN = 4;
    public static final int STATE_UP = 5;
    public static final int STATE_FAILED = 6;

    /** Reset reasons counted one by one (ena_regs_reset_reason_types 0..31); others count as GENERIC. */
    public static final int RESET_REASONS = 32;

    /** Most descriptors of one frame (the device's max_packet_tx_descs / rx_descs). */
    static final int MAX_FRAME_DESCS = 32;

    private final EnaDriverContext ctx;
    private final int pairs;
    private final boolean interruptMode;
    /** The IO completion queues signal on their vectors (interrupt mode, not busy polling). */
    private final boolean ioInterrupts;
    private final FrameReceiver receiver;
    private final EnaTxRing[] tx;
    private final EnaRxRing[] rx;
    private final EnaDriverAdmin admin;
    private final EnaBringUp bringUp;
    private final boolean[] pairInterrupted;
    /** Busy polling: the pairs whose vector fired once, read on every doWork since (the others wait for theirs). */
    private final boolean[] pairPolled;
    private boolean adminInterrupted;

    /**
     * Written by the guest that runs this driver only; volatile because the peer guest of an iperf stream reads
     * {@link #isUp()} and then {@link #macAddress()} (written before the state turns up) from its own thread in a
     * concurrent real-time run: a one-writer hand-off standing in for ARP.
     */
    private volatile int state = STATE_OFF;
    private int failureReason = -1;
    private int resetReason = EnaResetReason.NORMAL;
    private long stateSinceNs;
    /** When a failed driver resets the device (with auto-recovery). */
    private long recoverAtNs = NO_DEADLINE;
    private final long[] resetsByReason = new long[RESET_REASONS];
    private long framesLostToResets;
    long rxCsumBad;
    long rxCsumUnchecked;
    private long nowNs;
    private long nextHealthCheckNs;
    private int mtu;

    private long interrupts;
    long txDoorbells;
    long rxDoorbells;
    long txErrors;
    private long rxFrames;
    private long rxBytes;

    EnaDriver(final EnaDriverContext ctx)
    {
        this.ctx = ctx;
        this.pairs = ctx.queuePairs;
        this.interruptMode = ctx.interruptMode;
        this.ioInterrupts = ctx.interruptMode && !ctx.ioBusyPoll;
        this.receiver = ctx.receiver;
        this.tx = new EnaTxRing[pairs];
        this.rx = new EnaRxRing[pairs];
        for (int i = 0; i < pairs; i++)
        {
            tx[i] = new EnaTxRing(this, ctx, i);
            rx[i] = new EnaRxRing(this, ctx);
        }
        this.admin = new EnaDriverAdmin(this, ctx);
        this.bringUp = new EnaBringUp(this, ctx, admin, tx, rx);
        this.pairInterrupted = new boolean[pairs];
        this.pairPolled = new boolean[pairs];
        this.mtu = ctx.mtu;
    }

    public static EnaDriverContext context()
    {
        return new EnaDriverContext();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Guest task face

    /**
     * One slice of driver work at simulated time {@code nowNs}: advance bring-up, reap completions, deliver
     * received frames, ring doorbells. @return work done (0 when idle).
     */
    @Override
    public int doWork(final long nowNs)
    {
        this.nowNs = nowNs;
        switch (state)
        {
            case STATE_OFF:
                return bringUp.start(nowNs);
            case STATE_WAIT_READY:
                return bringUp.waitReady(nowNs, resetReason);
            case STATE_WAIT_RESET_IN_PROGRESS:
                return bringUp.waitResetInProgress(nowNs);
            case STATE_WAIT_RESET_DONE:
                return bringUp.waitResetDone(nowNs);
            case STATE_ADMIN:
                return admin.pollCompletion(nowNs) + admin.pollEvents(nowNs);
            case STATE_UP:
                return upWork(nowNs);
            case STATE_FAILED:
                if (ctx.autoRecovery && nowNs >= recoverAtNs)
                {
                    reset(failureReason);
                    return 1;
                }
                return 0;
            default:
                return 0;
        }
    }

    /** When doWork next has something to do without an interrupt or other input. */
    @Override
    public long nextDeadlineNs()
    {
        switch (state)
        {
            case STATE_WAIT_READY:
            case STATE_WAIT_RESET_IN_PROGRESS:
            case STATE_WAIT_RESET_DONE:
                return nowNs + ctx.pollIntervalNs;
            case STATE_ADMIN:
                return admin.outstanding() ? admin.timeoutAtNs() : nowNs + ctx.pollIntervalNs;
            case STATE_UP:
            {
                long deadline = nextHealthCheckNs;
                if (ctx.keepAliveTimeoutNs > 0)
                {
                    deadline = Math.min(deadline, admin.lastKeepAliveNs() + ctx.keepAliveTimeoutNs);
                }
                if (admin.outstanding())
                {
                    deadline = Math.min(deadline, admin.timeoutAtNs());
                }
                return deadline;
            }
            case STATE_FAILED:
                return ctx.autoRecovery ? recoverAtNs : NO_DEADLINE;
            default:
                return NO_DEADLINE;
        }
    }

    /** An MSI-X message with x86 vector {@code vector} reached the vCPU (only this driver's vectors matter). */
    @Override
    public void onInterrupt(final int vector)
    {
        final int index = vector - ctx.firstVector;
        if (!interruptMode || index < 0 || index > pairs)
        {
            return;
        }
        interrupts++;
        if (index == 0)
        {
            adminInterrupted = true;
        }
        else
        {
            pairInterrupted[index - 1] = true;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Status

    public int state()
    {
        return state;
    }

    public boolean isUp()
    {
        return state == STATE_UP;
    }

    /** Whether the AENQ reported the link up (LINK_CHANGE). */
    public boolean linkUp()
    {
        return admin.linkUp() && state == STATE_UP;
    }

    /**
     * Whether the carrier is off: the last AENQ LINK_CHANGE said the link is down (ena_admin_aenq_link_change_desc
     * link_status 0). The TX queues take no frame until a LINK_CHANGE says it is up again.
     */
    public boolean carrierOff()
    {
        return admin.carrierOff();
    }

    /** The ENA reset reason of the failure, -1 unless {@link #STATE_FAILED}. */
    public int failureReason()
    {
        return failureReason;
    }

    /** The reset reason the device reported in its last AENQ FATAL_ERROR event, -1 if none. */
    public int fatalSyndrome()
    {
        return admin.fatalSyndrome();
    }

    /** Device resets the driver made with ENA reset reason {@code reason} (0..{@value #RESET_REASONS} - 1). */
    public long resets(final int reason)
    {
        return resetsByReason[reason];
    }

    /** Device resets the driver made, every reason. */
    public long resets()
    {
        long sum = 0;
        for (final long n : resetsByReason)
        {
            sum += n;
        }
        return sum;
    }

    /** Frames posted for transmission and never completed because the device was reset under them. */
    public long framesLostToResets()
    {
        return framesLostToResets;
    }

    /**
     * Received frames dropped because the device's RX completion said l3_csum_err or l4_csum_err (Linux
     * {@code rx_stats.csum_bad}).
     */
    public long rxCsumBad()
    {
        return rxCsumBad;
    }

    /** Received TCP/UDP frames whose L4 checksum the device did not check (Linux {@code csum_unchecked}). */
    public long rxCsumUnchecked()
    {
        return rxCsumUnchecked;
    }

    /**
     * The guest address of the posted RX buffer of queue pair {@code pair} the device fills next (as far as the
     * driver has reaped), and its size: where a DMA fault under an in-flight descriptor hits.
     */
    public long nextRxBufferAddress(final int pair)
    {
        return rx[pair].nextBufferAddress();
    }

    public int rxBufferBytes()
    {
        return ctx.rxBufferBytes;
    }

    /** The MAC from GET_FEATURE DEVICE_ATTRIBUTES (valid once up). */
    public long macAddress()
    {
        return bringUp.macAddress();
    }

    public int maxMtu()
    {
        return bringUp.maxMtu();
    }

    public int mtu()
    {
        return mtu;
    }

    public int queuePairs()
    {
        return pairs;
    }

    public int deviceMaxQueues()
    {
        return bringUp.deviceMaxQueues();
    }

    public int deviceMaxQueueDepth()
    {
        return bringUp.deviceMaxDepth();
    }

    public int captureBytes()
    {
        return ctx.captureBytes;
    }

    public long keepAlives()
    {
        return admin.keepAlives();
    }

    public long lastKeepAliveNs()
    {
        return admin.lastKeepAliveNs();
    }

    public long linkChanges()
    {
        return admin.linkChanges();
    }

    public long interrupts()
    {
        return interrupts;
    }

    public long txDoorbells()
    {
        return txDoorbells;
    }

    public long rxDoorbells()
    {
        return rxDoorbells;
    }

    /** TX completions with a non-zero status. */
    public long txErrors()
    {
        return txErrors;
    }

    public long rxFrames()
    {
        return rxFrames;
    }

    public long rxBytes()
    {
        return rxBytes;
    }

    public long txFrames(final int pair)
    {
        return tx[pair].frames;
    }

    /** TX completions reaped on queue pair {@code pair}. */
    public long txCompletions(final int pair)
    {
        return tx[pair].completions;
    }

    public long rxFrames(final int pair)
    {
        return rx[pair].frames;
    }

    /** TX descriptors posted on queue pair {@code pair} (more than frames when frames span buffers). */
    public long txDescriptors(final int pair)
    {
        return tx[pair].descriptorsPosted;
    }

    /** RX completions reaped on queue pair {@code pair} (one per buffer used). */
    public long rxCompletions(final int pair)
    {
        return rx[pair].completions;
    }

    /** The status of the last TX completion with a non-zero status on {@code pair}, 0 if none. */
    public int lastTxErrorStatus(final int pair)
    {
        return tx[pair].lastErrorStatus;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Data path

    /** Queue pair {@code pair}'s TX queue as a zero-copy outlet (claims fail until the driver is up). */
    public FrameOutlet txQueue(final int pair)
    {
        return tx[pair];
    }

    /**
     * Copies a frame into queue pair {@code pair}'s TX ring (the doorbell rings at {@link #flushTx()}).
     *
     * @param capturedLength bytes of {@code frame} present (the whole frame, or its headers in timing-only mode).
     * @return false when the ring has no room (back-pressure) or the driver is not up.
     */
    public boolean transmit(final int pair, final DirectBuffer frame, final int offset, final int capturedLength,
        final int frameLength)
    {
        final EnaTxRing ring = tx[pair];
        final int index = ring.tryClaim(capturedLength, frameLength);
        if (index < 0)
        {
            return false;
        }
        ring.buffer().putBytes(index, frame, offset, Math.min(capturedLength, ring.claimedCaptured()));
        ring.commit(index);
        return true;
    }

    /** Rings the TX doorbell of every queue with descriptors posted since its last doorbell. @return doorbells. */
    public int flushTx()
    {
        int rung = 0;
        for (final EnaTxRing ring : tx)
        {
            rung += ring.ringDoorbell();
        }
        return rung;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Asynchronous admin requests (one at a time, once up)

    /** Whether a request can be made now (up, and no request of the caller's outstanding). */
    public boolean adminIdle()
    {
        return admin.idle();
    }

    /** Asks for the five ENI allowance counters (GET_STATS type ENI). @return false if not {@link #adminIdle()}. */
    public boolean requestEniStats()
    {
        return admin.requestStats(EnaAdmin.STATS_TYPE_ENI);
    }

    /** Asks for the basic statistics (GET_STATS type BASIC). */
    public boolean requestBasicStats()
    {
        return admin.requestStats(EnaAdmin.STATS_TYPE_BASIC);
    }

    /** SET_FEATURE MTU; the driver's {@link #mtu()} changes when the device accepts it. */
    public boolean requestMtu(final int newMtu)
    {
        return admin.requestMtu(newMtu);
    }

    /**
     * Submits any 64-byte admin command (conformance tests): bytes 2..63 are sent as given, the driver sets the
     * command id and the phase bit.
     */
    public boolean submitAdmin(final DirectBuffer rawCommand, final int offset)
    {
        return admin.requestRaw(rawCommand, offset);
    }

    /** Whether the last request's completion has arrived. */
    public boolean adminResultReady()
    {
        return admin.resultReady();
    }

    /** Status of the last request's completion ({@link EnaAdmin} codes), -1 before it arrives. */
    public int adminResultStatus()
    {
        return admin.resultStatus();
    }

    /** The last request's completion entry (valid once {@link #adminResultReady()}). */
    public AdminCompletion adminResult()
    {
        return admin.result();
    }

    /** ENI statistic {@code index} from the last GET_STATS ENI (0 bw_in .. 4 linklocal allowance exceeded). */
    public long eniStat(final int index)
    {
        return admin.eniStat(index);
    }

    // ---------------------------------------------------------------------------------------------------------
    // State (the driver's parts call these)

    /**
     * Starts over from a device reset, writing {@code reason} into DEV_CTL.reset_reason: the queues stop (frames
     * posted and not completed are lost and counted), then bring-up runs again (Linux {@code ena_destroy_device},
     * {@code ena_restore_device}).
     */
    public void reset(final int reason)
    {
        int lost = 0;
        for (int i = 0; i < pairs; i++)
        {
            lost += tx[i].stop();
            rx[i].stop();
        }
        framesLostToResets += lost;
        resetsByReason[reason >= 0 && reason < RESET_REASONS ? reason : EnaResetReason.GENERIC]++;
        resetReason = reason;
        state = STATE_OFF;
        failureReason = -1;
        recoverAtNs = NO_DEADLINE;
        admin.linkDown();
    }

    /** A failure: the reset task runs at the watchdog's next tick (Linux: ENA_FLAG_TRIGGER_RESET, then the timer). */
    void fail(final int reason)
    {
        if (state != STATE_FAILED)
        {
            state = STATE_FAILED;
            failureReason = reason;
            recoverAtNs = nextHealthCheckNs > nowNs ? nextHealthCheckNs : nowNs + ctx.healthCheckIntervalNs;
            admin.linkDown();
        }
    }

    /** A failure the watchdog found: the reset task runs at once. */
    private void failNow(final int reason)
    {
        fail(reason);
        recoverAtNs = nowNs;
    }

    void enter(final int newState, final long nowNs)
    {
        state = newState;
        stateSinceNs = nowNs;
    }

    long timeInState(final long nowNs)
    {
        return nowNs - stateSinceNs;
    }

    void onBringUpCompletion(final AdminCompletion completion, final long nowNs)
    {
        bringUp.onCompletion(completion, nowNs);
    }

    /** Bring-up is complete. */
    void up(final long nowNs)
    {
        admin.keepAliveFrom(nowNs);
        nextHealthCheckNs = nowNs + ctx.healthCheckIntervalNs;
        enter(STATE_UP, nowNs);
    }

    void mtuChanged(final int newMtu)
    {
        mtu = newMtu;
    }

    /** A whole frame arrived on an RX queue ({@code captured} of its {@code length} bytes in {@code frame}). */
    void frameReceived(final DirectBuffer frame, final int captured, final int length, final long nowNs)
    {
        rxFrames++;
        rxBytes += length;
        if (receiver != null)
        {
            receiver.onFrame(frame, 0, captured, length, nowNs);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Running

    private int upWork(final long nowNs)
    {
        int work = 0;
        if (!interruptMode || adminInterrupted || admin.outstanding())
        {
            adminInterrupted = false;
            work += admin.pollCompletion(nowNs);
            work += admin.pollEvents(nowNs);
        }
        if (state != STATE_UP)
        {
            return work + 1;
        }
        work += admin.submitRequest(nowNs);
        for (int i = 0; i < pairs; i++)
        {
            if (!interruptMode || !ioInterrupts && pairPolled[i] || pairInterrupted[i])
            {
                pairInterrupted[i] = false;
                pairPolled[i] = !ioInterrupts; // busy polling: from its first interrupt on, its vector left masked
                final int done = tx[i].reap(ctx.completionBudget) + rx[i].reap(ctx.completionBudget, nowNs);
                if (state != STATE_UP)
                {
                    return work + done + 1;
                }
                work += done;
                if (ioInterrupts)
                {
                    if (tx[i].backlog() || rx[i].backlog())
                    {
                        pairInterrupted[i] = true; // budget used up: poll again before re-arming (NAPI)
                    }
                    else
                    {
                        ctx.function.mmioWrite(EnaRegisters.REGISTER_BAR, rx[i].ring.unmaskOffset, 4,
                            EnaRegisters.INTR_REG_UNMASK & 0xFFFF_FFFFL);
                    }
                }
            }
            work += rx[i].ringDoorbell();
        }
        work += flushTx();
        if (nowNs >= nextHealthCheckNs)
        {
            nextHealthCheckNs = nowNs + ctx.healthCheckIntervalNs;
            if ((ctx.function.mmioRead(EnaRegisters.REGISTER_BAR, EnaRegisters.DEV_STS, 4)
                & EnaRegisters.DEV_STS_FATAL_ERROR) != 0)
            {
                // all ones too: the function no longer answers (an FLR cleared memory space enable)
                failNow(admin.fatalSyndrome() >= 0 ? admin.fatalSyndrome() : EnaResetReason.GENERIC);
                return work + 1;
            }
        }
        if (ctx.keepAliveTimeoutNs > 0 && nowNs - admin.lastKeepAliveNs() > ctx.keepAliveTimeoutNs)
        {
            failNow(EnaResetReason.KEEP_ALIVE_TO);
            return work + 1;
        }
        return work;
    }

    /** It reacts to its own device only (registers, queues in guest memory, interrupts). */
    @Override
    public boolean wakesOnInput()
    {
        return true;
    }
}
