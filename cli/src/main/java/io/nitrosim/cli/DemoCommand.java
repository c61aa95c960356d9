package io.nitrosim.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nitro-sim demo}: the built-in scenario, in virtual time, with its report. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run the built-in demo: a c5.large and a c5.xlarge exchange traffic and write to EBS until their",
        "burst credits are spent and they fall to baseline. Prints a summary and writes the report."})
public final class DemoCommand implements Callable<Integer>
{
    public static final String DEMO_RESOURCE = "/io/nitrosim/simulator/demo.yaml";

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "nitro-sim-out/demo",
        description = "Directory for results.json, timeseries.csv and report.html (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--quiet", description = "No progress line.")
    boolean quiet;

    @Option(names = "--trace", paramLabel = "DIR",
        description = "Record a device-level trace of every event into DIR; read it with 'nitro-sim trace'.")
    Path traceDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException
    {
        final TraceOutput trace = TraceOutput.of(traceDir, null);
        final Scenario scenario = trace.apply(demoScenario());
        final OutputDirectory out = OutputDirectory.prepare(outDir, trace.outputNames(scenario, ScenarioRunner.OUTPUT_FILES));
        return ScenarioRunner.run(scenario, out, spec.commandLine().getOut(), quiet, trace);
    }

    /** The built-in demo scenario (also examples/demo.yaml). */
    public static Scenario demoScenario() throws IOException
    {
        try (InputStream in = DemoCommand.class.getResourceAsStream(DEMO_RESOURCE))
        {
            if (in == null)
            {
                throw new IllegalStateException("the demo scenario is missing from the build: " + DEMO_RESOURCE);
            }
            return ScenarioLoader.parse("demo.yaml (built in)", in, false);
        }
    }
}
