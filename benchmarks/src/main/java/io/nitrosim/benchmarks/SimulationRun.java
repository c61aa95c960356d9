package io.nitrosim.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.nitrosim.simulator.engine.Simulation;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioLoader;

/** A simulation prepared in a temporary work directory for one benchmark iteration, removed with it. */
final class SimulationRun implements AutoCloseable
{
    private final Path work;
    private final Simulation simulation;

    private SimulationRun(final Path work, final Simulation simulation)
    {
        this.work = work;
        this.simulation = simulation;
    }

    /** Checks the JVM flags and assembles the scenario (not timed by the benchmarks). */
    static SimulationRun prepare(final Scenario scenario) throws IOException
    {
        JvmFlagsCheck.requireProjectJvmFlags();
        final Path work = Files.createTempDirectory("nitro-sim-bench");
        return new SimulationRun(work, Simulation.prepare(scenario, work));
    }

    /** A benchmark's scenario from its YAML text (a mistake in it is the benchmark's bug: unchecked). */
    static Scenario scenario(final String name, final String yaml)
    {
        try
        {
            return ScenarioLoader.parse(name, new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), false);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    Simulation simulation()
    {
        return simulation;
    }

    @Override
    public void close() throws IOException
    {
        simulation.close();
        try (Stream<Path> paths = Files.walk(work))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
