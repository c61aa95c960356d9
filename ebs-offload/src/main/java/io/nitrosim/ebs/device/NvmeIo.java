package io.nitrosim.ebs.device;

import java.nio.ByteBuffer;

import org.HdrHistogram.Histogram;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler.Action;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.ebs.nvme.DatasetManagementRange;
import io.nitrosim.ebs.nvme.NvmeOpcodes;
import io.nitrosim.ebs.nvme.NvmeStatus;
import io.nitrosim.ebs.nvme.SubmissionQueueEntry;
import io.nitrosim.ebs.storage.StorageOp;
import io.nitrosim.ebs.storage.StorageStatus;
import io.nitrosim.ebs.volume.VolumeServiceTimer;
import io.nitrosim.pci.queue.HandoffRecord;
import io.nitrosim.pci.queue.HandoffRing;
import io.nitrosim.shaping.ShapedRing;

/**
 * The controller's I/O path. Fetch: the I/O SQs round robin, up to {@link #FETCH_BURST} commands each per pass,
 * while a slot and room in the command's CQ are free. Checks, in order, each completing at once with DNR: opcode,
 * FUSE/PSDT, namespace, LBA range, transfer size against MDTS, PRPs. A command that passes becomes a
 * {@link StorageRequest} in the volume's shaped ring ({@code readyAtNs} = now + the volume's service time; write
 * data DMAed from the guest into the record); when the ring has no room the command stays in its SQ. The card's
 * completion (a storage status, read data) comes back on the completion ring: read data is DMAed to the command's
 * PRPs, the storage status becomes an NVMe status and the CQE is posted. Agent thread.
 */
final class NvmeIo implements HandoffRing.Handler
{
    static final int FETCH_BURST = 32;
    private static final int MAX_PRP_ENTRIES = NvmeController.MAX_TRANSFER_BYTES / NvmeController.PAGE_SIZE + 1;
    private static final int DNR = NvmeStatus.DO_NOT_RETRY;
    private static final int COMPLETIONS_PER_PASS = 64;

