package io.nitrosim.simulator.results;

import java.util.Map;

/**
 * One injected fault and what it did (results.json's {@code faults} block).
 *
 * @param kind             the fault kind ("storage-stall").
 * @param target           the scenario name it hit (a volume).
 * @param atSeconds        simulated time it started.
 * @param durationSeconds  how long it lasted.
 * @param parameters       its parameters beside the duration (storage-latency: {@code latencyMs}).
 * @param happened         one line: what the fault did.
 * @param counters         what the devices counted for it (I/O completed, delayed, in flight, failed), named in
 *                         docs/scenarios.md.
 * @param recovery         what {@code recoverySeconds} measures (e.g. "first I/O completed after the fault ended").
 * @param recoverySeconds  from the end of the fault to that event; null when it did not happen before the run ended.
 */
public record FaultResult(
    String kind,
    String target,
    double atSeconds,
    double durationSeconds,
    Map<String, Double> parameters,
    String happened,
    Map<String, Long> counters,
    String recovery,
    Double recoverySeconds)
{
    public FaultResult
    {
        Checks.text("kind", kind);
        Checks.text("target", target);
        Checks.nonNegative("atSeconds", atSeconds);
        Checks.nonNegative("durationSeconds", durationSeconds);
        Checks.text("happened", happened);
        Checks.text("recovery", recovery);
        parameters = parameters == null ? Map.of() : parameters;
        counters = counters == null ? Map.of() : counters;
    }

    /** Whether the recovery event happened before the run ended. */
    public boolean recovered()
    {
        return recoverySeconds != null;
    }
}
