package io.nitrosim.shaping;

import java.util.Arrays;

/**
 * Delivered bytes summed into fixed-width time bins starting at 0: cheap enough for runs of hundreds of
 * millions of records, where a {@link DeliveryLog} would not fit in memory.
 */
public final class RateBins
{
    private static final long NANOS_PER_SEC = 1_000_000_000L;

    private final long binWidthNs;
    private long[] bins = new long[1024];
    private int binCount;

    public RateBins(final long binWidthNs)
    {
        if (binWidthNs < 1)
        {
            throw new IllegalArgumentException("bin width " + binWidthNs + " ns must be positive");
        }
        this.binWidthNs = binWidthNs;
    }

    public void add(final long timeNs, final long bytes)
    {
        final int bin = Math.toIntExact(timeNs / binWidthNs);
        if (bin >= bins.length)
        {
            bins = Arrays.copyOf(bins, Math.max(bin + 1, Math.multiplyExact(bins.length, 2)));
        }
        bins[bin] += bytes;
        binCount = Math.max(binCount, bin + 1);
    }

    public long binWidthNs()
    {
        return binWidthNs;
    }

    /** Number of bins up to the last one that received bytes. */
    public int binCount()
    {
        return binCount;
    }

    public long bytes(final int bin)
    {
        return bin < binCount ? bins[bin] : 0;
    }

    /** Bytes in bins {@code [fromBin, toBin)}. */
    public long bytes(final int fromBin, final int toBin)
    {
        long total = 0;
        for (int bin = fromBin; bin < toBin; bin++)
        {
            total += bytes(bin);
        }
        return total;
    }

    /** Average rate over bins {@code [fromBin, toBin)} in bytes per second. */
    public double bytesPerSec(final int fromBin, final int toBin)
    {
        return (double)bytes(fromBin, toBin) * NANOS_PER_SEC / ((double)(toBin - fromBin) * binWidthNs);
    }

    /**
     * The first bin at or after {@code fromBin} whose rate is below {@code bytesPerSec}, or {@code toBin} if
     * none in {@code [fromBin, toBin)} is.
     */
    public int firstBinBelow(final int fromBin, final int toBin, final long bytesPerSec)
    {
        for (int bin = fromBin; bin < toBin; bin++)
        {
            // bytes / binWidth < rate, kept in integers: bytes * 1e9 < rate * binWidth
            if (Math.multiplyExact(bytes(bin), NANOS_PER_SEC) < Math.multiplyExact(bytesPerSec, binWidthNs))
            {
                return bin;
            }
        }
        return toBin;
    }
}
