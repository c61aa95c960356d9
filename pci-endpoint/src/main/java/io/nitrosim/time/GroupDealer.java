package io.nitrosim.time;

import java.util.Arrays;

/**
 * How a {@link ConcurrentRuntime} deals its ownership groups to its workers: in <em>contiguous runs</em> of the
 * order the groups were created in, as even as their loads allow. Groups created one after the other are mostly
 * the ones that talk to each other (an instance's guest and its EBS card are created together), so a contiguous run
 * keeps their hand-offs on one thread and in one core's cache, where dealing them round robin put every guest on one
 * worker and every card on the other (every hop crossed cores, and the loads were 3 to 1). Before anything is
 * measured the groups count as equal; the runtime re-deals between runs by the wall time each group's passes with
 * work took since the last deal ({@link #better}), which moves the split to where the work is (one VPC card
 * carries as much as ten guests on a full host).
 * <p>
 * The split is the one whose heaviest worker is lightest (a binary search on that bound, each bound checked by
 * filling workers in order), every worker getting at least one group while there are enough. Pure functions over
 * arrays, so they are tested with made-up loads.
 */
final class GroupDealer
{
    /**
     * A re-deal is made only when it makes the heaviest worker at least this much lighter (a tenth): moving a group
     * costs its caches, and loads measured over one run are noisy.
     */
    static final double MIN_GAIN = 0.1;

    private GroupDealer()
    {
    }

    /**
     * The worker (0 to {@code workers - 1}) of each group, in contiguous runs in the order of {@code loads}, such that
     * the largest sum of loads on one worker is as small as it can be; each worker gets a group while groups last.
     */
    static int[] deal(final long[] loads, final int workers)
    {
        long lowest = 0;
        long highest = 0;
        for (final long load : loads)
        {
            lowest = Math.max(lowest, load);
            highest += load;
        }
        while (lowest < highest)
        {
            final long bound = lowest + (highest - lowest) / 2;
            if (workersNeeded(loads, bound) <= workers)
            {
                highest = bound;
            }
            else
            {
                lowest = bound + 1;
            }
        }
        return fill(loads, workers, lowest);
    }

    /** Equal loads: contiguous runs of nearly equal counts. */
    static int[] dealEvenly(final int groups, final int workers)
    {
        final long[] ones = new long[groups];
        Arrays.fill(ones, 1L);
        return deal(ones, workers);
    }

    /** The largest sum of {@code loads} that any worker gets under {@code dealt}. */
    static long heaviest(final long[] loads, final int[] dealt, final int workers)
    {
        final long[] sums = new long[workers];
        long heaviest = 0;
        for (int i = 0; i < loads.length; i++)
        {
            sums[dealt[i]] += loads[i];
            heaviest = Math.max(heaviest, sums[dealt[i]]);
        }
        return heaviest;
    }

    /** Whether {@code proposed} makes the heaviest worker lighter than {@code current} does by {@link #MIN_GAIN}. */
    static boolean better(final long[] loads, final int[] current, final int[] proposed, final int workers)
    {
        return heaviest(loads, proposed, workers) < (1.0 - MIN_GAIN) * heaviest(loads, current, workers);
    }

    private static int workersNeeded(final long[] loads, final long bound)
    {
        int needed = 1;
        long sum = 0;
        for (final long load : loads)
        {
            if (sum + load > bound)
            {
                needed++;
                sum = 0;
            }
            sum += load;
        }
        return needed;
    }

    /**
     * Fills workers in order up to {@code bound} each, moving on early when the groups left are only as many as the
     * workers left (each of those then gets one, which is within the bound since no single load exceeds it).
     */
    private static int[] fill(final long[] loads, final int workers, final long bound)
    {
        final int[] dealt = new int[loads.length];
        int worker = 0;
        long sum = 0;
        for (int i = 0; i < loads.length; i++)
        {
            if (i > 0 && worker < workers - 1
                && (sum + loads[i] > bound || loads.length - i <= workers - 1 - worker))
            {
                worker++;
                sum = 0;
            }
            dealt[i] = worker;
            sum += loads[i];
        }
        return dealt;
    }
}
