package io.nitrosim.simulator.results;

import java.util.Objects;

/**
 * One EBS volume.
 *
 * @param name                     the scenario's name for it.
 * @param id                       vol-... id.
 * @param instance                 name of the instance it is attached to.
 * @param type                     volume type (gp2, gp3, io1, io2, st1, sc1).
 * @param device                   block-device-mapping name, e.g. /dev/sdf.
 * @param readIops                 achieved average read operations per second.
 * @param writeIops                achieved average write operations per second.
 * @param readMBps                 achieved average read bandwidth, MiB/s.
 * @param writeMBps                achieved average write bandwidth, MiB/s.
 * @param capIops                  the volume's IOPS cap (its burst cap for gp2 below 1 TiB).
 * @param capMBps                  the volume's throughput cap, MiB/s.
 * @param latency                  completion latency over all I/O of the volume.
 * @param throttledOps             operations delayed by the volume cap.
 * @param throttledBytes           bytes delayed by the volume cap.
 * @param finalBurstBalancePercent BurstBalance at the end (100 for types without a burst bucket).
 */
public record VolumeResult(
    String name,
    String id,
    String instance,
    String type,
    String device,
    double readIops,
    double writeIops,
    double readMBps,
    double writeMBps,
    double capIops,
    double capMBps,
    LatencySummary latency,
    long throttledOps,
    long throttledBytes,
    double finalBurstBalancePercent)
{
    public VolumeResult
    {
        Checks.text("name", name);
        Checks.text("id", id);
        Checks.text("instance", instance);
        Checks.text("type", type);
        Checks.text("device", device);
        Checks.nonNegative("readIops", readIops);
        Checks.nonNegative("writeIops", writeIops);
        Checks.nonNegative("readMBps", readMBps);
        Checks.nonNegative("writeMBps", writeMBps);
        Checks.nonNegative("capIops", capIops);
        Checks.nonNegative("capMBps", capMBps);
        Objects.requireNonNull(latency, "latency must not be null");
        Checks.nonNegative("throttledOps", throttledOps);
        Checks.nonNegative("throttledBytes", throttledBytes);
        Checks.percent("finalBurstBalancePercent", finalBurstBalancePercent);
    }
}
