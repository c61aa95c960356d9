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
import io.nitrosim.shaping.ShapingReason;
import io.nitrosim.shaping.ThrottleCounters;

/**
 * EBS shaping of one instance: the instance's EBS bytes and IOPS limits, shared by all of
 * its volumes, and each volume's own limits on top.
 * <p>
 * Instance limits are {@link BurstableLimit}s: a peak bucket (depth {@code peakDepthNs} of peak) and, for
 * "up to" types, a credit bucket of {@code (peak - baseline) x burstSeconds} refilled at the baseline, full at
 * launch. Their fill levels are the CloudWatch EBSIOBalance% and EBSByteBalance% equivalents. Per-volume limits
 * are in {@link VolumeShaping}.
 * <p>
 * Each volume gets one {@link ShapingGate} ({@link #gateFor}): the instance's bytes bucket(s) as
 * {@link ShapingReason#INSTANCE_BANDWIDTH}, its IOPS bucket(s) as {@link ShapingReason#INSTANCE_OPS}, the volume's
 * own as {@link ShapingReason#VOLUME}, counting operations the AWS way with the volume type's I/O unit (an I/O of B
 * bytes is ceil(B / unit) operations, at least one: 256 KiB units on SSD volumes, 1 MiB on st1/sc1, and a read or
 * write contiguous with the one before it merges into its operation up to the unit, counted by the volume's
 * {@link IoMerge}; the instance's IOPS are charged the same count). What the gate holds is counted by reason: an I/O held by an instance bucket
 * once in {@code ebs.instance.throttled.ops/bytes}, one held by the volume's once in the volume's
 * {@code ebs.throttled.ops/bytes}.
 * <p>
 * All buckets belong to the one agent that serves this instance's volumes.
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
    private final AtomicCounter instanceThrottledOps;
    private final AtomicCounter instanceThrottledBytes;
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
        instanceThrottledOps = EbsShapingMeter.INSTANCE_THROTTLED_OPS.newCounter(registry, tags);
        instanceThrottledBytes = EbsShapingMeter.INSTANCE_THROTTLED_BYTES.newCounter(registry, tags);
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

    /**
     * Adds a volume's own buckets (created full at {@code nowNs}) and its gate. A volume id may be added once.
     */
    public VolumeShaping addVolume(final VolumeSpec spec, final long nowNs)
    {
        if (volume(spec.volumeId()) != null)
        {
            throw new IllegalArgumentException("volume " + spec.volumeId() + " is already shaped on this instance");
        }
        final MetricTags volumeTags = tags.and("volume", spec.volumeId().toString());
        final int instanceReasons = ShapingReason.INSTANCE_BANDWIDTH | ShapingReason.INSTANCE_OPS;
        final AtomicCounter throttledOps = EbsShapingMeter.VOLUME_THROTTLED_OPS.newCounter(registry, volumeTags);
        final AtomicCounter throttledBytes = EbsShapingMeter.VOLUME_THROTTLED_BYTES.newCounter(registry, volumeTags);
        final ThrottleCounters counters = ThrottleCounters.builder()
            .ops(instanceReasons, instanceThrottledOps).bytes(instanceReasons, instanceThrottledBytes)
            .ops(ShapingReason.VOLUME, throttledOps).bytes(ShapingReason.VOLUME, throttledBytes)
            .build();
        final ShapingGate.Builder gate = ShapingGate.builder().opUnitBytes(spec.type().ioUnitBytes())
            .bytes(ShapingReason.INSTANCE_BANDWIDTH, bytes).ops(ShapingReason.INSTANCE_OPS, iops).counters(counters);
        final VolumeShaping volume = new VolumeShaping(spec, peakDepthNs, minPeakDepthBytes, minPeakDepthOps, nowNs,
            gate, throttledOps, throttledBytes);
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

    /** The volume's gate: the instance's buckets and the volume's own (see the class comment). */
    public ShapingGate gateFor(final VolumeShaping volume)
    {
        if (!volumes.contains(volume))
        {
            throw new IllegalArgumentException("volume " + volume.spec().volumeId() + " is not shaped on this instance");
        }
        return volume.gate();
    }

    /** Operations of the I/Os an instance bucket held back, each counted once. */
    public long instanceThrottledOps()
    {
        return instanceThrottledOps.get();
    }

    /** Bytes of the I/Os an instance bucket held back, each counted once. */
    public long instanceThrottledBytes()
    {
        return instanceThrottledBytes.get();
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

        /** Where the throttle counters ({@link EbsShapingMeter}) are registered, with these tags (instance). */
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
