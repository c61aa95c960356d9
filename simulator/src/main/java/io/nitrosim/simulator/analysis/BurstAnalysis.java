package io.nitrosim.simulator.analysis;

/**
 * The burst of one sampled rate series and its credit balance: the level held, when it ended, the rate after
 * it and when the credits ran dry.
 * <p>
 * Sample {@code k} is the mean rate over {@code (t[k-1], t[k]]} (the series starts at 0), as
 * {@code TimeSeriesRecorder} records it. The burst level is told apart from the baseline by the midpoint
 * between the highest sample and the baseline cap: the burst runs from the start of traffic to the last sample
 * at or above it (so a dip of a TCP-like sender does not end it). Within the sample where the rate fell, the
 * rate is taken as the held level until the fall and the rate after the burst from then on, which places the
 * end inside the sample; traffic starting inside its first sample is placed the same way. A run is expected to
 * hold one burst.
 */
public final class BurstAnalysis
{
    /** A credit balance at or below this (percent) is empty: a balance held at zero reads a few ppm at most. */
    static final double EMPTY_CREDITS_PERCENT = 0.05;
    /** The rate must rise this much above the baseline cap to count as a burst. */
    static final double BURST_MARGIN = 1.01;
    /**
     * A sample more than this share of (held - baseline) below the held level is where the rate fell, even when
     * it is still above the midpoint (the fall came late in the sample).
     */
    static final double FALL_TOLERANCE = 0.02;
    private static final double NS_PER_S = 1e9;

    private BurstAnalysis()
    {
    }

    /**
     * The figures of one series, in the rate's unit and in seconds of simulated time.
     *
     * @param startSeconds        when traffic began.
     * @param peakHeld            mean rate over the whole samples of the burst (of the active samples when there
     *                            was no burst).
     * @param burstEnded          whether the rate left the burst level before the run ended.
     * @param burstSeconds        start to end of the burst, or null.
     * @param baselineAfter       mean rate over the whole samples after the burst while traffic ran, or null.
     * @param drainSeconds        start until the credit balance reached zero (measured or projected), or null.
     * @param drainProjected      whether {@code drainSeconds} is projected from the spend so far.
     * @param finalCreditsPercent the last credit sample, or null without credits.
     */
    public record Result(
        double startSeconds,
        double peakHeld,
        boolean burstEnded,
        Double burstSeconds,
        Double baselineAfter,
        Double drainSeconds,
        boolean drainProjected,
        Double finalCreditsPercent)
    {
    }

    /**
     * @param timesNs      sample times, strictly increasing, the first after 0.
     * @param rates        the rate at each sample (mean over the interval ending there).
     * @param credits      the credit balance (percent) at each sample, or null for a quantity without credits.
     * @param peakCap      the peak cap in the rate's unit.
     * @param baselineCap  the baseline cap (equal to the peak when the quantity does not burst: then the few
     *                     milliseconds of peak-bucket depth a run starts with are no burst).
     * @return the figures, or null when the series never carried traffic.
     */
    public static Result analyze(
        final long[] timesNs, final double[] rates, final double[] credits, final double peakCap,
        final double baselineCap)
    {
        if (rates.length != timesNs.length || (credits != null && credits.length != timesNs.length))
        {
            throw new IllegalArgumentException("times, rates and credits must have one value per sample");
        }
        final int first = firstAbove(rates, 0, 0);
        if (first < 0)
        {
            return null;
        }
        final int last = lastAbove(rates, 0);
        double max = 0;
        for (final double r : rates)
        {
            max = Math.max(max, r);
        }
        final Double finalCredits = credits == null ? null : credits[credits.length - 1];
        if (peakCap <= baselineCap || max <= baselineCap * BURST_MARGIN)
        {
            final double held = wholeSampleMean(timesNs, rates, first, last);
            return new Result(seconds(startNs(timesNs, rates, first, held)), held, false, null, null, null, false,
                finalCredits);
        }
        final double threshold = (max + baselineCap) / 2;
        final int burstFirst = firstAtLeast(rates, first, threshold);
        int burstLast = lastAtLeast(rates, threshold);
        final int wholeFrom = burstFirst == first && burstLast > burstFirst ? burstFirst + 1 : burstFirst;
        double held = mean(timesNs, rates, wholeFrom, Math.max(wholeFrom, burstLast - 1));
        final boolean ended = burstLast < rates.length - 1 || rates[burstLast] < held - FALL_TOLERANCE * (held - baselineCap);
        if (ended && burstLast > wholeFrom && rates[burstLast] < held - FALL_TOLERANCE * (held - baselineCap))
        {
            burstLast--; // the last sample above the midpoint is the one where the rate fell
        }
        else
        {
            held = mean(timesNs, rates, wholeFrom, Math.max(wholeFrom, burstLast));
        }
        final long startNs = startNs(timesNs, rates, first, held);
        Double burstSeconds = null;
        Double baselineAfter = null;
        if (ended)
        {
            final int fell = burstLast + 1;
            baselineAfter = fell + 1 <= last ? mean(timesNs, rates, fell + 1, last) : null;
            final double after = baselineAfter != null ? baselineAfter : fell == rates.length - 1 ? baselineCap : 0;
            final double share = held > after ? clamp((rates[fell] - after) / (held - after)) : 0;
            final double endNs = timesNs[fell - 1] + share * width(timesNs, fell);
            burstSeconds = (endNs - startNs) / NS_PER_S;
        }
        Double drainSeconds = null;
        boolean projected = false;
        if (credits != null)
        {
            final double before = first > 0 ? credits[first - 1] : 100.0;
            final int empty = firstAtOrBelow(credits, first, EMPTY_CREDITS_PERCENT);
            if (empty >= 0)
            {
                drainSeconds = (drainNs(timesNs, credits, first, empty, startNs, before) - startNs) / NS_PER_S;
            }
            else if (!ended && credits[credits.length - 1] < before)
            {
                final double spent = before - credits[credits.length - 1];
                drainSeconds = (timesNs[timesNs.length - 1] - startNs) / NS_PER_S * before / spent;
                projected = true;
            }
        }
        return new Result(seconds(startNs), held, ended, burstSeconds, baselineAfter, drainSeconds, projected,
            finalCredits);
    }

