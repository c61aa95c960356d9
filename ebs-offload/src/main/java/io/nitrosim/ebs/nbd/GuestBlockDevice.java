package io.nitrosim.ebs.nbd;

import java.util.ArrayDeque;

import io.nitrosim.ebs.driver.NvmeDriver;
import io.nitrosim.pci.GuestMemoryAccess;
import io.nitrosim.pci.GuestMemoryAllocator;
import io.nitrosim.pci.GuestTask;

/**
 * The guest side of an NBD export: runs inside the guest, on the vCPU that owns the reference
 * {@link NvmeDriver} of one volume, and turns each {@link BlockRequest} taken from the export's
 * {@link BlockQueue} into NVMe commands on the volume's namespace, so the EBS card's caps, latency model,
 * credits and counters apply to an NBD client exactly as to the fio workload.
 * <p>
 * A request is cut into commands of at most the driver's largest transfer (MDTS, 256 KiB), each with its own
 * staging slot in guest memory: a WRITE's data is copied into the slot and the device DMAs it from there; a
 * READ's data is DMAed into the slot by the device and copied out to the request. FLUSH is an NVMe Flush;
 * TRIM, and WRITE_ZEROES without NO_HOLE, are Dataset Management deallocate (the namespace reads deallocated
 * blocks as zeroes); WRITE_ZEROES with NO_HOLE writes from a zeroed slot; FUA is a Flush after the request's
 * writes completed. The request completes when its last command does, with EIO if any failed.
 * <p>
 * A {@link GuestTask} that owns its driver: {@link #doWork(long)} runs the driver's duty cycle (reap, bring-up,
 * doorbells), then new commands and their doorbells. Single-threaded (the vCPU's); the only shared state is the
 * two queues. Allocation-free per request.
 */
public final class GuestBlockDevice implements GuestTask
{
    /** Staging slots (commands in flight) by default: 64 x 256 KiB of guest memory. */
    public static final int DEFAULT_SLOTS = 64;
    /** Blocks per deallocate command at most (the DSM range's count is 32-bit; smaller keeps each one cheap). */
    private static final long MAX_DEALLOCATE_BYTES = 1L << 30;

    private static final int SUBMITTING = 0;
    private static final int SUBMITTED = 1;
    private static final int FLUSH_FOR_FUA = 2;

    private final NvmeDriver driver;
    private final GuestMemoryAccess memory;
    private final GuestMemoryAllocator allocator;
    private final BlockQueue queue;
    private final int slotCount;
    private final ArrayDeque<BlockRequest> flushes = new ArrayDeque<>();
    private final Completions completions = new Completions();
    private BlockRequest current;
    private long[] slotGpa;
    private BlockRequest[] slotRequest;
    private int[] slotDataOffset;
    private int[] slotLength;
    private boolean[] slotRead;
    private int[] freeSlots;
    private int freeCount;
    private long zeroGpa;
    private int chunkBytes;
    private int blockShift;
    private int nextQueue;
    private boolean failedAll;
    private boolean retired;

    private long requestsCompleted;
    private long requestErrors;
    private long commandsSubmitted;

    private GuestBlockDevice(final NvmeDriver driver, final GuestMemoryAccess memory,
        final GuestMemoryAllocator allocator, final BlockQueue queue, final int slots)
    {
        this.driver = driver;
        this.memory = memory;
        this.allocator = allocator;
        this.queue = queue;
        this.slotCount = slots;
        driver.completionHandler(completions);
    }

    /**
     * @param driver    the volume's driver (not yet brought up, or ready), owned by this device from now on.
     * @param memory    the guest's memory.
     * @param allocator where the staging slots come from (slots x 256 KiB + 256 KiB, once the driver is up).
     * @param queue     the export's request queue.
     * @param slots     commands in flight at most, 1..1024.
     */
    public static GuestBlockDevice create(final NvmeDriver driver, final GuestMemoryAccess memory,
        final GuestMemoryAllocator allocator, final BlockQueue queue, final int slots)
    {
        if (driver == null || memory == null || allocator == null || queue == null)
        {
            throw new IllegalArgumentException("a guest block device needs a driver, guest memory, an allocator and a queue");
        }
        if (slots < 1 || slots > 1024)
        {
            throw new IllegalArgumentException("staging slots " + slots + ": accepted 1..1024");
        }
        return new GuestBlockDevice(driver, memory, allocator, queue, slots);
    }

    public NvmeDriver driver()
    {
        return driver;
    }

    public long requestsCompleted()
    {
        return requestsCompleted;
    }

    public long requestErrors()
    {
        return requestErrors;
    }

    public long commandsSubmitted()
    {
        return commandsSubmitted;
    }

    @Override
    public void onInterrupt(final int vector)
    {
        driver.onInterrupt(vector);
    }

