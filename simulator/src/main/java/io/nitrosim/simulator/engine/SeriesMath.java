package io.nitrosim.simulator.engine;

import io.nitrosim.simulator.results.TimeSeries;

/** Averages over windows of a sampled series (sample k covers (t_k - interval, t_k]). */
final class SeriesMath
{
    private SeriesMath()
    {
    }

    /**
     * Time-weighted mean of the samples whose interval lies inside [fromNs, toNs]; NaN when no sample does.
     * Each sample covers the interval since the previous one (or since 0 for the first).
     */
    static double average(final TimeSeries series, final String key, final long fromNs, final long toNs)
    {
        final int column = series.columnIndex(key);
        if (column < 0)
        {
            return Double.NaN;
        }
        double weighted = 0;
        long covered = 0;
        long previousNs = 0;
        for (int i = 0; i < series.sampleCount(); i++)
        {
            final long t = series.timeNs(i);
            final long start = previousNs;
            previousNs = t;
            if (start < fromNs || t > toNs || t <= start)
            {
                continue;
            }
            final long width = t - start;
            weighted += series.value(column, i) * width;
            covered += width;
        }
        return covered == 0 ? Double.NaN : weighted / covered;
    }

    /** The last sample's value, NaN when there is none. */
    static double last(final TimeSeries series, final String key)
    {
        final int column = series.columnIndex(key);
        if (column < 0 || series.sampleCount() == 0)
        {
            return Double.NaN;
        }
        return series.value(column, series.sampleCount() - 1);
    }
}
