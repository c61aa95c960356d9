package io.nitrosim.ebs.driver;

import java.nio.ByteBuffer;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.ebs.device.EbsMeter;
import io.nitrosim.ebs.nvme.NvmeOpcodes;
import io.nitrosim.ebs.nvme.NvmeRegisters;
import io.nitrosim.ebs.nvme.NvmeStatus;
import io.nitrosim.ebs.nvme.SubmissionQueueEntry;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.GuestMemoryAccess;
import io.nitrosim.time.SimAgent;

/**
 * The driver's error handling, as Linux's NVMe PCI driver does it ({@code drivers/nvme/host/pci.c}
 * {@code nvme_timeout}, {@code drivers/nvme/host/core.c} {@code nvme_decide_disposition}):
 * <ul>
 *   <li><b>Timeout</b>: every command has a deadline (I/O: the config's I/O timeout, 30 s by default like
 *   {@code nvme_io_timeout}; admin: 60 s). When one passes the driver first polls the CQs (a missed interrupt) and
 *   reads CSTS: CSTS.CFS set (or all ones: the function no longer answers, e.g. after a function level reset) or
 *   CSTS.RDY clear resets the controller at once. An admin command that times out, or an I/O command that times out
 *   a second time after its Abort, resets the controller too. Otherwise the driver sends an Abort (SQID, CID) on
 *   the admin queue, at most the controller's Abort Command Limit at a time (beyond it the timer is just re-armed),
 *   and re-arms the command's timer.</li>
 *   <li><b>Reset</b>: CC.EN = 0, then the whole bring-up again (admin queues, Identify, number of queues, I/O
 *   queues); the I/O commands that were outstanding keep their CIDs and are submitted again when the driver is
 *   READY (blk-mq's requeue: the caller sees one completion per command). Admin commands of the caller are
 *   completed with Host Aborted Command. If the bring-up fails, every outstanding command completes with Host
 *   Aborted Command (DNR).</li>
 *   <li><b>Retry</b>: an I/O completion with an error status without DNR (Data Transfer Error, Command Abort
 *   Requested, Internal Error, ...) is submitted again, as is a command after a reset, up to the config's
 *   {@code maxRetries} times (5, {@code nvme_max_retries}); after that the caller sees the error. When the
 *   controller reports command retry delays (CRDT) the bring-up enables them (Host Behavior Support, ACRE, as
 *   {@code nvme_configure_acre}), and a status with CRD n is submitted again only after CRDT n.</li>
 * </ul>
 * Counters ({@link EbsMeter}, the volume's tags): {@code ebs.driver.timeouts}, {@code ebs.driver.aborts},
 * {@code ebs.driver.resets}, {@code ebs.driver.retries}, {@code ebs.driver.resubmitted},
 * {@code ebs.driver.failed}. The vCPU's thread only.
 */
final class NvmeRecovery implements NvmeRecoveryCounters
{
    /** Linux's {@code NVME_ADMIN_TIMEOUT}: 60 s. */
    static final long ADMIN_TIMEOUT_NS = 60_000_000_000L;
    /** The tag of the driver's Abort commands. */
    static final long ABORT_TAG = Long.MIN_VALUE + 1;
    /** The tag of the driver's Set Features Host Behavior Support (ACRE). */
    static final long HOST_BEHAVIOR_TAG = Long.MIN_VALUE + 2;