    /** When the driver's bring-up needs time; requests and completions are input, not deadlines. */
    @Override
    public long nextDeadlineNs()
    {
        return driver.nextDeadlineNs();
    }

    /**
     * Stops serving for good (the volume is being detached, or the instance stops): every request it holds, in its
     * commands, waiting for a flush or being cut into commands, completes now with {@code error}; it never touches
     * its driver or its queue again, so the queue's owner answers what arrives later. On the device's thread.
     *
     * @return the requests completed.
     */
    public int retire(final int error)
    {
        if (retired)
        {
            return 0;
        }
        retired = true;
        return failHeld(error);
    }

    public boolean isRetired()
    {
        return retired;
    }

    /** One slice: the driver's cycle, then requests started while slots and queue entries last, doorbells. */
    @Override
    public int doWork(final long nowNs)
    {
        if (retired)
        {
            return 0;
        }
        int work = driver.doWork(nowNs);
        if (driver.isFailed())
        {
            return work + failEverything();
        }
        if (!driver.isReady())
        {
            return work;
        }
        if (slotGpa == null)
        {
            allocateSlots();
        }
        while (!flushes.isEmpty())
        {
            final BlockRequest r = flushes.peek();
            final int slot = takeSlot(r, 0, 0, false);
            if (slot < 0 || !submitted(slot, driver.submitFlush(queueId(), slot)))
            {
                break;
            }
            flushes.poll();
            work++;
        }
        while (flushes.isEmpty())
        {
            if (current == null)
            {
                current = queue.poll();
                if (current == null)
                {
                    break;
                }
                work++;
                if (misaligned(current))
                {
                    finish(current, NbdProtocol.EINVAL);
                    current = null;
                    continue;
                }
            }
            final int submittedBefore = current.commandsOutstanding;
            final boolean all = advance(current);
            work += current.commandsOutstanding - submittedBefore;
            if (!all)
            {
                break;
            }
            current.stage = SUBMITTED;
            current = null;
        }
        return work + driver.ringDoorbells();
    }

    private boolean misaligned(final BlockRequest r)
    {
        final long mask = (1L << blockShift) - 1;
        return (r.offsetBytes() & mask) != 0 || (r.lengthBytes() & mask) != 0;
    }

    private void allocateSlots()
    {
        chunkBytes = Math.min(driver.maxTransferBytes(), 256 * 1024);
        blockShift = Integer.numberOfTrailingZeros(driver.blockSizeBytes());
        slotGpa = new long[slotCount];
        slotRequest = new BlockRequest[slotCount];
        slotDataOffset = new int[slotCount];
        slotLength = new int[slotCount];
        slotRead = new boolean[slotCount];
        freeSlots = new int[slotCount];
        final long base = allocator.allocate((long)chunkBytes * (slotCount + 1), NvmeDriver.PAGE_SIZE);
        for (int i = 0; i < slotCount; i++)
        {
            slotGpa[i] = base + (long)i * chunkBytes;
            freeSlots[freeCount++] = slotCount - 1 - i;
        }
        zeroGpa = base + (long)slotCount * chunkBytes;
        memory.zero(zeroGpa, chunkBytes);
    }

    /** Submits the request's next commands. @return true when every command of it is submitted. */
    private boolean advance(final BlockRequest r)
    {
        final long end = r.offsetBytes() + r.lengthBytes();
        switch (r.op())
        {
            case BlockRequest.OP_FLUSH:
            {
                if (r.commandsOutstanding > 0)
                {
                    return true;
                }
                final int slot = takeSlot(r, 0, 0, false);
                return slot >= 0 && submitted(slot, driver.submitFlush(queueId(), slot));
            }
            case BlockRequest.OP_TRIM:
                return deallocate(r, end);
            case BlockRequest.OP_WRITE_ZEROES:
                return r.noHole() ? transfer(r, end, false, true) : deallocate(r, end);
            case BlockRequest.OP_READ:
                return transfer(r, end, true, false);
            default:
                return transfer(r, end, false, false);
        }
    }

    private boolean transfer(final BlockRequest r, final long end, final boolean read, final boolean zeroes)
    {
        while (r.nextOffsetBytes < end)
        {
            final int length = (int)Math.min(chunkBytes, end - r.nextOffsetBytes);
            final int dataOffset = (int)(r.nextOffsetBytes - r.offsetBytes());
            final int slot = takeSlot(r, dataOffset, length, read);
            if (slot < 0)
            {
                return false;
            }
            final long lba = r.nextOffsetBytes >>> blockShift;
            final int blocks = length >>> blockShift;
            final int cid;
            if (read)
            {
                cid = driver.submitRead(queueId(), lba, blocks, slotGpa[slot], slot);
            }
            else if (zeroes)
            {
                cid = driver.submitWrite(queueId(), lba, blocks, zeroGpa, slot);
            }
            else
            {
                memory.write(slotGpa[slot], r.data(), dataOffset, length); // the guest fills its DMA buffer
                cid = driver.submitWrite(queueId(), lba, blocks, slotGpa[slot], slot);
            }
            if (!submitted(slot, cid))
            {
                return false;
            }
            r.nextOffsetBytes += length;
        }
        return true;
    }

