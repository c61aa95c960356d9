package io.nitrosim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import io.nitrosim.simulator.engine.Simulation;
import io.nitrosim.simulator.report.ConsoleSummary;
import io.nitrosim.simulator.report.ProgressPrinter;
import io.nitrosim.simulator.report.RunReport;
import io.nitrosim.simulator.report.TimelineHtml;
import io.nitrosim.simulator.results.Column;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.SeriesKind;
import io.nitrosim.simulator.results.TimeSeriesRecorder;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.time.WallClock;

/** Runs one validated scenario for the CLI: progress line, summary table, report files, exit code. */
final class ScenarioRunner
{
    private ScenarioRunner()
    {
    }

    /** The files a run writes (checked before the run, written atomically after it). */
    static final List<String> OUTPUT_FILES = List.of(RunReport.RESULTS_JSON, RunReport.TIMESERIES_CSV,
        RunReport.REPORT_HTML);

    /** Exit code of a run stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it). */
    static final int EXIT_INTERRUPTED = 130;

    /**
     * Runs the scenario and writes its outputs into {@code out} (prepared before: {@link OutputDirectory#prepare}).
     * A run stopped by Ctrl-C or SIGTERM writes nothing and removes its temporary files.
     */
    static int run(final Scenario scenario, final OutputDirectory out, final PrintWriter console, final boolean quiet)
        throws IOException
    {
        return run(scenario, out, console, quiet, TraceOutput.NONE);
    }

    /**
     * Runs the scenario (already given its trace options: {@link TraceOutput#apply}); a traced run's trace goes to
     * {@code --trace DIR} or into {@code out}, and is compared with {@code --golden} (a difference: exit 3).
     */
    static int run(final Scenario scenario, final OutputDirectory out, final PrintWriter console, final boolean quiet,
        final TraceOutput traceOutput) throws IOException
    {
        final RunResults results;
        final io.nitrosim.simulator.results.TimeSeries series;
        final Path work = TempDirectories.create("nitro-sim-run");
        Path recorded = null;
        try (TempDirectories.Run running = TempDirectories.running(work);
            Simulation simulation = Simulation.prepare(scenario, work))
        {
            running.stopWith(simulation::requestStop);
            for (final String door : simulation.doors())
            {
                console.println("listening: " + door);
            }
            console.flush();
            final ProgressPrinter progress = quiet ? null : System.console() != null ?
                ProgressPrinter.forTerminal(console, WallClock::nanoTime) : ProgressPrinter.forLog(console, WallClock::nanoTime);
            results = simulation.run(progress == null ? null :
                (nowNs, durationNs, recorder) -> progress.update(nowNs, durationNs,
                    detail(recorder) + ProgressPrinter.lagText(simulation.lagNs())));
            if (running.stoppedByShutdown())
            {
                console.println("stopped at " + results.simulatedSeconds() + " simulated s; nothing written");
                console.flush();
                return EXIT_INTERRUPTED;
            }
            if (progress != null)
            {
                progress.finish(scenario.durationNs(), scenario.durationNs(), "done");
            }
            series = simulation.timeSeries();
            if (simulation.traceDirectory() != null) // kept past the work directory, removed below
            {
                recorded = TempDirectories.create("nitro-sim-trace");
                TraceOutput.copy(simulation.traceDirectory(), recorded);
            }
        }
        try
        {
            return report(scenario, out, console, traceOutput, results, series, recorded);
        }
        finally
        {
            TempDirectories.delete(recorded);
        }
    }

    private static int report(final Scenario scenario, final OutputDirectory out, final PrintWriter console,
        final TraceOutput traceOutput, final RunResults results, final io.nitrosim.simulator.results.TimeSeries series,
        final Path recorded) throws IOException
    {
        final boolean traceIntoResults = recorded != null && traceOutput.intoResults(scenario);

        out.write(dir ->
        {
            RunReport.writeAll(results, series, recorded, dir);
            if (traceIntoResults)
            {
                TraceOutput.copy(recorded, dir.resolve(TraceOutput.OUT_SUBDIRECTORY));
            }
            return null;
        });
        final Path installed = recorded == null ? null : traceOutput.install(recorded);
        final Path dir = out.path();
        ConsoleSummary.print(results, console);
        console.printf(Locale.ROOT, "wall time %.1f s for %.0f simulated s%n", results.wallSeconds(),
            results.simulatedSeconds());
        console.println("wrote " + dir.resolve(RunReport.RESULTS_JSON) + ", " + dir.resolve(RunReport.TIMESERIES_CSV)
            + ", " + dir.resolve(RunReport.REPORT_HTML)
            + (recorded != null ? ", " + dir.resolve(TimelineHtml.FILE) : ""));
        if (recorded != null)
        {
            console.println("trace in " + (installed != null ? installed : dir.resolve(TraceOutput.OUT_SUBDIRECTORY))
                + " (nitro-sim trace dump|stats|export|diff)");
        }
        final boolean golden = recorded == null || traceOutput.matchesGolden(recorded, console);
        console.flush();
        return results.passed() && golden ? NitroSim.EXIT_OK : NitroSim.EXIT_EXPECTATION_FAILED;
    }

    /** "net out 10.00 Gbps, ebs 2250 Mbps": the sum over instances of the latest samples. */
    private static String detail(final TimeSeriesRecorder recorder)
    {
        double netGbps = 0;
        double ebsMbps = 0;
        for (int i = 0; i < recorder.columns().size(); i++)
        {
            final Column c = recorder.columns().get(i);
            if (c.kind() == SeriesKind.NET_THROUGHPUT && "out".equals(c.direction()))
            {
                netGbps += valueOrZero(recorder.latest(i));
            }
            else if (c.kind() == SeriesKind.EBS_THROUGHPUT && c.subject().equals(c.instance()))
            {
                ebsMbps += valueOrZero(recorder.latest(i));
            }
        }
        return String.format(Locale.ROOT, "net out %.2f Gbps, ebs %.0f Mbps", netGbps, ebsMbps);
    }

    private static double valueOrZero(final double v)
    {
        return Double.isNaN(v) ? 0 : v;
    }
}
