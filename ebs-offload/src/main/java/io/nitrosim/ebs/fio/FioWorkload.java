package io.nitrosim.ebs.fio;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.ebs.driver.NvmeDriver;
import io.nitrosim.pci.GuestMemoryAccess;
import io.nitrosim.pci.GuestMemoryAllocator;
import io.nitrosim.pci.GuestTask;

/**
 * A fio-like guest workload running on the reference {@link NvmeDriver}: brings the driver up, then runs its
 * {@link FioJob}s (each expanded into {@code numjobs} clones) until they finish, and reports per clone and total
 * {@link FioResult}s.
 * <p>
 * Shaped to be wrapped as a hypervisor guest program: {@link #doWork(long)} (non-blocking; returns the work done),
 * {@link #nextDeadlineNs()}, {@link #onInterrupt(int)}. Offsets of random jobs and the read/write mix come from one
 * {@link SplittableRandom} seeded at creation and split per clone, so runs are deterministic.
 * <p>
 * A block larger than the controller's MDTS goes out as contiguous MDTS-sized commands, in order, as the Linux
 * block layer splits a bio at the queue's max_sectors_kb; the fio I/O completes when its last command does (its
 * latency spans all of them; any failed command fails it). Commands the submission queue has no room for go out
 * on a later pass, before any new I/O of the clone.
 * <p>
 * Buffers: with verify each in-flight I/O has its own buffer; without, a clone's I/Os share one buffer (the data
 * is not looked at), which keeps guest memory use at bs per clone.
 * <p>
 * Verify: a write puts the {@link BlockPattern} of (LBA, generation) into its buffer with one bulk copy (G counts
 * the writes of that block by this run); a read of a block with G &gt; 0 copies the buffer out once and compares
 * it whole with the pattern; blocks never written (or whose write failed) are not checked.
 * <p>
 * Hot unplug: when the device goes ({@link #deviceRemoved}) every I/O in flight fails, as the Linux NVMe driver's
 * removal cancels each outstanding request with a host-aborted status and the block layer returns EIO; the workload
 * counts them as errors and goes on (fio's {@code continue_on_error}), issuing nothing until a driver for the device
 * plugged back is given ({@link #deviceAdded}) and is up. Time-based jobs keep their end time.
 */
public final class FioWorkload implements GuestTask
{
    private static final int PHASE_RUN = 0;
    private static final int PHASE_VERIFY = 1;
    private static final int PHASE_DONE = 2;
    /**
     * The status an I/O ends with when its device is removed: NVMe Path Related Status (SCT 3h) "Command Aborted By
     * Host" (71h), which Linux's nvme_cancel_request sets (NVME_SC_HOST_ABORTED_CMD, drivers/nvme/host/core.c).
     */
    public static final int HOST_ABORTED_STATUS = 0x371;

    /** The driver of the device; null while the device is unplugged. */
    private NvmeDriver driver;
    private final GuestMemoryAccess memory;
    private final GuestMemoryAllocator allocator;
    private final FioJob[] jobs;
    private final SplittableRandom random;
    private final CompletionHandler handler = new CompletionHandler();
    private Clone[] clones;
    private long lastNowNs;
    private boolean done;
    private UnsafeBuffer verifyScratch;
    private BlockPattern pattern;

    private FioWorkload(
        final NvmeDriver driver, final GuestMemoryAccess memory, final GuestMemoryAllocator allocator,
        final long seed, final FioJob[] jobs)
    {
        this.driver = driver;
        this.memory = memory;
        this.allocator = allocator;
        this.jobs = jobs;
        this.random = new SplittableRandom(seed);
        driver.completionHandler(handler);
    }

    /**
     * @param driver    a driver (not yet brought up, or ready) the workload owns from now on.
     * @param memory    the guest's memory, for buffers and verify.
     * @param allocator where buffers come from.
     * @param seed      seed of the offsets / mix random.
     */
    public static FioWorkload create(
        final NvmeDriver driver, final GuestMemoryAccess memory, final GuestMemoryAllocator allocator,
        final long seed, final FioJob... jobs)
    {
        if (driver == null || memory == null || allocator == null || jobs == null || jobs.length == 0)
        {
            throw new IllegalArgumentException("fio workload needs a driver, guest memory, an allocator and at least "
                + "one job");
        }
        return new FioWorkload(driver, memory, allocator, seed, jobs.clone());
    }