    private boolean deallocate(final BlockRequest r, final long end)
    {
        while (r.nextOffsetBytes < end)
        {
            final long length = Math.min(MAX_DEALLOCATE_BYTES, end - r.nextOffsetBytes);
            final int slot = takeSlot(r, 0, 0, false);
            if (slot < 0 || !submitted(slot,
                driver.submitDeallocate(queueId(), r.nextOffsetBytes >>> blockShift, length >>> blockShift, slot)))
            {
                return false;
            }
            r.nextOffsetBytes += length;
        }
        return true;
    }

    /** The next queue pair with room, round robin; the driver says -1 if it turns out full. */
    private int queueId()
    {
        final int pairs = driver.ioQueuePairs();
        for (int i = 0; i < pairs; i++)
        {
            final int q = 1 + (nextQueue + i) % pairs;
            if (driver.outstanding(q) < driver.queueEntries(q) - 1)
            {
                nextQueue = (nextQueue + i + 1) % pairs;
                return q;
            }
        }
        return 1 + nextQueue;
    }

    private int takeSlot(final BlockRequest r, final int dataOffset, final int length, final boolean read)
    {
        if (freeCount == 0)
        {
            return -1;
        }
        final int slot = freeSlots[--freeCount];
        slotRequest[slot] = r;
        slotDataOffset[slot] = dataOffset;
        slotLength[slot] = length;
        slotRead[slot] = read;
        return slot;
    }

    /** @return true if the command went in; otherwise the slot goes back (the queue was full). */
    private boolean submitted(final int slot, final int cid)
    {
        if (cid < 0)
        {
            releaseSlot(slot);
            return false;
        }
        slotRequest[slot].commandsOutstanding++;
        commandsSubmitted++;
        return true;
    }

    private void releaseSlot(final int slot)
    {
        slotRequest[slot] = null;
        freeSlots[freeCount++] = slot;
    }

    private void onCommandDone(final int slot, final int status)
    {
        final BlockRequest r = slotRequest[slot];
        if (r == null)
        {
            return;
        }
        if (status != 0)
        {
            r.deviceError = NbdProtocol.EIO;
        }
        else if (slotRead[slot])
        {
            memory.read(slotGpa[slot], r.dataBuffer(), slotDataOffset[slot], slotLength[slot]);
        }
        releaseSlot(slot);
        r.commandsOutstanding--;
        if (r.commandsOutstanding > 0 || r.stage == SUBMITTING)
        {
            return;
        }
        if (r.stage == SUBMITTED && r.fua() && r.deviceError == 0 && r.op() != BlockRequest.OP_READ
            && r.op() != BlockRequest.OP_FLUSH)
        {
            r.stage = FLUSH_FOR_FUA; // durable before the reply: flush once its writes are done
            flushes.add(r);
            return;
        }
        finish(r, r.deviceError);
    }

    private void finish(final BlockRequest r, final int error)
    {
        requestsCompleted++;
        if (error != 0)
        {
            requestErrors++;
        }
        r.complete(error);
    }

    /** The driver failed: every request held or waiting completes with EIO (once), and so do later ones. */
    private int failEverything()
    {
        int work = 0;
        if (!failedAll)
        {
            failedAll = true;
            work += failHeld(NbdProtocol.EIO);
        }
        BlockRequest r;
        while ((r = queue.poll()) != null)
        {
            finish(r, NbdProtocol.EIO);
            work++;
        }
        return work;
    }

    /** Completes every request held (each once) with {@code error}; slots are freed. */
    private int failHeld(final int error)
    {
        int work = 0;
        if (slotRequest != null)
        {
            for (int i = 0; i < slotCount; i++)
            {
                final BlockRequest r = slotRequest[i];
                if (r != null)
                {
                    for (int j = i; j < slotCount; j++)
                    {
                        if (slotRequest[j] == r)
                        {
                            releaseSlot(j);
                        }
                    }
                    if (r != current && !flushes.contains(r))
                    {
                        finish(r, error);
                    }
                    work++;
                }
            }
        }
        for (final BlockRequest r : flushes)
        {
            finish(r, error);
            work++;
        }
        flushes.clear();
        if (current != null)
        {
            finish(current, error);
            current = null;
            work++;
        }
        return work;
    }

    private final class Completions implements NvmeDriver.CompletionHandler
    {
        @Override
        public void onCompletion(final int queueId, final int commandId, final int status, final int dw0,
            final int sqHead, final long tag)
        {
            if (queueId > 0)
            {
                onCommandDone((int)tag, status);
            }
        }
    }
}
