package io.nitrosim.simulator.results;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How a real-time run kept pace with the wall clock; virtual runs have none. Every figure is measured on the
 * wall clock, so two runs of one scenario differ in all of them.
 *
 * @param maxLagMs          the largest lag: wall time since the start minus the simulated time whose work was done.
 * @param timeBehindSeconds wall time spent more than 1 ms behind.
 * @param realTimeFactor    simulated seconds per wall second (1 when the run kept pace).
 * @param allowedLagMs      how far the run may fall behind and pass (the scenario's {@code allowedLag}); absent
 *                          when any lag is allowed.
 * @param keptPace          whether {@code maxLagMs} stayed within {@code allowedLagMs}.
 * @param threadBusyPercent share of the wall time the simulation's thread worked rather than waited for the wall
 *                          clock (the workers' mean in a concurrent run): near 100 means the run is as fast as
 *                          this machine goes.
 * @param busiestAgents     the agents (in a concurrent run, the ownership groups) that worked most, busiest first
 *                          (at most {@value #BUSIEST_SHOWN}).
 */
public record RealTimeResult(
    double maxLagMs,
    double timeBehindSeconds,
    double realTimeFactor,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double allowedLagMs,
    boolean keptPace,
    double threadBusyPercent,
    List<AgentBusy> busiestAgents)
{
    public static final int BUSIEST_SHOWN = 5;

    public RealTimeResult
    {
        Checks.nonNegative("maxLagMs", maxLagMs);
        Checks.nonNegative("timeBehindSeconds", timeBehindSeconds);
        Checks.nonNegative("realTimeFactor", realTimeFactor);
        if (allowedLagMs != null)
        {
            Checks.nonNegative("allowedLagMs", allowedLagMs);
        }
        Checks.percent("threadBusyPercent", threadBusyPercent);
        busiestAgents = Checks.list("busiestAgents", busiestAgents);
    }

    /**
     * One agent's work as a share of the run's wall time.
     *
     * @param agent       the agent's role name, with the scenario's instance name where it has one.
     * @param busyPercent wall time spent in its {@code doWork} calls that did work, in percent of the run's.
     */
    public record AgentBusy(String agent, double busyPercent)
    {
        public AgentBusy
        {
            Checks.text("agent", agent);
            Checks.percent("busyPercent", busyPercent);
        }
    }

    /** The busiest agent, or null when none worked. */
    public AgentBusy busiest()
    {
        return busiestAgents.isEmpty() ? null : busiestAgents.get(0);
    }
}
