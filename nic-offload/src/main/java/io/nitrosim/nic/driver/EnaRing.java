package io.nitrosim.nic.driver;

import io.nitrosim.nic.ena.EnaRegisters;
import io.nitrosim.nic.ena.TxDescriptor;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.GuestMemoryAccess;
import io.nitrosim.pci.GuestMemoryAllocator;
import io.nitrosim.pci.queue.CompletionQueueReader;
import io.nitrosim.pci.queue.PhaseTag;
import io.nitrosim.pci.queue.RingNumbering;
import io.nitrosim.pci.queue.SubmissionQueueWriter;

/**
 * One IO queue of the driver in guest memory, TX or RX alike: its SQ of 16-byte descriptors, its CQ, a buffer per
 * descriptor, and what the device said about them when they were created (indexes, doorbell and unmask register
 * offsets). Positions are ENA's 16-bit running counters.
 * <p>
 * Buffers are {@code bufferBytes} long (the length the descriptors give), but lie {@code strideBytes} apart: the
 * bytes driver and device actually move (the captured bytes, rounded up to a cache line). With full payload that is
 * the whole frame; in timing-only mode the buffers overlap beyond their first 128 bytes, which nothing writes, so a
 * queue's buffers take 1024 x 128 B of memory (a few pages, cache and TLB friendly) instead of 1024 x 9 KiB.
 */
final class EnaRing
{
    private static final int CACHE_LINE_BYTES = 64;

    final SubmissionQueueWriter sq = new SubmissionQueueWriter(RingNumbering.RUNNING_COUNTER);
    final CompletionQueueReader cq;
    final int depth;
    private final int completionBytes;
    private final int bufferBytes;
    private final int strideBytes;
    long sqBase;
    long cqBase;
    private long bufBase;
    int cqIdx;
    int sqIdx;
    int doorbellOffset;
    int unmaskOffset;
    boolean running;

    /** @param movedBytes the most bytes of a buffer driver or device read or write (the capture size). */
    EnaRing(final PhaseTag completionPhase, final int depth, final int completionBytes, final int bufferBytes,
        final int movedBytes)
    {
        this.cq = new CompletionQueueReader(RingNumbering.RUNNING_COUNTER, completionPhase);
        this.depth = depth;
        this.completionBytes = completionBytes;
        this.bufferBytes = bufferBytes;
        this.strideBytes = Math.min(bufferBytes, (movedBytes + CACHE_LINE_BYTES - 1) & -CACHE_LINE_BYTES);
    }

    void allocate(final GuestMemoryAllocator alloc)
    {
        sqBase = alloc.allocate((long)depth * TxDescriptor.LENGTH, 4096);
        cqBase = alloc.allocate((long)depth * completionBytes, 4096);
        bufBase = alloc.allocate((long)(depth - 1) * strideBytes + bufferBytes, 4096); // every buffer's whole length
    }

    /** The queues exist on the device: empty rings (the CQ zeroed). */
    void start(final GuestMemoryAccess memory)
    {
        cq.clear(memory, cqBase, depth, completionBytes);
        sq.open(sqBase, depth, TxDescriptor.LENGTH);
        running = true;
    }

    /** Guest address of buffer {@code slot}. */
    long buffer(final int slot)
    {
        return bufBase + (long)slot * strideBytes;
    }

    /** Writes the SQ tail doorbell if descriptors were posted since the last one. */
    boolean ringDoorbell(final FunctionAccess function)
    {
        return running && sq.ring(function, EnaRegisters.REGISTER_BAR, doorbellOffset);
    }

    /** Whether completions are waiting (a reap ran out of budget). */
    boolean backlog(final GuestMemoryAccess memory)
    {
        return running && cq.hasEntry(memory);
    }
}
