package io.nitrosim.nic.flow;

import java.util.Arrays;

/**
 * An open-addressing index from a two-long key ({@link FlowKey}) to a stable entry id, with no allocation on
 * lookup, insert or removal once grown. Owners keep per-flow state in their own arrays indexed by entry id.
 * <p>
 * Entry ids are stable while an entry lives (the hash slots move on removal, the entries do not) and are
 * handed out lowest-free-first from a LIFO free list, so the same sequence of operations yields the same ids:
 * iteration by entry id is deterministic. The index grows by doubling up to {@code maxEntries} (allocation
 * then happens only when a new flow arrives); linear probing with backward-shift deletion, load factor 1/2.
 */
public final class FlowIndex
{
    private static final int LIVE = -2;
    private static final int END = -1;

    private final int maxEntries;
    private long[] keyHi;
    private long[] keyLo;
    private int[] hashes;
    private int[] nextFree; // LIVE for a live entry, otherwise the next free entry id or END
    private int[] slots;    // entry id + 1, 0 = empty
    private int mask;
    private int size;
    private int allocated;  // entries [0, allocated) have been handed out at least once
    private int freeHead = END;

    /**
     * @param maxEntries     most live entries (an allowance: {@link #insert} refuses beyond it).
     * @param initialEntries entries to allocate up front (clamped to maxEntries).
     */
    public FlowIndex(final int maxEntries, final int initialEntries)
    {
        if (maxEntries < 1 || maxEntries > (1 << 28))
        {
            throw new IllegalArgumentException("flow index size " + maxEntries + " out of range, accepted 1.." + (1 << 28));
        }
        this.maxEntries = maxEntries;
        final int entries = Math.max(1, Math.min(maxEntries, initialEntries));
        keyHi = new long[entries];
        keyLo = new long[entries];
        hashes = new int[entries];
        nextFree = new int[entries];
        final int slotCount = Math.max(4, Integer.highestOneBit(entries * 2 - 1) << 1);
        slots = new int[slotCount];
        mask = slotCount - 1;
    }

    public int maxEntries()
    {
        return maxEntries;
    }

    public int size()
    {
        return size;
    }

    /** Length owners' parallel arrays must have (ids are below it); grows with the index. */
    public int entryCapacity()
    {
        return keyHi.length;
    }

    /** Ids in [0, highWater()) may be live; iterate them with {@link #isLive}. */
    public int highWater()
    {
        return allocated;
    }

    public boolean isLive(final int entry)
    {
        return entry >= 0 && entry < allocated && nextFree[entry] == LIVE;
    }

    public long keyHi(final int entry)
    {
        return keyHi[entry];
    }

    public long keyLo(final int entry)
    {
        return keyLo[entry];
    }

    /** @return the entry id for the key, or -1. */
    public int find(final long hi, final long lo)
    {
        final int[] slots = this.slots;
        int i = FlowKey.hash(hi, lo) & mask;
        while (true)
        {
            final int e = slots[i] - 1;
            if (e < 0)
            {
                return -1;
            }
            if (keyHi[e] == hi && keyLo[e] == lo)
            {
                return e;
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * Inserts a key known to be absent.
     *
     * @return the new entry id, or -1 when {@code maxEntries} entries are live.
     */
    public int insert(final long hi, final long lo)
    {
        if (size >= maxEntries)
        {
            return -1;
        }
        final int e;
        if (freeHead != END)
        {
            e = freeHead;
            freeHead = nextFree[e];
        }
        else
        {
            if (allocated == keyHi.length)
            {
                growEntries();
            }
            e = allocated++;
        }
        if ((size + 1) * 2 > slots.length)
        {
            growSlots();
        }
        final int hash = FlowKey.hash(hi, lo);
        keyHi[e] = hi;
        keyLo[e] = lo;
        hashes[e] = hash;
        nextFree[e] = LIVE;
        place(e, hash);
        size++;
        return e;
    }

    /** Removes a live entry; its id goes back to the free list. */
    public void remove(final int entry)
    {
        if (!isLive(entry))
        {
            throw new IllegalArgumentException("flow entry " + entry + " is not live");
        }
        final int[] slots = this.slots;
        final int mask = this.mask;
        int i = hashes[entry] & mask;
        while (slots[i] - 1 != entry)
        {
            i = (i + 1) & mask;
        }
        // Backward-shift deletion keeps every probe chain unbroken without tombstones.
        int hole = i;
        int j = i;
        while (true)
        {
            j = (j + 1) & mask;
            final int occupant = slots[j] - 1;
            if (occupant < 0)
            {
                break;
            }
            final int home = hashes[occupant] & mask;
            final boolean stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!stays)
            {
                slots[hole] = slots[j];
                hole = j;
            }
        }
        slots[hole] = 0;
        nextFree[entry] = freeHead;
        freeHead = entry;
        size--;
    }

    /** Removes every entry. */
    public void clear()
    {
        Arrays.fill(slots, 0);
        size = 0;
        allocated = 0;
        freeHead = END;
    }

    private void place(final int entry, final int hash)
    {
        int i = hash & mask;
        while (slots[i] != 0)
        {
            i = (i + 1) & mask;
        }
        slots[i] = entry + 1;
    }

    private void growEntries()
    {
        final int newLength = (int)Math.min(maxEntries, Math.max(4L, keyHi.length * 2L));
        keyHi = Arrays.copyOf(keyHi, newLength);
        keyLo = Arrays.copyOf(keyLo, newLength);
        hashes = Arrays.copyOf(hashes, newLength);
        nextFree = Arrays.copyOf(nextFree, newLength);
    }

    private void growSlots()
    {
        final int[] old = slots;
        slots = new int[old.length * 2];
        mask = slots.length - 1;
        for (final int s : old)
        {
            if (s != 0)
            {
                place(s - 1, hashes[s - 1]);
            }
        }
    }
}
