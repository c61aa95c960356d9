package io.nitrosim.simulator.results;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Everything a run produced: what results.json holds and what the report and the console table show.
 *
 * @param scenario         scenario name.
 * @param seed             the scenario's seed.
 * @param clockMode        virtual or real.
 * @param payloadMode      how payloads were carried (e.g. full or timing-only).
 * @param simulatedSeconds simulated time covered.
 * @param wallSeconds      wall time the run took (with {@code realTime}, the only non-deterministic figures).
 * @param realTime         how a real-time run kept pace with the wall clock; null (absent from results.json) for a
 *                         virtual run.
 * @param instances        instances in scenario order.
 * @param volumes          volumes in scenario order.
 * @param streams          iperf-like streams.
 * @param fioJobs          fio-like jobs.
 * @param expectations     the scenario's expectations in scenario order.
 * @param derived          figures derived from the time series: per instance and volume quantity that carried
 *                         traffic, the burst it held, its duration, the baseline after it, the credit drain.
 * @param faults           the scenario's injected faults in scenario order, with what they did and the recovery
 *                         measured; absent from results.json when the scenario injects none.
 */
public record RunResults(
    String scenario,
    long seed,
    String clockMode,
    String payloadMode,
    double simulatedSeconds,
    double wallSeconds,
    @JsonInclude(JsonInclude.Include.NON_NULL) RealTimeResult realTime,
    List<InstanceResult> instances,
    List<VolumeResult> volumes,
    List<StreamResult> streams,
    List<FioJobResult> fioJobs,
    List<ExpectationResult> expectations,
    List<BurstFigures> derived,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<FaultResult> faults)
{
    public RunResults
    {
        Checks.text("scenario", scenario);
        Checks.text("clockMode", clockMode);
        Checks.text("payloadMode", payloadMode);
        Checks.nonNegative("simulatedSeconds", simulatedSeconds);
        Checks.nonNegative("wallSeconds", wallSeconds);
        instances = Checks.list("instances", instances);
        volumes = Checks.list("volumes", volumes);
        streams = Checks.list("streams", streams);
        fioJobs = Checks.list("fioJobs", fioJobs);
        expectations = Checks.list("expectations", expectations);
        derived = Checks.list("derived", derived);
        faults = Checks.list("faults", faults);
    }

    /** Results of a virtual run (no real-time figures), without derived figures. */
    public RunResults(
        final String scenario, final long seed, final String clockMode, final String payloadMode,
        final double simulatedSeconds, final double wallSeconds, final List<InstanceResult> instances,
        final List<VolumeResult> volumes, final List<StreamResult> streams, final List<FioJobResult> fioJobs,
        final List<ExpectationResult> expectations)
    {
        this(scenario, seed, clockMode, payloadMode, simulatedSeconds, wallSeconds, null, instances, volumes, streams,
            fioJobs, expectations, List.of(), List.of());
    }

    /** Results without derived figures. */
    public RunResults(
        final String scenario, final long seed, final String clockMode, final String payloadMode,
        final double simulatedSeconds, final double wallSeconds, final RealTimeResult realTime,
        final List<InstanceResult> instances, final List<VolumeResult> volumes, final List<StreamResult> streams,
        final List<FioJobResult> fioJobs, final List<ExpectationResult> expectations)
    {
        this(scenario, seed, clockMode, payloadMode, simulatedSeconds, wallSeconds, realTime, instances, volumes,
            streams, fioJobs, expectations, List.of(), List.of());
    }

    /** These results with the derived figures and expectation outcomes given. */
    public RunResults with(final List<ExpectationResult> expectations, final List<BurstFigures> derived)
    {
        return new RunResults(scenario, seed, clockMode, payloadMode, simulatedSeconds, wallSeconds, realTime,
            instances, volumes, streams, fioJobs, expectations, derived, faults);
    }

    /**
     * Whether the run passed: every expectation held and, in real time, the run kept pace with the wall clock
     * (exit code 0 rather than 3).
     */
    public boolean passed()
    {
        return expectationsPassed() && (realTime == null || realTime.keptPace());
    }

    /** Whether every expectation held (true when there are none): exit code 0 rather than 3. */
    public boolean expectationsPassed()
    {
        for (final ExpectationResult e : expectations)
        {
            if (!e.passed())
            {
                return false;
            }
        }
        return true;
    }

    /** The number of expectations that failed. */
    public int failedExpectations()
    {
        int failed = 0;
        for (final ExpectationResult e : expectations)
        {
            if (!e.passed())
            {
                failed++;
            }
        }
        return failed;
    }
}
