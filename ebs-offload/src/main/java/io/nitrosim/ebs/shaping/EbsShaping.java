package io.nitrosim.ebs.shaping;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.ebs.volume.VolumeId;
import io.nitrosim.ebs.volume.VolumeSpec;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.shaping.BurstableLimit;
import io.nitrosim.shaping.ShapingGate;
import io.nitrosim.shaping.TokenBucket;

/**
 * EBS shaping of one instance (DESIGN.md section 5): the instance's EBS bytes and IOPS limits, shared by all of
 * its volumes, and each volume's own limits on top.
 * <p>
 * Instance limits are {@link BurstableLimit}s: a peak bucket (depth {@code peakDepthNs} of peak) and, for
 * "up to" types, a credit bucket of {@code (peak - baseline) x burstSeconds} refilled at the baseline, full at
 * launch. Their fill levels are the CloudWatch EBSIOBalance% and EBSByteBalance% equivalents. Per-volume limits
 * are in {@link VolumeShaping}.
 * <p>
 * Gates for a volume: {@link #gateFor} (a {@link ShapingGate} with the volume type's op unit: a record of B
 * bytes counts ceil(B / unit) ops, at least one) and {@link #ioGateFor} (an {@link EbsIoGate}: AWS op counting per I/O). Instance IOPS are charged
 * the same operation count as the volume's (256 KiB units on SSD volumes, 1 MiB on st1/sc1).
 * <p>
 * All buckets belong to the one agent that serves this instance's volumes (DESIGN.md section 10).
 */
public final class EbsShaping
{
    private final EbsInstanceCaps caps;
    private final long peakDepthNs;
    private final long minPeakDepthBytes;
    private final long minPeakDepthOps;
    private final CounterRegistry registry;
    private final MetricTags tags;
    private final BurstableLimit bytes;
    private final BurstableLimit iops;
    private final List<VolumeShaping> volumes = new ArrayList<>();

    private EbsShaping(final Context ctx)
    {
        this.caps = ctx.caps;
        this.peakDepthNs = ctx.peakDepthNs;
        this.minPeakDepthBytes = ctx.minPeakDepthBytes;
        this.minPeakDepthOps = ctx.minPeakDepthOps;
        this.registry = ctx.registry;
        this.tags = ctx.tags;
        bytes = BurstableLimit.of("ebs bytes", caps.peakBytesPerSec(), caps.baselineBytesPerSec(),
            caps.burstSeconds(), peakDepthNs, minPeakDepthBytes, ctx.nowNs);
        iops = BurstableLimit.of("ebs iops", caps.peakIops(), caps.baselineIops(),
            caps.burstSeconds(), peakDepthNs, minPeakDepthOps, ctx.nowNs);
    }

    public static Context context(final EbsInstanceCaps caps)
    {
        return new Context(caps);
    }

    public EbsInstanceCaps caps()
    {
        return caps;
    }

    /** Instance EBS throughput limit (shared by all volumes). */
    public BurstableLimit instanceBytes()
    {
        return bytes;
    }

    /** Instance EBS IOPS limit (shared by all volumes). */
    public BurstableLimit instanceIops()
    {
        return iops;
    }

    /** Adds a volume's own buckets (created full at {@code nowNs}). A volume id may be added once. */
    public VolumeShaping addVolume(final VolumeSpec spec, final long nowNs)
    {
        if (volume(spec.volumeId()) != null)
        {
            throw new IllegalArgumentException("volume " + spec.volumeId() + " is already shaped on this instance");
        }
        final MetricTags volumeTags = tags.and("volume", spec.volumeId().toString());
        final VolumeShaping volume = new VolumeShaping(spec, peakDepthNs, minPeakDepthBytes, minPeakDepthOps, nowNs,
            counter("ebs.throttled.ops", volumeTags), counter("ebs.throttled.bytes", volumeTags));
        volumes.add(volume);
        return volume;
    }

    /** Forgets a detached volume; its gates must no longer be used. @return whether it was present. */
    public boolean removeVolume(final VolumeId volumeId)
    {
        return volumes.removeIf(v -> v.spec().volumeId().equals(volumeId));
    }

    public VolumeShaping volume(final VolumeId volumeId)
    {
        for (final VolumeShaping v : volumes)
        {
            if (v.spec().volumeId().equals(volumeId))
            {
                return v;
            }
        }
        return null;
    }

    /** Volumes in the order they were added. */
    public List<VolumeShaping> volumes()
    {
        return Collections.unmodifiableList(volumes);
    }

    /**
     * Instance buckets + the volume's buckets as a {@link ShapingGate} for the volume's shaped ring, counting
     * IOPS the AWS way: a record of B bytes is ceil(B / unit) operations with the volume type's I/O unit
     * (256 KiB SSD, 1 MiB HDD), at least one.
     */
    public ShapingGate gateFor(final VolumeShaping volume)
    {
        final List<TokenBucket> byteBuckets = new ArrayList<>();
        final List<TokenBucket> opBuckets = new ArrayList<>();
        collect(volume, byteBuckets, opBuckets);
        final ShapingGate.Builder builder = ShapingGate.builder().opUnitBytes(volume.spec().type().ioUnitBytes());
        byteBuckets.forEach(builder::bytes);
        opBuckets.forEach(builder::ops);
        return builder.build();
    }

