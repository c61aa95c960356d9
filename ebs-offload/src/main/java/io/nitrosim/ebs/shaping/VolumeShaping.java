package io.nitrosim.ebs.shaping;

import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.ebs.volume.VolumeLimits;
import io.nitrosim.ebs.volume.VolumeSpec;
import io.nitrosim.shaping.ShapingGate;
import io.nitrosim.shaping.ShapingReason;
import io.nitrosim.shaping.TokenBucket;

/**
 * One volume's own buckets, applied on top of its instance's, and the gate that applies both.
 * <ul>
 * <li>IOPS: a peak bucket at the burst rate (gp2 below 1 TiB: 3000) plus, for gp2 with burst, the I/O credit
 * bucket (5.4 M credits, full at creation, refilled at the baseline); a fixed-rate bucket otherwise.</li>
 * <li>Throughput: a peak bucket at the cap (st1/sc1: the burst throughput) plus, for st1/sc1 with burst, the
 * throughput credit bucket (1 TiB per TiB, refilled at the baseline); a fixed-rate bucket otherwise.</li>
 * </ul>
 * Buckets belong to the agent serving the instance's volumes.
 */
public final class VolumeShaping
{
    private final long peakDepthNs;
    private final long minDepthBytes;
    private final long minDepthOps;
    private VolumeSpec spec;
    private final TokenBucket iopsPeak;
    private final TokenBucket iopsCredits;
    private final TokenBucket bytesPeak;
    private final TokenBucket bytesCredits;
    private final ShapingGate gate;
    private final AtomicCounter throttledOps;
    private final AtomicCounter throttledBytes;

    VolumeShaping(
        final VolumeSpec spec,
        final long peakDepthNs,
        final long minDepthBytes,
        final long minDepthOps,
        final long nowNs,
        final ShapingGate.Builder gate,
        final AtomicCounter throttledOps,
        final AtomicCounter throttledBytes)
    {
        this.spec = spec;
        this.peakDepthNs = peakDepthNs;
        this.minDepthBytes = minDepthBytes;
        this.minDepthOps = minDepthOps;
        final VolumeLimits limits = spec.limits();
        final String name = spec.volumeId().toString();
        iopsPeak = new TokenBucket(name + " iops peak", limits.burstIops(),
            depth(limits.burstIops(), peakDepthNs, minDepthOps), nowNs);
        iopsCredits = limits.hasIopsBurst() ?
            new TokenBucket(name + " io credits", limits.baselineIops(), limits.iopsCreditCapacity(), nowNs) : null;
        bytesPeak = new TokenBucket(name + " throughput peak", limits.throughputPeakBytesPerSec(),
            depth(limits.throughputPeakBytesPerSec(), peakDepthNs, minDepthBytes), nowNs);
        bytesCredits = limits.hasThroughputBurst() ? new TokenBucket(name + " throughput credits",
            limits.throughputBaselineBytesPerSec(), limits.throughputCreditCapacityBytes(), nowNs) : null;
        gate.ops(ShapingReason.VOLUME, iopsPeak).bytes(ShapingReason.VOLUME, bytesPeak);
        if (iopsCredits != null)
        {
            gate.ops(ShapingReason.VOLUME, iopsCredits);
        }
        if (bytesCredits != null)
        {
            gate.bytes(ShapingReason.VOLUME, bytesCredits);
        }
        this.gate = gate.build();
        this.throttledOps = throttledOps;
        this.throttledBytes = throttledBytes;
    }

    static long depth(final long ratePerSec, final long depthNs, final long minDepth)
    {
        return Math.max(Math.max(1, minDepth), Math.multiplyExact(ratePerSec, depthNs) / 1_000_000_000L);
    }

    public VolumeSpec spec()
    {
        return spec;
    }

    /**
     * Applies a modified spec of the same volume live (EC2 ModifyVolume of IOPS or throughput): the peak buckets
     * take the new rates from {@code nowNs}. Type and size must stay, so the credit buckets (gp2, st1, sc1) do.
     */
    public void apply(final VolumeSpec modified, final long nowNs)
    {
        if (!modified.volumeId().equals(spec.volumeId()) || modified.type() != spec.type()
            || modified.sizeGiB() != spec.sizeGiB())
        {
            throw new IllegalArgumentException("a live modification of " + spec.volumeId() + " may change IOPS and "
                + "throughput only, got " + modified + " for " + spec);
        }
        final VolumeLimits limits = modified.limits();
        iopsPeak.reconfigure(limits.burstIops(), depth(limits.burstIops(), peakDepthNs, minDepthOps), nowNs);
        bytesPeak.reconfigure(limits.throughputPeakBytesPerSec(),
            depth(limits.throughputPeakBytesPerSec(), peakDepthNs, minDepthBytes), nowNs);
        spec = modified;
    }

    /** Operations an I/O of {@code bytes} counts on this volume (see {@code VolumeType.opsFor}). */
    public long opsFor(final long bytes)
    {
        return spec.type().opsFor(bytes);
    }

    public TokenBucket iopsPeakBucket()
    {
        return iopsPeak;
    }

    /** gp2 I/O credit bucket, or null. */
    public TokenBucket iopsCreditBucket()
    {
        return iopsCredits;
    }

    public TokenBucket bytesPeakBucket()
    {
        return bytesPeak;
    }

    /** st1/sc1 throughput credit bucket, or null. */
    public TokenBucket bytesCreditBucket()
    {
        return bytesCredits;
    }

    /**
     * The volume's burst balance (CloudWatch BurstBalance) in parts per million: gp2 I/O credits, st1/sc1
     * throughput credits; 1_000_000 for volumes without a credit bucket.
     */
    public long burstBalancePpm(final long nowNs)
    {
        if (iopsCredits != null)
        {
            return iopsCredits.fillPpm(nowNs);
        }
        if (bytesCredits != null)
        {
            return bytesCredits.fillPpm(nowNs);
        }
        return 1_000_000L;
    }

    public double burstBalancePercent(final long nowNs)
    {
        return burstBalancePpm(nowNs) / 10_000.0;
    }

    /** The gate of the volume's ring: its instance's buckets and its own, counting what they hold. */
    public ShapingGate gate()
    {
        return gate;
    }

    /** Operations of the I/Os the volume's own buckets held back, each counted once. */
    public long throttledOps()
    {
        return throttledOps.get();
    }

    public long throttledBytes()
    {
        return throttledBytes.get();
    }
}