    public NvmeDriver driver()
    {
        return driver;
    }

    /** Forwards an MSI-X interrupt to the driver. */
    @Override
    public void onInterrupt(final int vector)
    {
        if (driver != null)
        {
            driver.onInterrupt(vector);
        }
    }

    /** True when every clone has finished (and verified) or the driver failed. */
    public boolean isDone()
    {
        return done || driver != null && driver.isFailed();
    }

    /**
     * The device was hot-unplugged: every I/O in flight fails with {@link #HOST_ABORTED_STATUS} (counted in the
     * clones' errors) and the workload pauses; the driver is dropped, as its device is gone.
     *
     * @return the I/Os failed.
     */
    public int deviceRemoved(final long nowNs)
    {
        lastNowNs = nowNs;
        driver = null;
        int failed = 0;
        if (clones != null)
        {
            for (final Clone c : clones)
            {
                failed += c.failInFlight(nowNs);
            }
        }
        return failed;
    }

    /** A device was plugged back: {@code newDriver} (not yet brought up) drives it; I/O resumes once it is ready. */
    public void deviceAdded(final NvmeDriver newDriver)
    {
        if (newDriver == null || driver != null)
        {
            throw new IllegalStateException("a new driver replaces a removed device's only: driver " + driver
                + ", new driver " + newDriver);
        }
        newDriver.completionHandler(handler);
        driver = newDriver;
    }

    /** Whether the workload has a device now (false between {@link #deviceRemoved} and {@link #deviceAdded}). */
    public boolean hasDevice()
    {
        return driver != null;
    }

    /** One slice of the workload. @return work done (0 when waiting for the device). */
    @Override
    public int doWork(final long nowNs)
    {
        lastNowNs = nowNs;
        if (driver == null)
        {
            return 0;
        }
        int work = driver.doWork(nowNs);
        if (!driver.isReady() || done)
        {
            return work;
        }
        if (clones == null)
        {
            createClones(nowNs);
        }
        boolean allDone = true;
        for (final Clone c : clones)
        {
            work += c.issue(nowNs);
            allDone &= c.phase == PHASE_DONE;
        }
        work += driver.ringDoorbells();
        done = allDone;
        return work;
    }

    /**
     * When the workload needs to run without input: the driver's (bring-up waits, command timeouts); I/O completions
     * raise work themselves.
     */
    @Override
    public long nextDeadlineNs()
    {
        return driver != null ? driver.nextDeadlineNs() : NO_DEADLINE; // null while the device is detached
    }

    /** Results per clone ("name.j"), in job then clone order; empty before the driver is ready. */
    public List<FioResult> results()
    {
        final List<FioResult> results = new ArrayList<>();
        if (clones != null)
        {
            for (final Clone c : clones)
            {
                results.add(c.result());
            }
        }
        return results;
    }

    /** All clones together. */
    public FioResult total()
    {
        final Histogram all = new Histogram(3_600_000_000_000L, 3);
        long readOps = 0;
        long writeOps = 0;
        long readBytes = 0;
        long writeBytes = 0;
        long errors = 0;
        long verifyErrors = 0;
        long verified = 0;
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        if (clones != null)
        {
            for (final Clone c : clones)
            {
                all.add(c.latency);
                readOps += c.readOps;
                writeOps += c.writeOps;
                readBytes += c.readBytes;
                writeBytes += c.writeBytes;
                errors += c.errors;
                verifyErrors += c.verifyErrors;
                verified += c.verifiedBlocks;
                start = Math.min(start, c.startNs);
                end = Math.max(end, c.lastCompletionNs);
            }
        }
        return result("total", all, readOps, writeOps, readBytes, writeBytes, errors, verifyErrors, verified,
            end > start ? end - start : 0);
    }