    /** Instance buckets + the volume's buckets charging AWS's op count per I/O. */
    public EbsIoGate ioGateFor(final VolumeShaping volume)
    {
        final List<TokenBucket> byteBuckets = new ArrayList<>();
        final List<TokenBucket> opBuckets = new ArrayList<>();
        collect(volume, byteBuckets, opBuckets);
        return new EbsIoGate(volume.spec().type(),
            byteBuckets.toArray(new TokenBucket[0]), opBuckets.toArray(new TokenBucket[0]));
    }

    private void collect(final VolumeShaping volume, final List<TokenBucket> byteBuckets, final List<TokenBucket> opBuckets)
    {
        if (!volumes.contains(volume))
        {
            throw new IllegalArgumentException("volume " + volume.spec().volumeId() + " is not shaped on this instance");
        }
        add(bytes, byteBuckets);
        add(iops, opBuckets);
        volume.addTo(byteBuckets, opBuckets);
    }

    private static void add(final BurstableLimit limit, final List<TokenBucket> buckets)
    {
        buckets.add(limit.peakBucket());
        if (limit.hasCredits())
        {
            buckets.add(limit.creditBucket());
        }
    }

    /** EBSIOBalance% equivalent in parts per million (1_000_000 = full; fixed caps are always full). */
    public long ioBalancePpm(final long nowNs)
    {
        return iops.creditBalancePpm(nowNs);
    }

    /** EBSByteBalance% equivalent in parts per million. */
    public long byteBalancePpm(final long nowNs)
    {
        return bytes.creditBalancePpm(nowNs);
    }

    public double ioBalancePercent(final long nowNs)
    {
        return ioBalancePpm(nowNs) / 10_000.0;
    }

    public double byteBalancePercent(final long nowNs)
    {
        return byteBalancePpm(nowNs) / 10_000.0;
    }

    private AtomicCounter counter(final String name, final MetricTags counterTags)
    {
        return registry == null ? CounterRegistry.unregistered() : registry.counter(name, counterTags);
    }

    /** Configuration of one instance's EBS shaping, validated in {@link #build()}. */
    public static final class Context
    {
        public static final long DEFAULT_PEAK_DEPTH_NS = 5_000_000L;
        public static final long DEFAULT_MIN_PEAK_DEPTH_BYTES = 1024 * 1024;
        public static final long DEFAULT_MIN_PEAK_DEPTH_OPS = 4;

        private final EbsInstanceCaps caps;
        private long peakDepthNs = DEFAULT_PEAK_DEPTH_NS;
        private long minPeakDepthBytes = DEFAULT_MIN_PEAK_DEPTH_BYTES;
        private long minPeakDepthOps = DEFAULT_MIN_PEAK_DEPTH_OPS;
        private long nowNs;
        private CounterRegistry registry;
        private MetricTags tags = MetricTags.EMPTY;

        private Context(final EbsInstanceCaps caps)
        {
            this.caps = caps;
        }

        /** Depth of every peak bucket as time at its peak rate (bounds micro-bursts); default 5 ms. */
        public Context peakDepthNs(final long peakDepthNs)
        {
            this.peakDepthNs = peakDepthNs;
            return this;
        }

        /** Lower bound on byte peak depths, so one maximum I/O fits; default 1 MiB. */
        public Context minPeakDepthBytes(final long minPeakDepthBytes)
        {
            this.minPeakDepthBytes = minPeakDepthBytes;
            return this;
        }

        /** Lower bound on op peak depths; default 4 (a 1 MiB I/O on an SSD volume). */
        public Context minPeakDepthOps(final long minPeakDepthOps)
        {
            this.minPeakDepthOps = minPeakDepthOps;
            return this;
        }

        /** Launch time: every bucket starts full then. */
        public Context nowNs(final long nowNs)
        {
            this.nowNs = nowNs;
            return this;
        }

        /** Where throttle counters are registered (ebs.throttled.ops / ebs.throttled.bytes, tag volume). */
        public Context counters(final CounterRegistry registry, final MetricTags tags)
        {
            this.registry = registry;
            this.tags = tags == null ? MetricTags.EMPTY : tags;
            return this;
        }

        public EbsShaping build()
        {
            if (caps == null)
            {
                throw new IllegalArgumentException("EBS shaping needs the instance caps, got none");
            }
            if (peakDepthNs < 1_000L || peakDepthNs > 1_000_000_000L)
            {
                throw new IllegalArgumentException(
                    "EBS peak depth " + peakDepthNs + " ns is out of range: accepted 1000..1000000000 ns");
            }
            if (minPeakDepthBytes < 1 || minPeakDepthBytes > (1L << 30))
            {
                throw new IllegalArgumentException("EBS minimum peak depth " + minPeakDepthBytes
                    + " B is out of range: accepted 1.." + (1L << 30) + " B");
            }
            if (minPeakDepthOps < 1 || minPeakDepthOps > 1_000_000)
            {
                throw new IllegalArgumentException(
                    "EBS minimum peak depth " + minPeakDepthOps + " ops is out of range: accepted 1..1000000");
            }
            return new EbsShaping(this);
        }
    }
}
