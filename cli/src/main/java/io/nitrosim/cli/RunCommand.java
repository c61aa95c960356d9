package io.nitrosim.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioException;
import io.nitrosim.simulator.scenario.ScenarioLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nitro-sim run SCENARIO [--out DIR]}. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run a scenario file (YAML or JSON) and write results.json, timeseries.csv and report.html.",
        "Exit codes: 0 every expectation holds, 3 one failed, 2 bad input (nothing was run)."})
public final class RunCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "SCENARIO", description = "Scenario file (.yaml, .yml or .json).")
    Path scenarioFile;

    @Option(names = "--out", paramLabel = "DIR",
        description = "Directory for the results (default: nitro-sim-out/<scenario name>).")
    Path outDir;

    @Option(names = "--quiet", description = "No progress line.")
    boolean quiet;

    @Option(names = "--trace", paramLabel = "DIR",
        description = "Record a device-level trace into DIR (every event kind of every function, unless the "
            + "scenario's trace section says otherwise); read it with 'nitro-sim trace'.")
    Path traceDir;

    @Option(names = "--replayable",
        description = "With --trace: also record the bytes every DMA read returns (dma-data), which 'nitro-sim trace "
            + "replay' needs (about 60 %% more trace).")
    boolean replayable;

    @Option(names = "--golden", paramLabel = "TRACE",
        description = "Compare the run's trace with this stored trace; a difference prints the first divergence "
            + "and exits 3.")
    Path golden;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws java.io.IOException
    {
        final Scenario loaded;
        try
        {
            loaded = ScenarioLoader.load(scenarioFile);
        }
        catch (final ScenarioException ex)
        {
            throw new BadInputException(ex.getMessage());
        }
        final TraceOutput trace = TraceOutput.of(traceDir, golden, replayable);
        final Scenario scenario = trace.apply(loaded);
        final OutputDirectory out = OutputDirectory.prepare(
            outDir != null ? outDir : Path.of("nitro-sim-out", scenario.name()),
            trace.outputNames(scenario, ScenarioRunner.OUTPUT_FILES));
        return ScenarioRunner.run(scenario, out, spec.commandLine().getOut(), quiet, trace);
    }
}
