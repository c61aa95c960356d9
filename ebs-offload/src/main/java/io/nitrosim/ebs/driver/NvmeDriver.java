package io.nitrosim.ebs.driver;

import org.agrona.DirectBuffer;

import io.nitrosim.ebs.nvme.NvmeRegisters;
import io.nitrosim.ebs.nvme.NvmeStatus;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.GuestMemoryAccess;
import io.nitrosim.pci.GuestMemoryAllocator;
import io.nitrosim.pci.GuestTask;

/**
 * The reference guest NVMe driver: brings a controller up from reset and runs I/O through configuration space,
 * BAR0 and guest memory alone, as a guest kernel driver does. Single-threaded (the vCPU's), never blocks:
 * {@link #doWork(long)} advances the bring-up state machine, reaps completions and rings doorbells.
 * <p>
 * <b>Bring-up</b> ({@link State}): enable memory space + bus master; program MSI-X entries 0..N (address given,
 * data = firstVector + entry) and enable MSI-X; clear CC.EN if set and wait CSTS.RDY = 0; set AQA/ASQ/ACQ and
 * CC (EN, MPS 4 KiB, IOSQES 6, IOCQES 4); wait CSTS.RDY = 1 (CAP.TO bound, CFS fails); Identify controller and
 * namespace; Set Features number of queues; create I/O CQ i (vector i) then SQ i for each granted pair. Any
 * failure ends in {@link State#FAILED} with {@link #failureReason()}.
 * <p>
 * <b>I/O</b>: {@link #submitRead}/{@link #submitWrite} build PRPs from a contiguous guest buffer (PRP1, PRP2 as
 * a second page, or PRP2 pointing at a per-command PRP list), {@link #submitFlush}, {@link #submitDeallocate},
 * {@link #submitRaw} for any hand-made command. Submissions only write the SQ entry; the tail doorbell is
 * written once per queue per {@link #ringDoorbells()} (also called at the end of every doWork): doorbell
 * batching. Completions are found by phase tag; the CQ head doorbell is written once per doWork per queue.
 * In interrupt mode only CQs whose vector fired are scanned; in polling mode every CQ is scanned each doWork.
 * A queue of E entries holds at most E - 1 commands.
 * <p>
 * <b>Errors</b> ({@link NvmeRecovery}, as Linux's {@code nvme_timeout}): each command has a timeout (I/O:
 * {@link Config#ioTimeoutNs}, default 30 s; admin 60 s); the first timeout of an I/O command sends an Abort, a second
 * one, an admin timeout or CSTS.CFS / CSTS.RDY clear resets the controller and submits the outstanding commands
 * again once READY; errors without DNR are retried up to 5 times. The caller sees one completion per command.
 * <p>
 * Its parts: the bring-up ({@link NvmeBringUp}), command submission ({@link NvmeSubmitter}), the error handling
 * ({@link NvmeRecovery}) and the queue pairs
 * ({@link NvmeDriverQueue}, on the pci-endpoint queue library); entries are built and decoded through the
 * {@code io.nitrosim.ebs.nvme} flyweights.
 */
public final class NvmeDriver implements GuestTask
{
    /** Driver states. */
    public enum State
    {
        START, WAIT_NOT_READY, WAIT_READY, IDENTIFY_CONTROLLER, IDENTIFY_NAMESPACE, SET_QUEUES, CREATE_CQ, CREATE_SQ,
        READY, FAILED
    }

    /** Completion callback; implement with a field-held object so polling allocates nothing. */
    @FunctionalInterface
    public interface CompletionHandler
    {
        /**
         * @param queueId   0 for admin, 1.. for I/O queue pairs.
         * @param commandId the CID the driver gave the command.
         * @param status    NVMe status field (0 = success; {@link NvmeStatus} encoding incl. DNR).
         * @param dw0       command specific result.
         * @param sqHead    SQ head the controller reported.
         * @param tag       the caller's tag from submission.
         */
        void onCompletion(int queueId, int commandId, int status, int dw0, int sqHead, long tag);
    }

