package io.nitrosim.ebs.device;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.ebs.nvme.CompletionQueueEntry;
import io.nitrosim.ebs.nvme.NvmeRegisters;
import io.nitrosim.ebs.nvme.NvmeStatus;
import io.nitrosim.ebs.nvme.Prp;
import io.nitrosim.ebs.nvme.SubmissionQueueEntry;
import io.nitrosim.pci.DmaPort;
import io.nitrosim.pci.queue.CompletionQueueWriter;
import io.nitrosim.pci.queue.InterruptVectors;
import io.nitrosim.pci.queue.RingNumbering;
import io.nitrosim.pci.queue.SubmissionQueueReader;
import io.nitrosim.pci.trace.TraceKind;

/**
 * The controller's queues: the admin pair (queue 0) and up to {@link NvmeController#MAX_IO_QUEUES} I/O SQs and
 * CQs, reached by doorbells (slot indexes), created and deleted by admin commands; command fetch, completion
 * posting (the CQE written with one DMA, phase tag included) and the MSI-X vector of each CQ, sent once per
 * controller pass. A failed command is logged in the error log when its completion is posted. Agent thread.
 */
final class NvmeQueues
{
    static final int MAX_QID = NvmeController.MAX_IO_QUEUES;

    private final NvmeController controller;
    private final NvmeLogs logs;
    private final SubmissionQueueReader[] sqs = new SubmissionQueueReader[MAX_QID + 1];
    private final int[] sqCq = new int[MAX_QID + 1];
    private final CompletionQueueWriter[] cqs = new CompletionQueueWriter[MAX_QID + 1];
    private final int[] cqUsers = new int[MAX_QID + 1];
    private final InterruptVectors vectors = new InterruptVectors(NvmeController.MSIX_VECTORS,
        NvmeController.MSIX_VECTORS);
    private final UnsafeBuffer cqeBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(CompletionQueueEntry.LENGTH));
    private final CompletionQueueEntry cqe = new CompletionQueueEntry();
    private int ioSqEntryShift;
    private int ioCqEntryShift;

    NvmeQueues(final NvmeController controller, final NvmeLogs logs)
    {
        this.controller = controller;
        this.logs = logs;
        for (int q = 0; q <= MAX_QID; q++)
        {
            sqs[q] = new SubmissionQueueReader(RingNumbering.SLOT_INDEX, SubmissionQueueEntry.LENGTH, 1);
            cqs[q] = new CompletionQueueWriter(RingNumbering.SLOT_INDEX);
        }
    }

    /** Every queue deleted, no interrupt pending (controller reset). */
    void clear()
    {
        for (int q = 0; q <= MAX_QID; q++)
        {
            sqs[q].close();
            cqs[q].close();
            cqUsers[q] = 0;
        }
        vectors.reset();
    }

    /** CC.EN: the admin queues from AQA/ASQ/ACQ, and the I/O entry sizes CC selects. */
    void enable(final long asq, final int asqEntries, final long acq, final int acqEntries, final int cc)
    {
        sqs[0].open(asq, asqEntries);
        sqCq[0] = 0;
        cqs[0].open(acq, acqEntries, CompletionQueueEntry.LENGTH, 0);
        cqUsers[0] = 1;
        entrySizes(cc);
    }

    /** CC.IOSQES / CC.IOCQES, checked when I/O queues are created. */
    void entrySizes(final int cc)
    {
        ioSqEntryShift = NvmeRegisters.ccIoSqEntrySizeShift(cc);
        ioCqEntryShift = NvmeRegisters.ccIoCqEntrySizeShift(cc);
    }

    SubmissionQueueReader sq(final int qid)
    {
        return sqs[qid];
    }

    /** The CQ an SQ completes into. */
    int cqOf(final int sqid)
    {
        return sqCq[sqid];
    }

    boolean anyIoQueue()
    {
        for (int q = 1; q <= MAX_QID; q++)
        {
            if (sqs[q].isOpen() || cqs[q].isOpen())
            {
                return true;
            }
        }
        return false;
    }

    /** An SQ tail doorbell. @return false when invalid (no such queue, or a slot outside it). */
    boolean sqTailDoorbell(final int qid, final int value)
    {
        final SubmissionQueueReader sq = sqs[qid];
        if (!sq.isOpen() || value < 0 || value >= sq.entries())
        {
            return false;
        }
        sq.tail(value);
        return true;
    }

    /** A CQ head doorbell. @return false when invalid. */
    boolean cqHeadDoorbell(final int qid, final int value)
    {
        final CompletionQueueWriter cq = cqs[qid];
        if (!cq.isOpen() || value < 0 || value >= cq.entries())
        {
            return false;
        }
        cq.head(value);
        return true;
    }

    /** Whether CQ {@code cq} exists and the host left room in it. */
    boolean cqHasRoom(final int cq)
    {
        return cqs[cq].isOpen() && cqs[cq].hasRoom();
    }

    /**
     * Reads the command at SQ {@code sq}'s head into {@code sqe}'s buffer and consumes it. @return false on a refused
     * DMA (the controller is then fatal).
     */
    boolean fetch(final int sq, final UnsafeBuffer sqeBuffer)
    {
        final int head = sqs[sq].head().slot();
        if (sqs[sq].fetch(controller.dma(), sqeBuffer, 0) != DmaPort.OK)
        {
            controller.setFatal();
            return false;
        }
        controller.tracer().emit(TraceKind.DESCRIPTOR_FETCH, sq, head,
            sqeBuffer.getShort(SubmissionQueueEntry.COMMAND_ID_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF,
            sqeBuffer.getByte(SubmissionQueueEntry.OPCODE_OFFSET) & 0xFF, 0);
        return true;
    }

    /**
     * Posts a completion (the caller checked there is room) and logs a failure.
     *
     * @param lba the LBA the error log records for a failed I/O command (0 for admin commands).
     * @return false if the DMA failed (the controller is then fatal).
     */
    boolean post(final int cq, final int sq, final int cid, final int status, final int dw0, final long lba)
    {
        final CompletionQueueWriter ring = cqs[cq];
        cqe.wrap(cqeBuffer, 0);
        cqe.complete(dw0, sqs[sq].head().value(), sq, cid, status, ring.phase());
        final int tail = ring.tail();
        final boolean phase = ring.phase();
        if (ring.post(controller.dma(), cqeBuffer, 0) != DmaPort.OK)
        {
            controller.setFatal();
            return false;
        }
        controller.tracer().emit(TraceKind.DESCRIPTOR_COMPLETE, sq, tail, cid, status, phase ? 1 : 0);
        if (ring.vector() != CompletionQueueWriter.NO_VECTOR)
        {
            vectors.raise(ring.vector());
        }
        if (status != NvmeStatus.SUCCESS)
        {
            logs.error(sq, cid, status, sq == 0 ? 0 : lba, sq == 0 ? 0 : 1);
        }
        return true;
    }

    /** Sends the vectors of the CQs completions were posted to this pass. */
    void fireInterrupts()
    {
        vectors.fire(controller.msix());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Admin commands that create and delete queues. Each returns an NVMe status.

    int createCq(final SubmissionQueueEntry sqe, final int allocatedCqs)
    {
        final int qid = sqe.queueId();
        final int entries = sqe.queueEntries();
        if (qid == 0 || qid > MAX_QID || qid > allocatedCqs || cqs[qid].isOpen())
        {
            return NvmeStatus.INVALID_QUEUE_ID | NvmeStatus.DO_NOT_RETRY;
        }
        if (entries < 2 || entries > NvmeController.MAX_QUEUE_ENTRIES)
        {
            return NvmeStatus.INVALID_QUEUE_SIZE | NvmeStatus.DO_NOT_RETRY;
        }
        if (!sqe.physicallyContiguous() || ioCqEntryShift != NvmeRegisters.CQ_ENTRY_SIZE_SHIFT)
        {
            return NvmeStatus.INVALID_FIELD | NvmeStatus.DO_NOT_RETRY;
        }
        final int vector = sqe.interruptVector();
        if (vector >= NvmeController.MSIX_VECTORS)
        {
            return NvmeStatus.INVALID_INTERRUPT_VECTOR | NvmeStatus.DO_NOT_RETRY;
        }
        final long base = sqe.prp1();
        if (base < 0 || !Prp.isPageAligned(base, NvmeController.PAGE_SIZE))
        {
            return NvmeStatus.PRP_OFFSET_INVALID | NvmeStatus.DO_NOT_RETRY;
        }
        cqs[qid].open(base, entries, CompletionQueueEntry.LENGTH,
            sqe.interruptsEnabled() ? vector : CompletionQueueWriter.NO_VECTOR);
        cqUsers[qid] = 0;
        return NvmeStatus.SUCCESS;
    }

    int createSq(final SubmissionQueueEntry sqe, final int allocatedSqs)
    {
        final int qid = sqe.queueId();
        final int entries = sqe.queueEntries();
        final int cqid = sqe.completionQueueId();
        if (qid == 0 || qid > MAX_QID || qid > allocatedSqs || sqs[qid].isOpen())
        {
            return NvmeStatus.INVALID_QUEUE_ID | NvmeStatus.DO_NOT_RETRY;
        }
        if (entries < 2 || entries > NvmeController.MAX_QUEUE_ENTRIES)
        {
            return NvmeStatus.INVALID_QUEUE_SIZE | NvmeStatus.DO_NOT_RETRY;
        }
        if (!sqe.physicallyContiguous() || ioSqEntryShift != NvmeRegisters.SQ_ENTRY_SIZE_SHIFT)
        {
            return NvmeStatus.INVALID_FIELD | NvmeStatus.DO_NOT_RETRY;
        }
        if (cqid == 0 || cqid > MAX_QID || !cqs[cqid].isOpen())
        {
            return NvmeStatus.COMPLETION_QUEUE_INVALID | NvmeStatus.DO_NOT_RETRY;
        }
        final long base = sqe.prp1();
        if (base < 0 || !Prp.isPageAligned(base, NvmeController.PAGE_SIZE))
        {
            return NvmeStatus.PRP_OFFSET_INVALID | NvmeStatus.DO_NOT_RETRY;
        }
        sqs[qid].open(base, entries);
        sqCq[qid] = cqid;
        cqUsers[cqid]++;
        return NvmeStatus.SUCCESS;
    }

    /** Whether {@code qid} names an I/O SQ that exists. */
    boolean isIoSq(final int qid)
    {
        return qid != 0 && qid <= MAX_QID && sqs[qid].isOpen();
    }

    /** Deletes I/O SQ {@code qid} (checked with {@link #isIoSq}). */
    void deleteSq(final int qid)
    {
        sqs[qid].close();
        cqUsers[sqCq[qid]]--;
    }

    int deleteCq(final SubmissionQueueEntry sqe)
    {
        final int qid = sqe.queueId();
        if (qid == 0 || qid > MAX_QID || !cqs[qid].isOpen())
        {
            return NvmeStatus.INVALID_QUEUE_ID | NvmeStatus.DO_NOT_RETRY;
        }
        if (cqUsers[qid] > 0)
        {
            return NvmeStatus.INVALID_QUEUE_DELETION | NvmeStatus.DO_NOT_RETRY;
        }
        cqs[qid].close();
        return NvmeStatus.SUCCESS;
    }
}
