package io.nitrosim.ebs.volume;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How long the storage service takes to complete one I/O of a volume type, in simulated nanoseconds.
 * <p>
 * {@code latency = base + ceil(bytes * 1e9 / transferBytesPerSec)}, where base is {@code sequentialBaseNs} when
 * the I/O starts where the previous one of that volume ended (HDD types: no seek) and {@code baseNs} otherwise;
 * a transfer rate of 0 means no size-dependent term. An optional jitter adds a uniform
 * {@code [-jitterPpm, +jitterPpm]} millionths of the latency, drawn from the seeded random given to the timer,
 * so runs stay deterministic.
 * <p>
 * The latency bounds throughput through Little's law: a guest keeping {@code QD} I/Os in flight gets at most
 * {@code QD / latency} IOPS, and the volume and instance buckets cap it further. Defaults: gp2/gp3 0.5 ms,
 * io1/io2 0.25 ms (AWS: "single-digit millisecond" for gp, "sub-millisecond" for io2), st1 5 ms random /
 * 0.5 ms sequential plus transfer at 500 MiB/s, sc1 10 ms / 1 ms plus transfer at 250 MiB/s.
 */
public final class ServiceLatencyModel
{
    /** Latency parameters of one volume type. */
    public record Profile(long baseNs, long sequentialBaseNs, long transferBytesPerSec, int jitterPpm)
    {
        public static final long MAX_BASE_NS = 10_000_000_000L;
        public static final int MAX_JITTER_PPM = 500_000;

        public Profile
        {
            if (baseNs < 0 || baseNs > MAX_BASE_NS)
            {
                throw new IllegalArgumentException(
                    "service latency base " + baseNs + " ns is out of range: accepted 0.." + MAX_BASE_NS + " ns");
            }
            if (sequentialBaseNs < 0 || sequentialBaseNs > MAX_BASE_NS)
            {
                throw new IllegalArgumentException("service latency sequential base " + sequentialBaseNs
                    + " ns is out of range: accepted 0.." + MAX_BASE_NS + " ns");
            }
            if (transferBytesPerSec < 0)
            {
                throw new IllegalArgumentException("service transfer rate " + transferBytesPerSec
                    + " B/s is out of range: accepted 0 (none) or more");
            }
            if (jitterPpm < 0 || jitterPpm > MAX_JITTER_PPM)
            {
                throw new IllegalArgumentException(
                    "service latency jitter " + jitterPpm + " ppm is out of range: accepted 0.." + MAX_JITTER_PPM);
            }
        }

        /** A fixed latency with no size term, no sequential discount and no jitter. */
        public static Profile fixed(final long latencyNs)
        {
            return new Profile(latencyNs, latencyNs, 0, 0);
        }

        public Profile withJitterPpm(final int ppm)
        {
            return new Profile(baseNs, sequentialBaseNs, transferBytesPerSec, ppm);
        }
    }

    private final EnumMap<VolumeType, Profile> profiles;

    private ServiceLatencyModel(final EnumMap<VolumeType, Profile> profiles)
    {
        this.profiles = profiles;
    }

    /** The documented defaults, no jitter. */
    public static ServiceLatencyModel defaults()
    {
        return builder().build();
    }

    public static Builder builder()
    {
        return new Builder();
    }

    public Profile profile(final VolumeType type)
    {
        return profiles.get(type);
    }

    /** A per-volume timer (it remembers where the last I/O ended) drawing jitter from {@code random}. */
    public VolumeServiceTimer timerFor(final VolumeType type, final SplittableRandom random)
    {
        return new VolumeServiceTimer(profiles.get(type), random);
    }

    /** Per-type overrides on top of the defaults. */
    public static final class Builder
    {
        private final EnumMap<VolumeType, Profile> profiles = new EnumMap<>(VolumeType.class);

        private Builder()
        {
            final Profile gp = Profile.fixed(500_000L);
            final Profile io = Profile.fixed(250_000L);
            profiles.put(VolumeType.GP2, gp);
            profiles.put(VolumeType.GP3, gp);
            profiles.put(VolumeType.IO1, io);
            profiles.put(VolumeType.IO2, io);
            profiles.put(VolumeType.ST1, new Profile(5_000_000L, 500_000L, 500L * VolumeLimits.MIB, 0));
            profiles.put(VolumeType.SC1, new Profile(10_000_000L, 1_000_000L, 250L * VolumeLimits.MIB, 0));
        }

        public Builder profile(final VolumeType type, final Profile profile)
        {
            if (type == null || profile == null)
            {
                throw new IllegalArgumentException("service latency profile needs a volume type and a profile, got "
                    + type + " / " + profile);
            }
            profiles.put(type, profile);
            return this;
        }

        /** Applies the same jitter to every type. */
        public Builder jitterPpm(final int ppm)
        {
            for (final Map.Entry<VolumeType, Profile> e : profiles.entrySet())
            {
                e.setValue(e.getValue().withJitterPpm(ppm));
            }
            return this;
        }

        public ServiceLatencyModel build()
        {
            return new ServiceLatencyModel(new EnumMap<>(profiles));
        }
    }
}