    private final NvmeDriver driver;
    private final FunctionAccess fn;
    private final GuestMemoryAccess memory;
    private final NvmeDriverQueue[] queues;
    private final long ioTimeoutNs;
    private final int maxRetries;
    private final UnsafeBuffer sqeBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(SubmissionQueueEntry.LENGTH));
    private final SubmissionQueueEntry sqe = new SubmissionQueueEntry();
    private final UnsafeBuffer hostBehavior = new UnsafeBuffer(new byte[NvmeOpcodes.HOST_BEHAVIOR_LENGTH]);
    final AtomicCounter timeouts;
    final AtomicCounter aborts;
    final AtomicCounter resets;
    final AtomicCounter retries;
    final AtomicCounter resubmitted;
    final AtomicCounter failed;
    /**
     * No command times out before this: the earliest deadline when {@link #checkExact}, else a lower bound. The
     * runtime only ever sees the exact value ({@link #nextDeadlineNs}), so a timer that will not fire never wakes
     * the run (a wake-up would change when other agents run).
     */
    private long checkNs = SimAgent.NO_DEADLINE;
    private boolean checkExact = true;
    private int abortsOutstanding;
    private int abortLimit = 1;
    /** CRDT1..3 in ns (the controller's command retry delays), and whether the controller took ACRE. */
    private final long[] retryDelayNs = new long[3];
    private boolean retryDelaysEnabled;
    /** A reset is under way: the kept I/O commands go again once the driver is READY. */
    private boolean resubmitPending;

    NvmeRecovery(final NvmeDriver driver, final FunctionAccess fn, final GuestMemoryAccess memory,
        final NvmeDriverQueue[] queues, final NvmeDriver.Config config)
    {
        this.driver = driver;
        this.fn = fn;
        this.memory = memory;
        this.queues = queues;
        this.ioTimeoutNs = config.ioTimeoutNs();
        this.maxRetries = config.maxRetries();
        CounterRegistry registry = config.registry();
        MetricTags tags = config.tags();
        if (registry == null)
        {
            registry = new CounterRegistry(8); // the driver's own: counted, not exported
            tags = MetricTags.of("instance", "", "volume", "");
        }
        timeouts = EbsMeter.DRIVER_TIMEOUTS.newCounter(registry, tags);
        aborts = EbsMeter.DRIVER_ABORTS.newCounter(registry, tags);
        resets = EbsMeter.DRIVER_RESETS.newCounter(registry, tags);
        retries = EbsMeter.DRIVER_RETRIES.newCounter(registry, tags);
        resubmitted = EbsMeter.DRIVER_RESUBMITTED.newCounter(registry, tags);
        failed = EbsMeter.DRIVER_FAILED.newCounter(registry, tags);
    }

    @Override
    public long timeouts()
    {
        return timeouts.get();
    }

    @Override
    public long abortsSent()
    {
        return aborts.get();
    }

    @Override
    public long controllerResets()
    {
        return resets.get();
    }

    @Override
    public long retries()
    {
        return retries.get();
    }

    @Override
    public long resubmitted()
    {
        return resubmitted.get();
    }

    @Override
    public long commandsFailed()
    {
        return failed.get();
    }

    /** The deadline of a command submitted now on {@code queueId}; the timeout check is due no later. */
    long deadlineFor(final int queueId, final long nowNs)
    {
        final long deadlineNs = nowNs + (queueId == 0 ? ADMIN_TIMEOUT_NS : ioTimeoutNs);
        checkNs = Math.min(checkNs, deadlineNs);
        return deadlineNs;
    }

    /** The controller's Abort Command Limit (ACL + 1, from Identify Controller). */
    void abortLimit(final int limit)
    {
        abortLimit = Math.max(1, limit);
    }

    /** The controller's CRDT1..3 (100 ms units), from Identify Controller. */
    void commandRetryDelays(final int crdt1, final int crdt2, final int crdt3)
    {
        retryDelayNs[0] = crdt1 * 100_000_000L;
        retryDelayNs[1] = crdt2 * 100_000_000L;
        retryDelayNs[2] = crdt3 * 100_000_000L;
        retryDelaysEnabled = false;
    }

    /** Whether to enable Advanced Command Retry (ACRE): the controller has a CRDT1 and the driver retries. */
    private boolean wantsRetryDelays()
    {
        return retryDelayNs[0] != 0 && maxRetries > 0;
    }

    /** The controller took (or refused) Host Behavior Support with ACRE. */
    void retryDelaysEnabled(final boolean enabled)
    {
        retryDelaysEnabled = enabled;
    }

    /** When the driver must look at its commands' timers next (the earliest deadline); NO_DEADLINE when none. */
    long nextDeadlineNs()
    {
        if (!checkExact)
        {
            long earliestNs = SimAgent.NO_DEADLINE;
            for (final NvmeDriverQueue queue : queues)
            {
                // CIDs are handed out lowest first: the ones in use are found early, stop when all are
                int left = queue.allocated() ? queue.outstanding() : 0;
                for (int cid = 0; left > 0 && cid < queue.entries - 1; cid++)
                {
                    if (queue.inUse(cid))
                    {
                        earliestNs = Math.min(earliestNs, queue.deadlineNs[cid]);
                        left--;
                    }
                }
            }
            checkNs = earliestNs;
            checkExact = true;
        }
        return checkNs;
    }

    /** Command {@code cid} completes or goes again: if it held the earliest deadline, that moves. */
    private void deadlineChanges(final NvmeDriverQueue queue, final int cid)
    {
        if (queue.deadlineNs[cid] <= checkNs)
        {
            checkExact = false;
        }
    }

    /** Handles the commands whose deadline passed. @return work done. */
    int checkTimeouts(final long nowNs)
    {
        if (nowNs < checkNs)
        {
            return 0;
        }
        driver.pollCompletions(); // did we miss an interrupt?
        long nextNs = SimAgent.NO_DEADLINE;
        int work = 0;
        int csts = 0;
        boolean cstsRead = false;
        for (final NvmeDriverQueue queue : queues)
        {
            if (!queue.allocated())
            {
                continue;
            }
            for (int cid = 0; cid < queue.entries - 1; cid++)
            {
                if (!queue.inUse(cid))
                {
                    continue;
                }
                if (queue.deadlineNs[cid] > nowNs)
                {
                    nextNs = Math.min(nextNs, queue.deadlineNs[cid]);
                    continue;
                }
                if (queue.waiting[cid])
                {
                    // its retry delay is over (a reset in between submits it anyway, onReady)
                    queue.resubmit(memory, cid, nowNs + ioTimeoutNs);
                    nextNs = Math.min(nextNs, queue.deadlineNs[cid]);
                    work++;
                    continue;
                }
                if (!cstsRead)
                {
                    csts = (int)fn.mmioRead(0, NvmeRegisters.CSTS_OFFSET, 4);
                    cstsRead = true;
                }
                timeouts.increment();
                if (queue.id == 0 || queue.aborted[cid] || (csts & NvmeRegisters.CSTS_CFS) != 0
                    || (csts & NvmeRegisters.CSTS_RDY) == 0)
                {
                    resetController(nowNs);
                    return work + 1;
                }
                queue.deadlineNs[cid] = nowNs + ioTimeoutNs;
                nextNs = Math.min(nextNs, queue.deadlineNs[cid]);
                if (abortsOutstanding < abortLimit && sendAbort(queue.id, cid, nowNs))
                {
                    queue.aborted[cid] = true;
                }
                work++;
            }
        }
        checkNs = nextNs;
        checkExact = true;
        return work;
    }

    private boolean sendAbort(final int sqid, final int cid, final long nowNs)
    {
        final NvmeDriverQueue admin = queues[0];
        final int abortCid = admin.takeCid(ABORT_TAG);
        if (abortCid < 0)
        {
            return false;
        }
        sqe.wrap(sqeBuffer, 0).clear().opcode(NvmeOpcodes.ADMIN_ABORT).commandId(abortCid).abort(sqid, cid);
        admin.submit(memory, sqeBuffer, deadlineFor(0, nowNs));
        abortsOutstanding++;
        aborts.increment();
        return true;
    }

    /**
     * Set Features Host Behavior Support with ACRE (as Linux's {@code nvme_configure_acre}) when the controller has a
     * CRDT1 and the driver retries; its 512-byte structure in the command's own list area. The bring-up sends it
     * with Set Features Number of Queues, in the same doorbell, and does not wait for it: the bring-up takes the
     * passes it always did.
     */
    void sendHostBehavior(final long nowNs)
    {
        if (!wantsRetryDelays())
        {
            return;
        }
        final NvmeDriverQueue admin = queues[0];
        final int cid = admin.takeCid(HOST_BEHAVIOR_TAG);
        if (cid < 0)
        {
            return;
        }
        hostBehavior.setMemory(0, NvmeOpcodes.HOST_BEHAVIOR_LENGTH, (byte)0);
        hostBehavior.putByte(0, (byte)NvmeOpcodes.HOST_BEHAVIOR_ACRE);
        memory.write(admin.listAddress(cid), hostBehavior, 0, NvmeOpcodes.HOST_BEHAVIOR_LENGTH);
        sqe.wrap(sqeBuffer, 0).clear().opcode(NvmeOpcodes.ADMIN_SET_FEATURES).commandId(cid)
            .prp1(admin.listAddress(cid)).cdw(10, NvmeOpcodes.FEATURE_HOST_BEHAVIOR_SUPPORT);
        admin.submit(memory, sqeBuffer, deadlineFor(0, nowNs));
    }

    /** An Abort completed: whether it aborted or not, the command's own completion or second timeout decides. */
    void abortCompleted()
    {
        abortsOutstanding = Math.max(0, abortsOutstanding - 1);
    }

    /**
     * Disables the controller and starts the bring-up again; the outstanding I/O commands are kept for
     * {@link #onReady}, the caller's admin commands complete with Host Aborted Command.
     */
    void resetController(final long nowNs)
    {
        resets.increment();
        abortsOutstanding = 0;
        final NvmeDriverQueue admin = queues[0];
        for (int cid = 0; cid < admin.entries - 1; cid++)
        {
            if (admin.inUse(cid))
            {
                final long tag = admin.tag(cid);
                admin.release(cid);
                if (tag != NvmeDriver.INTERNAL_TAG && tag != ABORT_TAG && tag != HOST_BEHAVIOR_TAG)
                {
                    driver.complete(0, cid, NvmeStatus.HOST_ABORTED_COMMAND | NvmeStatus.DO_NOT_RETRY, tag);
                }
            }
        }
        for (int q = 1; q < queues.length; q++)
        {
            final NvmeDriverQueue queue = queues[q];
            for (int cid = 0; queue.allocated() && cid < queue.entries - 1; cid++)
            {
                // kept for onReady, which arms them again: no timer runs while the controller comes back
                queue.deadlineNs[cid] = SimAgent.NO_DEADLINE;
                queue.waiting[cid] = false;
            }
        }
        resubmitPending = true;
        checkNs = SimAgent.NO_DEADLINE;
        checkExact = false;
        driver.restart();
    }

    /** The driver is READY: after a reset, the kept I/O commands go again (each one retry), or fail. */
    void onReady(final long nowNs, final int grantedPairs)
    {
        if (!resubmitPending)
        {
            return;
        }
        resubmitPending = false;
        for (int q = 1; q < queues.length; q++)
        {
            final NvmeDriverQueue queue = queues[q];
            for (int cid = 0; queue.allocated() && cid < queue.entries - 1; cid++)
            {
                if (!queue.inUse(cid))
                {
                    continue;
                }
                if (q > grantedPairs || queue.retries[cid] >= maxRetries)
                {
                    failCommand(queue, cid);
                    continue;
                }
                queue.retries[cid]++;
                resubmitted.increment();
                queue.resubmit(memory, cid, deadlineFor(q, nowNs));
            }
        }
    }

    /** The bring-up failed: every outstanding I/O command completes with Host Aborted Command (DNR). */
    void onFailed()
    {
        resubmitPending = false;
        for (int q = 1; q < queues.length; q++)
        {
            final NvmeDriverQueue queue = queues[q];
            for (int cid = 0; queue.allocated() && cid < queue.entries - 1; cid++)
            {
                if (queue.inUse(cid))
                {
                    failCommand(queue, cid);
                }
            }
        }
    }

    private void failCommand(final NvmeDriverQueue queue, final int cid)
    {
        final long tag = queue.tag(cid);
        deadlineChanges(queue, cid);
        queue.release(cid);
        driver.complete(queue.id, cid, NvmeStatus.HOST_ABORTED_COMMAND | NvmeStatus.DO_NOT_RETRY, tag);
    }

    /**
     * An I/O completion with an error status: submitted again if it may be retried (no DNR, fewer than
     * {@code maxRetries} retries so far). @return whether it was.
     */
    boolean retry(final NvmeDriverQueue queue, final int cid, final int status, final long nowNs)
    {
        deadlineChanges(queue, cid);
        if (status == NvmeStatus.SUCCESS || queue.id == 0 || (status & NvmeStatus.DO_NOT_RETRY) != 0
            || queue.retries[cid] >= maxRetries || driver.state() != NvmeDriver.State.READY)
        {
            return false;
        }
        queue.retries[cid]++;
        retries.increment();
        final int crd = NvmeStatus.retryDelay(status);
        if (retryDelaysEnabled && crd != 0 && retryDelayNs[crd - 1] != 0)
        {
            // as nvme_retry_req: the request is requeued after CRDT[crd - 1] (blk_mq_delay_kick_requeue_list)
            queue.waiting[cid] = true;
            queue.deadlineNs[cid] = nowNs + retryDelayNs[crd - 1];
            checkNs = Math.min(checkNs, queue.deadlineNs[cid]);
            return true;
        }
        queue.resubmit(memory, cid, deadlineFor(queue.id, nowNs));
        return true;
    }
}
