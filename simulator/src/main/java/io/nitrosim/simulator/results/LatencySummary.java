package io.nitrosim.simulator.results;

import org.HdrHistogram.AbstractHistogram;

/**
 * Latency percentiles in milliseconds.
 *
 * @param p50Ms  median.
 * @param p99Ms  99th percentile.
 * @param p999Ms 99.9th percentile.
 * @param maxMs  largest recorded value.
 */
public record LatencySummary(double p50Ms, double p99Ms, double p999Ms, double maxMs)
{
    /** No samples: every percentile 0. */
    public static final LatencySummary NONE = new LatencySummary(0, 0, 0, 0);

    private static final double NS_PER_MS = 1_000_000.0;

    public LatencySummary
    {
        Checks.nonNegative("p50Ms", p50Ms);
        Checks.nonNegative("p99Ms", p99Ms);
        Checks.nonNegative("p999Ms", p999Ms);
        Checks.nonNegative("maxMs", maxMs);
    }

    /**
     * Percentiles of a histogram whose values were recorded in nanoseconds. HdrHistogram reports each
     * percentile as the highest value equivalent to the recorded bucket, so figures are within the histogram's
     * precision above the true value. An empty histogram gives {@link #NONE}.
     */
    public static LatencySummary fromHistogramNs(final AbstractHistogram histogramNs)
    {
        if (histogramNs.getTotalCount() == 0)
        {
            return NONE;
        }
        return new LatencySummary(
            histogramNs.getValueAtPercentile(50.0) / NS_PER_MS,
            histogramNs.getValueAtPercentile(99.0) / NS_PER_MS,
            histogramNs.getValueAtPercentile(99.9) / NS_PER_MS,
            histogramNs.getMaxValue() / NS_PER_MS);
    }
}
