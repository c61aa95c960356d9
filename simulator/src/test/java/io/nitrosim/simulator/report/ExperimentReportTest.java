package io.nitrosim.simulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.simulator.results.ExpectationResult;
import io.nitrosim.simulator.results.ExperimentMetric;
import io.nitrosim.simulator.results.ExperimentPoint;
import io.nitrosim.simulator.results.ExperimentResults;
import io.nitrosim.simulator.results.SyntheticRun;
import io.nitrosim.simulator.results.TimeSeries;

class ExperimentReportTest
{
    private static final List<ExperimentMetric> METRICS = List.of(
        new ExperimentMetric("netOutGbps", "net out average", "Gbps"),
        new ExperimentMetric("ebsIops", "EBS IOPS", "IOPS"),
        new ExperimentMetric("idleGbps", "net in average", "Gbps"),
        new ExperimentMetric("web-1.net-out-burst-seconds", "web-1 net-out burst", "s", "web-1 net-out"),
        new ExperimentMetric("web-1.net-out-drain-projected", "web-1 net-out drain projected", "flag", "web-1 net-out"),
        new ExperimentMetric("bulk.workload-p99-ms", "bulk p99 latency", "ms", "bulk workload"));

    static ExperimentResults sweep()
    {
        final List<ExperimentPoint> points = new ArrayList<>();
        final double[][] caps = {{10, 16_000}, {10, 16_000}, {10, 32_000}, {10, 32_000}};
        final String[] types = {"c5.large", "c5.large", "c5.9xlarge", "c5.9xlarge"};
        final String[] blocks = {"4096", "16384", "4096", "16384"};
        for (int i = 0; i < 4; i++)
        {
            final Map<String, String> params = new LinkedHashMap<>();
            params.put("instanceType", types[i]);
            params.put("blockSize", blocks[i]);
            final Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("netOutGbps", i < 2 ? 0.7499 : 9.9876);
            metrics.put("ebsIops", caps[i][1] * (i % 2 == 0 ? 0.999 : 0.5));
            metrics.put("idleGbps", 0.0);
            if (i < 2)
            {
                metrics.put("web-1.net-out-burst-seconds", i == 0 ? 20.0 : 43.529);
                metrics.put("web-1.net-out-drain-projected", 0.0);
            }
            metrics.put("bulk.workload-p99-ms", 0.5 + i * 0.25);
            final Map<String, Double> cap = new LinkedHashMap<>();
            cap.put("netOutGbps", caps[i][0]);
            cap.put("ebsIops", caps[i][1]);
            points.add(new ExperimentPoint(params, metrics, cap, i != 1,
                List.of(new ExpectationResult("net-out-gbps instance web-1 at least 0.7", i != 1, "0.7499", "at least 0.7")),
                List.of(new ExpectationResult("net-out-gbps instance web-1 at least 9", i >= 2, "0.7499", "at least 9")),
                1.5 + i));
        }
        return new ExperimentResults("block sizes, two sizes", "examples/fio.yaml",
            List.of("instanceType", "blockSize"), METRICS, points, false, 12.25);
    }

    @Test
    void shouldWriteOneCsvRowPerPointWithCapColumnsAndEmptyCellsForMissingValues() throws Exception
    {
        final StringWriter w = new StringWriter();
        ExperimentReport.writeCsv(sweep(), w);
        final String[] lines = w.toString().split("\n");

        assertEquals(5, lines.length);
        assertEquals("instanceType,blockSize,netOutGbps,netOutGbps.cap,ebsIops,ebsIops.cap,idleGbps,"
            + "web-1.net-out-burst-seconds,web-1.net-out-drain-projected,bulk.workload-p99-ms,expectationsPassed,"
            + "scenarioExpectationsPassed", lines[0]);
        assertEquals("c5.large,4096,0.7499,10,15984,16000,0,20,0,0.5,true,false", lines[1]);
        assertEquals("c5.large,16384,0.7499,10,8000,16000,0,43.529,0,0.75,false,false", lines[2]);
        assertEquals("c5.9xlarge,16384,9.9876,10,16000,32000,0,,,1.25,true,true", lines[4]);
    }

