package io.nitrosim.nic.driver;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.nic.ena.AdminCommand;
import io.nitrosim.nic.ena.AdminCompletion;
import io.nitrosim.nic.ena.AenqEntry;
import io.nitrosim.nic.ena.EnaAdmin;
import io.nitrosim.nic.ena.EnaRegisters;
import io.nitrosim.nic.ena.EnaResetReason;
import io.nitrosim.nic.ena.RxCompletion;
import io.nitrosim.nic.ena.RxDescriptor;
import io.nitrosim.nic.ena.TxCompletion;
import io.nitrosim.nic.ena.TxDescriptor;
import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.nic.frame.FrameOutlet;
import io.nitrosim.nic.frame.FrameReceiver;
import io.nitrosim.pci.ConfigSpace;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.GuestMemoryAccess;
import io.nitrosim.pci.GuestMemoryAllocator;
import io.nitrosim.pci.GuestTask;
import io.nitrosim.pci.MsixTable;
import io.nitrosim.time.SimAgent;

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
 * reposted at once. In timing-only mode ({@link Context#captureBytes}) only each frame's first bytes are written
 * and read; descriptors and completions still carry full lengths.
 * <p>
 * Errors: an admin status is reported to whoever asked; a device fatal error (DEV_STS.fatal_error, or the AENQ
 * FATAL_ERROR event), a missed keep-alive, an admin timeout, or a completion with an impossible req_id put the
 * driver in {@link #STATE_FAILED} with an ENA reset reason; {@link #reset(int)} starts over with that reason in
 * DEV_CTL. Allocation-free after construction. Single-threaded (the vCPU's).
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

    private static final int STEP_DEVICE_ATTRIBUTES = 0;
    private static final int STEP_MAX_QUEUES = 1;
    private static final int STEP_AENQ_CONFIG = 2;
    private static final int STEP_SET_MTU = 3;
    private static final int STEP_QUEUES = 4; // + 4 * pair + {0 TX CQ, 1 TX SQ, 2 RX CQ, 3 RX SQ}

    private static final int USER_NONE = 0;
    private static final int USER_RAW = 1;
    private static final int USER_ENI_STATS = 2;
    private static final int USER_BASIC_STATS = 3;
    private static final int USER_SET_MTU = 4;

    private static final int MAX_FRAME_DESCS = 32;
    private static final int BAR = EnaRegisters.REGISTER_BAR;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final Context ctx;
    private final FunctionAccess fn;
    private final GuestMemoryAccess memory;
    private final int pairs;
    private final boolean interruptMode;
    private final FrameReceiver receiver;
    private final TxRing[] tx;
    private final RxRing[] rx;

    private final UnsafeBuffer adminScratch = new UnsafeBuffer(new byte[AdminCommand.LENGTH]);
    private final UnsafeBuffer adminResultBuffer = new UnsafeBuffer(new byte[AdminCompletion.LENGTH]);
    private final UnsafeBuffer userCommand = new UnsafeBuffer(new byte[AdminCommand.LENGTH]);
    private final UnsafeBuffer aenqScratch = new UnsafeBuffer(new byte[AenqEntry.LENGTH]);
    private final UnsafeBuffer descScratch = new UnsafeBuffer(new byte[MAX_FRAME_DESCS * TxDescriptor.LENGTH]);
    private final UnsafeBuffer rxFrame;
    private final AdminCommand command = new AdminCommand();
    private final AdminCompletion completion = new AdminCompletion();
    private final AenqEntry aenq = new AenqEntry();
    private final TxDescriptor txDesc = new TxDescriptor();
    private final RxDescriptor rxDesc = new RxDescriptor();
    private final long[] eniStats = new long[EnaAdmin.ENI_STATS_COUNT];
    private final boolean[] pairInterrupted;

    private int state = STATE_OFF;
    private int failureReason = -1;
    private int resetReason = EnaResetReason.NORMAL;
    private long stateSinceNs;
    private long nowNs;
    private long resetTimeoutNs;

    private boolean memoryAllocated;
    private long aqBase;
    private long acqBase;
    private long aenqBase;
    private int aqTail;
    private int acqHead;
    private int aenqHead;
    private boolean adminOutstanding;
    private long adminIssuedNs;
    private int bringUpStep;
    private boolean adminInterrupted;

    private int userKind = USER_NONE;
    private boolean userSubmitted;
    private boolean userDone;
    private int userStatus = -1;
    private int userMtu;

    private long mac;
    private int maxMtu;
    private int mtu;
    private int deviceMaxQueues;
    private int deviceMaxDepth;
    private boolean linkUp;
    private long lastKeepAliveNs;
    private long nextHealthCheckNs;
    private int fatalSyndrome = -1;

    private long keepAlives;
    private long linkChanges;
    private long interrupts;
    private long txDoorbells;
    private long rxDoorbells;
    private long txErrors;
    private long rxFrames;
    private long rxBytes;

    private EnaDriver(final Context ctx)
    {
        this.ctx = ctx;
        this.fn = ctx.function;
        this.memory = ctx.memory;
        this.pairs = ctx.queuePairs;
        this.interruptMode = ctx.interruptMode;
        this.receiver = ctx.receiver;
        this.tx = new TxRing[pairs];
        this.rx = new RxRing[pairs];
        for (int i = 0; i < pairs; i++)
        {
            tx[i] = new TxRing(i);
            rx[i] = new RxRing(i);
        }
        this.pairInterrupted = new boolean[pairs];
        this.rxFrame = new UnsafeBuffer(new byte[ctx.captureBytes]);
        this.mtu = ctx.mtu;
    }

    public static Context context()
    {
        return new Context();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Guest program face

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
                return startBringUp(nowNs);
            case STATE_WAIT_READY:
                return waitReady(nowNs);
            case STATE_WAIT_RESET_IN_PROGRESS:
                return waitResetInProgress(nowNs);
            case STATE_WAIT_RESET_DONE:
                return waitResetDone(nowNs);
            case STATE_ADMIN:
                return pollAdmin(nowNs) + pollAenq(nowNs);
            case STATE_UP:
                return upWork(nowNs);
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
                return adminOutstanding ? adminIssuedNs + ctx.adminTimeoutNs : nowNs + ctx.pollIntervalNs;
            case STATE_UP:
            {
                long deadline = nextHealthCheckNs;
                if (ctx.keepAliveTimeoutNs > 0)
                {
                    deadline = Math.min(deadline, lastKeepAliveNs + ctx.keepAliveTimeoutNs);
                }
                if (adminOutstanding)
                {
                    deadline = Math.min(deadline, adminIssuedNs + ctx.adminTimeoutNs);
                }
                return deadline;
            }
            default:
                return SimAgent.NO_DEADLINE;
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
        return linkUp && state == STATE_UP;
    }

    /** The ENA reset reason of the failure, -1 unless {@link #STATE_FAILED}. */
    public int failureReason()
    {
        return failureReason;
    }

    /** The reset reason the device reported in its last AENQ FATAL_ERROR event, -1 if none. */
    public int fatalSyndrome()
    {
        return fatalSyndrome;
    }

    /** The MAC from GET_FEATURE DEVICE_ATTRIBUTES (valid once up). */
    public long macAddress()
    {
        return mac;
    }

    public int maxMtu()
    {
        return maxMtu;
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
        return deviceMaxQueues;
    }

    public int deviceMaxQueueDepth()
    {
        return deviceMaxDepth;
    }

    public int captureBytes()
    {
        return ctx.captureBytes;
    }

    public long keepAlives()
    {
        return keepAlives;
    }

    public long lastKeepAliveNs()
    {
        return lastKeepAliveNs;
    }

    public long linkChanges()
    {
        return linkChanges;
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
        return tx[pair].descriptors;
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
        final TxRing ring = tx[pair];
        final int index = ring.tryClaim(capturedLength, frameLength);
        if (index < 0)
        {
            return false;
        }
        ring.buffer().putBytes(index, frame, offset, Math.min(capturedLength, ring.claimedCaptured));
        ring.commit(index);
        return true;
    }

    /** Rings the TX doorbell of every queue with descriptors posted since its last doorbell. @return doorbells. */
    public int flushTx()
    {
        int rung = 0;
        for (final TxRing ring : tx)
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
        return state == STATE_UP && userKind == USER_NONE;
    }

    /** Asks for the five ENI allowance counters (GET_STATS type ENI). @return false if not {@link #adminIdle()}. */
    public boolean requestEniStats()
    {
        if (!adminIdle())
        {
            return false;
        }
        command.wrap(userCommand, 0).clear().opcode(EnaAdmin.GET_STATS);
        command.getStats(EnaAdmin.STATS_TYPE_ENI);
        return queueUser(USER_ENI_STATS);
    }

    /** Asks for the basic statistics (GET_STATS type BASIC). */
    public boolean requestBasicStats()
    {
        if (!adminIdle())
        {
            return false;
        }
        command.wrap(userCommand, 0).clear().opcode(EnaAdmin.GET_STATS);
        command.getStats(EnaAdmin.STATS_TYPE_BASIC);
        return queueUser(USER_BASIC_STATS);
    }

    /** SET_FEATURE MTU; the driver's {@link #mtu()} changes when the device accepts it. */
    public boolean requestMtu(final int newMtu)
    {
        if (!adminIdle())
        {
            return false;
        }
        command.wrap(userCommand, 0).clear().opcode(EnaAdmin.SET_FEATURE);
        command.feature(EnaAdmin.FEATURE_MTU).u32(AdminCommand.SET_MTU_OFFSET, newMtu);
        userMtu = newMtu;
        return queueUser(USER_SET_MTU);
    }

    /**
     * Submits any 64-byte admin command (conformance tests): bytes 2..63 are sent as given, the driver sets the
     * command id and the phase bit.
     */
    public boolean submitAdmin(final DirectBuffer rawCommand, final int offset)
    {
        if (!adminIdle())
        {
            return false;
        }
        userCommand.putBytes(0, rawCommand, offset, AdminCommand.LENGTH);
        return queueUser(USER_RAW);
    }

    private boolean queueUser(final int kind)
    {
        userKind = kind;
        userSubmitted = false;
        userDone = false;
        userStatus = -1;
        return true;
    }

    /** Whether the last request's completion has arrived. */
    public boolean adminResultReady()
    {
        return userDone;
    }

    /** Status of the last request's completion ({@link EnaAdmin} codes), -1 before it arrives. */
    public int adminResultStatus()
    {
        return userStatus;
    }

    /** The last request's completion entry (valid once {@link #adminResultReady()}). */
    public AdminCompletion adminResult()
    {
        return completion.wrap(adminResultBuffer, 0);
    }

    /** ENI statistic {@code index} from the last GET_STATS ENI (0 bw_in .. 4 linklocal allowance exceeded). */
    public long eniStat(final int index)
    {
        return eniStats[index];
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reset and bring-up

    /** Starts over from a device reset, writing {@code reason} into DEV_CTL.reset_reason. */
    public void reset(final int reason)
    {
        resetReason = reason;
        state = STATE_OFF;
        failureReason = -1;
        linkUp = false;
    }

    private void fail(final int reason)
    {
        if (state != STATE_FAILED)
        {
            state = STATE_FAILED;
            failureReason = reason;
            linkUp = false;
        }
    }

    private void enter(final int newState, final long nowNs)
    {
        state = newState;
        stateSinceNs = nowNs;
    }

    private int startBringUp(final long nowNs)
    {
        final int command = fn.configRead(ConfigSpace.COMMAND_OFFSET, 2);
        fn.configWrite(ConfigSpace.COMMAND_OFFSET, 2,
            command | ConfigSpace.COMMAND_MEMORY_SPACE | ConfigSpace.COMMAND_BUS_MASTER);
        if (interruptMode && !programMsix())
        {
            fail(EnaResetReason.INIT_ERR);
            return 1;
        }
        linkUp = false;
        adminOutstanding = false;
        userKind = USER_NONE;
        userSubmitted = false;
        fatalSyndrome = -1;
        enter(STATE_WAIT_READY, nowNs);
        return 1;
    }

    private boolean programMsix()
    {
        int cap = fn.configRead(ConfigSpace.CAPABILITIES_POINTER_OFFSET, 1) & ~3;
        for (int hops = 0; cap != 0 && hops < 48; hops++)
        {
            if (fn.configRead(cap, 1) == ConfigSpace.CAP_ID_MSIX)
            {
                break;
            }
            cap = fn.configRead(cap + 1, 1) & ~3;
        }
        if (cap == 0)
        {
            return false;
        }
        final int control = fn.configRead(cap + ConfigSpace.MSIX_MESSAGE_CONTROL, 2);
        final int vectors = (control & ConfigSpace.MSIX_CONTROL_TABLE_SIZE_MASK) + 1;
        if (vectors < pairs + 1)
        {
            return false;
        }
        final int table = fn.configRead(cap + ConfigSpace.MSIX_TABLE_OFFSET_BIR, 4);
        final int bar = table & ConfigSpace.MSIX_BIR_MASK;
        final long base = table & ~ConfigSpace.MSIX_BIR_MASK & 0xFFFF_FFFFL;
        for (int v = 0; v <= pairs; v++)
        {
            final long entry = base + (long)v * MsixTable.ENTRY_LENGTH;
            fn.mmioWrite(bar, entry + MsixTable.ENTRY_ADDRESS_LO_OFFSET, 4, ctx.msiAddress & 0xFFFF_FFFFL);
            fn.mmioWrite(bar, entry + MsixTable.ENTRY_ADDRESS_HI_OFFSET, 4, ctx.msiAddress >>> 32);
            fn.mmioWrite(bar, entry + MsixTable.ENTRY_DATA_OFFSET, 4, (ctx.firstVector + v) & 0xFFFF_FFFFL);
            fn.mmioWrite(bar, entry + MsixTable.ENTRY_VECTOR_CONTROL_OFFSET, 4, 0);
        }
        fn.configWrite(cap + ConfigSpace.MSIX_MESSAGE_CONTROL, 2,
            (control | ConfigSpace.MSIX_CONTROL_ENABLE) & ~ConfigSpace.MSIX_CONTROL_FUNCTION_MASK);
        return true;
    }

    private int readRegister(final int offset)
    {
        return (int)fn.mmioRead(BAR, offset, 4);
    }

    private void writeRegister(final int offset, final int value)
    {
        fn.mmioWrite(BAR, offset, 4, value & 0xFFFF_FFFFL);
    }

    private boolean timedOut(final long nowNs, final long timeoutNs)
    {
        return nowNs - stateSinceNs > timeoutNs;
    }

    private int waitReady(final long nowNs)
    {
        final int status = readRegister(EnaRegisters.DEV_STS);
        if (status != -1 && (status & EnaRegisters.DEV_STS_READY) != 0)
        {
            final int caps = readRegister(EnaRegisters.CAPS);
            final int units = (caps & EnaRegisters.CAPS_RESET_TIMEOUT_MASK) >>> EnaRegisters.CAPS_RESET_TIMEOUT_SHIFT;
            resetTimeoutNs = Math.max(1, units) * EnaRegisters.RESET_TIMEOUT_UNIT_NS;
            // DEV_CTL carries 4 bits of reason; larger ones need ENA's extended-reason capability, not offered here
            final int reason = resetReason >= 0 && resetReason <= 0xF ? resetReason : EnaResetReason.GENERIC;
            writeRegister(EnaRegisters.DEV_CTL,
                EnaRegisters.DEV_CTL_DEV_RESET | (reason << EnaRegisters.DEV_CTL_RESET_REASON_SHIFT));
            enter(STATE_WAIT_RESET_IN_PROGRESS, nowNs);
            return 1;
        }
        if (timedOut(nowNs, ctx.readyTimeoutNs))
        {
            fail(EnaResetReason.INIT_ERR);
            return 1;
        }
        return 0;
    }

    private int waitResetInProgress(final long nowNs)
    {
        final int status = readRegister(EnaRegisters.DEV_STS);
        if ((status & EnaRegisters.DEV_STS_RESET_IN_PROGRESS) != 0)
        {
            writeRegister(EnaRegisters.DEV_CTL, 0);
            enter(STATE_WAIT_RESET_DONE, nowNs);
            return 1;
        }
        if (timedOut(nowNs, resetTimeoutNs))
        {
            fail(EnaResetReason.INIT_ERR);
            return 1;
        }
        return 0;
    }

    private int waitResetDone(final long nowNs)
    {
        final int status = readRegister(EnaRegisters.DEV_STS);
        if ((status & EnaRegisters.DEV_STS_RESET_IN_PROGRESS) == 0 && (status & EnaRegisters.DEV_STS_READY) != 0)
        {
            setUpAdmin();
            enter(STATE_ADMIN, nowNs);
            bringUpStep = STEP_DEVICE_ATTRIBUTES;
            submitBringUpStep(nowNs);
            return 1;
        }
        if (timedOut(nowNs, resetTimeoutNs))
        {
            fail(EnaResetReason.INIT_ERR);
            return 1;
        }
        return 0;
    }

    private void allocate()
    {
        final GuestMemoryAllocator alloc = ctx.allocator;
        aqBase = alloc.allocate((long)ctx.adminDepth * AdminCommand.LENGTH, 4096);
        acqBase = alloc.allocate((long)ctx.adminDepth * AdminCompletion.LENGTH, 4096);
        aenqBase = alloc.allocate((long)ctx.aenqDepth * AenqEntry.LENGTH, 4096);
        for (int i = 0; i < pairs; i++)
        {
            tx[i].allocate(alloc);
            rx[i].allocate(alloc);
        }
        memoryAllocated = true;
    }

    private void setUpAdmin()
    {
        if (!memoryAllocated)
        {
            allocate();
        }
        memory.zero(acqBase, (long)ctx.adminDepth * AdminCompletion.LENGTH);
        memory.zero(aenqBase, (long)ctx.aenqDepth * AenqEntry.LENGTH);
        aqTail = 0;
        acqHead = 0;
        aenqHead = 0;
        writeRegister(EnaRegisters.AQ_BASE_LO, (int)aqBase);
        writeRegister(EnaRegisters.AQ_BASE_HI, (int)(aqBase >>> 32));
        writeRegister(EnaRegisters.AQ_CAPS, EnaRegisters.queueCaps(ctx.adminDepth, AdminCommand.LENGTH));
        writeRegister(EnaRegisters.ACQ_BASE_LO, (int)acqBase);
        writeRegister(EnaRegisters.ACQ_BASE_HI, (int)(acqBase >>> 32));
        writeRegister(EnaRegisters.ACQ_CAPS, EnaRegisters.queueCaps(ctx.adminDepth, AdminCompletion.LENGTH));
        writeRegister(EnaRegisters.AENQ_BASE_LO, (int)aenqBase);
        writeRegister(EnaRegisters.AENQ_BASE_HI, (int)(aenqBase >>> 32));
        writeRegister(EnaRegisters.AENQ_CAPS, EnaRegisters.queueCaps(ctx.aenqDepth, AenqEntry.LENGTH));
        writeRegister(EnaRegisters.AENQ_HEAD_DB, ctx.aenqDepth); // every entry is the device's to fill
        writeRegister(EnaRegisters.INTR_MASK, interruptMode ? 0 : EnaRegisters.INTR_MASK_ADMIN);
    }

    /** Writes the command prepared in {@link #adminScratch} into the admin SQ and rings AQ_DB. */
    private void submitAdmin(final long nowNs)
    {
        final int depth = ctx.adminDepth;
        command.wrap(adminScratch, 0).commandId(aqTail).phase((aqTail & depth) == 0);
        memory.write(aqBase + (long)(aqTail & (depth - 1)) * AdminCommand.LENGTH, adminScratch, 0, AdminCommand.LENGTH);
        aqTail = (aqTail + 1) & 0xFFFF;
        writeRegister(EnaRegisters.AQ_DB, aqTail);
        adminOutstanding = true;
        adminIssuedNs = nowNs;
    }

    private void submitBringUpStep(final long nowNs)
    {
        command.wrap(adminScratch, 0).clear();
        switch (bringUpStep)
        {
            case STEP_DEVICE_ATTRIBUTES:
                command.opcode(EnaAdmin.GET_FEATURE).feature(EnaAdmin.FEATURE_DEVICE_ATTRIBUTES);
                break;
            case STEP_MAX_QUEUES:
                command.opcode(EnaAdmin.GET_FEATURE).feature(EnaAdmin.FEATURE_MAX_QUEUES_NUM);
                break;
            case STEP_AENQ_CONFIG:
                command.opcode(EnaAdmin.SET_FEATURE).feature(EnaAdmin.FEATURE_AENQ_CONFIG)
                    .u32(AdminCommand.SET_AENQ_ENABLED_GROUPS_OFFSET, (1 << EnaAdmin.AENQ_LINK_CHANGE)
                        | (1 << EnaAdmin.AENQ_FATAL_ERROR) | (1 << EnaAdmin.AENQ_KEEP_ALIVE));
                break;
            case STEP_SET_MTU:
                command.opcode(EnaAdmin.SET_FEATURE).feature(EnaAdmin.FEATURE_MTU)
                    .u32(AdminCommand.SET_MTU_OFFSET, ctx.mtu);
                break;
            default:
            {
                final int q = bringUpStep - STEP_QUEUES;
                final int pair = q / 4;
                switch (q % 4)
                {
                    case 0:
                        command.opcode(EnaAdmin.CREATE_CQ).createCq(interruptMode, TxCompletion.ENTRY_SIZE_WORDS,
                            ctx.txDepth, interruptMode ? 1 + pair : 0, tx[pair].cqBase);
                        break;
                    case 1:
                        command.opcode(EnaAdmin.CREATE_SQ).createSq(EnaAdmin.SQ_DIRECTION_TX,
                            EnaAdmin.PLACEMENT_POLICY_HOST, EnaAdmin.COMPLETION_POLICY_DESC_ON_DEMAND, tx[pair].cqIdx,
                            ctx.txDepth, tx[pair].sqBase);
                        break;
                    case 2:
                        command.opcode(EnaAdmin.CREATE_CQ).createCq(interruptMode, RxCompletion.ENTRY_SIZE_WORDS,
                            ctx.rxDepth, interruptMode ? 1 + pair : 0, rx[pair].cqBase);
                        break;
                    default:
                        command.opcode(EnaAdmin.CREATE_SQ).createSq(EnaAdmin.SQ_DIRECTION_RX,
                            EnaAdmin.PLACEMENT_POLICY_HOST, EnaAdmin.COMPLETION_POLICY_DESC_ON_DEMAND, rx[pair].cqIdx,
                            ctx.rxDepth, rx[pair].sqBase);
                        break;
                }
                break;
            }
        }
        submitAdmin(nowNs);
    }

    /** Handles the completion of a bring-up command now in {@link #adminResultBuffer}. */
    private void onBringUpCompletion(final long nowNs)
    {
        final AdminCompletion c = completion.wrap(adminResultBuffer, 0);
        if (c.status() != EnaAdmin.SUCCESS)
        {
            fail(EnaResetReason.INIT_ERR);
            return;
        }
        switch (bringUpStep)
        {
            case STEP_DEVICE_ATTRIBUTES:
                mac = c.macAddress();
                maxMtu = c.u32(AdminCompletion.DEV_ATTR_MAX_MTU_OFFSET);
                if (ctx.mtu > maxMtu)
                {
                    fail(EnaResetReason.INIT_ERR);
                    return;
                }
                break;
            case STEP_MAX_QUEUES:
                deviceMaxQueues = Math.min(c.u32(AdminCompletion.MAX_QUEUES_SQ_NUM_OFFSET),
                    c.u32(AdminCompletion.MAX_QUEUES_CQ_NUM_OFFSET));
                deviceMaxDepth = Math.min(c.u32(AdminCompletion.MAX_QUEUES_SQ_DEPTH_OFFSET),
                    c.u32(AdminCompletion.MAX_QUEUES_CQ_DEPTH_OFFSET));
                if (deviceMaxQueues < pairs || deviceMaxDepth < Math.max(ctx.txDepth, ctx.rxDepth))
                {
                    fail(EnaResetReason.INIT_ERR);
                    return;
                }
                break;
            case STEP_AENQ_CONFIG:
                break;
            case STEP_SET_MTU:
                mtu = ctx.mtu;
                break;
            default:
            {
                final int q = bringUpStep - STEP_QUEUES;
                final int pair = q / 4;
                switch (q % 4)
                {
                    case 0:
                        tx[pair].cqIdx = c.u16(AdminCompletion.CREATE_CQ_IDX_OFFSET);
                        tx[pair].unmaskOffset = c.u32(AdminCompletion.CREATE_CQ_UNMASK_REGISTER_OFFSET);
                        break;
                    case 1:
                        tx[pair].sqIdx = c.u16(AdminCompletion.CREATE_SQ_IDX_OFFSET);
                        tx[pair].doorbellOffset = c.u32(AdminCompletion.CREATE_SQ_DOORBELL_OFFSET_OFFSET);
                        break;
                    case 2:
                        rx[pair].cqIdx = c.u16(AdminCompletion.CREATE_CQ_IDX_OFFSET);
                        rx[pair].unmaskOffset = c.u32(AdminCompletion.CREATE_CQ_UNMASK_REGISTER_OFFSET);
                        break;
                    default:
                        rx[pair].sqIdx = c.u16(AdminCompletion.CREATE_SQ_IDX_OFFSET);
                        rx[pair].doorbellOffset = c.u32(AdminCompletion.CREATE_SQ_DOORBELL_OFFSET_OFFSET);
                        break;
                }
                break;
            }
        }
        bringUpStep++;
        if (bringUpStep < STEP_QUEUES + 4 * pairs)
        {
            submitBringUpStep(nowNs);
            return;
        }
        for (int i = 0; i < pairs; i++)
        {
            tx[i].start();
            rx[i].start();
        }
        lastKeepAliveNs = nowNs;
        nextHealthCheckNs = nowNs + ctx.healthCheckIntervalNs;
        enter(STATE_UP, nowNs);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Admin and AENQ polling

    /** Reaps an admin completion if one arrived; times out a command that never completes. */
    private int pollAdmin(final long nowNs)
    {
        if (!adminOutstanding)
        {
            return 0;
        }
        final int depth = ctx.adminDepth;
        final long entry = acqBase + (long)(acqHead & (depth - 1)) * AdminCompletion.LENGTH;
        final int word = memory.getInt(entry);
        final boolean phase = ((word >>> 24) & AdminCompletion.FLAG_PHASE) != 0;
        if (phase != ((acqHead & depth) == 0))
        {
            if (nowNs - adminIssuedNs > ctx.adminTimeoutNs)
            {
                fail(EnaResetReason.ADMIN_TO);
                return 1;
            }
            return 0;
        }
        memory.read(entry, adminResultBuffer, 0, AdminCompletion.LENGTH);
        acqHead = (acqHead + 1) & 0xFFFF;
        adminOutstanding = false;
        if (state == STATE_ADMIN)
        {
            onBringUpCompletion(nowNs);
        }
        else
        {
            onUserCompletion();
        }
        return 1;
    }

    private void onUserCompletion()
    {
        final AdminCompletion c = completion.wrap(adminResultBuffer, 0);
        userStatus = c.status();
        if (userStatus == EnaAdmin.SUCCESS)
        {
            if (userKind == USER_ENI_STATS)
            {
                for (int i = 0; i < eniStats.length; i++)
                {
                    eniStats[i] = c.eniStat(i);
                }
            }
            else if (userKind == USER_SET_MTU)
            {
                mtu = userMtu;
            }
        }
        userKind = USER_NONE;
        userDone = true;
    }

    private int pollAenq(final long nowNs)
    {
        final int depth = ctx.aenqDepth;
        int events = 0;
        while (events < depth)
        {
            final long entry = aenqBase + (long)(aenqHead & (depth - 1)) * AenqEntry.LENGTH;
            final boolean phase = (memory.getInt(entry + AenqEntry.FLAGS_OFFSET) & AenqEntry.FLAG_PHASE) != 0;
            if (phase != ((aenqHead & depth) == 0))
            {
                break;
            }
            memory.read(entry, aenqScratch, 0, AenqEntry.LENGTH);
            aenq.wrap(aenqScratch, 0);
            switch (aenq.group())
            {
                case EnaAdmin.AENQ_LINK_CHANGE:
                    linkUp = aenq.linkUp();
                    linkChanges++;
                    break;
                case EnaAdmin.AENQ_KEEP_ALIVE:
                    keepAlives++;
                    lastKeepAliveNs = nowNs;
                    break;
                case EnaAdmin.AENQ_FATAL_ERROR:
                    fatalSyndrome = aenq.syndrome();
                    fail(fatalSyndrome);
                    break;
                default:
                    break;
            }
            aenqHead = (aenqHead + 1) & 0xFFFF;
            events++;
        }
        if (events > 0)
        {
            writeRegister(EnaRegisters.AENQ_HEAD_DB, (aenqHead + depth) & 0xFFFF);
        }
        return events;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Running

    private int upWork(final long nowNs)
    {
        int work = 0;
        if (!interruptMode || adminInterrupted || adminOutstanding)
        {
            adminInterrupted = false;
            work += pollAdmin(nowNs);
            work += pollAenq(nowNs);
        }
        if (state != STATE_UP)
        {
            return work + 1;
        }
        if (userKind != USER_NONE && !userSubmitted && !adminOutstanding)
        {
            adminScratch.putBytes(0, userCommand, 0, AdminCommand.LENGTH);
            submitAdmin(nowNs);
            userSubmitted = true;
            work++;
        }
        for (int i = 0; i < pairs; i++)
        {
            if (!interruptMode || pairInterrupted[i])
            {
                pairInterrupted[i] = false;
                final int done = tx[i].reap(ctx.completionBudget) + rx[i].reap(ctx.completionBudget, nowNs);
                if (state != STATE_UP)
                {
                    return work + done + 1;
                }
                work += done;
                if (interruptMode)
                {
                    if (tx[i].backlog() || rx[i].backlog())
                    {
                        pairInterrupted[i] = true; // budget used up: poll again before re-arming (NAPI)
                    }
                    else
                    {
                        writeRegister(rx[i].unmaskOffset, EnaRegisters.INTR_REG_UNMASK);
                    }
                }
            }
            work += rx[i].ringDoorbell();
        }
        work += flushTx();
        if (nowNs >= nextHealthCheckNs)
        {
            nextHealthCheckNs = nowNs + ctx.healthCheckIntervalNs;
            if ((readRegister(EnaRegisters.DEV_STS) & EnaRegisters.DEV_STS_FATAL_ERROR) != 0)
            {
                fail(fatalSyndrome >= 0 ? fatalSyndrome : EnaResetReason.GENERIC);
                return work + 1;
            }
        }
        if (ctx.keepAliveTimeoutNs > 0 && nowNs - lastKeepAliveNs > ctx.keepAliveTimeoutNs)
        {
            fail(EnaResetReason.KEEP_ALIVE_TO);
            return work + 1;
        }
        return work;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Queue pairs

    /** One TX SQ + CQ, its guest buffers, and the outlet face. */
    private final class TxRing implements FrameOutlet
    {
        final int pair;
        final UnsafeBuffer staging;
        final int[] descsOfReq;
        long sqBase;
        long cqBase;
        long bufBase;
        int cqIdx;
        int sqIdx;
        int doorbellOffset;
        int unmaskOffset;
        int tail;
        int cleanHead;
        int cqHead;
        int doorbellTail;
        boolean running;
        boolean claimed;
        int claimedCaptured;
        int claimedLength;
        int claimedDescs;
        long frames;
        long completions;
        long descriptors;
        int lastErrorStatus;

        TxRing(final int pair)
        {
            this.pair = pair;
            this.staging = new UnsafeBuffer(new byte[ctx.captureBytes]);
            this.descsOfReq = new int[ctx.txDepth];
        }

        void allocate(final GuestMemoryAllocator alloc)
        {
            sqBase = alloc.allocate((long)ctx.txDepth * TxDescriptor.LENGTH, 4096);
            cqBase = alloc.allocate((long)ctx.txDepth * TxCompletion.LENGTH, 4096);
            bufBase = alloc.allocate((long)ctx.txDepth * ctx.txBufferBytes, 4096);
        }

        void start()
        {
            memory.zero(cqBase, (long)ctx.txDepth * TxCompletion.LENGTH);
            tail = 0;
            cleanHead = 0;
            cqHead = 0;
            doorbellTail = 0;
            claimed = false;
            java.util.Arrays.fill(descsOfReq, 0);
            running = true;
        }

        int free()
        {
            return ctx.txDepth - ((tail - cleanHead) & 0xFFFF);
        }

        @Override
        public int tryClaim(final int capturedLength, final int frameLength)
        {
            if (state != STATE_UP || !running || claimed || frameLength < 1 || frameLength > 0xFFFF * MAX_FRAME_DESCS)
            {
                return -1;
            }
            final int descs = (frameLength + ctx.txBufferBytes - 1) / ctx.txBufferBytes;
            if (descs > MAX_FRAME_DESCS || descs > free())
            {
                return -1;
            }
            claimed = true;
            claimedCaptured = Math.min(Math.min(capturedLength, frameLength), ctx.captureBytes);
            claimedLength = frameLength;
            claimedDescs = descs;
            return 0;
        }

        @Override
        public MutableDirectBuffer buffer()
        {
            return staging;
        }

        @Override
        public void commit(final int index)
        {
            if (!claimed)
            {
                throw new IllegalStateException("commit without a claim on TX queue " + pair);
            }
            claimed = false;
            final int depth = ctx.txDepth;
            final int segment = ctx.txBufferBytes;
            final int reqId = tail & (depth - 1);
            int remaining = claimedLength;
            int capturedLeft = claimedCaptured;
            for (int d = 0; d < claimedDescs; d++)
            {
                final int counter = (tail + d) & 0xFFFF;
                final int slot = counter & (depth - 1);
                final long buffer = bufBase + (long)slot * segment;
                final int length = Math.min(segment, remaining);
                final int copy = Math.min(length, capturedLeft);
                if (copy > 0)
                {
                    memory.write(buffer, staging, d * segment, copy);
                }
                txDesc.wrap(descScratch, d * TxDescriptor.LENGTH).set(length, reqId, (counter & depth) == 0, d == 0,
                    d == claimedDescs - 1, d == 0, 0, buffer);
                remaining -= length;
                capturedLeft -= copy;
            }
            writeDescriptors(sqBase, depth, tail, claimedDescs);
            descsOfReq[reqId] = claimedDescs;
            tail = (tail + claimedDescs) & 0xFFFF;
            descriptors += claimedDescs;
            frames++;
        }

        @Override
        public boolean hasRoom()
        {
            return state == STATE_UP && running && free() >= 1;
        }

        int ringDoorbell()
        {
            if (tail == doorbellTail || !running)
            {
                return 0;
            }
            doorbellTail = tail;
            writeRegister(doorbellOffset, tail);
            txDoorbells++;
            return 1;
        }

        /** Reaps TX completions, freeing their descriptors. */
        int reap(final int budget)
        {
            if (!running)
            {
                return 0;
            }
            final int depth = ctx.txDepth;
            int done = 0;
            while (done < budget)
            {
                final long entry = memory.getLong(cqBase + (long)(cqHead & (depth - 1)) * TxCompletion.LENGTH);
                if (TxCompletion.phaseOf(entry) != ((cqHead & depth) == 0))
                {
                    break;
                }
                final int reqId = TxCompletion.reqIdOf(entry);
                if (reqId != (cleanHead & (depth - 1)) || descsOfReq[reqId] == 0)
                {
                    fail(EnaResetReason.INV_TX_REQ_ID);
                    return done + 1;
                }
                final int status = TxCompletion.statusOf(entry);
                if (status != TxCompletion.STATUS_OK)
                {
                    txErrors++;
                    lastErrorStatus = status;
                }
                cleanHead = (cleanHead + descsOfReq[reqId]) & 0xFFFF;
                descsOfReq[reqId] = 0;
                cqHead = (cqHead + 1) & 0xFFFF;
                completions++;
                done++;
            }
            return done;
        }

        boolean backlog()
        {
            final long entry = memory.getLong(cqBase + (long)(cqHead & (ctx.txDepth - 1)) * TxCompletion.LENGTH);
            return running && TxCompletion.phaseOf(entry) == ((cqHead & ctx.txDepth) == 0);
        }
    }

    /** Writes {@code count} descriptors from {@link #descScratch} at running counter {@code at}, split at the wrap. */
    private void writeDescriptors(final long ringBase, final int depth, final int at, final int count)
    {
        final int slot = at & (depth - 1);
        final int first = Math.min(count, depth - slot);
        memory.write(ringBase + (long)slot * TxDescriptor.LENGTH, descScratch, 0, first * TxDescriptor.LENGTH);
        if (first < count)
        {
            memory.write(ringBase, descScratch, first * TxDescriptor.LENGTH, (count - first) * TxDescriptor.LENGTH);
        }
    }

    /** One RX SQ + CQ and its guest buffers (buffer id = req_id). */
    private final class RxRing
    {
        final int pair;
        final int[] frameBuffers = new int[MAX_FRAME_DESCS];
        long sqBase;
        long cqBase;
        long bufBase;
        int cqIdx;
        int sqIdx;
        int doorbellOffset;
        int unmaskOffset;
        int tail;
        int cqHead;
        int doorbellTail;
        boolean running;
        int frameDescs;
        int frameLength;
        int frameCaptured;
        long frames;
        long completions;

        RxRing(final int pair)
        {
            this.pair = pair;
        }

        void allocate(final GuestMemoryAllocator alloc)
        {
            sqBase = alloc.allocate((long)ctx.rxDepth * RxDescriptor.LENGTH, 4096);
            cqBase = alloc.allocate((long)ctx.rxDepth * RxCompletion.LENGTH, 4096);
            bufBase = alloc.allocate((long)ctx.rxDepth * ctx.rxBufferBytes, 4096);
        }

        void start()
        {
            memory.zero(cqBase, (long)ctx.rxDepth * RxCompletion.LENGTH);
            tail = 0;
            cqHead = 0;
            doorbellTail = 0;
            frameDescs = 0;
            running = true;
            for (int id = 0; id < ctx.rxDepth; id++)
            {
                post(id);
            }
        }

        /** Posts buffer {@code id} at the tail (the doorbell rings later). */
        void post(final int id)
        {
            final int depth = ctx.rxDepth;
            final int counter = tail;
            rxDesc.wrap(descScratch, 0).set(ctx.rxBufferBytes & 0xFFFF, id, (counter & depth) == 0,
                bufBase + (long)id * ctx.rxBufferBytes);
            memory.write(sqBase + (long)(counter & (depth - 1)) * RxDescriptor.LENGTH, descScratch, 0,
                RxDescriptor.LENGTH);
            tail = (tail + 1) & 0xFFFF;
        }

        int ringDoorbell()
        {
            if (tail == doorbellTail || !running)
            {
                return 0;
            }
            doorbellTail = tail;
            writeRegister(doorbellOffset, tail);
            rxDoorbells++;
            return 1;
        }

        /** Reaps RX completions, delivering whole frames and reposting their buffers. */
        int reap(final int budget, final long nowNs)
        {
            if (!running)
            {
                return 0;
            }
            final int depth = ctx.rxDepth;
            int done = 0;
            while (done < budget)
            {
                final long entry = cqBase + (long)(cqHead & (depth - 1)) * RxCompletion.LENGTH;
                final int status = memory.getInt(entry + RxCompletion.STATUS_OFFSET);
                if (((status & RxCompletion.PHASE) != 0) != ((cqHead & depth) == 0))
                {
                    break;
                }
                final int lengthAndReq = memory.getInt(entry + RxCompletion.LENGTH_OFFSET);
                final int length = lengthAndReq & 0xFFFF;
                final int id = lengthAndReq >>> 16;
                cqHead = (cqHead + 1) & 0xFFFF;
                done++;
                completions++;
                if (id >= depth)
                {
                    fail(EnaResetReason.INV_RX_REQ_ID);
                    return done;
                }
                if ((status & RxCompletion.FIRST) != 0)
                {
                    frameDescs = 0;
                    frameLength = 0;
                    frameCaptured = 0;
                }
                if (frameDescs == MAX_FRAME_DESCS)
                {
                    fail(EnaResetReason.TOO_MANY_RX_DESCS);
                    return done;
                }
                frameBuffers[frameDescs++] = id;
                final int copy = Math.min(length, ctx.captureBytes - frameCaptured);
                if (copy > 0)
                {
                    memory.read(bufBase + (long)id * ctx.rxBufferBytes, rxFrame, frameCaptured, copy);
                    frameCaptured += copy;
                }
                frameLength += length;
                if ((status & RxCompletion.LAST) != 0)
                {
                    frames++;
                    rxFrames++;
                    rxBytes += frameLength;
                    if (receiver != null)
                    {
                        receiver.onFrame(rxFrame, 0, frameCaptured, frameLength, nowNs);
                    }
                    for (int d = 0; d < frameDescs; d++)
                    {
                        post(frameBuffers[d]);
                    }
                    frameDescs = 0;
                    if (state != STATE_UP)
                    {
                        return done;
                    }
                }
            }
            return done;
        }

        boolean backlog()
        {
            final long entry = cqBase + (long)(cqHead & (ctx.rxDepth - 1)) * RxCompletion.LENGTH;
            return running && ((memory.getInt(entry) & RxCompletion.PHASE) != 0) == ((cqHead & ctx.rxDepth) == 0);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** The driver's configuration, validated in {@link #build()}. */
    public static final class Context
    {
        private FunctionAccess function;
        private GuestMemoryAccess memory;
        private GuestMemoryAllocator allocator;
        private FrameReceiver receiver;
        private int queuePairs = 1;
        private int txDepth = 1024;
        private int rxDepth = 1024;
        private int txBufferBytes = 9216;
        private int rxBufferBytes = 9216;
        private int mtu = 1500;
        private int captureBytes = EthernetFrame.MAX_FRAME_LENGTH;
        private boolean interruptMode;
        private long msiAddress;
        private int firstVector;
        private int adminDepth = 32;
        private int aenqDepth = 32;
        private int completionBudget = 256;
        private long pollIntervalNs = 1_000L;
        private long readyTimeoutNs = 1_000_000_000L;
        private long adminTimeoutNs = 3_000_000_000L;
        private long keepAliveTimeoutNs = 6_000_000_000L;
        private long healthCheckIntervalNs = 1_000_000_000L;

        private Context()
        {
        }

        /** The function, reached through configuration space and BAR MMIO (required). */
        public Context function(final FunctionAccess function)
        {
            this.function = function;
            return this;
        }

        /** The guest's memory (required). */
        public Context memory(final GuestMemoryAccess memory)
        {
            this.memory = memory;
            return this;
        }

        /** Where queues and buffers are allocated (required); taken once, at the first bring-up. */
        public Context allocator(final GuestMemoryAllocator allocator)
        {
            this.allocator = allocator;
            return this;
        }

        /** Where received frames go (null: counted and dropped). */
        public Context receiver(final FrameReceiver receiver)
        {
            this.receiver = receiver;
            return this;
        }

        /** IO queue pairs to create (1..32, default 1). */
        public Context queuePairs(final int pairs)
        {
            this.queuePairs = pairs;
            return this;
        }

        /** TX and RX ring depths (powers of two, 16..32768, default 1024). */
        public Context depths(final int txDepth, final int rxDepth)
        {
            this.txDepth = txDepth;
            this.rxDepth = rxDepth;
            return this;
        }

        /**
         * Guest buffer sizes (64..65535 for TX, 64..65536 for RX, default 9216). A frame longer than a TX buffer is
         * sent with several descriptors; one longer than an RX buffer arrives in several.
         */
        public Context bufferBytes(final int txBufferBytes, final int rxBufferBytes)
        {
            this.txBufferBytes = txBufferBytes;
            this.rxBufferBytes = rxBufferBytes;
            return this;
        }

        /** MTU set with SET_FEATURE MTU at bring-up (128..9001, default 1500). */
        public Context mtu(final int mtu)
        {
            this.mtu = mtu;
            return this;
        }

        /** Bytes of each frame written to TX buffers and read from RX buffers (54..9015, default all). */
        public Context captureBytes(final int bytes)
        {
            this.captureBytes = bytes;
            return this;
        }

        /** Timing-only mode: only {@link io.nitrosim.nic.ena.EnaFunction#TIMING_ONLY_CAPTURE_BYTES} per frame. */
        public Context timingOnly(final boolean timingOnly)
        {
            this.captureBytes = timingOnly ? io.nitrosim.nic.ena.EnaFunction.TIMING_ONLY_CAPTURE_BYTES
                : EthernetFrame.MAX_FRAME_LENGTH;
            return this;
        }

        /**
         * Interrupt mode: MSI-X vector v (0 admin/AENQ, 1..pairs IO) is programmed with {@code messageAddress} and
         * data {@code firstVector + v}; {@link EnaDriver#onInterrupt} expects those vectors.
         */
        public Context interrupts(final long messageAddress, final int firstVector)
        {
            this.interruptMode = true;
            this.msiAddress = messageAddress;
            this.firstVector = firstVector;
            return this;
        }

        /** Polling mode (the default): no MSI-X, completions reaped on every doWork. */
        public Context polling()
        {
            this.interruptMode = false;
            return this;
        }

        /** Admin SQ/CQ and AENQ depths (powers of two, 2..4096, default 32). */
        public Context adminDepths(final int adminDepth, final int aenqDepth)
        {
            this.adminDepth = adminDepth;
            this.aenqDepth = aenqDepth;
            return this;
        }

        /** Most completions reaped per queue per doWork (1..65536, default 256). */
        public Context completionBudget(final int completions)
        {
            this.completionBudget = completions;
            return this;
        }

        /** How often bring-up polls DEV_STS (1 ns..1 s, default 1 us). */
        public Context pollIntervalNs(final long intervalNs)
        {
            this.pollIntervalNs = intervalNs;
            return this;
        }

        /** Keep-alive watchdog (0 disables; default 6 s) and health-check period (DEV_STS read; default 1 s). */
        public Context watchdog(final long keepAliveTimeoutNs, final long healthCheckIntervalNs)
        {
            this.keepAliveTimeoutNs = keepAliveTimeoutNs;
            this.healthCheckIntervalNs = healthCheckIntervalNs;
            return this;
        }

        /** Admin command timeout (1 us..60 s, default 3 s) -> failure with ADMIN_TO. */
        public Context adminTimeoutNs(final long timeoutNs)
        {
            this.adminTimeoutNs = timeoutNs;
            return this;
        }

        public EnaDriver build()
        {
            if (function == null || memory == null || allocator == null)
            {
                throw new IllegalArgumentException("ENA driver needs a function, guest memory and an allocator (function="
                    + function + ", memory=" + memory + ", allocator=" + allocator + ")");
            }
            requireRange("ENA driver queue pairs", queuePairs, 1, EnaRegisters.MAX_QUEUE_PAIRS);
            requirePowerOfTwo("ENA driver TX depth", txDepth, 16, 32_768);
            requirePowerOfTwo("ENA driver RX depth", rxDepth, 16, 32_768);
            requirePowerOfTwo("ENA driver admin depth", adminDepth, 2, 4096);
            requirePowerOfTwo("ENA driver AENQ depth", aenqDepth, 2, 4096);
            requireRange("ENA driver TX buffer bytes", txBufferBytes, 64, 65_535);
            requireRange("ENA driver RX buffer bytes", rxBufferBytes, 64, 65_536);
            requireRange("ENA driver MTU", mtu, io.nitrosim.nic.ena.EnaFunction.MIN_MTU, EthernetFrame.MAX_MTU);
            requireRange("ENA driver capture bytes", captureBytes, EthernetFrame.L4_OFFSET + EthernetFrame.TCP_HEADER_LENGTH,
                EthernetFrame.MAX_FRAME_LENGTH);
            requireRange("ENA driver completion budget", completionBudget, 1, 65_536);
            final int frame = EthernetFrame.ETH_HEADER_LENGTH + mtu;
            if ((long)txBufferBytes * MAX_FRAME_DESCS < frame || (long)rxBufferBytes * MAX_FRAME_DESCS < frame)
            {
                throw new IllegalArgumentException("ENA driver buffers of " + txBufferBytes + "/" + rxBufferBytes
                    + " B cannot hold a " + frame + " B frame in " + MAX_FRAME_DESCS + " descriptors");
            }
            if (interruptMode && (firstVector < 0 || firstVector + queuePairs > 255))
            {
                throw new IllegalArgumentException("ENA driver interrupt vectors " + firstVector + ".."
                    + (firstVector + queuePairs) + " out of range, accepted 0..255");
            }
            requireNs("ENA driver poll interval", pollIntervalNs, 1, 1_000_000_000L);
            requireNs("ENA driver admin timeout", adminTimeoutNs, 1_000, 60_000_000_000L);
            requireNs("ENA driver keep-alive timeout", keepAliveTimeoutNs, 0, 600_000_000_000L);
            requireNs("ENA driver health-check interval", healthCheckIntervalNs, 1_000_000, 600_000_000_000L);
            requireNs("ENA driver ready timeout", readyTimeoutNs, 1_000, 600_000_000_000L);
            return new EnaDriver(this);
        }

        private static void requireRange(final String what, final int value, final int min, final int max)
        {
            if (value < min || value > max)
            {
                throw new IllegalArgumentException(what + " " + value + " out of range, accepted " + min + ".." + max);
            }
        }

        private static void requirePowerOfTwo(final String what, final int value, final int min, final int max)
        {
            if (value < min || value > max || Integer.bitCount(value) != 1)
            {
                throw new IllegalArgumentException(what + " " + value + " must be a power of two in " + min + ".." + max);
            }
        }

        private static void requireNs(final String what, final long value, final long min, final long max)
        {
            if (value < min || value > max)
            {
                throw new IllegalArgumentException(what + " " + value + " ns out of range, accepted " + min + ".." + max
                    + " ns");
            }
        }
    }
}
