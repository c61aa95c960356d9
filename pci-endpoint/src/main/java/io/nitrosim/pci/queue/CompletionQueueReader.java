package io.nitrosim.pci.queue;

import org.agrona.MutableDirectBuffer;

import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.GuestMemoryAccess;

/**
 * The driver side of a queue the device produces (a completion queue, an event queue) in guest memory: the
 * driver's head and the phase tag it expects there, finding new entries by their tag, and the head doorbell.
 * <p>
 * {@link #peek} reads the tag word first (a volatile read), and only when the tag says the entry is new copies the
 * whole entry into the caller's buffer for its flyweight; {@link #consume} then moves the head on. Allocation-free;
 * the driver's thread only.
 */
public final class CompletionQueueReader
{
    private final RingPosition head;
    private final PhaseTag phaseTag;
    private long base;
    private int entryBytes;
    private boolean doorbellDue;

    /** @param phaseTag where the entries of this queue keep their phase tag (from the layout's flyweight). */
    public CompletionQueueReader(final RingNumbering numbering, final PhaseTag phaseTag)
    {
        this.head = new RingPosition(numbering);
        this.phaseTag = phaseTag;
    }

    /** Starts on a ring at {@code base} of {@code entries} entries: head at 0, expecting phase tag 1. */
    public void open(final long base, final int entries, final int entryBytes)
    {
        head.reset(entries);
        this.base = base;
        this.entryBytes = entryBytes;
        this.doorbellDue = false;
    }

    /** Zeroes the ring (every tag 0: nothing new) and starts over, as a fresh queue must before the device writes. */
    public void clear(final GuestMemoryAccess memory, final long base, final int entries, final int entryBytes)
    {
        memory.zero(base, (long)entries * entryBytes);
        open(base, entries, entryBytes);
    }

    public long base()
    {
        return base;
    }

    public int entries()
    {
        return head.entries();
    }

    /** The driver's head: the next entry to reap. */
    public RingPosition head()
    {
        return head;
    }

    /** Whether the entry at the head is new (its tag is the one the head expects). */
    public boolean hasEntry(final GuestMemoryAccess memory)
    {
        return phaseTag.of(memory.getInt(head.address(base, entryBytes) + phaseTag.wordOffset())) == head.phase();
    }

    /** If the entry at the head is new, copies it into {@code dst} (without consuming it). @return whether it was. */
    public boolean peek(final GuestMemoryAccess memory, final MutableDirectBuffer dst, final int dstOffset)
    {
        if (!hasEntry(memory))
        {
            return false;
        }
        memory.read(head.address(base, entryBytes), dst, dstOffset, entryBytes);
        return true;
    }

    /** Moves the head past the entry {@link #peek} returned; the head doorbell becomes due. */
    public void consume()
    {
        head.advance();
        doorbellDue = true;
    }

    /** Whether entries were consumed since the last {@link #ring}. */
    public boolean doorbellDue()
    {
        return doorbellDue;
    }

    /**
     * If entries were consumed since the last time, writes the head moved on by {@code creditEntries} to the
     * doorbell register at {@code offset} of BAR {@code bar}: 0 for a head doorbell (NVMe CQ head), the ring's
     * size for a credit doorbell (ENA AENQ_HEAD_DB: consumed + depth). @return whether it wrote.
     */
    public boolean ring(final FunctionAccess function, final int bar, final long offset, final int creditEntries)
    {
        if (!doorbellDue)
        {
            return false;
        }
        doorbellDue = false;
        function.mmioWrite(bar, offset, 4, head.valueAhead(creditEntries) & 0xFFFF_FFFFL);
        return true;
    }
}
