package io.nitrosim.simulator.report;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.nitrosim.simulator.results.ExperimentMetric;
import io.nitrosim.simulator.results.ExperimentPoint;
import io.nitrosim.simulator.results.ExperimentResults;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.TimeSeries;

/**
 * The outputs of an experiment: experiment.csv (one row per point), experiment.json, experiment.html
 * ({@link ExperimentHtml}) and, per point, {@code points/NN/results.json} and {@code points/NN/timeseries.csv}
 * (NN the point's 1-based number).
 */
public final class ExperimentReport
{
    public static final String EXPERIMENT_CSV = "experiment.csv";
    public static final String EXPERIMENT_JSON = "experiment.json";
    public static final String EXPERIMENT_HTML = "experiment.html";
    public static final String POINTS_DIR = "points";
    /** Suffix of the CSV column holding a metric's cap. */
    public static final String CAP_SUFFIX = ".cap";
    public static final String PASSED_COLUMN = "expectationsPassed";
    public static final String SCENARIO_PASSED_COLUMN = "scenarioExpectationsPassed";

    private ExperimentReport()
    {
    }

    /** The files written. */
    public record OutputFiles(Path csv, Path json, Path html)
    {
    }

    /** Writes the comparison files only (no per-point files, no time-series charts). */
    public static OutputFiles writeAll(final ExperimentResults results, final Path dir) throws IOException
    {
        return writeAll(results, List.of(), List.of(), dir);
    }

    /**
     * Creates {@code dir} if needed and writes experiment.csv, experiment.json, experiment.html and each point's
     * results.json and timeseries.csv under points/.
     *
     * @param runs   each point's results, in point order (or empty).
     * @param series each point's time series, in point order (or empty).
     */
    public static OutputFiles writeAll(
        final ExperimentResults results, final List<RunResults> runs, final List<TimeSeries> series, final Path dir)
        throws IOException
    {
        Files.createDirectories(dir);
        final OutputFiles files = new OutputFiles(
            dir.resolve(EXPERIMENT_CSV), dir.resolve(EXPERIMENT_JSON), dir.resolve(EXPERIMENT_HTML));
        try (Writer w = Files.newBufferedWriter(files.csv(), StandardCharsets.UTF_8))
        {
            writeCsv(results, w);
        }
        ResultsJson.write(results, files.json());
        Files.writeString(files.html(), ExperimentHtml.render(results, series), StandardCharsets.UTF_8);
        for (int i = 0; i < runs.size(); i++)
        {
            final Path pointDir = dir.resolve(POINTS_DIR).resolve(pointFolder(i, runs.size()));
            Files.createDirectories(pointDir);
            ResultsJson.write(runs.get(i), pointDir.resolve(RunReport.RESULTS_JSON));
            if (i < series.size())
            {
                TimeSeriesCsv.write(series.get(i), pointDir.resolve(RunReport.TIMESERIES_CSV));
            }
        }
        return files;
    }

    /** "01".."24": the point's 1-based number, zero-padded to the width of the largest. */
    public static String pointFolder(final int index, final int count)
    {
        final int width = Integer.toString(Math.max(1, count)).length();
        return String.format(Locale.ROOT, "%0" + Math.max(2, width) + "d", index + 1);
    }

    /**
     * Header: the parameter names, then per metric its key and, when any point has a cap for it,
     * {@code <key>.cap}, then {@code expectationsPassed} and {@code scenarioExpectationsPassed}. A point without a
     * value or a cap leaves that cell empty.
     */
    public static void writeCsv(final ExperimentResults results, final Writer w) throws IOException
    {
        final List<String> header = new ArrayList<>(results.parameters());
        for (final ExperimentMetric m : results.metrics())
        {
            header.add(m.key());
            if (results.hasCap(m.key()))
            {
                header.add(m.key() + CAP_SUFFIX);
            }
        }
        header.add(PASSED_COLUMN);
        header.add(SCENARIO_PASSED_COLUMN);
        writeCsvRow(header, w);
        for (final ExperimentPoint p : results.points())
        {
            final List<String> row = new ArrayList<>(p.parameters().values());
            for (final ExperimentMetric m : results.metrics())
            {
                final Double value = p.metrics().get(m.key());
                row.add(value == null ? "" : Figures.plain(value));
                if (results.hasCap(m.key()))
                {
                    final Double cap = p.caps().get(m.key());
                    row.add(cap == null ? "" : Figures.plain(cap));
                }
            }
            row.add(Boolean.toString(p.expectationsPassed()));
            row.add(Boolean.toString(p.scenarioExpectationsPassed()));
            writeCsvRow(row, w);
        }
    }

    private static void writeCsvRow(final List<String> cells, final Writer w) throws IOException
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++)
        {
            if (i > 0)
            {
                sb.append(',');
            }
            sb.append(csvCell(cells.get(i)));
        }
        w.append(sb).append('\n');
    }

    /** RFC 4180 quoting when a value holds a comma, quote or line break. */
    static String csvCell(final String value)
    {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0)
        {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    /**
     * The experiment's verdict in a line or two, for the console and the page: whether the expectations that gate
     * the sweep held at every point (naming the points that failed), and how the scenario's own expectations
     * fared and whether they gate.
     */
    public static List<String> verdict(final ExperimentResults r)
    {
        final List<String> lines = new ArrayList<>();
        final int total = r.points().size();
        int sweepChecks = 0;
        int scenarioChecks = 0;
        final List<String> failed = new ArrayList<>();
        int scenarioHeld = 0;
        final List<String> labels = ExperimentHtml.pointLabels(r);
        for (int i = 0; i < total; i++)
        {
            final ExperimentPoint p = r.points().get(i);
            sweepChecks = Math.max(sweepChecks, p.expectations().size());
            scenarioChecks = Math.max(scenarioChecks, p.scenarioExpectations().size());
            if (!p.expectationsPassed())
            {
                failed.add("point " + (i + 1) + " (" + labels.get(i) + ")");
            }
            if (p.scenarioExpectationsPassed())
            {
                scenarioHeld++;
            }
        }
        final boolean gated = sweepChecks > 0 || (r.scenarioExpectationsGate() && scenarioChecks > 0);
        if (!failed.isEmpty())
        {
            lines.add(failed.size() + " of " + total + " points FAILED an expectation that gates the sweep: "
                + String.join("; ", failed));
        }
        else if (gated)
        {
            lines.add("Every expectation that gates the sweep held at all " + total + " points.");
        }
        else
        {
            lines.add("The sweep has no expectations of its own; nothing gates it.");
        }
        if (scenarioChecks > 0)
        {
            lines.add("The scenario's own expectations " + (r.scenarioExpectationsGate() ? "gate the sweep" :
                "are reported, not gating (set scenarioExpectations: gate to gate on them)") + ": they held at "
                + scenarioHeld + " of " + total + " points.");
        }
        return lines;
    }
}
