package io.nitrosim.time;

import java.util.List;

/**
 * How a real-time run kept pace with the wall clock (see {@link PacedRuntime}).
 *
 * @param simulatedNs simulated time reached.
 * @param wallNs      wall time since the run started, at the latest measurement.
 * @param maxLagNs    the largest lag measured: wall time minus the simulated time whose work was complete.
 * @param behindNs    wall time spent more than {@link PacedRuntime#BEHIND_THRESHOLD_NS} behind.
 * @param parkedNs    wall time the runtime's thread spent waiting for the wall clock.
 * @param agents      every agent the run had, with the wall time each spent working: those still in the runtime
 *                    in the order they joined, then those that left in the order they left (see
 *                    {@link PacedRuntime#MAX_LEFT_REPORTED}).
 */
public record PaceReport(
    long simulatedNs, long wallNs, long maxLagNs, long behindNs, long parkedNs, List<AgentLoad> agents)
{
    public PaceReport
    {
        agents = List.copyOf(agents);
    }

    /** One agent's share of the thread. */
    public record AgentLoad(String roleName, long busyNs)
    {
    }

    /** Simulated seconds per wall second: 1 when the run kept pace, below 1 when it fell behind. */
    public double realTimeFactor()
    {
        return wallNs <= 0 ? 1.0 : (double)simulatedNs / wallNs;
    }

    /** The agent that spent the most wall time working (the first such on a tie), or null without agents. */
    public AgentLoad busiest()
    {
        AgentLoad busiest = null;
        for (final AgentLoad a : agents)
        {
            if (busiest == null || a.busyNs() > busiest.busyNs())
            {
                busiest = a;
            }
        }
        return busiest;
    }
}
