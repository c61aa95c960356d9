package io.nitrosim.ebs.driver;

import java.nio.ByteBuffer;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.ebs.nvme.DatasetManagementRange;
import io.nitrosim.ebs.nvme.NvmeOpcodes;
import io.nitrosim.ebs.nvme.Prp;
import io.nitrosim.ebs.nvme.SubmissionQueueEntry;
import io.nitrosim.pci.GuestMemoryAccess;

/**
 * The driver's command submission ({@link NvmeDriver#submitRead} and the others): takes a CID on the queue,
 * builds the 64-byte entry through the {@link SubmissionQueueEntry} flyweight, PRPs from a contiguous guest
 * buffer (PRP1, PRP2 as a second page, or PRP2 pointing at the command's PRP list) and writes the entry into
 * the SQ in guest memory with the command's timeout; the tail doorbell is the driver's to ring. No allocation.
 */
final class NvmeSubmitter
{
    private final NvmeDriver driver;
    private final GuestMemoryAccess memory;
    private final NvmeDriverQueue[] queues;
    private final NvmeBringUp bringUp;
    private final NvmeRecovery recovery;
    private final UnsafeBuffer sqeBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(SubmissionQueueEntry.LENGTH));
    private final SubmissionQueueEntry sqe = new SubmissionQueueEntry();
    private final UnsafeBuffer listBuffer = new UnsafeBuffer(new byte[NvmeDriver.PRP_LIST_BYTES]);

    NvmeSubmitter(final NvmeDriver driver, final GuestMemoryAccess memory, final NvmeDriverQueue[] queues,
        final NvmeBringUp bringUp, final NvmeRecovery recovery)
    {
        this.driver = driver;
        this.memory = memory;
        this.queues = queues;
        this.bringUp = bringUp;
        this.recovery = recovery;
    }

    /** Reads {@code blocks} blocks at {@code lba} into the guest buffer at {@code bufferGpa}. @return CID or -1. */
    int read(final int queueId, final long lba, final int blocks, final long bufferGpa, final long tag)
    {
        return submitReadWrite(queueId, NvmeOpcodes.IO_READ, lba, blocks, bufferGpa, tag);
    }

    /** Writes {@code blocks} blocks at {@code lba} from the guest buffer at {@code bufferGpa}. @return CID or -1. */
    int write(final int queueId, final long lba, final int blocks, final long bufferGpa, final long tag)
    {
        return submitReadWrite(queueId, NvmeOpcodes.IO_WRITE, lba, blocks, bufferGpa, tag);
    }

    private int submitReadWrite(
        final int queueId, final int opcode, final long lba, final int blocks, final long bufferGpa, final long tag)
    {
        final long lengthBytes = (long)blocks << bringUp.blockShift();
        final int maxTransferBytes = bringUp.maxTransferBytes();
        if (blocks < 1 || blocks > 65536 || lengthBytes > maxTransferBytes || bufferGpa < 0 || (bufferGpa & 3) != 0)
        {
            throw new IllegalArgumentException("I/O of " + blocks + " blocks at buffer " + bufferGpa + ": accepted 1.."
                + (maxTransferBytes >> bringUp.blockShift()) + " blocks and a dword-aligned buffer");
        }
        final int cid = takeCid(queueId, tag);
        if (cid < 0)
        {
            return -1;
        }
        sqe.wrap(sqeBuffer, 0).clear().opcode(opcode).commandId(cid).nsid(1).startingLba(lba).blockCount(blocks);
        buildPrps(queues[queueId], cid, bufferGpa, lengthBytes);
        queues[queueId].submit(memory, sqeBuffer, recovery.deadlineFor(queueId, driver.nowNs()));
        return cid;
    }

    /** PRP1, then PRP2 as the second page, or PRP2 pointing at the command's PRP list. */
    private void buildPrps(final NvmeDriverQueue queue, final int cid, final long bufferGpa, final long lengthBytes)
    {
        final long firstLength = Math.min(lengthBytes, NvmeDriver.PAGE_SIZE - (bufferGpa & (NvmeDriver.PAGE_SIZE - 1)));
        sqe.prp1(bufferGpa);
        final long remaining = lengthBytes - firstLength;
        if (remaining <= 0)
        {
            sqe.prp2(0);
            return;
        }
        final long next = Math.addExact(bufferGpa, firstLength);
        if (remaining <= NvmeDriver.PAGE_SIZE)
        {
            sqe.prp2(next);
            return;
        }
        final long list = queue.listAddress(cid);
        final int pages = (int)((remaining + NvmeDriver.PAGE_SIZE - 1) / NvmeDriver.PAGE_SIZE);
        for (int i = 0; i < pages; i++)
        {
            Prp.putEntry(listBuffer, i, next + (long)i * NvmeDriver.PAGE_SIZE);
        }
        memory.write(list, listBuffer, 0, pages * Prp.ENTRY_LENGTH);
        sqe.prp2(list);
    }

    /** Flush on namespace 1. @return CID or -1. */
    int flush(final int queueId, final long tag)
    {
        final int cid = takeCid(queueId, tag);
        if (cid < 0)
        {
            return -1;
        }
        sqe.wrap(sqeBuffer, 0).clear().opcode(NvmeOpcodes.IO_FLUSH).commandId(cid).nsid(1);
        queues[queueId].submit(memory, sqeBuffer, recovery.deadlineFor(queueId, driver.nowNs()));
        return cid;
    }

    /** Dataset Management, deallocate one range. @return CID or -1. */
    int deallocate(final int queueId, final long lba, final long blocks, final long tag)
    {
        final int cid = takeCid(queueId, tag);
        if (cid < 0)
        {
            return -1;
        }
        final long range = queues[queueId].listAddress(cid);
        DatasetManagementRange.put(listBuffer, 0, lba, blocks);
        memory.write(range, listBuffer, 0, DatasetManagementRange.LENGTH);
        sqe.wrap(sqeBuffer, 0).clear().opcode(NvmeOpcodes.IO_DATASET_MANAGEMENT).commandId(cid).nsid(1)
            .prp1(range).cdw(10, 0).cdw(11, SubmissionQueueEntry.DSM_ATTRIBUTE_DEALLOCATE);
        queues[queueId].submit(memory, sqeBuffer, recovery.deadlineFor(queueId, driver.nowNs()));
        return cid;
    }

    /**
     * Submits a hand-made 64-byte command (admin when {@code queueId} is 0); the driver sets its CID.
     * Only once the driver is READY (or for admin commands, past WAIT_READY). @return CID or -1 if full.
     */
    int raw(final int queueId, final DirectBuffer command, final int offset, final long tag)
    {
        final int cid = takeCid(queueId, tag);
        if (cid < 0)
        {
            return -1;
        }
        sqeBuffer.putBytes(0, command, offset, SubmissionQueueEntry.LENGTH);
        sqe.wrap(sqeBuffer, 0).commandId(cid);
        queues[queueId].submit(memory, sqeBuffer, recovery.deadlineFor(queueId, driver.nowNs()));
        return cid;
    }

    private int takeCid(final int queueId, final long tag)
    {
        if (queueId < 0 || queueId >= queues.length || !queues[queueId].allocated()
            || (queueId > 0 && (driver.state() != NvmeDriver.State.READY || queueId > bringUp.grantedPairs())))
        {
            throw new IllegalArgumentException("queue " + queueId + " is not available (driver " + driver.state()
                + ", " + bringUp.grantedPairs() + " I/O queue pairs)");
        }
        return queues[queueId].takeCid(tag);
    }
}
