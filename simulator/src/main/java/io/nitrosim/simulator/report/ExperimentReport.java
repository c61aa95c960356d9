package io.nitrosim.simulator.report;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jfree.data.category.DefaultCategoryDataset;

import io.nitrosim.simulator.results.ExperimentMetric;
import io.nitrosim.simulator.results.ExperimentPoint;
import io.nitrosim.simulator.results.ExperimentResults;

/**
 * The outputs of an experiment: experiment.csv (one row per point), experiment.json and experiment.html
 * (self-contained: the points table and, per metric, a grouped bar chart of achieved against cap per point,
 * id {@code chart-metric-<key>}).
 */
public final class ExperimentReport
{
    public static final String EXPERIMENT_CSV = "experiment.csv";
    public static final String EXPERIMENT_JSON = "experiment.json";
    public static final String EXPERIMENT_HTML = "experiment.html";
    /** Suffix of the CSV column holding a metric's cap. */
    public static final String CAP_SUFFIX = ".cap";
    public static final String PASSED_COLUMN = "expectationsPassed";

    private ExperimentReport()
    {
    }

    /** The files written. */
    public record OutputFiles(Path csv, Path json, Path html)
    {
    }

    /** Creates {@code dir} if needed and writes experiment.csv, experiment.json and experiment.html into it. */
    public static OutputFiles writeAll(final ExperimentResults results, final Path dir) throws IOException
    {
        Files.createDirectories(dir);
        final OutputFiles files = new OutputFiles(
            dir.resolve(EXPERIMENT_CSV), dir.resolve(EXPERIMENT_JSON), dir.resolve(EXPERIMENT_HTML));
        try (Writer w = Files.newBufferedWriter(files.csv(), StandardCharsets.UTF_8))
        {
            writeCsv(results, w);
        }
        ResultsJson.write(results, files.json());
        Files.writeString(files.html(), renderHtml(results), StandardCharsets.UTF_8);
        return files;
    }

    /**
     * Header: the parameter names, then per metric its key and, when any point has a cap for it,
     * {@code <key>.cap}, then {@code expectationsPassed}. A point without a cap leaves that cell empty.
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
        writeCsvRow(header, w);
        for (final ExperimentPoint p : results.points())
        {
            final List<String> row = new ArrayList<>(p.parameters().values());
            for (final ExperimentMetric m : results.metrics())
            {
                row.add(Figures.plain(p.metrics().get(m.key())));
                if (results.hasCap(m.key()))
                {
                    final Double cap = p.caps().get(m.key());
                    row.add(cap == null ? "" : Figures.plain(cap));
                }
            }
            row.add(Boolean.toString(p.expectationsPassed()));
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

    public static String renderHtml(final ExperimentResults results)
    {
        final StringBuilder body = new StringBuilder(128 * 1024);
        body.append("<h1>nitro-sim experiment: ").append(Html.escape(results.experiment())).append("</h1>\n");
        body.append("<p>Scenario <span data-json=\"/scenario\">").append(Html.escape(results.scenario()))
            .append("</span>, ").append(results.points().size()).append(" points over ")
            .append(Html.escape(String.join(", ", results.parameters()))).append(".</p>\n");
        body.append("<h2>Points</h2>\n");
        HtmlPage.table(pointsTable(results), body);
        body.append("<h2>Achieved vs cap</h2>\n");
        for (final ChartImage chart : charts(results))
        {
            HtmlPage.figure(chart, body);
        }
        return HtmlPage.page("nitro-sim experiment: " + results.experiment(), body);
    }

    private static Table pointsTable(final ExperimentResults r)
    {
        final List<String> headers = new ArrayList<>(r.parameters());
        for (final ExperimentMetric m : r.metrics())
        {
            headers.add(m.label() + " (" + m.unit() + ")");
            if (r.hasCap(m.key()))
            {
                headers.add("cap (" + m.unit() + ")");
                headers.add("% of cap");
            }
        }
        headers.add("expectations");
        final List<List<Cell>> rows = new ArrayList<>();
        for (int i = 0; i < r.points().size(); i++)
        {
            final ExperimentPoint p = r.points().get(i);
            final String pp = "/points/" + i;
            final List<Cell> row = new ArrayList<>();
            for (final Map.Entry<String, String> e : p.parameters().entrySet())
            {
                row.add(Cell.text(e.getValue(), pp + "/parameters/" + pointerToken(e.getKey())));
            }
            for (final ExperimentMetric m : r.metrics())
            {
                final double achieved = p.metrics().get(m.key());
                row.add(Cell.number(achieved, Figures.METRIC_DECIMALS, pp + "/metrics/" + pointerToken(m.key())));
                if (r.hasCap(m.key()))
                {
                    final Double cap = p.caps().get(m.key());
                    if (cap == null)
                    {
                        row.add(Cell.label(""));
                        row.add(Cell.label(""));
                    }
                    else
                    {
                        row.add(Cell.number(cap, Figures.METRIC_DECIMALS, pp + "/caps/" + pointerToken(m.key())));
                        row.add(Cell.derivedNumber(
                            cap > 0 ? Figures.fixed(100.0 * achieved / cap, Figures.PERCENT_DECIMALS) : ""));
                    }
                }
            }
            row.add(Cell.passFail(p.expectationsPassed(), pp + "/expectationsPassed"));
            rows.add(row);
        }
        return new Table("table-points", "One row per point", headers, rows);
    }

    /** JSON Pointer escaping of one reference token (RFC 6901). */
    static String pointerToken(final String key)
    {
        return key.replace("~", "~0").replace("/", "~1");
    }

