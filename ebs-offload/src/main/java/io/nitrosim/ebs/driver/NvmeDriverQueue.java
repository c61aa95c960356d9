package io.nitrosim.ebs.driver;

import java.nio.ByteBuffer;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.ebs.nvme.CompletionQueueEntry;
import io.nitrosim.ebs.nvme.NvmeRegisters;
import io.nitrosim.ebs.nvme.SubmissionQueueEntry;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.GuestMemoryAccess;
import io.nitrosim.pci.GuestMemoryAllocator;
import io.nitrosim.pci.queue.CompletionQueueReader;
import io.nitrosim.pci.queue.RingNumbering;
import io.nitrosim.pci.queue.SubmissionQueueWriter;

/**
 * One queue pair of the driver (0 = admin): its SQ and CQ in guest memory, a PRP-list / DSM-range area per
 * command, and the command ids in use with the caller's tag of each. A queue of E entries holds at most E - 1
 * commands; CIDs 0..E-2, lowest handed out first. Completions are found by phase tag and decoded through
 * {@link CompletionQueueEntry}; the SQ tail and CQ head doorbells are written at most once per
 * {@link #ringDoorbells}.
 */
final class NvmeDriverQueue
{
    /** What a completion is handed to. */
    interface Completions
    {
        void completed(int queueId, int commandId, int status, int dw0, int sqHead, long tag);
    }

    final int id;
    private final SubmissionQueueWriter sq = new SubmissionQueueWriter(RingNumbering.SLOT_INDEX);
    private final CompletionQueueReader cq =
        new CompletionQueueReader(RingNumbering.SLOT_INDEX, CompletionQueueEntry.PHASE_TAG);
    private final UnsafeBuffer cqeBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(CompletionQueueEntry.LENGTH));
    private final CompletionQueueEntry cqe = new CompletionQueueEntry();
    /** Where the rings are (set once, at the first bring-up). */
    long sqAddr;
    long cqAddr;
    private long listAddr;
    /** Entries of each ring; 0 until allocated. */
    int entries;
    private int[] freeCids;
    private int freeCount;
    private long[] tags;
    /** Its vector fired: scan the CQ on the next doWork (interrupt mode). */
    boolean interrupted;
    long doorbellWrites;

    NvmeDriverQueue(final int id)
    {
        this.id = id;
    }

    void allocate(final GuestMemoryAllocator allocator, final int queueEntries)
    {
        entries = queueEntries;
        sqAddr = allocator.allocate((long)queueEntries * SubmissionQueueEntry.LENGTH, NvmeDriver.PAGE_SIZE);
        cqAddr = allocator.allocate((long)queueEntries * CompletionQueueEntry.LENGTH, NvmeDriver.PAGE_SIZE);
        listAddr = allocator.allocate((long)queueEntries * NvmeDriver.PRP_LIST_BYTES, NvmeDriver.PAGE_SIZE);
        freeCids = new int[queueEntries];
        tags = new long[queueEntries];
    }

    boolean allocated()
    {
        return entries != 0;
    }

    /** The PRP-list (or DSM-range) area of command {@code cid}. */
    long listAddress(final int cid)
    {
        return listAddr + (long)cid * NvmeDriver.PRP_LIST_BYTES;
    }

    /** Empty rings (the CQ zeroed: every phase tag 0), every CID free. */
    void reset(final GuestMemoryAccess memory)
    {
        cq.clear(memory, cqAddr, entries, CompletionQueueEntry.LENGTH);
        sq.open(sqAddr, entries, SubmissionQueueEntry.LENGTH);
        interrupted = false;
        freeCount = 0;
        for (int cid = entries - 2; cid >= 0; cid--)
        {
            freeCids[freeCount++] = cid;
        }
    }

    /** Commands submitted and not yet completed. */
    int outstanding()
    {
        return entries - 1 - freeCount;
    }

    /** A free CID, now owned by a command with {@code tag}; -1 when the queue is full. */
    int takeCid(final long tag)
    {
        if (freeCount == 0)
        {
            return -1;
        }
        final int cid = freeCids[--freeCount];
        tags[cid] = tag;
        return cid;
    }

    /** Writes a command at the SQ tail (its doorbell rings later). */
    void submit(final GuestMemoryAccess memory, final DirectBuffer command)
    {
        sq.write(memory, command, 0);
    }

    /** Hands every new completion to {@code completions}, freeing its CID first. @return completions reaped. */
    int reap(final GuestMemoryAccess memory, final Completions completions)
    {
        if (entries == 0)
        {
            return 0;
        }
        int reaped = 0;
        while (cq.peek(memory, cqeBuffer, 0))
        {
            final CompletionQueueEntry c = cqe.wrap(cqeBuffer, 0);
            final int cid = c.commandId();
            cq.consume();
            reaped++;
            if (cid < entries)
            {
                freeCids[freeCount++] = cid;
                completions.completed(id, cid, c.status(), c.dw0(), c.sqHead(), tags[cid]);
            }
        }
        return reaped;
    }

    /** Writes the SQ tail and CQ head doorbells that are due. @return SQ doorbells written. */
    int ringDoorbells(final FunctionAccess function)
    {
        int work = 0;
        if (sq.ring(function, 0, NvmeRegisters.sqTailDoorbellOffset(id, 0)))
        {
            doorbellWrites++;
            work++;
        }
        if (cq.ring(function, 0, NvmeRegisters.cqHeadDoorbellOffset(id, 0), 0))
        {
            doorbellWrites++;
        }
        return work;
    }
}