    public static final int PAGE_SIZE = 4096;
    /** Bytes of the per-command PRP list / DSM range area: 64 entries, enough for 256 KiB from any offset. */
    public static final int PRP_LIST_BYTES = 512;
    /** The tag of the driver's own (bring-up) commands; the driver also uses {@code Long.MIN_VALUE + 1, + 2}. */
    static final long INTERNAL_TAG = Long.MIN_VALUE;
    /** Linux's {@code nvme_io_timeout}: 30 s. */
    public static final long DEFAULT_IO_TIMEOUT_NS = 30_000_000_000L;
    public static final long MIN_IO_TIMEOUT_NS = 1_000_000L;
    /** Linux's {@code nvme_max_retries}: 5. */
    public static final int DEFAULT_MAX_RETRIES = 5;
    public static final long MAX_IO_TIMEOUT_NS = 3_600_000_000_000L;

    private final FunctionAccess fn;
    private final GuestMemoryAccess memory;
    private final Config config;
    private final NvmeDriverQueue[] queues;
    private final NvmeBringUp bringUp;
    private final NvmeRecovery recovery;
    private final Completions completions = new Completions();
    private final NvmeSubmitter submitter;
    private State state = State.START;
    private String failureReason;
    private long lastNowNs;
    private CompletionHandler handler;
    private long completionCount;

    private NvmeDriver(
        final FunctionAccess fn, final GuestMemoryAccess memory, final GuestMemoryAllocator allocator, final Config config)
    {
        this.fn = fn;
        this.memory = memory;
        this.config = config;
        this.queues = new NvmeDriverQueue[config.ioQueuePairs + 1];
        for (int q = 0; q < queues.length; q++)
        {
            queues[q] = new NvmeDriverQueue(q);
        }
        this.recovery = new NvmeRecovery(this, fn, memory, queues, config);
        this.bringUp = new NvmeBringUp(this, fn, memory, allocator, config, queues, recovery);
        this.submitter = new NvmeSubmitter(this, memory, queues, bringUp, recovery);
    }

    /** A driver for one function; nothing is touched until the first {@link #doWork}. */
    public static NvmeDriver create(
        final FunctionAccess fn, final GuestMemoryAccess memory, final GuestMemoryAllocator allocator, final Config config)
    {
        if (fn == null || memory == null || allocator == null || config == null)
        {
            throw new IllegalArgumentException("NVMe driver needs function access, guest memory, an allocator and a "
                + "config, got " + fn + ", " + memory + ", " + allocator + ", " + config);
        }
        return new NvmeDriver(fn, memory, allocator, config.validate());
    }

    public static Config config()
    {
        return new Config();
    }

    public void completionHandler(final CompletionHandler handler)
    {
        this.handler = handler;
    }

    public State state()
    {
        return state;
    }

    public boolean isReady()
    {
        return state == State.READY;
    }

    public boolean isFailed()
    {
        return state == State.FAILED;
    }

    public String failureReason()
    {
        return failureReason;
    }

    /** I/O queue pairs created (after bring-up). */
    public int ioQueuePairs()
    {
        return state == State.READY ? bringUp.grantedPairs() : 0;
    }

    public int queueEntries(final int queueId)
    {
        return queues[queueId].entries;
    }

    /** Commands submitted on {@code queueId} and not yet completed. */
    public int outstanding(final int queueId)
    {
        return queues[queueId].outstanding();
    }

    public int blockSizeBytes()
    {
        return 1 << bringUp.blockShift();
    }

    public long namespaceBlocks()
    {
        return bringUp.namespaceBlocks();
    }

    /** Largest transfer per command (MDTS), bytes. */
    public int maxTransferBytes()
    {
        return bringUp.maxTransferBytes();
    }

    public long capabilities()
    {
        return bringUp.capabilities();
    }

    /** The Identify Controller page read at bring-up. */
    public DirectBuffer identifyController()
    {
        return bringUp.identifyController();
    }

    /** The Identify Namespace page (namespace 1) read at bring-up. */
    public DirectBuffer identifyNamespace()
    {
        return bringUp.identifyNamespace();
    }

    public long completions()
    {
        return completionCount;
    }

    /** What the error handling did: timeouts, aborts, resets, retries, resubmissions, failed commands. */
    public NvmeRecoveryCounters recoveryCounters()
    {
        return recovery;
    }

    public long doorbellWrites()
    {
        long writes = 0;
        for (final NvmeDriverQueue queue : queues)
        {
            writes += queue.doorbellWrites;
        }
        return writes;
    }