    private static FioResult result(
        final String name, final Histogram h, final long readOps, final long writeOps, final long readBytes,
        final long writeBytes, final long errors, final long verifyErrors, final long verified, final long runtimeNs)
    {
        final boolean any = h.getTotalCount() > 0;
        return new FioResult(name, readOps, writeOps, readBytes, writeBytes, errors, verifyErrors, verified, runtimeNs,
            any ? h.getValueAtPercentile(50) : 0, any ? h.getValueAtPercentile(99) : 0,
            any ? h.getValueAtPercentile(99.9) : 0, any ? h.getMaxValue() : 0, any ? h.getMean() : 0);
    }

    private void createClones(final long nowNs)
    {
        final List<Clone> list = new ArrayList<>();
        final int pairs = driver.ioQueuePairs();
        int next = 0;
        int maxBs = 0;
        boolean anyVerify = false;
        for (final FioJob job : jobs)
        {
            for (int j = 0; j < job.numjobs(); j++)
            {
                list.add(new Clone(job, j, 1 + (next % pairs), random.split(), nowNs));
                next++;
                maxBs = Math.max(maxBs, job.blockSizeBytes());
                anyVerify |= job.verify();
            }
        }
        if (anyVerify)
        {
            verifyScratch = new UnsafeBuffer(new byte[maxBs]);
            pattern = new BlockPattern(maxBs);
        }
        clones = list.toArray(new Clone[0]);
    }

    // ---------------------------------------------------------------------------------------------------------

    private final class CompletionHandler implements NvmeDriver.CompletionHandler
    {
        @Override
        public void onCompletion(
            final int queueId, final int commandId, final int status, final int dw0, final int sqHead, final long tag)
        {
            final int cloneIndex = (int)(tag >>> 32);
            if (clones != null && cloneIndex >= 0 && cloneIndex < clones.length)
            {
                clones[cloneIndex].onCompletion((int)tag, status, lastNowNs);
            }
        }
    }

    /** One clone of a job: its region, its in-flight slots and its counters. */
    private final class Clone
    {
        final FioJob job;
        final String name;
        final int cloneIndex;
        final int queueId;
        final SplittableRandom rnd;
        final int bs;
        final int lbaShift;
        final int blocksPerIo;
        final int blocksPerCommand;
        final int commandsPerIo;
        final long regionStartLba;
        final long regionIos;
        final long startNs;
        final long endNs;
        final long[] bufferGpa;
        final boolean[] busy;
        final long[] submitNs;
        final long[] block;
        final boolean[] isWrite;
        final int[] commandsSubmitted;
        final int[] commandsOutstanding;
        final int[] worstStatus;
        final int[] generation;
        final byte[] inFlightBlock;
        final Histogram latency = new Histogram(3_600_000_000_000L, 3);
        int phase = PHASE_RUN;
        int inFlight;
        /** The slot whose commands did not all fit in the submission queue, or -1. */
        int partialSlot = -1;
        long issued;
        long seqNext;
        long verifyNext;
        long readOps;
        long writeOps;
        long readBytes;
        long writeBytes;
        long errors;
        long verifyErrors;
        long verifiedBlocks;
        long lastCompletionNs;

