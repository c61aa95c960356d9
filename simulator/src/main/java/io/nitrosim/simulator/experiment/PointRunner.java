package io.nitrosim.simulator.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.nitrosim.simulator.engine.Simulation;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.TimeSeries;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioLoader;

/**
 * Runs one point: its scenario tree, validated again where it runs, simulated in virtual time in a scratch
 * directory that is removed afterwards. The same tree gives the same results on any member, bit for bit.
 */
public final class PointRunner
{
    private PointRunner()
    {
    }

    /** A point's run: its results (with the derived figures) and its time series. */
    public record PointResult(RunResults results, TimeSeries series)
    {
    }

    /**
     * @param source       how messages name the point.
     * @param scenarioJson the point's scenario tree as JSON (see {@link ExperimentPlan.PlannedPoint}).
     */
    public static PointResult run(final String source, final String scenarioJson)
    {
        final Scenario scenario = ScenarioLoader.fromTree(source, ExperimentPlan.tree(scenarioJson));
        final Path work = createWorkDirectory("nitro-sim-point");
        try (Simulation simulation = Simulation.prepare(scenario, work))
        {
            final RunResults results = simulation.run(null);
            return new PointResult(results, simulation.timeSeries());
        }
        finally
        {
            deleteQuietly(work);
        }
    }

    static Path createWorkDirectory(final String prefix)
    {
        try
        {
            return Files.createTempDirectory(prefix);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static void deleteQuietly(final Path dir)
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException ex)
        {
            // a scratch directory left behind is harmless
        }
    }
}
