package io.nitrosim.simulator.results;

import java.util.Objects;

/**
 * One fio-like job.
 *
 * @param workload       the workload it belongs to.
 * @param job            its name within the workload.
 * @param instance       the instance it ran on.
 * @param volume         the volume it drove.
 * @param rw             fio's rw mode (read, write, randread, randwrite, rw, randrw).
 * @param blockSizeBytes I/O size.
 * @param iodepth        I/Os kept in flight.
 * @param iops           achieved operations per second.
 * @param bandwidthMBps  achieved bandwidth, MiB/s.
 * @param latency        completion latency.
 * @param verifyErrors   blocks whose read-back did not match what was written (payload mode only).
 */
public record FioJobResult(
    String workload,
    String job,
    String instance,
    String volume,
    String rw,
    int blockSizeBytes,
    int iodepth,
    double iops,
    double bandwidthMBps,
    LatencySummary latency,
    long verifyErrors)
{
    public FioJobResult
    {
        Checks.text("workload", workload);
        Checks.text("job", job);
        Checks.text("instance", instance);
        Checks.text("volume", volume);
        Checks.text("rw", rw);
        Checks.nonNegative("blockSizeBytes", blockSizeBytes);
        Checks.nonNegative("iodepth", iodepth);
        Checks.nonNegative("iops", iops);
        Checks.nonNegative("bandwidthMBps", bandwidthMBps);
        Objects.requireNonNull(latency, "latency must not be null");
        Checks.nonNegative("verifyErrors", verifyErrors);
    }
}
