package io.nitrosim.pci.queue;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.pci.DmaPort;

/**
 * The device side of a queue the guest produces (a submission queue, a descriptor ring): its base and size, the
 * device's head and the tail the driver's doorbell announced, and fetching entries by DMA.
 * <p>
 * Two ways to read: {@link #fetch} copies the entry at the head into the caller's buffer and consumes it (one DMA
 * read per entry: commands); {@link #peek} looks {@code ahead} entries past the head through a cache that reads up
 * to {@code cacheEntries} entries per DMA, up to the tail and the ring's end (descriptor chains, read before
 * they are consumed with {@link #consume}). Agent thread only; allocation-free after construction.
 */
public final class SubmissionQueueReader
{
    private final RingPosition head;
    private final int entryBytes;
    private final int cacheEntries;
    private final UnsafeBuffer cache;
    private long base;
    private int tail;
    private boolean open;
    private int cacheStart;
    private int cacheCount;

    /**
     * @param entryBytes   bytes of one entry.
     * @param cacheEntries most entries one {@link #peek} reads at once (1 reads them one by one).
     */
    public SubmissionQueueReader(final RingNumbering numbering, final int entryBytes, final int cacheEntries)
    {
        if (entryBytes < 1 || cacheEntries < 1)
        {
            throw new IllegalArgumentException("entry bytes " + entryBytes + " and cache entries " + cacheEntries
                + " must be at least 1");
        }
        this.head = new RingPosition(numbering);
        this.entryBytes = entryBytes;
        this.cacheEntries = cacheEntries;
        this.cache = new UnsafeBuffer(new byte[cacheEntries * entryBytes]);
    }

    /** Opens the queue on a ring at {@code base} of {@code entries} entries: head and tail at 0. */
    public void open(final long base, final int entries)
    {
        head.reset(entries);
        this.base = base;
        this.tail = 0;
        this.cacheCount = 0;
        this.open = true;
    }

    public void close()
    {
        open = false;
        cacheCount = 0;
    }

    public boolean isOpen()
    {
        return open;
    }

    public long base()
    {
        return base;
    }

    public int entries()
    {
        return head.entries();
    }

    public int entryBytes()
    {
        return entryBytes;
    }

    /** The device's head: the next entry to fetch. */
    public RingPosition head()
    {
        return head;
    }

    /** The tail the driver's doorbell announced (the caller checks it is a valid position first). */
    public void tail(final int tail)
    {
        this.tail = tail;
    }

    public int tail()
    {
        return tail;
    }

    /** Entries between the head and the tail. */
    public int pending()
    {
        return head.distanceTo(tail);
    }

    public boolean isEmpty()
    {
        return head.value() == tail;
    }

    /** The phase tag the entry {@code ahead} entries past the head must carry (rings whose entries carry one). */
    public boolean expectedPhase(final int ahead)
    {
        return head.phaseAhead(ahead);
    }

    /** Reads the entry at the head into {@code dst} and, if the DMA worked, consumes it. @return a DmaPort status. */
    public int fetch(final DmaPort dma, final MutableDirectBuffer dst, final int dstOffset)
    {
        final int status = dma.read(head.address(base, entryBytes), dst, dstOffset, entryBytes);
        if (status == DmaPort.OK)
        {
            head.advance();
        }
        return status;
    }

    /** Gives back the entry the last {@link #fetch} consumed (the device cannot take it now). */
    public void unfetch()
    {
        head.retreat();
    }

    /** Consumes {@code count} entries read with {@link #peek}. */
    public void consume(final int count)
    {
        head.advance(count);
    }

    /**
     * The offset in {@link #cache()} of the entry {@code ahead} entries past the head ({@code ahead < pending()}),
     * reading a burst of entries by DMA when it is not cached. @return -1 when the DMA was refused.
     */
    public int peek(final int ahead, final DmaPort dma)
    {
        final int position = head.valueAhead(ahead);
        final int delta = head.between(cacheStart, position);
        if (delta < cacheCount)
        {
            return delta * entryBytes;
        }
        final int slot = head.slotOf(position);
        final int count = Math.max(1, Math.min(cacheEntries, Math.min(head.between(position, tail),
            head.entries() - slot)));
        if (dma.read(base + (long)slot * entryBytes, cache, 0, count * entryBytes) != DmaPort.OK)
        {
            cacheCount = 0;
            return -1;
        }
        cacheStart = position;
        cacheCount = count;
        return 0;
    }

    /** Where {@link #peek} keeps the entries it read. */
    public MutableDirectBuffer cache()
    {
        return cache;
    }
}
