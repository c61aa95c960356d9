package io.nitrosim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

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

    static int run(final Scenario scenario, final Path outDir, final PrintWriter out, final boolean quiet)
        throws IOException
    {
        final RunResults results;
        final io.nitrosim.simulator.results.TimeSeries series;
        final Path work = createWorkDirectory();
        try (Simulation simulation = Simulation.prepare(scenario, work))
        {
            for (final String door : simulation.doors())
            {
                out.println("listening: " + door);
            }
            out.flush();
            final ProgressPrinter progress = quiet ? null : System.console() != null ?
                ProgressPrinter.forTerminal(out, WallClock::nanoTime) : ProgressPrinter.forLog(out, WallClock::nanoTime);
            results = simulation.run(progress == null ? null :
                (nowNs, durationNs, recorder) -> progress.update(nowNs, durationNs, detail(recorder)));
            if (progress != null)
            {
                progress.finish(scenario.durationNs(), scenario.durationNs(), "done");
            }
            series = simulation.timeSeries();
        }
        finally
        {
            deleteRecursively(work);
        }
        final RunReport.OutputFiles files = RunReport.writeAll(results, series, outDir);
        ConsoleSummary.print(results, out);
        out.printf(Locale.ROOT, "wall time %.1f s for %.0f simulated s%n", results.wallSeconds(), results.simulatedSeconds());
        out.println("wrote " + files.resultsJson() + ", " + files.timeseriesCsv() + ", " + files.reportHtml());
        out.flush();
        return results.expectationsPassed() ? NitroSim.EXIT_OK : NitroSim.EXIT_EXPECTATION_FAILED;
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

    private static Path createWorkDirectory()
    {
        try
        {
            return Files.createTempDirectory("nitro-sim-run");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void deleteRecursively(final Path dir)
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException ex)
        {
            // best effort: a temp directory left behind is harmless
        }
    }
}
