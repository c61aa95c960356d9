package io.nitrosim.ebs.driver;

import java.nio.ByteBuffer;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.ebs.nvme.CompletionQueueEntry;
import io.nitrosim.ebs.nvme.IdentifyController;
import io.nitrosim.ebs.nvme.IdentifyNamespace;
import io.nitrosim.ebs.nvme.NvmeOpcodes;
import io.nitrosim.ebs.nvme.NvmeRegisters;
import io.nitrosim.ebs.nvme.NvmeStatus;
import io.nitrosim.ebs.nvme.SubmissionQueueEntry;
import io.nitrosim.pci.ConfigSpace;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.GuestMemoryAccess;
import io.nitrosim.pci.GuestMemoryAllocator;
import io.nitrosim.pci.GuestTask;
import io.nitrosim.pci.MsixTable;

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
    private static final long INTERNAL_TAG = Long.MIN_VALUE;

    private final FunctionAccess fn;
    private final GuestMemoryAccess memory;
    private final GuestMemoryAllocator allocator;
    private final Config config;

    private State state = State.START;
    private String failureReason;
    private long deadlineNs;
    private long lastNowNs;
    private long cap;
    private int grantedPairs;
    private int step;
    private int mdtsBytes;
    private int blockShift;
    private long namespaceBlocks;
    private final UnsafeBuffer identifyControllerCopy = new UnsafeBuffer(new byte[PAGE_SIZE]);
    private final UnsafeBuffer identifyNamespaceCopy = new UnsafeBuffer(new byte[PAGE_SIZE]);
    private final UnsafeBuffer sqeBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(SubmissionQueueEntry.LENGTH));
    private final SubmissionQueueEntry sqe = new SubmissionQueueEntry();
    private long scratchGpa;
    private boolean internalDone;
    private int internalStatus;
    private int internalDw0;
    private CompletionHandler handler;

    // queues: index 0 admin, 1..n I/O
    private final int maxQueues;
    private final long[] sqAddr;
    private final long[] cqAddr;
    private final long[] listAddr;
    private final int[] entries;
    private final int[] sqTail;
    private final int[] sqTailRung;
    private final int[] cqHead;
    private final boolean[] cqPhase;
    private final boolean[] cqDirty;
    private final boolean[] cqPending;
    private final int[][] freeCids;
    private final int[] freeCount;
    private final long[][] tags;
    private boolean queuesAllocated;
    private long completions;
    private long doorbellWrites;

    private NvmeDriver(
        final FunctionAccess fn, final GuestMemoryAccess memory, final GuestMemoryAllocator allocator, final Config config)
    {
        this.fn = fn;
        this.memory = memory;
        this.allocator = allocator;
        this.config = config;
        this.maxQueues = config.ioQueuePairs + 1;
        sqAddr = new long[maxQueues];
        cqAddr = new long[maxQueues];
        listAddr = new long[maxQueues];
        entries = new int[maxQueues];
        sqTail = new int[maxQueues];
        sqTailRung = new int[maxQueues];
        cqHead = new int[maxQueues];
        cqPhase = new boolean[maxQueues];
        cqDirty = new boolean[maxQueues];
        cqPending = new boolean[maxQueues];
        freeCids = new int[maxQueues][];
        freeCount = new int[maxQueues];
        tags = new long[maxQueues][];
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
        return state == State.READY ? grantedPairs : 0;
    }

    public int queueEntries(final int queueId)
    {
        return entries[queueId];
    }

    /** Commands submitted on {@code queueId} and not yet completed. */
    public int outstanding(final int queueId)
    {
        return entries[queueId] - 1 - freeCount[queueId];
    }

    public int blockSizeBytes()
    {
        return 1 << blockShift;
    }

    public long namespaceBlocks()
    {
        return namespaceBlocks;
    }

    /** Largest transfer per command (MDTS), bytes. */
    public int maxTransferBytes()
    {
        return mdtsBytes;
    }

    public long capabilities()
    {
        return cap;
    }

    /** The Identify Controller page read at bring-up. */
    public DirectBuffer identifyController()
    {
        return identifyControllerCopy;
    }

    /** The Identify Namespace page (namespace 1) read at bring-up. */
    public DirectBuffer identifyNamespace()
    {
        return identifyNamespaceCopy;
    }

    public long completions()
    {
        return completions;
    }

    public long doorbellWrites()
    {
        return doorbellWrites;
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

    /** An MSI-X interrupt with {@code vector} reached the vCPU: its CQ is scanned on the next doWork. */
    @Override
    public void onInterrupt(final int vector)
    {
        final int q = vector - config.firstVector;
        if (q >= 0 && q < maxQueues)
        {
            cqPending[q] = true;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Polling.

    /** Advances bring-up, reaps completions, rings doorbells. @return work done (0 when idle). */
    @Override
    public int doWork(final long nowNs)
    {
        lastNowNs = nowNs;
        int work = 0;
        if (state != State.START && state != State.FAILED && state != State.WAIT_NOT_READY
            && state != State.WAIT_READY && queuesAllocated)
        {
            work += reap(0);
            if (state == State.READY)
            {
                for (int q = 1; q <= grantedPairs; q++)
                {
                    if (!config.interruptMode || cqPending[q])
                    {
                        cqPending[q] = false;
                        work += reap(q);
                    }
                }
            }
        }
        if (state != State.READY && state != State.FAILED)
        {
            work += bringUp(nowNs);
        }
        work += ringDoorbells();
        return work;
    }

    /** Writes the SQ tail doorbell of every queue with new entries and the CQ head doorbell of reaped CQs. */
    public int ringDoorbells()
    {
        int work = 0;
        for (int q = 0; q < maxQueues; q++)
        {
            if (sqTail[q] != sqTailRung[q])
            {
                sqTailRung[q] = sqTail[q];
                fn.mmioWrite(0, NvmeRegisters.sqTailDoorbellOffset(q, 0), 4, sqTail[q]);
                doorbellWrites++;
                work++;
            }
            if (cqDirty[q])
            {
                cqDirty[q] = false;
                fn.mmioWrite(0, NvmeRegisters.cqHeadDoorbellOffset(q, 0), 4, cqHead[q]);
                doorbellWrites++;
            }
        }
        return work;
    }

    private int reap(final int q)
    {
        if (entries[q] == 0)
        {
            return 0;
        }
        int reaped = 0;
        while (true)
        {
            final long address = cqAddr[q] + ((long)cqHead[q] << NvmeRegisters.CQ_ENTRY_SIZE_SHIFT);
            final int dw3 = memory.getInt(address + CompletionQueueEntry.DW3_OFFSET);
            final int statusWord = dw3 >>> 16;
            final boolean phase = (statusWord & CompletionQueueEntry.PHASE_BIT) != 0;
            if (phase != cqPhase[q])
            {
                break;
            }
            final int dw0 = memory.getInt(address + CompletionQueueEntry.DW0_OFFSET);
            final int dw2 = memory.getInt(address + CompletionQueueEntry.SQ_HEAD_OFFSET);
            final int cid = dw3 & 0xFFFF;
            final int status = statusWord >>> CompletionQueueEntry.STATUS_SHIFT;
            if (++cqHead[q] == entries[q])
            {
                cqHead[q] = 0;
                cqPhase[q] = !cqPhase[q];
            }
            cqDirty[q] = true;
            reaped++;
            completions++;
            if (cid < entries[q])
            {
                final long tag = tags[q][cid];
                freeCids[q][freeCount[q]++] = cid;
                if (tag == INTERNAL_TAG)
                {
                    internalDone = true;
                    internalStatus = status;
                    internalDw0 = dw0;
                }
                else if (handler != null)
                {
                    handler.onCompletion(q, cid, status, dw0, dw2 & 0xFFFF, tag);
                }
            }
        }
        return reaped;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Submission.

    /** Reads {@code blocks} blocks at {@code lba} into the guest buffer at {@code bufferGpa}. @return CID or -1 if the queue is full. */
    public int submitRead(final int queueId, final long lba, final int blocks, final long bufferGpa, final long tag)
    {
        return submitReadWrite(queueId, NvmeOpcodes.IO_READ, lba, blocks, bufferGpa, tag);
    }

    /** Writes {@code blocks} blocks at {@code lba} from the guest buffer at {@code bufferGpa}. @return CID or -1. */
    public int submitWrite(final int queueId, final long lba, final int blocks, final long bufferGpa, final long tag)
    {
        return submitReadWrite(queueId, NvmeOpcodes.IO_WRITE, lba, blocks, bufferGpa, tag);
    }

    private int submitReadWrite(
        final int queueId, final int opcode, final long lba, final int blocks, final long bufferGpa, final long tag)
    {
        final long lengthBytes = (long)blocks << blockShift;
        if (blocks < 1 || blocks > 65536 || lengthBytes > mdtsBytes || bufferGpa < 0 || (bufferGpa & 3) != 0)
        {
            throw new IllegalArgumentException("I/O of " + blocks + " blocks at buffer " + bufferGpa
                + ": accepted 1.." + (mdtsBytes >> blockShift) + " blocks and a dword-aligned buffer");
        }
        final int cid = takeCid(queueId, tag);
        if (cid < 0)
        {
            return -1;
        }
        sqe.wrap(sqeBuffer, 0).clear().opcode(opcode).commandId(cid).nsid(1).startingLba(lba).blockCount(blocks);
        buildPrps(queueId, cid, bufferGpa, lengthBytes);
        writeEntry(queueId);
        return cid;
    }

    private void buildPrps(final int queueId, final int cid, final long bufferGpa, final long lengthBytes)
    {
        final long firstLength = Math.min(lengthBytes, PAGE_SIZE - (bufferGpa & (PAGE_SIZE - 1)));
        sqe.prp1(bufferGpa);
        final long remaining = lengthBytes - firstLength;
        if (remaining <= 0)
        {
            sqe.prp2(0);
            return;
        }
        final long next = Math.addExact(bufferGpa, firstLength);
        if (remaining <= PAGE_SIZE)
        {
            sqe.prp2(next);
            return;
        }
        final long list = listAddr[queueId] + (long)cid * PRP_LIST_BYTES;
        final int pages = (int)((remaining + PAGE_SIZE - 1) / PAGE_SIZE);
        for (int i = 0; i < pages; i++)
        {
            memory.putLong(list + 8L * i, next + (long)i * PAGE_SIZE);
        }
        sqe.prp2(list);
    }

    /** Flush on namespace 1. @return CID or -1. */
    public int submitFlush(final int queueId, final long tag)
    {
        final int cid = takeCid(queueId, tag);
        if (cid < 0)
        {
            return -1;
        }
        sqe.wrap(sqeBuffer, 0).clear().opcode(NvmeOpcodes.IO_FLUSH).commandId(cid).nsid(1);
        writeEntry(queueId);
        return cid;
    }

    /** Dataset Management, deallocate one range. @return CID or -1. */
    public int submitDeallocate(final int queueId, final long lba, final long blocks, final long tag)
    {
        final int cid = takeCid(queueId, tag);
        if (cid < 0)
        {
            return -1;
        }
        final long range = listAddr[queueId] + (long)cid * PRP_LIST_BYTES;
        memory.putInt(range, 0);
        memory.putInt(range + 4, (int)blocks);
        memory.putLong(range + 8, lba);
        sqe.wrap(sqeBuffer, 0).clear().opcode(NvmeOpcodes.IO_DATASET_MANAGEMENT).commandId(cid).nsid(1)
            .prp1(range).cdw(10, 0).cdw(11, SubmissionQueueEntry.DSM_ATTRIBUTE_DEALLOCATE);
        writeEntry(queueId);
        return cid;
    }

    /**
     * Submits a hand-made 64-byte command (admin when {@code queueId} is 0); the driver sets its CID.
     * Only once the driver is READY (or for admin commands, past WAIT_READY). @return CID or -1 if full.
     */
    public int submitRaw(final int queueId, final DirectBuffer command, final int offset, final long tag)
    {
        final int cid = takeCid(queueId, tag);
        if (cid < 0)
        {
            return -1;
        }
        sqeBuffer.putBytes(0, command, offset, SubmissionQueueEntry.LENGTH);
        sqe.wrap(sqeBuffer, 0).commandId(cid);
        writeEntry(queueId);
        return cid;
    }

    private int takeCid(final int queueId, final long tag)
    {
        if (queueId < 0 || queueId >= maxQueues || entries[queueId] == 0
            || (queueId > 0 && (state != State.READY || queueId > grantedPairs)))
        {
            throw new IllegalArgumentException("queue " + queueId + " is not available (driver " + state
                + ", " + grantedPairs + " I/O queue pairs)");
        }
        if (freeCount[queueId] == 0)
        {
            return -1;
        }
        final int cid = freeCids[queueId][--freeCount[queueId]];
        tags[queueId][cid] = tag;
        return cid;
    }

    private void writeEntry(final int queueId)
    {
        final long address = sqAddr[queueId] + ((long)sqTail[queueId] << NvmeRegisters.SQ_ENTRY_SIZE_SHIFT);
        memory.write(address, sqeBuffer, 0, SubmissionQueueEntry.LENGTH);
        if (++sqTail[queueId] == entries[queueId])
        {
            sqTail[queueId] = 0;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Bring-up.

    private int bringUp(final long nowNs)
    {
        switch (state)
        {
            case START:
                return start(nowNs);
            case WAIT_NOT_READY:
            {
                final int csts = (int)fn.mmioRead(0, NvmeRegisters.CSTS_OFFSET, 4);
                if ((csts & NvmeRegisters.CSTS_RDY) != 0)
                {
                    return timeout(nowNs, "CSTS.RDY stayed 1 after CC.EN = 0");
                }
                configureAdmin(nowNs);
                return 1;
            }
            case WAIT_READY:
            {
                final int csts = (int)fn.mmioRead(0, NvmeRegisters.CSTS_OFFSET, 4);
                if (csts == -1 || (csts & NvmeRegisters.CSTS_CFS) != 0)
                {
                    return fail("controller fatal status (CSTS " + Integer.toHexString(csts) + ") while enabling");
                }
                if ((csts & NvmeRegisters.CSTS_RDY) == 0)
                {
                    return timeout(nowNs, "CSTS.RDY did not become 1 within CAP.TO");
                }
                state = State.IDENTIFY_CONTROLLER;
                adminInternal(NvmeOpcodes.ADMIN_IDENTIFY, 0, NvmeOpcodes.CNS_CONTROLLER, 0, scratchGpa);
                return 1;
            }
            case IDENTIFY_CONTROLLER:
                if (!internalDone)
                {
                    return checkFatal();
                }
                if (internalStatus != 0)
                {
                    return fail("Identify Controller failed: status 0x" + Integer.toHexString(internalStatus));
                }
                memory.read(scratchGpa, identifyControllerCopy, 0, PAGE_SIZE);
                {
                    final int mdts = new IdentifyController().wrapForRead(identifyControllerCopy, 0).mdts();
                    final int minPage = 1 << (12 + NvmeRegisters.capMpsMin(cap));
                    mdtsBytes = mdts == 0 ? 1 << 20 : Math.min(1 << 20, minPage << mdts);
                    mdtsBytes = Math.min(mdtsBytes, (PRP_LIST_BYTES / 8) * PAGE_SIZE);
                }
                state = State.IDENTIFY_NAMESPACE;
                adminInternal(NvmeOpcodes.ADMIN_IDENTIFY, 1, NvmeOpcodes.CNS_NAMESPACE, 0, scratchGpa);
                return 1;
            case IDENTIFY_NAMESPACE:
                if (!internalDone)
                {
                    return checkFatal();
                }
                if (internalStatus != 0)
                {
                    return fail("Identify Namespace failed: status 0x" + Integer.toHexString(internalStatus));
                }
                memory.read(scratchGpa, identifyNamespaceCopy, 0, PAGE_SIZE);
                {
                    final IdentifyNamespace ns = new IdentifyNamespace().wrapForRead(identifyNamespaceCopy, 0);
                    namespaceBlocks = ns.size();
                    blockShift = ns.lbaDataSizeShift(ns.formattedLbaIndex());
                }
                state = State.SET_QUEUES;
                adminInternal(NvmeOpcodes.ADMIN_SET_FEATURES, 0, NvmeOpcodes.FEATURE_NUMBER_OF_QUEUES,
                    NvmeOpcodes.encodeNumberOfQueues(config.ioQueuePairs, config.ioQueuePairs), 0);
                return 1;
            case SET_QUEUES:
                if (!internalDone)
                {
                    return checkFatal();
                }
                if (internalStatus != 0)
                {
                    return fail("Set Features (number of queues) failed: status 0x" + Integer.toHexString(internalStatus));
                }
                grantedPairs = Math.min(config.ioQueuePairs, Math.min(NvmeOpcodes.numberOfSubmissionQueues(internalDw0),
                    NvmeOpcodes.numberOfCompletionQueues(internalDw0)));
                step = 1;
                state = State.CREATE_CQ;
                createQueue(true, step);
                return 1;
            case CREATE_CQ:
            case CREATE_SQ:
                if (!internalDone)
                {
                    return checkFatal();
                }
                if (internalStatus != 0)
                {
                    return fail("Create I/O " + (state == State.CREATE_CQ ? "CQ " : "SQ ") + step
                        + " failed: status 0x" + Integer.toHexString(internalStatus));
                }
                if (state == State.CREATE_CQ)
                {
                    state = State.CREATE_SQ;
                    createQueue(false, step);
                }
                else if (step < grantedPairs)
                {
                    step++;
                    state = State.CREATE_CQ;
                    createQueue(true, step);
                }
                else
                {
                    state = State.READY;
                }
                return 1;
            default:
                return 0;
        }
    }

    private int checkFatal()
    {
        final int csts = (int)fn.mmioRead(0, NvmeRegisters.CSTS_OFFSET, 4);
        if ((csts & NvmeRegisters.CSTS_CFS) != 0)
        {
            return fail("controller fatal status during " + state);
        }
        return 0;
    }

    private int start(final long nowNs)
    {
        final int command = fn.configRead(ConfigSpace.COMMAND_OFFSET, 2);
        fn.configWrite(ConfigSpace.COMMAND_OFFSET, 2,
            command | ConfigSpace.COMMAND_MEMORY_SPACE | ConfigSpace.COMMAND_BUS_MASTER);
        final int msix = findCapability(ConfigSpace.CAP_ID_MSIX);
        if (msix == 0)
        {
            return fail("no MSI-X capability");
        }
        final int tableSize = (fn.configRead(msix + ConfigSpace.MSIX_MESSAGE_CONTROL, 2)
            & ConfigSpace.MSIX_CONTROL_TABLE_SIZE_MASK) + 1;
        final int tableWord = fn.configRead(msix + ConfigSpace.MSIX_TABLE_OFFSET_BIR, 4);
        final int bar = tableWord & ConfigSpace.MSIX_BIR_MASK;
        final long tableOffset = tableWord & ~ConfigSpace.MSIX_BIR_MASK & 0xFFFF_FFFFL;
        for (int v = 0; v < Math.min(tableSize, maxQueues); v++)
        {
            final long entry = tableOffset + (long)v * MsixTable.ENTRY_LENGTH;
            fn.mmioWrite(bar, entry + MsixTable.ENTRY_ADDRESS_LO_OFFSET, 4, config.msixAddress & 0xFFFF_FFFFL);
            fn.mmioWrite(bar, entry + MsixTable.ENTRY_ADDRESS_HI_OFFSET, 4, config.msixAddress >>> 32);
            fn.mmioWrite(bar, entry + MsixTable.ENTRY_DATA_OFFSET, 4, config.firstVector + v);
            fn.mmioWrite(bar, entry + MsixTable.ENTRY_VECTOR_CONTROL_OFFSET, 4, 0);
        }
        fn.configWrite(msix + ConfigSpace.MSIX_MESSAGE_CONTROL, 2, ConfigSpace.MSIX_CONTROL_ENABLE);
        cap = fn.mmioRead(0, NvmeRegisters.CAP_OFFSET, 8);
        if (cap == -1L)
        {
            return fail("BAR0 does not answer (CAP reads all ones)");
        }
        if (NvmeRegisters.capDoorbellStride(cap) != 0 || NvmeRegisters.capMpsMin(cap) != 0)
        {
            return fail("unsupported CAP 0x" + Long.toHexString(cap) + ": this driver needs DSTRD 0 and 4 KiB pages");
        }
        final int cc = (int)fn.mmioRead(0, NvmeRegisters.CC_OFFSET, 4);
        if ((cc & NvmeRegisters.CC_EN) != 0)
        {
            fn.mmioWrite(0, NvmeRegisters.CC_OFFSET, 4, 0);
        }
        deadlineNs = nowNs + Math.max(1, NvmeRegisters.capTimeout500ms(cap)) * 500_000_000L;
        state = State.WAIT_NOT_READY;
        return 1;
    }

    private void configureAdmin(final long nowNs)
    {
        final int maxEntries = NvmeRegisters.capMaxQueueEntries(cap);
        if (!queuesAllocated)
        {
            allocateQueue(0, Math.min(config.adminQueueEntries, maxEntries));
            for (int q = 1; q < maxQueues; q++)
            {
                allocateQueue(q, Math.min(config.queueEntries, maxEntries));
            }
            scratchGpa = allocator.allocate(2 * PAGE_SIZE, PAGE_SIZE);
            queuesAllocated = true;
        }
        for (int q = 0; q < maxQueues; q++)
        {
            resetQueue(q);
        }
        fn.mmioWrite(0, NvmeRegisters.AQA_OFFSET, 4, NvmeRegisters.encodeAqa(entries[0], entries[0]));
        fn.mmioWrite(0, NvmeRegisters.ASQ_OFFSET, 8, sqAddr[0]);
        fn.mmioWrite(0, NvmeRegisters.ACQ_OFFSET, 8, cqAddr[0]);
        fn.mmioWrite(0, NvmeRegisters.CC_OFFSET, 4, NvmeRegisters.CC_EN
            | (NvmeRegisters.SQ_ENTRY_SIZE_SHIFT << NvmeRegisters.CC_IOSQES_SHIFT)
            | (NvmeRegisters.CQ_ENTRY_SIZE_SHIFT << NvmeRegisters.CC_IOCQES_SHIFT));
        deadlineNs = nowNs + Math.max(1, NvmeRegisters.capTimeout500ms(cap)) * 500_000_000L;
        state = State.WAIT_READY;
    }

    private void allocateQueue(final int q, final int queueEntries)
    {
        entries[q] = queueEntries;
        sqAddr[q] = allocator.allocate((long)queueEntries * SubmissionQueueEntry.LENGTH, PAGE_SIZE);
        cqAddr[q] = allocator.allocate((long)queueEntries * CompletionQueueEntry.LENGTH, PAGE_SIZE);
        listAddr[q] = allocator.allocate((long)queueEntries * PRP_LIST_BYTES, PAGE_SIZE);
        freeCids[q] = new int[queueEntries];
        tags[q] = new long[queueEntries];
    }

    private void resetQueue(final int q)
    {
        memory.zero(cqAddr[q], (long)entries[q] * CompletionQueueEntry.LENGTH);
        sqTail[q] = 0;
        sqTailRung[q] = 0;
        cqHead[q] = 0;
        cqPhase[q] = true;
        cqDirty[q] = false;
        cqPending[q] = false;
        freeCount[q] = 0;
        // A queue of E entries holds E - 1 commands; CIDs 0..E-2, lowest handed out first.
        for (int cid = entries[q] - 2; cid >= 0; cid--)
        {
            freeCids[q][freeCount[q]++] = cid;
        }
    }

    private void createQueue(final boolean completion, final int q)
    {
        final int cdw11 = completion
            ? SubmissionQueueEntry.CQ_PHYSICALLY_CONTIGUOUS | SubmissionQueueEntry.CQ_INTERRUPTS_ENABLED | (q << 16)
            : SubmissionQueueEntry.SQ_PHYSICALLY_CONTIGUOUS | (q << 16);
        internalDone = false;
        final int cid = takeCid(0, INTERNAL_TAG);
        sqe.wrap(sqeBuffer, 0).clear()
            .opcode(completion ? NvmeOpcodes.ADMIN_CREATE_IO_CQ : NvmeOpcodes.ADMIN_CREATE_IO_SQ).commandId(cid)
            .prp1(completion ? cqAddr[q] : sqAddr[q]).createQueue(q, entries[q], cdw11);
        writeEntry(0);
    }

    private void adminInternal(final int opcode, final long nsid, final int cdw10, final int cdw11, final long prp1)
    {
        internalDone = false;
        final int cid = takeCid(0, INTERNAL_TAG);
        sqe.wrap(sqeBuffer, 0).clear().opcode(opcode).commandId(cid).nsid(nsid).prp1(prp1).cdw(10, cdw10).cdw(11, cdw11);
        writeEntry(0);
    }

    private int timeout(final long nowNs, final String what)
    {
        return nowNs > deadlineNs ? fail(what) : 0;
    }

    private int fail(final String reason)
    {
        state = State.FAILED;
        failureReason = reason;
        return 1;
    }

    /** When the driver next needs to run without input: a bring-up wait, or never (interrupt-driven). */
    @Override
    public long nextDeadlineNs()
    {
        final long nowNs = lastNowNs;
        if (state == State.WAIT_NOT_READY || state == State.WAIT_READY)
        {
            return Math.min(deadlineNs + 1, nowNs + 1_000_000L); // poll CSTS every 1 ms of simulated time
        }
        if (state == State.START)
        {
            return nowNs;
        }
        return NO_DEADLINE;
    }

    private int findCapability(final int id)
    {
        int pointer = fn.configRead(ConfigSpace.CAPABILITIES_POINTER_OFFSET, 1) & 0xFC;
        for (int guard = 0; pointer != 0 && guard < 48; guard++)
        {
            if ((fn.configRead(pointer, 1) & 0xFF) == id)
            {
                return pointer;
            }
            pointer = fn.configRead(pointer + 1, 1) & 0xFC;
        }
        return 0;
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
            if (firstVector < 0 || firstVector + ioQueuePairs > 255)
            {
                throw new IllegalArgumentException("first MSI vector " + firstVector + " out of range: accepted 0.."
                    + (255 - ioQueuePairs) + " for " + ioQueuePairs + " queue pairs");
            }
            return this;
        }
    }
}
