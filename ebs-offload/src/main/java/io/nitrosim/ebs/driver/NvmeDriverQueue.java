package io.nitrosim.ebs.driver;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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
 * command, and the command ids in use with, per command, the caller's tag, a copy of its 64-byte entry (so it can
 * be submitted again: a retry, or after a controller reset), its timeout deadline, whether it was aborted and how
 * often it was retried. A queue of E entries holds at most E - 1 commands; CIDs 0..E-2, lowest handed out first.
 * Completions are found by phase tag and decoded through {@link CompletionQueueEntry}; the SQ tail and CQ head
 * doorbells are written at most once per {@link #ringDoorbells}.
 */
final class NvmeDriverQueue
{
    /** What a completion is handed to. */
    interface Completions
    {
        /** Whether the command was submitted again instead of completing (its CID stays in use). */
        boolean retried(int queueId, int commandId, int status);

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
    private boolean[] inUse;
    private UnsafeBuffer commands;
    /** Per CID: when the command times out, whether it was aborted, times it was submitted again. */
    long[] deadlineNs;
    boolean[] aborted;
    /** Per CID: waiting out a command retry delay (not in the SQ); {@link #deadlineNs} is when it goes again. */
    boolean[] waiting;
    int[] retries;
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
        inUse = new boolean[queueEntries];
        commands = new UnsafeBuffer(new byte[queueEntries * SubmissionQueueEntry.LENGTH]);
        deadlineNs = new long[queueEntries];
        aborted = new boolean[queueEntries];
        waiting = new boolean[queueEntries];
        retries = new int[queueEntries];
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

    /**
     * Empty rings (the CQ zeroed: every phase tag 0); every CID free, or with {@code keepCommands} the commands in use
     * kept (to be submitted again, {@link #resubmit}) and the others free.
     */
    void reset(final GuestMemoryAccess memory, final boolean keepCommands)
    {
        cq.clear(memory, cqAddr, entries, CompletionQueueEntry.LENGTH);
        sq.open(sqAddr, entries, SubmissionQueueEntry.LENGTH);
        interrupted = false;
        freeCount = 0;
        for (int cid = entries - 2; cid >= 0; cid--)
        {
            if (!keepCommands || !inUse[cid])
            {
                inUse[cid] = false;
                freeCids[freeCount++] = cid;
            }
        }
    }

    /** Whether command {@code cid} is submitted and not yet completed. */
    boolean inUse(final int cid)
    {
        return inUse[cid];
    }

    long tag(final int cid)
    {
        return tags[cid];
    }

    /** Frees command {@code cid} without a completion (the driver completes it itself). */
    void release(final int cid)
    {
        inUse[cid] = false;
        freeCids[freeCount++] = cid;
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
        inUse[cid] = true;
        retries[cid] = 0;
        return cid;
    }

    /** Writes a command at the SQ tail (its doorbell rings later), keeping a copy; it times out at {@code deadlineNs}. */
    void submit(final GuestMemoryAccess memory, final DirectBuffer command, final long deadlineNs)
    {
        final int cid = command.getShort(SubmissionQueueEntry.COMMAND_ID_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        commands.putBytes(cid * SubmissionQueueEntry.LENGTH, command, 0, SubmissionQueueEntry.LENGTH);
        this.deadlineNs[cid] = deadlineNs;
        aborted[cid] = false;
        sq.write(memory, command, 0);
    }

    /** Writes command {@code cid} (in use) at the SQ tail again, as it was first submitted. */
    void resubmit(final GuestMemoryAccess memory, final int cid, final long deadlineNs)
    {
        this.deadlineNs[cid] = deadlineNs;
        aborted[cid] = false;
        waiting[cid] = false;
        sq.write(memory, commands, cid * SubmissionQueueEntry.LENGTH);
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
            if (cid < entries && inUse[cid] && !completions.retried(id, cid, c.status()))
            {
                release(cid);
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
