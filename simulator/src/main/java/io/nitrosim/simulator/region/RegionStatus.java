package io.nitrosim.simulator.region;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of the region for /status: its state, simulated time, how far the runtime lags the wall clock (at
 * its latest time jump, and the most since it started), the hosts' free capacity and the instances by EC2 state.
 */
public record RegionStatus(String state, double simulatedSeconds, double lagMs, double maxLagMs, long commandsRun,
    List<HostStatus> hosts, Map<String, Integer> instancesByState, String lastTimerFailure)
{
    public record HostStatus(int index, int threads, int freeThreads, long freeMemoryGiB, int instances)
    {
    }
}
