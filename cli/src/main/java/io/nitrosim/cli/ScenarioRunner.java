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
        final RunResults results;
        final io.nitrosim.simulator.results.TimeSeries series;
        final Path work = TempDirectories.create("nitro-sim-run");
        try (TempDirectories.Run running = TempDirectories.running(work);
            Simulation simulation = Simulation.prepare(scenario, work))
        {
            running.stopWith(simulation::requestStop);
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
        }
        out.write(dir -> RunReport.writeAll(results, series, dir));
        final Path dir = out.path();
        ConsoleSummary.print(results, console);
        console.printf(Locale.ROOT, "wall time %.1f s for %.0f simulated s%n", results.wallSeconds(),
            results.simulatedSeconds());
        console.println("wrote " + dir.resolve(RunReport.RESULTS_JSON) + ", " + dir.resolve(RunReport.TIMESERIES_CSV)
            + ", " + dir.resolve(RunReport.REPORT_HTML));
        console.flush();
        return results.passed() ? NitroSim.EXIT_OK : NitroSim.EXIT_EXPECTATION_FAILED;
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
