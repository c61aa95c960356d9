package io.nitrosim.catalog;

import java.math.BigDecimal;

/**
 * One row of the instance catalog: a type's size and its bandwidth caps (docs/sources.md section 1).
 * Rates are kept as published (Mbps, Gbps, IOPS); the *BytesPerSec methods give the exact integer rates the
 * shapers use (1 Mbps = 125_000 B/s, 1 Gbps = 125_000_000 B/s).
 */
public record InstanceType(
    String type,
    int vcpus,
    int memoryGiB,
    long ebsPeakMbps,
    long ebsBaselineMbps,
    long ebsPeakIops,
    long ebsBaselineIops,
    BigDecimal networkPeakGbps,
    BigDecimal networkBaselineGbps,
    long networkBurstSeconds,
    long ebsBurstSeconds,
    int maxEnis,
    int ipv4PerEni)
{
    private static final BigDecimal BYTES_PER_SEC_PER_GBPS = BigDecimal.valueOf(125_000_000L);

    public long memoryBytes()
    {
        return (long)memoryGiB << 30;
    }

    public long ebsPeakBytesPerSec()
    {
        return ebsPeakMbps * 125_000L;
    }

    public long ebsBaselineBytesPerSec()
    {
        return ebsBaselineMbps * 125_000L;
    }

    public long networkPeakBytesPerSec()
    {
        return networkPeakGbps.multiply(BYTES_PER_SEC_PER_GBPS).longValueExact();
    }

    public long networkBaselineBytesPerSec()
    {
        return networkBaselineGbps.multiply(BYTES_PER_SEC_PER_GBPS).longValueExact();
    }

    /** "Up to" network bandwidth: a baseline below the peak, sustained by network I/O credits. */
    public boolean isNetworkBurstable()
    {
        return networkBurstSeconds > 0;
    }

    /** "Up to" EBS bandwidth: the 30-minute burst above baseline. */
    public boolean isEbsBurstable()
    {
        return ebsBurstSeconds > 0;
    }

    public InstanceType withNetworkBurstSeconds(final long seconds)
    {
        return new InstanceType(type, vcpus, memoryGiB, ebsPeakMbps, ebsBaselineMbps, ebsPeakIops, ebsBaselineIops,
            networkPeakGbps, networkBaselineGbps, seconds, ebsBurstSeconds, maxEnis, ipv4PerEni);
    }

    public InstanceType withEbsBurstSeconds(final long seconds)
    {
        return new InstanceType(type, vcpus, memoryGiB, ebsPeakMbps, ebsBaselineMbps, ebsPeakIops, ebsBaselineIops,
            networkPeakGbps, networkBaselineGbps, networkBurstSeconds, seconds, maxEnis, ipv4PerEni);
    }
}
