package io.nitrosim.simulator.serve;

import java.util.List;

/**
 * A ready-made /status body (any Jackson-serializable object will do).
 *
 * @param scenario         scenario name.
 * @param state            e.g. starting, running, finished, failed.
 * @param simulatedSeconds simulated time reached.
 * @param durationSeconds  the scenario's simulated duration.
 * @param instances        current per-instance rates (the latest time-series sample).
 */
public record RunStatus(
    String scenario,
    String state,
    double simulatedSeconds,
    double durationSeconds,
    List<InstanceStatus> instances)
{
    public RunStatus
    {
        instances = instances == null ? List.of() : List.copyOf(instances);
    }

    /**
     * Current rates of one instance.
     *
     * @param name       instance name.
     * @param type       instance type.
     * @param netInGbps  inbound throughput.
     * @param netOutGbps outbound throughput.
     * @param ebsMbps    EBS bandwidth.
     * @param ebsIops    EBS operations per second.
     */
    public record InstanceStatus(
        String name, String type, double netInGbps, double netOutGbps, double ebsMbps, double ebsIops)
    {
    }
}
