package io.nitrosim.pci.queue;

import org.agrona.DirectBuffer;

import io.nitrosim.pci.DmaPort;

/**
 * The device side of a queue the device produces and the guest consumes (a completion queue, an event queue): its
 * base, size and entry size, the device's tail and the phase tag the next entry must carry, the host's head (or
 * credit limit) for flow control, and the MSI-X vector its entries raise.
 * <p>
 * The caller builds an entry with its layout's flyweight, tagged with {@link #phase()}, and {@link #post}s it:
 * one DMA write of the whole entry at the tail. Agent thread only.
 */
public final class CompletionQueueWriter
{
    /** No interrupt: the driver polls this queue. */
    public static final int NO_VECTOR = -1;

    private final RingPosition tail;
    private long base;
    private int entryBytes;
    private int vector = NO_VECTOR;
    private int head;
    private boolean open;

    public CompletionQueueWriter(final RingNumbering numbering)
    {
        this.tail = new RingPosition(numbering);
    }

    /** Opens the queue: tail at 0 with phase tag 1, head at 0. */
    public void open(final long base, final int entries, final int entryBytes, final int vector)
    {
        tail.reset(entries);
        this.base = base;
        this.entryBytes = entryBytes;
        this.vector = vector;
        this.head = 0;
        this.open = true;
    }

    public void close()
    {
        open = false;
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
        return tail.entries();
    }

    public int entryBytes()
    {
        return entryBytes;
    }

    /** The MSI-X vector the queue's entries raise, or {@link #NO_VECTOR}. */
    public int vector()
    {
        return vector;
    }

    /** The phase tag the next entry must carry. */
    public boolean phase()
    {
        return tail.phase();
    }

    /** The device's tail: entries written, as the queue numbers positions. */
    public int tail()
    {
        return tail.value();
    }

    /**
     * What the host's head doorbell said: with {@link RingNumbering#SLOT_INDEX} the slot the host will read next
     * (NVMe CQ head); with {@link RingNumbering#RUNNING_COUNTER} the count up to which the device may write
     * (ENA AENQ_HEAD_DB: entries consumed + depth).
     */
    public void head(final int head)
    {
        this.head = head;
    }

    public int head()
    {
        return head;
    }

    /**
     * Whether the host left room for another entry: a slot-indexed queue is full when the tail is one behind the
     * head (one slot stays empty); a counted one while the tail has reached the host's limit (or the limit is more
     * than a ring ahead, which only a confused host writes).
     */
    public boolean hasRoom()
    {
        if (tail.numbering() == RingNumbering.SLOT_INDEX)
        {
            return tail.valueAhead(1) != head;
        }
        final int credit = tail.distanceTo(head);
        return credit != 0 && credit <= tail.entries();
    }

    /** Writes one entry from {@code src} at the tail and, if the DMA worked, moves the tail on. @return a DmaPort status. */
    public int post(final DmaPort dma, final DirectBuffer src, final int srcOffset)
    {
        final int status = dma.write(tail.address(base, entryBytes), src, srcOffset, entryBytes);
        if (status == DmaPort.OK)
        {
            tail.advance();
        }
        return status;
    }
}