    static List<ChartImage> charts(final ExperimentResults r)
    {
        final List<String> labels = pointLabels(r);
        final List<ChartImage> charts = new ArrayList<>();
        for (final ExperimentMetric m : r.metrics())
        {
            final DefaultCategoryDataset ds = new DefaultCategoryDataset();
            final boolean hasCap = r.hasCap(m.key());
            for (int i = 0; i < r.points().size(); i++)
            {
                final ExperimentPoint p = r.points().get(i);
                ds.addValue(p.metrics().get(m.key()), "achieved", labels.get(i));
                if (hasCap)
                {
                    ds.addValue(p.caps().get(m.key()), "cap", labels.get(i));
                }
            }
            final String title = m.label() + (hasCap ? ": achieved vs cap" : "") + " per point";
            final String alt = m.label() + " in " + m.unit() + (hasCap ? " achieved next to its cap" : "")
                + " for each point of the sweep over " + String.join(", ", r.parameters());
            final int width = Charts.barChartWidth(ds.getColumnCount(), hasCap ? 2 : 1);
            final byte[] png = Charts.png(Charts.barChart(title, "point", m.label() + " (" + m.unit() + ")", ds),
                width, Charts.HEIGHT);
            charts.add(new ChartImage("chart-metric-" + Charts.slug(m.key()), title, alt, png));
        }
        return charts;
    }

    /** "value" for one parameter, "name=value, name=value" for several; made unique with "#n". */
    static List<String> pointLabels(final ExperimentResults r)
    {
        final List<String> labels = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        for (int i = 0; i < r.points().size(); i++)
        {
            final Map<String, String> params = r.points().get(i).parameters();
            final StringBuilder sb = new StringBuilder();
            for (final Map.Entry<String, String> e : params.entrySet())
            {
                if (sb.length() > 0)
                {
                    sb.append(", ");
                }
                sb.append(params.size() == 1 ? e.getValue() : e.getKey() + "=" + e.getValue());
            }
            String label = sb.length() == 0 ? "#" + (i + 1) : sb.toString();
            if (!seen.add(label))
            {
                label = label + " #" + (i + 1);
                seen.add(label);
            }
            labels.add(label);
        }
        return labels;
    }
}
