package io.nitrosim.simulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.SyntheticRun;
import io.nitrosim.simulator.results.TimeSeries;

class HtmlReportTest
{
    @TempDir
    static Path dir;

    private static RunReport.OutputFiles files;
    private static String html;
    private static JsonNode json;

    @BeforeAll
    static void writeReport() throws Exception
    {
        files = RunReport.writeAll(SyntheticRun.results(), SyntheticRun.timeSeries(), dir.resolve("out"));
        html = Files.readString(files.reportHtml(), StandardCharsets.UTF_8);
        json = ResultsJson.mapper().readTree(files.resultsJson().toFile());
    }

    @Test
    void shouldWriteTheThreeFilesIntoTheDirectory()
    {
        assertEquals(dir.resolve("out").resolve("results.json"), files.resultsJson());
        assertEquals(dir.resolve("out").resolve("timeseries.csv"), files.timeseriesCsv());
        assertEquals(dir.resolve("out").resolve("report.html"), files.reportHtml());
        assertTrue(Files.isRegularFile(files.timeseriesCsv()));
    }

    @Test
    void shouldShowEveryFigureOfResultsJsonFormattedTheSameWay() throws Exception
    {
        assertEquals(SyntheticRun.results(), ResultsJson.readRun(files.resultsJson()));

        final Set<String> shown = HtmlFigures.checkFiguresAgainstJson(html, json);

        // Every scalar of results.json is in a table, and nothing else claims to be.
        assertEquals(HtmlFigures.leafPointers(json), shown);
        assertEquals(247, shown.size());
    }

    @Test
    void shouldShowEveryRealTimeFigureOfARealTimeRun() throws Exception
    {
        final Path realDir = dir.resolve("real");
        final RunReport.OutputFiles real = RunReport.writeAll(SyntheticRun.realTimeResults(), SyntheticRun.timeSeries(),
            realDir);
        final String realHtml = Files.readString(real.reportHtml(), StandardCharsets.UTF_8);
        final JsonNode realJson = ResultsJson.mapper().readTree(real.resultsJson().toFile());
        assertEquals(HtmlFigures.leafPointers(realJson), HtmlFigures.checkFiguresAgainstJson(realHtml, realJson));
        assertTrue(realHtml.contains("<p id=\"pace\" class=\"verdict fail\">Real time NOT KEPT: fell 812.5 ms"),
            realHtml);
        assertFalse(html.contains("id=\"pace\""), "no pace verdict for a virtual run");
    }

    @Test
    void shouldShowTheAchievedPeakAndBaselineOfEachInstance()
    {
        assertTrue(html.contains("<td data-json=\"/instances/0/name\">web-1</td><td>out</td>"
            + "<td class=\"num\" data-json=\"/instances/0/netOut/averageGbps\" data-decimals=\"3\">6.457</td>"
            + "<td class=\"num\" data-json=\"/instances/0/netOut/peakGbps\" data-decimals=\"3\">10.000</td>"
            + "<td class=\"num\" data-json=\"/instances/0/netOut/baselineGbps\" data-decimals=\"3\">0.750</td>"
            + "<td class=\"num\" data-json=\"/instances/0/netOut/finalCreditBalancePercent\" data-decimals=\"1\">"
            + "0.0</td>"), html);
    }

    @Test
    void shouldMarkExpectationsAndTheVerdict()
    {
        assertTrue(html.contains("<p id=\"verdict\" class=\"verdict fail\">1 of 3 expectations FAILED: volume data-1"
            + " p99 latency under 1 ms (expected &lt; 1.000 ms, actual 1.988 ms)</p>"), html);
        assertTrue(html.contains("<td class=\"pass\" data-json=\"/expectations/0/passed\">PASS</td>"));
        assertTrue(html.contains("<td class=\"fail\" data-json=\"/expectations/1/passed\">FAIL</td>"));
    }

    @Test
    void shouldPutTheExpectationsAndTheChartsBeforeTheDetailedTables()
    {
        final int expectations = html.indexOf("<table id=\"table-expectations\"");
        final int firstChart = html.indexOf("<img ");
        final int network = html.indexOf("<table id=\"table-network\"");
        assertTrue(expectations > 0 && firstChart > expectations && network > firstChart,
            "expectations at " + expectations + ", first chart at " + firstChart + ", network table at " + network);
    }

