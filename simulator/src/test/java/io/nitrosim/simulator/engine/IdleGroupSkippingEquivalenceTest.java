package io.nitrosim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.TimeSeries;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioLoader;

/**
 * Skipping idle ownership groups changes how often agents are called, never what they do: a run that calls every
 * agent in every pass gives the same results and time series. Checked on the example with the most paths between
 * groups: two instances on one host, NVMe and ENA function resets, a volume hot-unplugged and plugged back (its
 * function joins the instance's group again), a storage restart and fabric corruption.
 */
class IdleGroupSkippingEquivalenceTest
{
    @TempDir
    Path work;

    private record Outcome(RunResults results, TimeSeries series)
    {
    }

    private Outcome run(final Scenario scenario, final boolean skipIdleGroups, final String dir)
    {
        try (Simulation simulation = Simulation.prepare(scenario, work.resolve(dir)))
        {
            if (!skipIdleGroups)
            {
                simulation.callEveryAgentEveryPass();
            }
            final RunResults results = simulation.run(null);
            return new Outcome(results, simulation.timeSeries());
        }
    }

    @Test
    void shouldGiveTheSameResultsWhetherIdleGroupsAreSkippedOrNot() throws Exception
    {
        final Scenario scenario = ScenarioLoader.load(Path.of("..", "examples", "device-faults.yaml"));

        final Outcome skipping = run(scenario, true, "skipping");
        final Outcome everyPass = run(scenario, false, "every-pass");

        assertEquals(withoutWallTime(everyPass.results()), withoutWallTime(skipping.results()));
        final TimeSeries expected = everyPass.series();
        final TimeSeries actual = skipping.series();
        assertEquals(expected.columns(), actual.columns());
        assertArrayEquals(expected.timesNs(), actual.timesNs());
        for (int c = 0; c < expected.columns().size(); c++)
        {
            final String key = expected.columns().get(c).key();
            assertArrayEquals(expected.values(key), actual.values(key), key);
        }
    }

    private static RunResults withoutWallTime(final RunResults r)
    {
        return new RunResults(r.scenario(), r.seed(), r.clockMode(), r.payloadMode(), r.simulatedSeconds(), 0,
            r.realTime(), r.instances(), r.volumes(), r.streams(), r.fioJobs(), r.expectations(), r.derived(),
            r.faults());
    }
}
