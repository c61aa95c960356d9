package io.nitrosim.pci.queue;

import org.agrona.DirectBuffer;

import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.GuestMemoryAccess;

/**
 * The driver side of a queue the driver produces (a submission queue, a descriptor ring) in its guest memory: the
 * driver's tail, writing entries there, and the tail doorbell, written once for everything added since the last
 * one (doorbell batching). Allocation-free; the driver's thread only.
 */
public final class SubmissionQueueWriter
{
    private final RingPosition tail;
    private long base;
    private int entryBytes;
    private int rungTail;

    public SubmissionQueueWriter(final RingNumbering numbering)
    {
        this.tail = new RingPosition(numbering);
    }

    /** Starts the queue on a ring at {@code base} of {@code entries} entries: tail at 0, nothing to ring. */
    public void open(final long base, final int entries, final int entryBytes)
    {
        tail.reset(entries);
        this.base = base;
        this.entryBytes = entryBytes;
        this.rungTail = 0;
    }

    public long base()
    {
        return base;
    }

    public int entries()
    {
        return tail.entries();
    }

    /** The driver's tail: the next entry to write. */
    public RingPosition tail()
    {
        return tail;
    }

    /** Writes one entry from {@code src} at the tail and moves the tail on. */
    public void write(final GuestMemoryAccess memory, final DirectBuffer src, final int srcOffset)
    {
        memory.write(tail.address(base, entryBytes), src, srcOffset, entryBytes);
        tail.advance();
    }

    /** Writes {@code count} consecutive entries from {@code src} at the tail (split at the ring's end), moves on. */
    public void write(final GuestMemoryAccess memory, final DirectBuffer src, final int srcOffset, final int count)
    {
        final int slot = tail.slot();
        final int first = Math.min(count, tail.entries() - slot);
        memory.write(base + (long)slot * entryBytes, src, srcOffset, first * entryBytes);
        if (first < count)
        {
            memory.write(base, src, srcOffset + first * entryBytes, (count - first) * entryBytes);
        }
        tail.advance(count);
    }

    /** Whether entries were written since the last doorbell. */
    public boolean doorbellDue()
    {
        return tail.value() != rungTail;
    }

    /**
     * Writes the tail to the doorbell register at {@code offset} of BAR {@code bar} if entries were written since
     * the last time. @return whether it wrote.
     */
    public boolean ring(final FunctionAccess function, final int bar, final long offset)
    {
        if (tail.value() == rungTail)
        {
            return false;
        }
        rungTail = tail.value();
        function.mmioWrite(bar, offset, 4, rungTail & 0xFFFF_FFFFL);
        return true;
    }
}