    @Test
    void shouldBeSelfContained()
    {
        assertTrue(html.startsWith("<!DOCTYPE html>\n"));
        assertTrue(html.contains("<h1>nitro-sim report: demo &lt;two sizes&gt; &amp; EBS</h1>"));
        for (final String external : List.of("http:", "https:", "<script", "<link", "url(", "@import"))
        {
            assertFalse(html.contains(external), "report refers to something outside itself: " + external);
        }
    }

    @Test
    void shouldEmbedEveryChartAsADecodablePng() throws Exception
    {
        final List<HtmlFigures.Chart> charts = HtmlFigures.charts(html);
        assertEquals(List.of(
            "chart-net-web-1-in", "chart-net-web-1-out", "chart-ebs-throughput-web-1-mbps",
            "chart-ebs-throughput-web-1-mib-s", "chart-ebs-iops-web-1", "chart-ebs-credits-web-1",
            "chart-latency-web-1", "chart-allowance-web-1",
            "chart-net-db-1-in", "chart-net-db-1-out", "chart-ebs-throughput-db-1", "chart-ebs-iops-db-1",
            "chart-ebs-credits-db-1", "chart-allowance-db-1",
            "chart-summary-net", "chart-summary-ebs-iops", "chart-summary-ebs-mbps", "chart-summary-volume-iops",
            "chart-summary-volume-mibps", "chart-volume-latency", "chart-stream-latency", "chart-fio-latency"),
            charts.stream().map(HtmlFigures.Chart::id).toList());
        for (final HtmlFigures.Chart chart : charts)
        {
            assertEquals(Charts.HEIGHT, chart.image().getHeight(), chart.id());
            assertTrue(chart.image().getWidth() >= Charts.WIDTH && chart.image().getWidth() <= 2400, chart.id());
            assertFalse(chart.alt().isBlank(), chart.id());
        }
    }

    @Test
    void shouldDrawThroughputWithPeakBaselineAndCreditBalance() throws Exception
    {
        final Map<String, HtmlFigures.Chart> charts = HtmlFigures.charts(html).stream()
            .collect(Collectors.toMap(HtmlFigures.Chart::id, Function.identity()));
        final HtmlFigures.Chart out = charts.get("chart-net-web-1-out");
        assertEquals("network out throughput of web-1 over simulated time in Gbps; reference lines: "
            + "web-1 out peak 10 Gbps, web-1 out baseline 0.75 Gbps; credit balance (%) on the right axis", out.alt());
        assertTrue(HtmlFigures.countPixels(out.image(), Charts.PEAK_COLOR) > 100, "peak line");
        assertTrue(HtmlFigures.countPixels(out.image(), Charts.BASELINE_COLOR) > 100,
            "baseline line");
        assertTrue(HtmlFigures.countPixels(out.image(), Charts.CREDIT_COLOR) > 100,
            "credit balance line");
        // A non-burstable type has one cap line where peak and baseline coincide.
        assertEquals("network out throughput of db-1 over simulated time in Gbps; reference lines: "
            + "db-1 out cap 10 Gbps; credit balance (%) on the right axis", charts.get("chart-net-db-1-out").alt());
        assertEquals("EBS IOPS of web-1 over simulated time in IOPS; reference lines: web-1 EBS peak 16000 IOPS, "
            + "web-1 EBS baseline 4000 IOPS, data-1 peak 3000 IOPS, data-1 baseline 300 IOPS",
            charts.get("chart-ebs-iops-web-1").alt());
    }

    @Test
    void shouldStillRenderWithAnEmptyTimeSeries() throws Exception
    {
        final RunResults results = SyntheticRun.results();
        final String page = HtmlReport.render(results, TimeSeries.empty(SyntheticRun.columns()));
        assertTrue(page.contains("No time series was sampled."));
        final List<HtmlFigures.Chart> charts = HtmlFigures.charts(page);
        assertEquals(22, charts.size()); // the time charts are drawn empty, with their cap lines
    }
}