        Clone(final FioJob job, final int j, final int queueId, final SplittableRandom rnd, final long nowNs)
        {
            this.job = job;
            this.name = job.name() + "." + j;
            this.cloneIndex = clonesSoFar++;
            this.queueId = queueId;
            this.rnd = rnd;
            this.bs = job.blockSizeBytes();
            final int lbaSize = driver.blockSizeBytes();
            this.lbaShift = Integer.numberOfTrailingZeros(lbaSize);
            if (bs % lbaSize != 0)
            {
                throw new IllegalArgumentException("fio job " + job.name() + " bs " + bs + " must be a multiple of the "
                    + lbaSize + " B LBA size");
            }
            this.blocksPerIo = bs >> lbaShift;
            this.blocksPerCommand = Math.min(blocksPerIo, driver.maxTransferBytes() >> lbaShift);
            this.commandsPerIo = (blocksPerIo + blocksPerCommand - 1) / blocksPerCommand;
            final long regionStart = Math.addExact(job.offsetBytes(), Math.multiplyExact((long)j, job.sizeBytes()));
            final long deviceBytes = driver.namespaceBlocks() << lbaShift;
            if (regionStart + job.sizeBytes() > deviceBytes)
            {
                throw new IllegalArgumentException("fio job " + name + " region [" + regionStart + ", +"
                    + job.sizeBytes() + ") lies beyond the " + deviceBytes + " B device");
            }
            this.regionStartLba = regionStart >> lbaShift;
            this.regionIos = job.sizeBytes() / bs;
            this.startNs = nowNs;
            this.lastCompletionNs = nowNs;
            this.endNs = job.runtimeNs() > 0 ? nowNs + job.runtimeNs() : Long.MAX_VALUE;
            final int depth = job.iodepth();
            bufferGpa = new long[depth];
            busy = new boolean[depth];
            submitNs = new long[depth];
            block = new long[depth];
            isWrite = new boolean[depth];
            commandsSubmitted = new int[depth];
            commandsOutstanding = new int[depth];
            worstStatus = new int[depth];
            if (job.verify())
            {
                for (int s = 0; s < depth; s++)
                {
                    bufferGpa[s] = allocator.allocate(bs, 4096);
                }
                generation = new int[(int)regionIos];
                inFlightBlock = new byte[(int)regionIos];
            }
            else
            {
                final long shared = allocator.allocate(bs, 4096);
                java.util.Arrays.fill(bufferGpa, shared);
                generation = null;
                inFlightBlock = null;
            }
        }

        int issue(final long nowNs)
        {
            int work = 0;
            if (partialSlot >= 0)
            {
                work += submitCommands(partialSlot);
                if (commandsSubmitted[partialSlot] < commandsPerIo)
                {
                    return work; // the queue is still full
                }
                partialSlot = -1;
            }
            while (inFlight < job.iodepth() && phase != PHASE_DONE)
            {
                long b;
                boolean write;
                if (phase == PHASE_RUN)
                {
                    final boolean stop = job.runtimeNs() > 0 ? nowNs >= endNs : issued >= regionIos;
                    if (stop)
                    {
                        if (inFlight > 0)
                        {
                            break;
                        }
                        phase = job.verify() && job.rw() != FioJob.Rw.RANDRW ? PHASE_VERIFY : PHASE_DONE;
                        continue;
                    }
                    b = job.rw().isRandom() ? rnd.nextLong(regionIos) : seqNext;
                    if (inFlightBlock != null)
                    {
                        // never two I/Os on one block at once (verify would race)
                        long probes = 0;
                        while (inFlightBlock[(int)b] != 0 && probes++ < regionIos)
                        {
                            b = b + 1 == regionIos ? 0 : b + 1;
                        }
                        if (inFlightBlock[(int)b] != 0)
                        {
                            break;
                        }
                    }
                    if (!job.rw().isRandom())
                    {
                        seqNext = b + 1 == regionIos ? 0 : b + 1;
                    }
                    switch (job.rw())
                    {
                        case READ:
                        case RANDREAD:
                            write = false;
                            break;
                        case RANDRW:
                            write = rnd.nextInt(100) >= job.rwmixread();
                            break;
                        default:
                            write = true;
                            break;
                    }
                }
                else
                {
                    while (verifyNext < regionIos && generation[(int)verifyNext] <= 0)
                    {
                        verifyNext++;
                    }
                    if (verifyNext >= regionIos)
                    {
                        if (inFlight == 0)
                        {
                            phase = PHASE_DONE;
                        }
                        break;
                    }
                    b = verifyNext;
                    write = false;
                }
                final int slot = freeSlot();
                final long lba = regionStartLba + b * blocksPerIo;
                if (write && generation != null)
                {
                    pattern.write(memory, bufferGpa[slot], lba, Math.max(0, generation[(int)b]) + 1, bs);
                }
                block[slot] = b;
                isWrite[slot] = write;
                commandsSubmitted[slot] = 0;
                commandsOutstanding[slot] = 0;
                worstStatus[slot] = 0;
                submitCommands(slot);
                if (commandsSubmitted[slot] == 0)
                {
                    if (!job.rw().isRandom() && phase == PHASE_RUN)
                    {
                        seqNext = b; // not issued: take the same block next time
                    }
                    break;
                }
                if (phase == PHASE_VERIFY)
                {
                    verifyNext++;
                }
                else
                {
                    issued++;
                }
                busy[slot] = true;
                submitNs[slot] = nowNs;
                if (inFlightBlock != null)
                {
                    inFlightBlock[(int)b] = 1;
                }
                inFlight++;
                work++;
                if (commandsSubmitted[slot] < commandsPerIo)
                {
                    partialSlot = slot; // the rest go out first on the next pass
                    break;
                }
            }
            return work;
        }

