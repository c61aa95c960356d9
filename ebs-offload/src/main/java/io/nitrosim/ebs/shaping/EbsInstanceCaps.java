package io.nitrosim.ebs.shaping;

/**
 * An instance's EBS caps as plain data (the catalog lives in host-hypervisor, which this module must not
 * import): peak and baseline throughput in bytes per second, peak and baseline IOPS, and how long a full credit
 * bucket sustains the peak ("up to" types: 30 minutes, see docs/ebs.md). Peak == baseline means a fixed cap.
 * Validated here, in one place.
 */
public record EbsInstanceCaps(
    long peakBytesPerSec,
    long baselineBytesPerSec,
    long peakIops,
    long baselineIops,
    long burstSeconds)
{
    /** AWS: "up to" sizes "can support maximum performance for 30 minutes at least once every 24 hours". */
    public static final long EBS_BURST_SECONDS = 30 * 60;
    public static final long BYTES_PER_SEC_PER_MBPS = 125_000L;

    public EbsInstanceCaps
    {
        if (peakBytesPerSec < 1)
        {
            throw new IllegalArgumentException(
                "EBS peak throughput " + peakBytesPerSec + " B/s is out of range: accepted 1 B/s or more");
        }
        if (baselineBytesPerSec < 1 || baselineBytesPerSec > peakBytesPerSec)
        {
            throw new IllegalArgumentException("EBS baseline throughput " + baselineBytesPerSec
                + " B/s is out of range: accepted 1.." + peakBytesPerSec + " B/s (the peak)");
        }
        if (peakIops < 1)
        {
            throw new IllegalArgumentException("EBS peak IOPS " + peakIops + " is out of range: accepted 1 or more");
        }
        if (baselineIops < 1 || baselineIops > peakIops)
        {
            throw new IllegalArgumentException(
                "EBS baseline IOPS " + baselineIops + " is out of range: accepted 1.." + peakIops + " (the peak)");
        }
        if (burstSeconds < 0 || burstSeconds > 86_400)
        {
            throw new IllegalArgumentException(
                "EBS burst duration " + burstSeconds + " s is out of range: accepted 0..86400 s");
        }
    }

    /** From the catalog's published units (1 Mbps = 125000 B/s). */
    public static EbsInstanceCaps ofMbps(
        final long peakMbps, final long baselineMbps, final long peakIops, final long baselineIops, final long burstSeconds)
    {
        return new EbsInstanceCaps(Math.multiplyExact(peakMbps, BYTES_PER_SEC_PER_MBPS),
            Math.multiplyExact(baselineMbps, BYTES_PER_SEC_PER_MBPS), peakIops, baselineIops, burstSeconds);
    }

    /** Fixed caps: no burst. */
    public static EbsInstanceCaps fixed(final long bytesPerSec, final long iops)
    {
        return new EbsInstanceCaps(bytesPerSec, bytesPerSec, iops, iops, 0);
    }

    /** "Up to" caps: a baseline below the peak, sustained by credits. */
    public boolean isBurstable()
    {
        return burstSeconds > 0 && (baselineBytesPerSec < peakBytesPerSec || baselineIops < peakIops);
    }
}
