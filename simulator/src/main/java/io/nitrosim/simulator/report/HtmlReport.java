package io.nitrosim.simulator.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.TimeSeries;

/**
 * report.html: one self-contained page (inline CSS, charts as PNG data URIs, no scripts, no network) with the
 * verdict, the expectations, the charts (each an {@code <img>} with a stable id and alt text), then the summary
 * tables (every figure tagged with {@code data-json}, the JSON Pointer of its value in results.json, and
 * {@code data-decimals}).
 */
public final class HtmlReport
{
    private HtmlReport()
    {
    }

    public static void write(final RunResults results, final TimeSeries series, final Path file) throws IOException
    {
        write(results, series, null, file);
    }

    /** As {@link #write(RunResults, TimeSeries, Path)}, linking the trace timeline page when it is not null. */
    public static void write(final RunResults results, final TimeSeries series, final String timelineHref,
        final Path file) throws IOException
    {
        Files.writeString(file, render(results, series, timelineHref), StandardCharsets.UTF_8);
    }

    public static String render(final RunResults results, final TimeSeries series)
    {
        return render(results, series, null);
    }

    /** The page; {@code timelineHref} (a traced run's timeline page, relative) adds a link to it, null none. */
    public static String render(final RunResults results, final TimeSeries series, final String timelineHref)
    {
        final StringBuilder body = new StringBuilder(256 * 1024);
        body.append("<h1>nitro-sim report: ").append(Html.escape(results.scenario())).append("</h1>\n");
        final boolean passed = results.expectationsPassed();
        body.append("<p id=\"verdict\" class=\"verdict ").append(passed ? "pass" : "fail").append("\">")
            .append(Html.escape(ConsoleSummary.verdict(results))).append("</p>\n");
        final String pace = ConsoleSummary.paceVerdict(results);
        if (pace != null)
        {
            body.append("<p id=\"pace\" class=\"verdict ").append(results.realTime().keptPace() ? "pass" : "fail")
                .append("\">").append(Html.escape(pace)).append("</p>\n");
        }
        body.append("<p class=\"note\">Rates: network Gbps (10^9 bit/s), instance EBS Mbps (10^6 bit/s), volume and "
            + "job bandwidth MiB/s; peak and baseline are the caps of the instance type or volume; balances are "
            + "percent of a full bucket; latencies in ms. The figures are those of results.json.</p>\n");
        if (timelineHref != null)
        {
            body.append("<p id=\"trace-timeline-link\">This run was traced: <a href=\"")
                .append(Html.escape(timelineHref)).append("\">timeline of the traced events per queue</a>.</p>\n");
        }
        // A reader wants the expectations and the charts first; the detailed tables follow.
        final List<Table> tables = SummaryTables.of(results);
        for (final Table table : tables)
        {
            if (table.id().equals(SummaryTables.EXPECTATIONS_TABLE_ID))
            {
                HtmlPage.table(table, body);
            }
        }
        final List<ChartImage> charts = RunCharts.of(results, series);
        body.append("<h2>Charts</h2>\n");
        if (series.sampleCount() == 0)
        {
            body.append("<p class=\"note\">No time series was sampled.</p>\n");
        }
        for (final ChartImage chart : charts)
        {
            HtmlPage.figure(chart, body);
        }
        body.append("<h2>Summary</h2>\n");
        for (final Table table : tables)
        {
            if (!table.id().equals(SummaryTables.EXPECTATIONS_TABLE_ID))
            {
                HtmlPage.table(table, body);
            }
        }
        return HtmlPage.page("nitro-sim report: " + results.scenario(), body);
    }
}
