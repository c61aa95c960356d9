package io.nitrosim.ebs.fio;

/**
 * Results of one fio job clone, or the total of all ({@code name} "total"). Rates are over {@code runtimeNs}, from
 * the first submission to the last completion. Latencies are submission to completion reap, in ns
 * (HdrHistogram, 3 significant digits).
 */
public record FioResult(
    String name,
    long readOps,
    long writeOps,
    long readBytes,
    long writeBytes,
    long errors,
    long verifyErrors,
    long verifiedBlocks,
    long runtimeNs,
    long p50Ns,
    long p99Ns,
    long p999Ns,
    long maxNs,
    double meanNs)
{
    public long ops()
    {
        return readOps + writeOps;
    }

    public long bytes()
    {
        return readBytes + writeBytes;
    }

    public double iops()
    {
        return runtimeNs <= 0 ? 0 : ops() * 1e9 / runtimeNs;
    }

    /** MiB/s (2^20 bytes per second), as fio reports. */
    public double bandwidthMiBps()
    {
        return runtimeNs <= 0 ? 0 : bytes() * 1e9 / runtimeNs / (1 << 20);
    }

    /** Megabits per second (10^6 bits), as AWS quotes EBS bandwidth. */
    public double bandwidthMbps()
    {
        return runtimeNs <= 0 ? 0 : bytes() * 8e3 / runtimeNs;
    }

    @Override
    public String toString()
    {
        return String.format(java.util.Locale.ROOT,
            "%s: read=%d write=%d ops, %.1f IOPS, %.2f MiB/s (%.1f Mbps), lat p50=%.1fus p99=%.1fus p99.9=%.1fus "
                + "max=%.1fus, errors=%d, verify errors=%d/%d blocks, runtime=%.3fs",
            name, readOps, writeOps, iops(), bandwidthMiBps(), bandwidthMbps(), p50Ns / 1e3, p99Ns / 1e3, p999Ns / 1e3,
            maxNs / 1e3, errors, verifyErrors, verifiedBlocks, runtimeNs / 1e9);
    }
}