        /** Fails every I/O in flight (its device is gone). @return how many. */
        int failInFlight(final long nowNs)
        {
            int failed = 0;
            partialSlot = -1;
            for (int slot = 0; slot < busy.length; slot++)
            {
                if (busy[slot])
                {
                    commandsSubmitted[slot] = commandsPerIo;
                    commandsOutstanding[slot] = 1;
                    onCompletion(slot, HOST_ABORTED_STATUS, nowNs);
                    failed++;
                }
            }
            return failed;
        }

        /** Submits the slot's next commands (one per MDTS of its block) while the queue takes them. */
        private int submitCommands(final int slot)
        {
            final long tag = ((long)cloneIndex << 32) | slot;
            final long firstLba = regionStartLba + block[slot] * blocksPerIo;
            int submitted = 0;
            while (commandsSubmitted[slot] < commandsPerIo)
            {
                final int doneBlocks = commandsSubmitted[slot] * blocksPerCommand;
                final int blocks = Math.min(blocksPerCommand, blocksPerIo - doneBlocks);
                final long lba = firstLba + doneBlocks;
                final long gpa = bufferGpa[slot] + ((long)doneBlocks << lbaShift);
                final int cid = isWrite[slot] ? driver.submitWrite(queueId, lba, blocks, gpa, tag)
                    : driver.submitRead(queueId, lba, blocks, gpa, tag);
                if (cid < 0)
                {
                    break;
                }
                commandsSubmitted[slot]++;
                commandsOutstanding[slot]++;
                submitted++;
            }
            return submitted;
        }

        private int freeSlot()
        {
            for (int s = 0; s < busy.length; s++)
            {
                if (!busy[s])
                {
                    return s;
                }
            }
            throw new IllegalStateException("no free slot with " + inFlight + " in flight"); // unreachable
        }

        void onCompletion(final int slot, final int status, final long nowNs)
        {
            if (slot < 0 || slot >= busy.length || !busy[slot])
            {
                return;
            }
            if (status != 0)
            {
                worstStatus[slot] = status;
            }
            if (--commandsOutstanding[slot] > 0 || commandsSubmitted[slot] < commandsPerIo)
            {
                return; // more of the block's commands to come
            }
            busy[slot] = false;
            inFlight--;
            lastCompletionNs = nowNs;
            latency.recordValue(Math.min(latency.getHighestTrackableValue(), Math.max(0, nowNs - submitNs[slot])));
            final int b = (int)block[slot];
            if (inFlightBlock != null)
            {
                inFlightBlock[b] = 0;
            }
            if (worstStatus[slot] != 0)
            {
                errors++;
                if (generation != null && isWrite[slot])
                {
                    generation[b] = -1; // content unknown now: not verifiable
                }
                return;
            }
            if (isWrite[slot])
            {
                writeOps++;
                writeBytes += bs;
                if (generation != null && generation[b] >= 0)
                {
                    generation[b]++;
                }
            }
            else
            {
                readOps++;
                readBytes += bs;
                if (generation != null && generation[b] > 0)
                {
                    memory.read(bufferGpa[slot], verifyScratch, 0, bs);
                    verifiedBlocks++;
                    if (!pattern.matches(verifyScratch, 0, regionStartLba + (long)b * blocksPerIo, generation[b], bs))
                    {
                        verifyErrors++;
                    }
                }
            }
        }

        FioResult result()
        {
            return FioWorkload.result(name, latency, readOps, writeOps, readBytes, writeBytes, errors, verifyErrors,
                verifiedBlocks, lastCompletionNs - startNs);
        }
    }

    private int clonesSoFar;

    /** It reacts to its own device only (registers, queues in guest memory, interrupts). */
    @Override
    public boolean wakesOnInput()
    {
        return true;
    }
}