    private final NvmeController controller;
    private final NvmeQueues queues;
    private final NvmeLogs logs;
    private final NvmeMeters meters;
    private final PrpResolver prps;
    private final VolumePort port;
    private final VolumeServiceTimer serviceTimer;
    private final NanoClock clock;
    private final boolean timingOnly;
    private final int lbaShift;
    private final long namespaceBlocks;
    private final CommandSlots slots = new CommandSlots(NvmeController.MAX_SLOTS, MAX_PRP_ENTRIES);
    private final UnsafeBuffer sqeBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(SubmissionQueueEntry.LENGTH));
    private final SubmissionQueueEntry sqe = new SubmissionQueueEntry();
    private final long[] prpAddr = new long[MAX_PRP_ENTRIES];
    private final int[] prpLen = new int[MAX_PRP_ENTRIES];
    private final long[] rangesAddr = new long[NvmeController.PAGE_SIZE / 8 + 2];
    private final int[] rangesLen = new int[NvmeController.PAGE_SIZE / 8 + 2];
    private final UnsafeBuffer dsmBuffer = new UnsafeBuffer(
        ByteBuffer.allocateDirect(DatasetManagementRange.MAX_RANGES * DatasetManagementRange.LENGTH));
    private final DatasetManagementRange dsmRange = new DatasetManagementRange();
    private final StorageRequest request = new StorageRequest();
    private final Histogram latency = new Histogram(3_600_000_000_000L, 3);
    private int nextIoSq = 1;
    /** The host enabled Advanced Command Retry (Host Behavior Support ACRE): a refused data DMA asks for CRDT1. */
    private boolean retryDelayEnabled;

    NvmeIo(final NvmeController controller, final NvmeQueues queues, final NvmeLogs logs, final NvmeMeters meters,
        final PrpResolver prps, final VolumePort port, final VolumeServiceTimer serviceTimer, final NanoClock clock,
        final int lbaShift, final long namespaceBlocks)
    {
        this.controller = controller;
        this.queues = queues;
        this.logs = logs;
        this.meters = meters;
        this.prps = prps;
        this.port = port;
        this.serviceTimer = serviceTimer;
        this.clock = clock;
        this.timingOnly = port.timingOnly();
        this.lbaShift = lbaShift;
        this.namespaceBlocks = namespaceBlocks;
    }

    /** Forgets every command in flight (controller reset); their records still drain and are dropped. */
    void reset()
    {
        slots.reset();
        nextIoSq = 1;
        retryDelayEnabled = false;
    }

    void retryDelayEnabled(final boolean enabled)
    {
        retryDelayEnabled = enabled;
    }

    /**
     * A data DMA the IOMMU refused: Data Transfer Error, retryable; with ACRE, CRD 1 asks the host to wait CRDT1
     * first (the page may come back: a real IOMMU fault is cleared by the host, not by retrying at once).
     */
    private int dataTransferError()
    {
        return retryDelayEnabled ? NvmeStatus.withRetryDelay(NvmeStatus.DATA_TRANSFER_ERROR, 1)
            : NvmeStatus.DATA_TRANSFER_ERROR;
    }

    int inFlight()
    {
        return slots.inFlight();
    }

    int delayedInFlight()
    {
        return slots.delayedInFlight();
    }

    /** The guest address of the first data page of the oldest-slot command in flight that moves data, or -1. */
    long inFlightDataAddress()
    {
        for (int s = 0; s < slots.capacity(); s++)
        {
            if (slots.state[s] == CommandSlots.BUSY && slots.segments[s] > 0)
            {
                return slots.segmentAddr[slots.firstSegment(s)];
            }
        }
        return -1;
    }

    Histogram latency()
    {
        return latency;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Fetch and checks

    /** Fetches commands from the I/O SQs. @return commands taken. */
    int fetch()
    {
        int work = 0;
        for (int n = 0; n < NvmeQueues.MAX_QID && !controller.isFatal(); n++)
        {
            final int sq = nextIoSq;
            nextIoSq = nextIoSq == NvmeQueues.MAX_QID ? 1 : nextIoSq + 1;
            if (!queues.sq(sq).isOpen())
            {
                continue;
            }
            int fetched = 0;
            while (!queues.sq(sq).isEmpty() && fetched < FETCH_BURST && !controller.isFatal())
            {
                final int cq = queues.cqOf(sq);
                if (!queues.cqHasRoom(cq) || !slots.hasFree() || !queues.fetch(sq, sqeBuffer))
                {
                    break;
                }
                if (!execute(sq, cq, sqe.wrap(sqeBuffer, 0)))
                {
                    queues.sq(sq).unfetch(); // no room in the data path: leave the command in the SQ
                    break;
                }
                fetched++;
            }
            work += fetched;
        }
        return work;
    }

    /** @return false if the command could not be accepted now (ring full); it will be fetched again. */
    private boolean execute(final int sq, final int cq, final SubmissionQueueEntry command)
    {
        final int cid = command.commandId();
        final int opcode = command.opcode();
        if (opcode != NvmeOpcodes.IO_READ && opcode != NvmeOpcodes.IO_WRITE && opcode != NvmeOpcodes.IO_FLUSH
            && opcode != NvmeOpcodes.IO_DATASET_MANAGEMENT)
        {
            return completeNow(cq, sq, cid, NvmeStatus.INVALID_OPCODE | DNR, 0);
        }
        if (command.fuse() != 0 || command.psdt() != SubmissionQueueEntry.PSDT_PRP)
        {
            return completeNow(cq, sq, cid, NvmeStatus.INVALID_FIELD | DNR, 0);
        }
        final long nsid = command.nsid();
        if (opcode == NvmeOpcodes.IO_FLUSH)
        {
            if (nsid != 1 && nsid != 0xFFFF_FFFFL)
            {
                return completeNow(cq, sq, cid, NvmeStatus.INVALID_NAMESPACE | DNR, 0);
            }
            return enqueue(sq, cid, opcode, 0, 0, 0, 0);
        }
        if (nsid != 1)
        {
            return completeNow(cq, sq, cid, NvmeStatus.INVALID_NAMESPACE | DNR, 0);
        }
        if (opcode == NvmeOpcodes.IO_DATASET_MANAGEMENT)
        {
            return executeDsm(sq, cq, cid, command);
        }
        final long slba = command.startingLba();
        final int blocks = command.blockCount();
        if (slba < 0 || slba > namespaceBlocks - blocks)
        {
            return completeNow(cq, sq, cid, NvmeStatus.LBA_OUT_OF_RANGE | DNR, slba);
        }
        final long bytes = (long)blocks << lbaShift;
        if (bytes > NvmeController.MAX_TRANSFER_BYTES)
        {
            return completeNow(cq, sq, cid, NvmeStatus.INVALID_FIELD | DNR, slba);
        }
        final int segments = prps.resolve(command.prp1(), command.prp2(), (int)bytes, prpAddr, prpLen);
        if (segments < 0)
        {
            return completeNow(cq, sq, cid, -segments, slba);
        }
        return enqueue(sq, cid, opcode, slba, bytes, segments, 0);
    }

    private boolean executeDsm(final int sq, final int cq, final int cid, final SubmissionQueueEntry command)
    {
        final int ranges = command.rangeCount();
        final boolean deallocate = command.deallocate();
        final int segments = prps.resolve(command.prp1(), command.prp2(), ranges * DatasetManagementRange.LENGTH,
            rangesAddr, rangesLen);
        if (segments < 0)
        {
            return completeNow(cq, sq, cid, -segments, 0);
        }
        if (!prps.read(rangesAddr, rangesLen, segments, dsmBuffer, 0))
        {
            return completeNow(cq, sq, cid, dataTransferError(), 0);
        }
        for (int r = 0; r < ranges; r++)
        {
            dsmRange.wrap(dsmBuffer, r * DatasetManagementRange.LENGTH);
            final long slba = dsmRange.startingLba();
            final long nlb = dsmRange.blockCount();
            if (slba < 0 || nlb > namespaceBlocks || slba > namespaceBlocks - nlb)
            {
                return completeNow(cq, sq, cid, NvmeStatus.LBA_OUT_OF_RANGE | DNR, slba);
            }
        }
        if (!deallocate)
        {
            return completeNow(cq, sq, cid, NvmeStatus.SUCCESS, 0); // only attributes: advisory, nothing to do
        }
        return enqueue(sq, cid, NvmeOpcodes.IO_DATASET_MANAGEMENT, 0, 0, 0, ranges);
    }

    /** Completes a command at once with {@code status}. @return true (the command was consumed). */
    private boolean completeNow(final int cq, final int sq, final int cid, final int status, final long lba)
    {
        if (status != NvmeStatus.SUCCESS)
        {
            meters.ioErrors.increment();
        }
        queues.post(cq, sq, cid, status, 0, lba);
        return true;
    }

    /**
     * Takes a slot and places a storage request in the shaped ring. @return false if the ring is full (nothing
     * changed); true if enqueued or failed with a completion.
     */
    private boolean enqueue(final int sq, final int cid, final int opcode, final long slba, final long bytes,
        final int segments, final int ranges)
    {
        final int slot = slots.nextFree();
        final boolean carriesData = !timingOnly && opcode == NvmeOpcodes.IO_WRITE;
        final int payload = StorageRequest.payloadBytes(carriesData ? (int)bytes : 0, ranges);
        final long nowNs = clock.nanoTime();
        final long offsetBytes = slba << lbaShift;
        final long serviceNs = (opcode == NvmeOpcodes.IO_READ || opcode == NvmeOpcodes.IO_WRITE)
            ? serviceTimer.serviceNs(offsetBytes, bytes) : serviceTimer.profile().baseNs();
        final ShapedRing ring = port.requests();
        final long faultLatencyNs = port.addedLatencyNs(); // a storage-latency fault: storage answers later
        final int index = ring.tryClaim(nowNs + serviceNs + faultLatencyNs, (int)bytes, slot, payload);
        if (index < 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        request.wrap(buffer, index).set(slot, storageOp(opcode), port.epoch(), ranges, offsetBytes, bytes);
        if (carriesData && !prps.read(prpAddr, prpLen, segments, buffer, request.dataIndex()))
        {
            ring.abort(index);
            meters.ioErrors.increment();
            queues.post(queues.cqOf(sq), sq, cid, dataTransferError(), 0, slba);
            return true;
        }
        for (int r = 0; r < ranges; r++)
        {
            dsmRange.wrap(dsmBuffer, r * DatasetManagementRange.LENGTH);
            request.range(r, dsmRange.startingLba() << lbaShift, dsmRange.blockCount() << lbaShift);
        }
        ring.commit(index);
        slots.take(sq, cid, opcode, slba, (int)bytes, nowNs);
        if (faultLatencyNs != 0)
        {
            slots.markDelayed(slot);
            port.countDelayed();
        }
        slots.segments(slot, prpAddr, prpLen, segments);
        return true;
    }

    private static int storageOp(final int nvmeOpcode)
    {
        switch (nvmeOpcode)
        {
            case NvmeOpcodes.IO_READ:
                return StorageOp.READ;
            case NvmeOpcodes.IO_WRITE:
                return StorageOp.WRITE;
            case NvmeOpcodes.IO_FLUSH:
                return StorageOp.FLUSH;
            default:
                return StorageOp.TRIM;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Completions from the card

    /** Posts the completions the card returned. @return completions taken. */
    int drainCompletions()
    {
        return port.completions().drain(this, COMPLETIONS_PER_PASS);
    }

    @Override
    public Action onRecord(final HandoffRecord record)
    {
        final int slot = record.id();
        if (record.generation() != port.epoch() || slot < 0 || slot >= slots.capacity()
            || slots.state[slot] == CommandSlots.FREE)
        {
            return Action.CONTINUE; // from before a reset
        }
        if (slots.state[slot] == CommandSlots.ABANDONED)
        {
            slots.release(slot);
            return Action.CONTINUE;
        }
        final int sq = slots.sq[slot];
        final int cq = queues.cqOf(sq);
        if (!queues.cqHasRoom(cq))
        {
            return Action.ABORT; // the host has not consumed its CQ: wait
        }
        int status = nvmeStatus(record.status());
        final int opcode = slots.opcode[slot];
        final int bytes = slots.bytes[slot];
        final int dataLength = record.payloadLength();
        if (status == NvmeStatus.SUCCESS && opcode == NvmeOpcodes.IO_READ && dataLength > 0)
        {
            if (dataLength != bytes || !prps.write(slots.segmentAddr, slots.segmentLen, slots.firstSegment(slot),
                slots.segments[slot], record.buffer(), record.payloadIndex()))
            {
                status = dataTransferError();
            }
        }
        if (status == NvmeStatus.SUCCESS)
        {
            countSuccess(opcode, bytes);
        }
        else
        {
            meters.ioErrors.increment();
            logs.failed(status);
        }
        final long nowNs = clock.nanoTime();
        latency.recordValue(Math.min(Math.max(0, nowNs - slots.startNs[slot]), latency.getHighestTrackableValue()));
        queues.post(cq, sq, slots.cid[slot], status, 0, slots.lba[slot]);
        slots.release(slot);
        return controller.isFatal() ? Action.BREAK : Action.CONTINUE;
    }

    private void countSuccess(final int opcode, final int bytes)
    {
        switch (opcode)
        {
            case NvmeOpcodes.IO_READ:
                meters.readOps.increment();
                meters.readBytes.getAndAdd(bytes);
                logs.read(bytes);
                break;
            case NvmeOpcodes.IO_WRITE:
                meters.writeOps.increment();
                meters.writeBytes.getAndAdd(bytes);
                logs.written(bytes);
                break;
            case NvmeOpcodes.IO_FLUSH:
                meters.flushOps.increment();
                break;
            default:
                meters.trimOps.increment();
                break;
        }
    }

    /** The NVMe status of a storage completion: out of range is LBA OUT OF RANGE (DNR), any other failure INTERNAL. */
    static int nvmeStatus(final int storageStatus)
    {
        switch (storageStatus)
        {
            case StorageStatus.OK:
                return NvmeStatus.SUCCESS;
            case StorageStatus.OUT_OF_RANGE:
                return NvmeStatus.LBA_OUT_OF_RANGE | DNR;
            default:
                return NvmeStatus.INTERNAL_ERROR;
        }
    }

    /**
     * Abort of command {@code cid} of I/O SQ {@code sqid}: if it is in the data path it completes now with Command
     * Abort Requested (no DNR: the host may retry it) and its record is dropped when it comes back.
     * @return whether it was aborted.
     */
    boolean abort(final int sqid, final int cid)
    {
        if (!queues.isIoSq(sqid))
        {
            return false;
        }
        final int cq = queues.cqOf(sqid);
        for (int s = 0; s < slots.capacity(); s++)
        {
            if (slots.state[s] == CommandSlots.BUSY && slots.sq[s] == sqid && slots.cid[s] == cid)
            {
                if (!queues.cqHasRoom(cq))
                {
                    return false;
                }
                meters.ioErrors.increment();
                queues.post(cq, sqid, cid, NvmeStatus.ABORT_REQUESTED, 0, slots.lba[s]);
                slots.state[s] = CommandSlots.ABANDONED;
                return true;
            }
        }
        return false;
    }

    /** Delete I/O SQ {@code qid}: its commands in the data path complete now as aborted, their records dropped later. */
    void abandon(final int qid)
    {
        final int cq = queues.cqOf(qid);
        for (int s = 0; s < slots.capacity(); s++)
        {
            if (slots.state[s] == CommandSlots.BUSY && slots.sq[s] == qid)
            {
                if (queues.cqHasRoom(cq))
                {
                    queues.post(cq, qid, slots.cid[s], NvmeStatus.ABORTED_SQ_DELETION, 0, 0);
                }
                slots.state[s] = CommandSlots.ABANDONED;
            }
        }
    }
}