    /**
     * When the balance reached zero within sample {@code empty}: from the last sample above zero at the slope of
     * the interval before it (the balance falls at a steady rate while the burst holds), or at the mean slope
     * since traffic began when there is no whole interval before it.
     */
    private static double drainNs(
        final long[] timesNs, final double[] credits, final int first, final int empty, final long startNs,
        final double before)
    {
        final double fromNs = empty == first ? startNs : timesNs[empty - 1];
        final double fromCredits = empty == first ? before : credits[empty - 1];
        double slopePerNs;
        if (empty - 2 >= first)
        {
            slopePerNs = (credits[empty - 2] - credits[empty - 1]) / (timesNs[empty - 1] - timesNs[empty - 2]);
        }
        else
        {
            slopePerNs = fromNs > startNs ? (before - fromCredits) / (fromNs - startNs) : 0;
        }
        final double endNs = timesNs[empty];
        if (slopePerNs <= 0)
        {
            // No slope to follow: the balance fell from fromCredits to (about) zero somewhere in the sample.
            final double drop = fromCredits - credits[empty];
            return drop <= 0 ? endNs : fromNs + (endNs - fromNs) * fromCredits / Math.max(drop, fromCredits);
        }
        return Math.min(endNs, fromNs + fromCredits / slopePerNs);
    }

    /** Traffic began inside sample {@code first} as late as its mean rate allows at the held level. */
    private static long startNs(final long[] timesNs, final double[] rates, final int first, final double held)
    {
        final double busy = held > 0 ? clamp(rates[first] / held) : 1;
        return Math.round(timesNs[first] - busy * width(timesNs, first));
    }

    /** Time-weighted mean over samples from..to, leaving out the first (often partial) when others remain. */
    private static double wholeSampleMean(final long[] timesNs, final double[] rates, final int from, final int to)
    {
        return to > from ? mean(timesNs, rates, from + 1, to) : mean(timesNs, rates, from, to);
    }

    private static double mean(final long[] timesNs, final double[] rates, final int from, final int to)
    {
        double weighted = 0;
        long covered = 0;
        for (int i = from; i <= to; i++)
        {
            final long w = width(timesNs, i);
            weighted += rates[i] * w;
            covered += w;
        }
        return covered == 0 ? 0 : weighted / covered;
    }

    private static long width(final long[] timesNs, final int i)
    {
        return timesNs[i] - (i == 0 ? 0 : timesNs[i - 1]);
    }

    private static int firstAbove(final double[] values, final int from, final double floor)
    {
        for (int i = from; i < values.length; i++)
        {
            if (values[i] > floor)
            {
                return i;
            }
        }
        return -1;
    }

    private static int lastAbove(final double[] values, final double floor)
    {
        for (int i = values.length - 1; i >= 0; i--)
        {
            if (values[i] > floor)
            {
                return i;
            }
        }
        return -1;
    }

    private static int firstAtLeast(final double[] values, final int from, final double floor)
    {
        for (int i = from; i < values.length; i++)
        {
            if (values[i] >= floor)
            {
                return i;
            }
        }
        return -1;
    }

    private static int lastAtLeast(final double[] values, final double floor)
    {
        for (int i = values.length - 1; i >= 0; i--)
        {
            if (values[i] >= floor)
            {
                return i;
            }
        }
        return -1;
    }

    private static int firstAtOrBelow(final double[] values, final int from, final double ceiling)
    {
        for (int i = from; i < values.length; i++)
        {
            if (values[i] <= ceiling)
            {
                return i;
            }
        }
        return -1;
    }

    private static double clamp(final double share)
    {
        return Math.max(0, Math.min(1, share));
    }

    private static double seconds(final long ns)
    {
        return ns / NS_PER_S;
    }
}
