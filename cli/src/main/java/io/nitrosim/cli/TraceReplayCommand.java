package io.nitrosim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.nitrosim.simulator.engine.Simulation;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioException;
import io.nitrosim.simulator.scenario.ScenarioLoader;
import io.nitrosim.simulator.trace.ReplayScript;
import io.nitrosim.simulator.trace.TraceDiff;
import io.nitrosim.simulator.trace.TraceReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trace replay TRACE --scenario FILE}: drives the scenario's devices with the recorded guest accesses and
 * guest memory (no driver, no workload), records the replay's trace, and diffs it against the recorded one.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Replay a trace's guest side (register accesses and the guest memory the devices read) against",
        "the devices of SCENARIO, with no driver or workload, and diff the replay's trace with the recorded one.",
        "The scenario is the recorded one, or one with changed device parameters (same instances and functions).",
        "Exit codes: 0 the replay reproduces the trace, 3 it departs from it, 2 bad input."})
final class TraceReplayCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "TRACE", description = "A trace directory recorded with events [all].")
    Path trace;

    @Option(names = "--scenario", required = true, paramLabel = "FILE",
        description = "The scenario to replay against (YAML or JSON).")
    Path scenarioFile;

    @Option(names = "--trace", paramLabel = "DIR",
        description = "Keep the replay's trace in DIR (replaced if it holds one), e.g. to export or diff it later.")
    Path keep;

    @Option(names = "--context", paramLabel = "N", defaultValue = "5",
        description = "Records shown before and after the first divergence (default: ${DEFAULT-VALUE}).")
    int context;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException
    {
        if (context < 0 || context > 1000)
        {
            throw new BadInputException("--context " + context + ": accepted 0..1000");
        }
        final Scenario scenario;
        try
        {
            scenario = ScenarioLoader.load(scenarioFile);
        }
        catch (final ScenarioException ex)
        {
            throw new BadInputException(ex.getMessage());
        }
        final TraceOutput output = TraceOutput.of(keep, null); // checks --trace DIR before the run
        final ReplayScript script;
        try (TraceReader reader = TraceReader.open(trace))
        {
            script = ReplayScript.of(reader);
        }
        final PrintWriter out = spec.commandLine().getOut();
        final Path work = TempDirectories.create("nitro-sim-replay");
        final Path replayed = TempDirectories.create("nitro-sim-replay-trace");
        try
        {
            try (TempDirectories.Run running = TempDirectories.running(work);
                Simulation simulation = Simulation.replay(scenario, work, replayed.resolve("trace"), script))
            {
                running.stopWith(simulation::requestStop);
                simulation.run(null);
            }
            final TraceDiff.Result result;
            try (TraceReader a = TraceReader.open(trace); TraceReader b = TraceReader.open(replayed.resolve("trace")))
            {
                result = TraceDiff.diff(a, b, context);
            }
            output.install(replayed.resolve("trace"));
            if (result.identical())
            {
                out.println("replay reproduces the trace " + trace + " (" + result.recordsA() + " records)");
            }
            else
            {
                out.println("replay departs from the trace " + trace + ":");
                result.lines("recorded", "replayed").forEach(out::println);
            }
            if (keep != null)
            {
                out.println("replay's trace in " + keep);
            }
            out.flush();
            return result.identical() ? NitroSim.EXIT_OK : NitroSim.EXIT_EXPECTATION_FAILED;
        }
        finally
        {
            TempDirectories.delete(replayed);
            TempDirectories.delete(work);
        }
    }
}