    /** Start over from controller reset (CC.EN = 0), keeping the queue memory. */
    public void restart()
    {
        state = State.START;
        failureReason = null;
    }

    /** Sets CC.SHN to normal shutdown; CSTS.SHST tells when it is complete ({@link #isShutdownComplete()}). */
    public void shutdown()
    {
        final int cc = (int)fn.mmioRead(0, NvmeRegisters.CC_OFFSET, 4);
        fn.mmioWrite(0, NvmeRegisters.CC_OFFSET, 4,
            (cc & ~(NvmeRegisters.CC_SHN_MASK << NvmeRegisters.CC_SHN_SHIFT))
                | (NvmeRegisters.CC_SHN_NORMAL << NvmeRegisters.CC_SHN_SHIFT));
    }

    public boolean isShutdownComplete()
    {
        final int csts = (int)fn.mmioRead(0, NvmeRegisters.CSTS_OFFSET, 4);
        return ((csts >>> NvmeRegisters.CSTS_SHST_SHIFT) & NvmeRegisters.CSTS_SHST_MASK)
            == NvmeRegisters.CSTS_SHST_COMPLETE;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Guest task face.

    /** An MSI-X interrupt with {@code vector} reached the vCPU: its CQ is scanned on the next doWork. */
    @Override
    public void onInterrupt(final int vector)
    {
        final int q = vector - config.firstVector;
        if (q >= 0 && q < queues.length)
        {
            queues[q].interrupted = true;
        }
    }

    /** Advances bring-up, reaps completions, rings doorbells. @return work done (0 when idle). */
    @Override
    public int doWork(final long nowNs)
    {
        lastNowNs = nowNs;
        int work = 0;
        if (state != State.START && state != State.FAILED && state != State.WAIT_NOT_READY
            && state != State.WAIT_READY && bringUp.queuesAllocated())
        {
            // The admin CQ as Linux looks at it: on its vector, or while admin commands are outstanding (bring-up
            // polls them; a CQE only ever answers a command). Idle, it is not read on every call.
            final NvmeDriverQueue admin = queues[0];
            if (!config.interruptMode || admin.interrupted || admin.outstanding() > 0)
            {
                admin.interrupted = false;
                work += reap(admin);
            }
            if (state == State.READY)
            {
                for (int q = 1; q <= bringUp.grantedPairs(); q++)
                {
                    if (!config.interruptMode || queues[q].interrupted)
                    {
                        queues[q].interrupted = false;
                        work += reap(queues[q]);
                    }
                }
            }
            if (adminLive())
            {
                work += recovery.checkTimeouts(nowNs);
            }
        }
        if (state != State.READY && state != State.FAILED)
        {
            work += bringUp.advance(nowNs);
        }
        work += ringDoorbells();
        return work;
    }

    /** When the driver next needs to run without input: a bring-up wait, or never (interrupt-driven). */
    @Override
    public long nextDeadlineNs()
    {
        final long nowNs = lastNowNs;
        if (state == State.WAIT_NOT_READY || state == State.WAIT_READY)
        {
            return Math.min(bringUp.deadlineNs() + 1, nowNs + 1_000_000L); // poll CSTS every 1 ms of simulated time
        }
        if (state == State.START)
        {
            return nowNs;
        }
        return adminLive() && bringUp.queuesAllocated() ? recovery.nextDeadlineNs() : NO_DEADLINE;
    }

    /** Past enabling and not failed: the admin queue runs (and commands can time out). */
    private boolean adminLive()
    {
        return state != State.START && state != State.FAILED && state != State.WAIT_NOT_READY
            && state != State.WAIT_READY;
    }

    /** Reaps every CQ, whether its interrupt fired or not (a timeout first looks for a missed completion). */
    void pollCompletions()
    {
        queues[0].interrupted = false;
        reap(queues[0]);
        for (int q = 1; state == State.READY && q <= bringUp.grantedPairs(); q++)
        {
            queues[q].interrupted = false;
            reap(queues[q]);
        }
    }

    /** Writes the SQ tail doorbell of every queue with new entries and the CQ head doorbell of reaped CQs. */
    public int ringDoorbells()
    {
        int work = 0;
        for (final NvmeDriverQueue queue : queues)
        {
            work += queue.ringDoorbells(fn);
        }
        return work;
    }

    private int reap(final NvmeDriverQueue queue)
    {
        final int reaped = queue.reap(memory, completions);
        completionCount += reaped;
        return reaped;
    }

    /** Hands completions to the bring-up (the driver's own commands), the recovery (Aborts) or the caller. */
    private final class Completions implements NvmeDriverQueue.Completions
    {
        @Override
        public boolean retried(final int queueId, final int commandId, final int status)
        {
            return recovery.retry(queues[queueId], commandId, status, lastNowNs);
        }

        @Override
        public void completed(final int queueId, final int commandId, final int status, final int dw0,
            final int sqHead, final long tag)
        {
            if (tag == INTERNAL_TAG)
            {
                bringUp.internalCompletion(status, dw0);
            }
            else if (tag == NvmeRecovery.ABORT_TAG)
            {
                recovery.abortCompleted();
            }
            else if (tag == NvmeRecovery.HOST_BEHAVIOR_TAG)
            {
                recovery.retryDelaysEnabled(status == NvmeStatus.SUCCESS); // refused: retries go at once
            }
            else
            {
                deliver(queueId, commandId, status, dw0, sqHead, tag);
            }
        }
    }

    /** Completes a command the controller never will (a reset lost it, the driver gave up on it). */
    void complete(final int queueId, final int commandId, final int status, final long tag)
    {
        deliver(queueId, commandId, status, 0, 0, tag);
    }

    private void deliver(final int queueId, final int commandId, final int status, final int dw0, final int sqHead,
        final long tag)
    {
        if (queueId != 0 && status != NvmeStatus.SUCCESS)
        {
            recovery.failed.increment();
        }
        if (handler != null)
        {
            handler.onCompletion(queueId, commandId, status, dw0, sqHead, tag);
        }
    }

    long nowNs()
    {
        return lastNowNs;
    }

    // ---------------------------------------------------------------------------------------------------------
    // State (the bring-up sets it).

    void state(final State newState)
    {
        state = newState;
        if (newState == State.READY)
        {
            recovery.onReady(lastNowNs, bringUp.grantedPairs());
        }
    }

    /** @return 1 (work: the driver changed state). */
    int fail(final String reason)
    {
        state = State.FAILED;
        failureReason = reason;
        recovery.onFailed();
        return 1;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Submission.

    /** Reads {@code blocks} blocks at {@code lba} into the guest buffer at {@code bufferGpa}. @return CID or -1. */
    public int submitRead(final int queueId, final long lba, final int blocks, final long bufferGpa, final long tag)
    {
        return submitter.read(queueId, lba, blocks, bufferGpa, tag);
    }

    /** Writes {@code blocks} blocks at {@code lba} from the guest buffer at {@code bufferGpa}. @return CID or -1. */
    public int submitWrite(final int queueId, final long lba, final int blocks, final long bufferGpa, final long tag)
    {
        return submitter.write(queueId, lba, blocks, bufferGpa, tag);
    }

    /** Flush on namespace 1. @return CID or -1. */
    public int submitFlush(final int queueId, final long tag)
    {
        return submitter.flush(queueId, tag);
    }

    /** Dataset Management, deallocate one range. @return CID or -1. */
    public int submitDeallocate(final int queueId, final long lba, final long blocks, final long tag)
    {
        return submitter.deallocate(queueId, lba, blocks, tag);
    }

    /**
     * Submits a hand-made 64-byte command (admin when {@code queueId} is 0); the driver sets its CID.
     * Only once the driver is READY (or for admin commands, past WAIT_READY). @return CID or -1 if full.
     */
    public int submitRaw(final int queueId, final DirectBuffer command, final int offset, final long tag)
    {
        return submitter.raw(queueId, command, offset, tag);
    }

    /** Driver configuration, validated by {@link NvmeDriver#create}. */
    public static final class Config
    {
        private int ioQueuePairs = 1;
        private int queueEntries = 64;
        private int adminQueueEntries = 32;
        private boolean interruptMode = true;
        private long msixAddress = 0xFEE0_0000L;
        private int firstVector = 0x40;
        private long ioTimeoutNs = DEFAULT_IO_TIMEOUT_NS;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private CounterRegistry registry;
        private MetricTags tags;

        /** I/O queue pairs to ask for, 1..32 (granted may be fewer). Default 1. */
        public Config ioQueuePairs(final int pairs)
        {
            this.ioQueuePairs = pairs;
            return this;
        }

        /** Entries per I/O queue, 2..1024 (holds entries - 1 commands). Default 64. */
        public Config queueEntries(final int queueEntries)
        {
            this.queueEntries = queueEntries;
            return this;
        }

        /** Entries of the admin queues, 2..4096. Default 32. */
        public Config adminQueueEntries(final int adminQueueEntries)
        {
            this.adminQueueEntries = adminQueueEntries;
            return this;
        }

        /** Interrupt mode (scan a CQ when its vector fires) or polling mode (scan every CQ each poll). */
        public Config interruptMode(final boolean interruptMode)
        {
            this.interruptMode = interruptMode;
            return this;
        }

        /** MSI-X message address (x86: 0xFEE0_0000 | apicId << 12) and the vector of entry 0 (entry i: +i). */
        public Config msix(final long address, final int firstVector)
        {
            this.msixAddress = address;
            this.firstVector = firstVector;
            return this;
        }

        /**
         * How long an I/O command may take before the driver aborts it (and, a second time, resets the controller),
         * {@link #MIN_IO_TIMEOUT_NS}..{@link #MAX_IO_TIMEOUT_NS}. Default {@link #DEFAULT_IO_TIMEOUT_NS}.
         */
        public Config ioTimeoutNs(final long timeoutNs)
        {
            this.ioTimeoutNs = timeoutNs;
            return this;
        }

        /** Times an I/O command with an error status without DNR is submitted again, 0..255 ({@code nvme_max_retries}). */
        public Config maxRetries(final int retries)
        {
            this.maxRetries = retries;
            return this;
        }

        int maxRetries()
        {
            return maxRetries;
        }

        /** Where the driver's counters go (the volume's tags {@code instance, volume}); default: not exported. */
        public Config counters(final CounterRegistry registry, final MetricTags tags)
        {
            this.registry = registry;
            this.tags = tags;
            return this;
        }

        long ioTimeoutNs()
        {
            return ioTimeoutNs;
        }

        CounterRegistry registry()
        {
            return registry;
        }

        MetricTags tags()
        {
            return tags;
        }

        int ioQueuePairs()
        {
            return ioQueuePairs;
        }

        int queueEntries()
        {
            return queueEntries;
        }

        int adminQueueEntries()
        {
            return adminQueueEntries;
        }

        long msixAddress()
        {
            return msixAddress;
        }

        int firstVector()
        {
            return firstVector;
        }

        Config validate()
        {
            if (ioQueuePairs < 1 || ioQueuePairs > 32)
            {
                throw new IllegalArgumentException("I/O queue pairs " + ioQueuePairs + " out of range: accepted 1..32");
            }
            if (queueEntries < 2 || queueEntries > 1024)
            {
                throw new IllegalArgumentException("queue entries " + queueEntries + " out of range: accepted 2..1024");
            }
            if (adminQueueEntries < 2 || adminQueueEntries > 4096)
            {
                throw new IllegalArgumentException(
                    "admin queue entries " + adminQueueEntries + " out of range: accepted 2..4096");
            }
            if (ioTimeoutNs < MIN_IO_TIMEOUT_NS || ioTimeoutNs > MAX_IO_TIMEOUT_NS)
            {
                throw new IllegalArgumentException("I/O timeout " + ioTimeoutNs + " ns out of range: accepted "
                    + MIN_IO_TIMEOUT_NS + ".." + MAX_IO_TIMEOUT_NS + " ns");
            }
            if (maxRetries < 0 || maxRetries > 255)
            {
                throw new IllegalArgumentException("max retries " + maxRetries + " out of range: accepted 0..255");
            }
            if ((registry == null) != (tags == null))
            {
                throw new IllegalArgumentException("driver counters need both a registry and tags, got " + registry
                    + " and " + tags);
            }
            if (firstVector < 0 || firstVector + ioQueuePairs > 255)
            {
                throw new IllegalArgumentException("first MSI vector " + firstVector + " out of range: accepted 0.."
                    + (255 - ioQueuePairs) + " for " + ioQueuePairs + " queue pairs");
            }
            return this;
        }
    }

    /** It reacts to its own device only (registers, queues in guest memory, interrupts). */
    @Override
    public boolean wakesOnInput()
    {
        return true;
    }
}
