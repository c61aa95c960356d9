package io.nitrosim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.nitrosim.simulator.engine.Simulation;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioException;
import io.nitrosim.simulator.scenario.ScenarioLoader;
import io.nitrosim.simulator.serve.MetricsServer;
import io.nitrosim.simulator.serve.PrometheusMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nitro-sim serve SCENARIO --port N}: a live run with Prometheus metrics and a JSON status. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Run a scenario in real time and serve Prometheus metrics at /metrics and a JSON status at",
        "/status on 127.0.0.1, until the scenario ends or the process is stopped."})
public final class ServeCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "SCENARIO", description = "Scenario file (.yaml, .yml or .json).")
    Path scenarioFile;

    @Option(names = "--port", required = true, paramLabel = "N",
        description = "TCP port on 127.0.0.1 (0 picks a free one), 0..65535.")
    int port;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException
    {
        if (port < 0 || port > 65535)
        {
            throw new BadInputException("--port " + port + " is out of range, accepted 0..65535");
        }
        final Scenario loaded;
        try
        {
            loaded = ScenarioLoader.load(scenarioFile);
        }
        catch (final ScenarioException ex)
        {
            throw new BadInputException(ex.getMessage());
        }
        final Scenario scenario = loaded.withClock(Scenario.ClockMode.REAL);
        final PrintWriter out = spec.commandLine().getOut();
        final Path work = TempDirectories.create("nitro-sim-serve");
        try (TempDirectories.Run running = TempDirectories.running(work);
            Simulation simulation = Simulation.prepare(scenario, work);
            MetricsServer server = MetricsServer.start(port, PrometheusMetrics.bind(simulation.counters()),
                () -> status(simulation, scenario)))
        {
            running.stopWith(simulation::requestStop);
            final int boundPort = awaitPort(server, "--port", port);
            for (final String door : simulation.doors())
            {
                out.println("listening: " + door);
            }
            out.println("serving http://127.0.0.1:" + boundPort + "/metrics and /status for scenario '"
                + scenario.name() + "' (" + scenario.durationNs() / 1_000_000_000L + " s, real time)");
            out.flush();
            final RunResults results = simulation.run(null);
            out.println("scenario ended after " + results.simulatedSeconds() + " s: "
                + (running.stoppedByShutdown() ? "stopped" : results.expectationsPassed() ? "every expectation holds" :
                "an expectation failed"));
            out.println(io.nitrosim.simulator.report.ConsoleSummary.paceVerdict(results));
            out.flush();
            if (running.stoppedByShutdown())
            {
                return ScenarioRunner.EXIT_INTERRUPTED;
            }
            return results.passed() ? NitroSim.EXIT_OK : NitroSim.EXIT_EXPECTATION_FAILED;
        }
    }

    /** The port the server listens on, once bound; a bad input naming {@code option} when it cannot bind. */
    static int awaitPort(final MetricsServer server, final String option, final int port) throws InterruptedException
    {
        try
        {
            return server.bound().get(10, TimeUnit.SECONDS).getPort();
        }
        catch (final ExecutionException ex)
        {
            throw BadInputException.cannotListen(option, port, ex.getCause().getMessage());
        }
        catch (final TimeoutException ex)
        {
            throw new IllegalStateException("the metrics server did not start within 10 s", ex);
        }
    }

    private static Map<String, Object> status(final Simulation simulation, final Scenario scenario)
    {
        final Map<String, Object> status = new LinkedHashMap<>();
        status.put("scenario", scenario.name());
        status.put("simulatedSeconds", simulation.simulatedNs() / 1e9);
        status.put("durationSeconds", scenario.durationNs() / 1e9);
        status.put("latest", simulation.latestSamples());
        return status;
    }
}
