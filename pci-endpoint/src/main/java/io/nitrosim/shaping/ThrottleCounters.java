package io.nitrosim.shaping;

import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * Counts records by the {@link ShapingReason}s that held them back or refused them: each entry is a counter, the
 * reasons it counts, and what it adds per record (1, the record's bytes, or its operations). Several reasons may
 * share an entry: the EBS instance counter counts an I/O held by the instance's bytes or IOPS bucket once.
 * <p>
 * A record that waits is counted by {@link #countHeld} once per entry however often it is refused: the caller
 * (the {@link ShapedRing} holding it at its head) keeps the mask of entries already counted for it, so a reason
 * that starts holding it later still counts. A record refused outright (dropped) is counted by
 * {@link #countDropped}. The counters are typically shared with other ThrottleCounters (all TX queues of an ENI
 * count into its ENA counters). One writer thread (the consumer's agent); allocation-free.
 */
public final class ThrottleCounters
{
    /** Counts nothing. */
    public static final ThrottleCounters NONE = new ThrottleCounters(new int[0], new AtomicCounter[0], new int[0]);

    private static final int PER_RECORD = 0;
    private static final int PER_BYTE = 1;
    private static final int PER_OP = 2;
    private static final int MAX_ENTRIES = 32;

    private final int[] reasons;
    private final AtomicCounter[] counters;
    private final int[] units;

    private ThrottleCounters(final int[] reasons, final AtomicCounter[] counters, final int[] units)
    {
        this.reasons = reasons;
        this.counters = counters;
        this.units = units;
    }

    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * Counts a record held back by {@code reasonMask} in every entry that counts one of those reasons and is not
     * in {@code countedEntries}.
     *
     * @param countedEntries the entries already counted for this record (bit i = entry i; 0 for a new record).
     * @return {@code countedEntries} with the entries counted now added.
     */
    public int countHeld(final int reasonMask, final int countedEntries, final long bytes, final long ops)
    {
        int counted = countedEntries;
        for (int i = 0; i < reasons.length; i++)
        {
            if ((reasons[i] & reasonMask) != 0 && (counted & (1 << i)) == 0)
            {
                counted |= 1 << i;
                add(i, bytes, ops);
            }
        }
        return counted;
    }

    /** Counts a record refused outright (dropped) for {@code reasonMask} in every entry counting one of them. */
    public void countDropped(final int reasonMask, final long bytes, final long ops)
    {
        for (int i = 0; i < reasons.length; i++)
        {
            if ((reasons[i] & reasonMask) != 0)
            {
                add(i, bytes, ops);
            }
        }
    }

    private void add(final int entry, final long bytes, final long ops)
    {
        final long amount = units[entry] == PER_RECORD ? 1 : units[entry] == PER_BYTE ? bytes : ops;
        counters[entry].getAndAddRelease(amount);
    }

    /** The reasons any entry counts. */
    public int reasons()
    {
        int mask = 0;
        for (final int r : reasons)
        {
            mask |= r;
        }
        return mask;
    }

    /** Collects the entries; at most 32 (one bit each in a record's counted mask). */
    public static final class Builder
    {
        private final List<Integer> reasons = new ArrayList<>();
        private final List<AtomicCounter> counters = new ArrayList<>();
        private final List<Integer> units = new ArrayList<>();

        private Builder()
        {
        }

        /** Adds 1 to {@code counter} per record held or refused for one of {@code reasonMask}. */
        public Builder records(final int reasonMask, final AtomicCounter counter)
        {
            return add(reasonMask, counter, PER_RECORD);
        }

        /** Adds the record's (charged) bytes. */
        public Builder bytes(final int reasonMask, final AtomicCounter counter)
        {
            return add(reasonMask, counter, PER_BYTE);
        }

        /**
         * Adds the record's operations (as its gate charges them: {@link ShapingGate#opsFor}, or the count the ring's
         * handler named for the head, {@link ShapedRing.Head#ops}).
         */
        public Builder ops(final int reasonMask, final AtomicCounter counter)
        {
            return add(reasonMask, counter, PER_OP);
        }

        private Builder add(final int reasonMask, final AtomicCounter counter, final int unit)
        {
            if (reasonMask == 0 || (reasonMask & ~ShapingReason.ALL) != 0)
            {
                throw new IllegalArgumentException("reason mask 0x" + Integer.toHexString(reasonMask)
                    + " must name one or more reasons of ShapingReason (0x1..0x"
                    + Integer.toHexString(ShapingReason.ALL) + ")");
            }
            if (counter == null)
            {
                throw new IllegalArgumentException("no counter for " + ShapingReason.describe(reasonMask));
            }
            if (reasons.size() == MAX_ENTRIES)
            {
                throw new IllegalArgumentException("at most " + MAX_ENTRIES + " throttle counters per set");
            }
            reasons.add(reasonMask);
            counters.add(counter);
            units.add(unit);
            return this;
        }

        public ThrottleCounters build()
        {
            if (reasons.isEmpty())
            {
                return NONE;
            }
            return new ThrottleCounters(reasons.stream().mapToInt(Integer::intValue).toArray(),
                counters.toArray(new AtomicCounter[0]), units.stream().mapToInt(Integer::intValue).toArray());
        }
    }
}
