package io.nitrosim.integration.tools;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.nitrosim.simulator.engine.Simulation;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioLoader;

/** A real-time scenario running on a thread of its own while a test plays the outside programs. */
final class RealTimeRun implements AutoCloseable
{
    final Simulation simulation;
    private final Thread thread;
    private volatile Throwable failure;

    RealTimeRun(final String yaml, final Path work)
    {
        final Scenario scenario;
        try
        {
            scenario = ScenarioLoader.parse("test.yaml", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
                false);
            simulation = Simulation.prepare(scenario, Files.createDirectories(work));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        thread = new Thread(() ->
        {
            try
            {
                simulation.run(null);
            }
            catch (final Throwable t)
            {
                failure = t;
            }
        }, "real-time-run");
        thread.setDaemon(true);
        thread.start();
    }

    /** Fails the test if the simulation thread died. */
    void check()
    {
        if (failure != null)
        {
            throw new AssertionError("the simulation failed", failure);
        }
    }

    @Override
    public void close()
    {
        simulation.requestStop();
        try
        {
            thread.join(30_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        simulation.close();
        check();
    }
}
