package io.nitrosim.simulator.trace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import io.nitrosim.simulator.engine.Simulation;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioBuilder;

/** Small traced runs for the trace tests: two instances streaming to each other, one writing to a volume. */
final class TracedRuns
{
    private TracedRuns()
    {
    }

    /** Two c5.large, an iperf stream a -> b and fio writes on a's gp3 volume, for {@code duration}. */
    static Scenario scenario(final String duration, final long seed, final List<String> events,
        final List<String> functions)
    {
        return ScenarioBuilder.named("traced").duration(duration).seed(seed).sampleInterval("10ms")
            .instance("a", "c5.large").instance("b", "c5.large")
            .volume("a", "data", "gp3", 100, 0, 0)
            .iperf("stream", "a", "b", 1)
            .fio("writes", "data", "write", "256k", 4)
            .trace(events, functions)
            .build();
    }

    /** Runs the scenario, recording its trace into {@code traceDir}. */
    static Simulation run(final Scenario scenario, final Path work, final Path traceDir) throws IOException
    {
        try (Simulation simulation = Simulation.prepare(scenario, work, traceDir))
        {
            simulation.run(null);
            return simulation;
        }
    }
}
