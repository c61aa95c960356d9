package io.nitrosim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.nitrosim.simulator.experiment.ClusterSettings;
import io.nitrosim.simulator.experiment.ExperimentPlan;
import io.nitrosim.simulator.experiment.ExperimentRunner;
import io.nitrosim.simulator.experiment.SweepCluster;
import io.nitrosim.simulator.report.ExperimentReport;
import io.nitrosim.simulator.results.ExperimentPoint;
import io.nitrosim.simulator.scenario.ScenarioException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nitro-sim experiment SWEEP [--out DIR] [--threads N | --cluster ...]}: the options and the console;
 * the sweep itself is the simulator's ({@link ExperimentPlan}, {@link ExperimentRunner}, {@link SweepCluster}).
 */
@Command(name = "experiment", mixinStandardHelpOptions = true,
    description = {"Run a scenario over a parameter grid and write experiment.csv, experiment.json, experiment.html",
        "and each point's results.json and timeseries.csv under points/. Points run on one embedded member in this",
        "process, or with --cluster on worker processes started with 'nitro-sim worker'.",
        "Exit codes: 0 every expectation that gates the sweep holds, 3 one failed, 2 bad input (nothing was run)."})
public final class ExperimentCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "SWEEP", description = "Sweep file (.yaml or .json): scenario, parameters, "
        + "expectations (see docs/experiments.md).")
    Path sweepFile;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: nitro-sim-out/<sweep name>).")
    Path outDir;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "2",
        description = "Points run at once on the embedded member, 1..64 (default: ${DEFAULT-VALUE}); with --cluster "
            + "each worker runs as many as its own --threads.")
    int threads;

    @Option(names = "--join-timeout", paramLabel = "SECONDS",
        defaultValue = "" + ClusterSettings.DEFAULT_JOIN_TIMEOUT_SECONDS,
        description = "With --cluster: how long to wait for the listed workers (default: ${DEFAULT-VALUE}).")
    int joinTimeoutSeconds;

    @Mixin
    ClusterOptions cluster;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException
    {
        if (threads < 1 || threads > 64)
        {
            throw new BadInputException("--threads " + threads + " is out of range, accepted 1..64");
        }
        final ClusterSettings settings = cluster.enabled() ? cluster.settings(0, false, joinTimeoutSeconds) : null;
        final ExperimentPlan plan;
        try
        {
            plan = ExperimentPlan.load(sweepFile);
        }
        catch (final ScenarioException ex)
        {
            throw new BadInputException(ex.getMessage());
        }
        final PrintWriter out = spec.commandLine().getOut();
        out.println("experiment '" + plan.sweep().name() + "': " + plan.points().size() + " points of "
            + plan.sweep().scenario());
        out.flush();
        final ExperimentRunner.Outcome outcome;
        final OutputDirectory outputs;
        try (SweepCluster members = open(settings))
        {
            // Checked once the cluster is joined (a refused join writes nothing) and before any point runs.
            outputs = OutputDirectory.prepare(outDir != null ? outDir : Path.of("nitro-sim-out", plan.sweep().name()),
                List.of(ExperimentReport.EXPERIMENT_CSV, ExperimentReport.EXPERIMENT_JSON,
                    ExperimentReport.EXPERIMENT_HTML, ExperimentReport.POINTS_DIR + "/"));
            out.println("running on " + members.description());
            out.flush();
            outcome = ExperimentRunner.run(plan, members, new ConsoleListener(out));
        }
        outputs.write(staging -> ExperimentReport.writeAll(outcome.results(), outcome.runs(), outcome.series(), staging));
        final Path dir = outputs.path();
        final ExperimentReport.OutputFiles files = new ExperimentReport.OutputFiles(
            dir.resolve(ExperimentReport.EXPERIMENT_CSV), dir.resolve(ExperimentReport.EXPERIMENT_JSON),
            dir.resolve(ExperimentReport.EXPERIMENT_HTML));
        out.printf(Locale.ROOT, "wall time %.1f s for %d points%n", outcome.results().wallSeconds(),
            plan.points().size());
        out.println("wrote " + files.csv() + ", " + files.json() + ", " + files.html() + " and "
            + dir.resolve(ExperimentReport.POINTS_DIR) + "/");
        ExperimentReport.verdict(outcome.results()).forEach(out::println);
        out.flush();
        return outcome.results().expectationsPassed() ? NitroSim.EXIT_OK : NitroSim.EXIT_EXPECTATION_FAILED;
    }

    private SweepCluster open(final ClusterSettings settings)
    {
        if (settings == null)
        {
            return SweepCluster.embedded(threads);
        }
        try
        {
            return SweepCluster.join(settings);
        }
        catch (final IllegalStateException ex)
        {
            throw new BadInputException(ex.getMessage());
        }
    }

    /** One line per finished point, and one when a worker leaves. */
    private static final class ConsoleListener implements ExperimentRunner.Listener
    {
        private final PrintWriter out;

        ConsoleListener(final PrintWriter out)
        {
            this.out = out;
        }

        @Override
        public void pointDone(final ExperimentPlan.PlannedPoint point, final ExperimentPoint result,
            final String member, final int done, final int total)
        {
            out.printf(Locale.ROOT, "point %d (%s): %s, %.1f s on %s [%d/%d]%n", point.index() + 1, point.label(),
                result.expectationsPassed() ? "ok" : "expectation failed", result.wallSeconds(), member, done, total);
            out.flush();
        }

        @Override
        public void workerLeft(final String member, final List<Integer> unfinishedPoints)
        {
            final StringBuilder points = new StringBuilder();
            unfinishedPoints.forEach(i -> points.append(points.length() == 0 ? "" : ", ").append(i + 1));
            out.println("worker " + member + " left the cluster" + (unfinishedPoints.isEmpty() ? "" :
                "; its unfinished points " + points + " run again on the others"));
            out.flush();
        }
    }
}
