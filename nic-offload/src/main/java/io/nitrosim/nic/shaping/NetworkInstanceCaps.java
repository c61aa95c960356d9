package io.nitrosim.nic.shaping;

/**
 * An instance type's network caps as plain data (the catalog lives in host-hypervisor; nic-offload does not
 * depend on it). Bandwidths are per direction in bytes per second: the figure applies to inbound and outbound
 * at once, each with its own buckets.
 *
 * @param peakBytesPerSec     peak ("up to") rate, e.g. c5.large 10 Gbps = 1_250_000_000.
 * @param baselineBytesPerSec baseline; equal to peak for fixed-rate types (c5.9xlarge and up).
 * @param burstSeconds        how long full credits sustain the peak; 0 for fixed-rate types.
 * @param ipv4PerEni          private IPv4 addresses per network interface.
 * @param maxEnis             network interfaces the type accepts.
 */
public record NetworkInstanceCaps(
    long peakBytesPerSec, long baselineBytesPerSec, long burstSeconds, int ipv4PerEni, int maxEnis)
{
    /** c5.large from the launch table (10 Gbps up to, 0.75 Gbps baseline, 7 min burst, 10 IPs, 3 ENIs). */
    public static final NetworkInstanceCaps C5_LARGE =
        new NetworkInstanceCaps(1_250_000_000L, 93_750_000L, 420, 10, 3);
    /** c5.18xlarge (25 Gbps fixed, 50 IPs, 15 ENIs). */
    public static final NetworkInstanceCaps C5_18XLARGE =
        new NetworkInstanceCaps(3_125_000_000L, 3_125_000_000L, 0, 50, 15);

    public NetworkInstanceCaps
    {
        if (peakBytesPerSec < 1 || peakBytesPerSec > io.nitrosim.shaping.TokenBucket.MAX_RATE_PER_SEC)
        {
            throw new IllegalArgumentException("network peak " + peakBytesPerSec + " B/s out of range, accepted 1.."
                + io.nitrosim.shaping.TokenBucket.MAX_RATE_PER_SEC + " B/s");
        }
        if (baselineBytesPerSec < 1 || baselineBytesPerSec > peakBytesPerSec)
        {
            throw new IllegalArgumentException("network baseline " + baselineBytesPerSec
                + " B/s out of range, accepted 1.." + peakBytesPerSec + " B/s (the peak)");
        }
        if (burstSeconds < 0 || burstSeconds > 86_400)
        {
            throw new IllegalArgumentException("network burst " + burstSeconds + " s out of range, accepted 0..86400 s");
        }
        if (ipv4PerEni < 1 || ipv4PerEni > 50)
        {
            throw new IllegalArgumentException("IPv4 per ENI " + ipv4PerEni + " out of range, accepted 1..50");
        }
        if (maxEnis < 1 || maxEnis > 28)
        {
            throw new IllegalArgumentException("max ENIs " + maxEnis + " out of range, accepted 1..28");
        }
    }

    /** The same caps with another burst duration (scaled-down experiments). */
    public NetworkInstanceCaps withBurstSeconds(final long seconds)
    {
        return new NetworkInstanceCaps(peakBytesPerSec, baselineBytesPerSec, seconds, ipv4PerEni, maxEnis);
    }

    public boolean isBurstable()
    {
        return baselineBytesPerSec < peakBytesPerSec;
    }
}