    @Test
    void shouldQuoteCsvCellsThatNeedIt()
    {
        assertEquals("plain", ExperimentReport.csvCell("plain"));
        assertEquals("\"a,b\"", ExperimentReport.csvCell("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", ExperimentReport.csvCell("say \"hi\""));
    }

    @Test
    void shouldRoundTripExperimentJson(@TempDir final Path dir) throws Exception
    {
        final ExperimentReport.OutputFiles files = ExperimentReport.writeAll(sweep(), dir);
        assertEquals(sweep(), ResultsJson.readExperiment(files.json()));
        assertEquals(dir.resolve("experiment.csv"), files.csv());
        assertTrue(Files.readString(files.csv(), StandardCharsets.UTF_8).startsWith("instanceType,blockSize,"));
    }

    @Test
    void shouldShowEveryFigureThatMovedTaggedWithItsJsonPointer(@TempDir final Path dir) throws Exception
    {
        final ExperimentReport.OutputFiles files = ExperimentReport.writeAll(sweep(), dir);
        final String html = Files.readString(files.html(), StandardCharsets.UTF_8);
        final JsonNode json = ResultsJson.mapper().readTree(files.json().toFile());

        final Set<String> shown = HtmlFigures.checkFiguresAgainstJson(html, json);
        final Set<String> expected = HtmlFigures.leafPointers(json);
        expected.removeIf(p -> p.equals("/experiment") || p.startsWith("/parameters/") || p.startsWith("/metrics/")
            || p.equals("/scenarioExpectationsGate") || p.equals("/wallSeconds")
            // never moved (0 at every point), and a flag shown as yes/no beside its figure:
            || p.endsWith("/idleGbps") || p.endsWith("/web-1.net-out-drain-projected"));
        assertEquals(expected, shown);

        assertEquals(List.of("table-points", "table-web-1-net-out", "table-bulk-workload", "table-averages",
            "table-expectations"), HtmlFigures.tableIds(html));
        // Percent of cap is derived, so it is shown without a JSON pointer.
        assertTrue(html.contains("<td class=\"num\" data-json=\"/points/0/caps/ebsIops\" data-decimals=\"3\">"
            + "16000.000</td><td class=\"num\">99.9</td>"), html);
        // A figure that does not apply at a point reads "-"; a flag reads yes/no.
        assertTrue(html.contains("<td class=\"num\" data-json=\"/points/1/metrics/web-1.net-out-burst-seconds\" "
            + "data-decimals=\"3\">43.529</td><td>no</td>"), html);
        assertTrue(html.contains("<td class=\"num\">-</td><td>-</td>"), html);
        assertTrue(html.contains("<p id=\"verdict\" class=\"verdict fail\">1 of 4 points FAILED an expectation that "
            + "gates the sweep: point 2 (instanceType=c5.large, blockSize=16384)</p>"), html);
        assertFalse(html.contains("<script"));
    }

    @Test
    void shouldChartFiguresAgainstTheFirstParameterAndOnlyAveragesThatMoved(@TempDir final Path dir) throws Exception
    {
        final ExperimentResults r = sweep();
        final String html = ExperimentHtml.render(r, List.of(SyntheticRun.timeSeries(), halved(SyntheticRun.timeSeries())));
        final List<HtmlFigures.Chart> charts = HtmlFigures.charts(html);
        final List<String> ids = charts.stream().map(HtmlFigures.Chart::id).toList();

        // burst seconds and p99 change across points; the flag is never charted; idleGbps never moved. The synthetic
        // series: only columns whose samples change are overlaid.
        assertEquals(List.of("chart-figure-web-1-net-out-burst-seconds", "chart-figure-bulk-workload-p99-ms"),
            ids.subList(0, 2));
        assertTrue(ids.contains("chart-series-web-1-net-out-gbps"), ids.toString());
        assertFalse(ids.contains("chart-series-web-1-net-in-gbps"), "a flat 0.12 Gbps never moved: " + ids);
        assertFalse(ids.contains("chart-series-db-1-net-in-credits"), "credits full throughout: " + ids);
        assertEquals(List.of("chart-metric-netOutGbps", "chart-metric-ebsIops"),
            ids.subList(ids.size() - 2, ids.size()));
        final HtmlFigures.Chart figure = charts.get(1);
        assertEquals("bulk p99 latency in ms for each value of instanceType, one line per value of blockSize",
            figure.alt());
        final HtmlFigures.Chart overlay = charts.stream().filter(c -> c.id().equals("chart-series-web-1-net-out-gbps"))
            .findFirst().orElseThrow();
        assertEquals("web-1 out in Gbps over simulated time, one line per point, labelled instanceType / blockSize",
            overlay.alt());
        for (int i = 0; i < 2; i++)
        {
            // each point has its own colour on the overlay
            assertTrue(HtmlFigures.countPixels(overlay.image(), Charts.SERIES_COLORS[i]) > 100, "point " + (i + 1));
        }
    }

    /** The same series with web-1's outbound rate halved, so the two points' lines do not cover each other. */
    private static TimeSeries halved(final TimeSeries ts)
    {
        final double[][] values = new double[ts.columns().size()][];
        for (int c = 0; c < values.length; c++)
        {
            final String key = ts.columns().get(c).key();
            values[c] = ts.values(key);
            for (int i = 0; key.equals("web-1.net.out.gbps") && i < values[c].length; i++)
            {
                values[c][i] /= 2;
            }
        }
        return TimeSeries.of(ts.columns(), ts.timesNs(), values);
    }

    @Test
    void shouldSayWhenNothingGatesTheSweepAndHowTheScenarioExpectationsFared()
    {
        final ExperimentResults r = sweep();
        final List<ExperimentPoint> ungated = new ArrayList<>();
        for (final ExperimentPoint p : r.points())
        {
            ungated.add(new ExperimentPoint(p.parameters(), p.metrics(), p.caps(), true, List.of(),
                p.scenarioExpectations(), p.wallSeconds()));
        }
        final ExperimentResults reported = new ExperimentResults(r.experiment(), r.scenario(), r.parameters(),
            r.metrics(), ungated, false, 1);
        assertEquals(List.of("The sweep has no expectations of its own; nothing gates it.",
            "The scenario's own expectations are reported, not gating (set scenarioExpectations: gate to gate on "
                + "them): they held at 2 of 4 points."), ExperimentReport.verdict(reported));
        assertEquals(List.of("1 of 4 points FAILED an expectation that gates the sweep: point 2 "
            + "(instanceType=c5.large, blockSize=16384)", "The scenario's own expectations are reported, not gating "
            + "(set scenarioExpectations: gate to gate on them): they held at 2 of 4 points."),
            ExperimentReport.verdict(r));
    }

    @Test
    void shouldLabelPointsByTheirParameters()
    {
        assertEquals(List.of("instanceType=c5.large, blockSize=4096", "instanceType=c5.large, blockSize=16384",
            "instanceType=c5.9xlarge, blockSize=4096", "instanceType=c5.9xlarge, blockSize=16384"),
            ExperimentHtml.pointLabels(sweep()));
        assertEquals("c5.9xlarge / 16384", ExperimentHtml.valueLabel(sweep().points().get(3)));
        assertEquals("burst", ExperimentHtml.shortLabel(METRICS.get(3)));
        assertEquals("p99 latency", ExperimentHtml.shortLabel(METRICS.get(5)));
        assertEquals("03", ExperimentReport.pointFolder(2, 24));
        assertEquals("103", ExperimentReport.pointFolder(102, 240));
    }

    @Test
    void shouldRejectAPointWithAnUndeclaredMetric()
    {
        final ExperimentPoint bad = new ExperimentPoint(Map.of("instanceType", "c5.large"),
            Map.of("netOutGbps", 1.0, "other", 2.0), Map.of(), true);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> new ExperimentResults("x", "s", List.of("instanceType"), METRICS.subList(0, 2), List.of(bad)));
        assertTrue(ex.getMessage().startsWith("point 0 has metrics "), ex.getMessage());
    }

    @Test
    void shouldWriteEveryPointsOwnFiles(@TempDir final Path dir) throws Exception
    {
        final TimeSeries ts = SyntheticRun.timeSeries();
        ExperimentReport.writeAll(sweep(), List.of(SyntheticRun.results(), SyntheticRun.results()),
            List.of(ts, ts), dir);
        assertEquals(SyntheticRun.results(), ResultsJson.readRun(dir.resolve("points/02/results.json")));
        assertTrue(Files.readString(dir.resolve("points/01/timeseries.csv")).startsWith("time_s,"));
    }
}
