package io.nitrosim.shaping;

/**
 * One governed quantity (net-in bytes, EBS IOPS, ...): a peak limiter with a small depth, and for "up to"
 * types a credit bucket.
 * <p>
 * The credit bucket is a token bucket refilled at the baseline rate whose capacity is
 * {@code (peak - baseline) x burst}: while traffic runs above baseline it drains by {@code rate - baseline},
 * below baseline it fills by {@code baseline - rate}, and when empty it holds the rate to baseline. Both
 * buckets start full (credits are full at launch).
 */
public final class BurstableLimit
{
    private final TokenBucket peak;
    private final TokenBucket credits;

    private BurstableLimit(final TokenBucket peak, final TokenBucket credits)
    {
        this.peak = peak;
        this.credits = credits;
    }

    /**
     * @param name          what is governed, for messages.
     * @param peakPerSec    peak rate in units per second.
     * @param baselinePerSec baseline rate; equal to peak for fixed-rate types.
     * @param burstSeconds  how long a full credit bucket sustains the peak; 0 for fixed-rate types.
     * @param peakDepthNs   depth of the peak limiter expressed as time at peak rate (bounds micro-bursts).
     * @param minPeakDepth  lower bound on the peak depth in units (e.g. one maximum record).
     * @param nowNs         creation time.
     */
    public static BurstableLimit of(
        final String name,
        final long peakPerSec,
        final long baselinePerSec,
        final long burstSeconds,
        final long peakDepthNs,
        final long minPeakDepth,
        final long nowNs)
    {
        if (peakPerSec < 1)
        {
            throw new IllegalArgumentException(name + ": peak rate " + peakPerSec + "/s must be positive");
        }
        if (baselinePerSec < 1 || baselinePerSec > peakPerSec)
        {
            throw new IllegalArgumentException(
                name + ": baseline " + baselinePerSec + "/s must be in 1.." + peakPerSec + "/s (the peak)");
        }
        if (burstSeconds < 0)
        {
            throw new IllegalArgumentException(name + ": burst duration " + burstSeconds + " s must be >= 0");
        }
        if (peakDepthNs < 1)
        {
            throw new IllegalArgumentException(name + ": peak depth " + peakDepthNs + " ns must be positive");
        }
        if (peakDepthNs > Long.MAX_VALUE / peakPerSec)
        {
            throw new IllegalArgumentException(name + ": peak depth " + peakDepthNs + " ns at " + peakPerSec
                + "/s overflows; accepted up to " + Long.MAX_VALUE / peakPerSec + " ns");
        }
        final long depth = Math.max(Math.max(1, minPeakDepth), multiplyToUnits(peakPerSec, peakDepthNs));
        final TokenBucket peak = new TokenBucket(name + " peak", peakPerSec, depth, nowNs);
        TokenBucket credits = null;
        if (baselinePerSec < peakPerSec && burstSeconds > 0)
        {
            if (burstSeconds > Long.MAX_VALUE / (peakPerSec - baselinePerSec))
            {
                throw new IllegalArgumentException(name + ": burst of " + burstSeconds + " s at " + peakPerSec
                    + "/s over a " + baselinePerSec + "/s baseline does not fit a 64-bit credit bucket");
            }
            final long creditCapacity = (peakPerSec - baselinePerSec) * burstSeconds;
            credits = new TokenBucket(name + " credits", baselinePerSec, creditCapacity, nowNs);
        }
        else if (baselinePerSec < peakPerSec)
        {
            // No burst allowance: the baseline is simply the rate.
            return new BurstableLimit(
                new TokenBucket(name + " peak", baselinePerSec, Math.max(Math.max(1, minPeakDepth),
                    multiplyToUnits(baselinePerSec, peakDepthNs)), nowNs), null);
        }
        return new BurstableLimit(peak, credits);
    }

    /** A fixed-rate limit (no credits). */
    public static BurstableLimit fixed(
        final String name, final long ratePerSec, final long depthNs, final long minDepth, final long nowNs)
    {
        return of(name, ratePerSec, ratePerSec, 0, depthNs, minDepth, nowNs);
    }

    private static long multiplyToUnits(final long ratePerSec, final long durationNs)
    {
        return Math.multiplyExact(ratePerSec, durationNs) / TokenBucket.NANOS_PER_SEC;
    }

    public TokenBucket peakBucket()
    {
        return peak;
    }

    /** The credit bucket, or null for a fixed-rate limit. */
    public TokenBucket creditBucket()
    {
        return credits;
    }

    public boolean hasCredits()
    {
        return credits != null;
    }

    /** Credit balance in parts per million (1_000_000 = full); fixed-rate limits are always full. */
    public long creditBalancePpm(final long nowNs)
    {
        return credits == null ? 1_000_000L : credits.fillPpm(nowNs);
    }
}
