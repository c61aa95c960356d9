package io.nitrosim.ebs.volume;

import java.util.SplittableRandom;

/**
 * Service time of one volume's I/Os per {@link ServiceLatencyModel}. Owned by the agent serving the volume;
 * allocation-free.
 */
public final class VolumeServiceTimer
{
    private static final long NANOS_PER_SEC = 1_000_000_000L;

    private final ServiceLatencyModel.Profile profile;
    private final SplittableRandom random;
    private long lastEndOffset = -1;

    VolumeServiceTimer(final ServiceLatencyModel.Profile profile, final SplittableRandom random)
    {
        this.profile = profile;
        this.random = random;
    }

    public ServiceLatencyModel.Profile profile()
    {
        return profile;
    }

    /**
     * Service time of an I/O of {@code lengthBytes} at {@code offsetBytes} (use length 0 for flush), and
     * remembers where it ended for the sequential discount.
     */
    public long serviceNs(final long offsetBytes, final long lengthBytes)
    {
        final boolean sequential = offsetBytes == lastEndOffset;
        lastEndOffset = offsetBytes + lengthBytes;
        long latencyNs = sequential ? profile.sequentialBaseNs() : profile.baseNs();
        final long rate = profile.transferBytesPerSec();
        if (rate > 0 && lengthBytes > 0)
        {
            latencyNs += ceilDiv(Math.multiplyExact(lengthBytes, NANOS_PER_SEC), rate);
        }
        final int jitterPpm = profile.jitterPpm();
        if (jitterPpm > 0 && random != null)
        {
            final long spread = latencyNs / 1_000_000L * jitterPpm + (latencyNs % 1_000_000L) * jitterPpm / 1_000_000L;
            latencyNs += spread == 0 ? 0 : random.nextLong(-spread, spread + 1);
        }
        return Math.max(0, latencyNs);
    }

    private static long ceilDiv(final long a, final long b)
    {
        return (a + b - 1) / b;
    }
}
