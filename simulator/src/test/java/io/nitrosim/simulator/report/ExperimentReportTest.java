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

import io.nitrosim.simulator.results.ExperimentMetric;
import io.nitrosim.simulator.results.ExperimentPoint;
import io.nitrosim.simulator.results.ExperimentResults;

class ExperimentReportTest
{
    private static final List<ExperimentMetric> METRICS = List.of(
        new ExperimentMetric("netOutGbps", "net out average", "Gbps"),
        new ExperimentMetric("ebsIops", "EBS IOPS", "IOPS"),
        new ExperimentMetric("p99Ms", "p99 latency", "ms"));

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
            metrics.put("p99Ms", 0.5 + i * 0.25);
            final Map<String, Double> cap = new LinkedHashMap<>();
            cap.put("netOutGbps", caps[i][0]);
            cap.put("ebsIops", caps[i][1]);
            points.add(new ExperimentPoint(params, metrics, cap, i != 1));
        }
        return new ExperimentResults("block sizes, two sizes", "examples/fio.yaml",
            List.of("instanceType", "blockSize"), METRICS, points);
    }

    @Test
    void shouldWriteOneCsvRowPerPointWithCapColumns() throws Exception
    {
        final StringWriter w = new StringWriter();
        ExperimentReport.writeCsv(sweep(), w);
        final String[] lines = w.toString().split("\n");

        assertEquals(5, lines.length);
        assertEquals("instanceType,blockSize,netOutGbps,netOutGbps.cap,ebsIops,ebsIops.cap,p99Ms,expectationsPassed",
            lines[0]);
        assertEquals("c5.large,4096,0.7499,10,15984,16000,0.5,true", lines[1]);
        assertEquals("c5.large,16384,0.7499,10,8000,16000,0.75,false", lines[2]);
        assertEquals("c5.9xlarge,16384,9.9876,10,16000,32000,1.25,true", lines[4]);
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
    void shouldShowTheJsonFiguresAndAChartPerMetricInTheHtml(@TempDir final Path dir) throws Exception
    {
        final ExperimentReport.OutputFiles files = ExperimentReport.writeAll(sweep(), dir);
        final String html = Files.readString(files.html(), StandardCharsets.UTF_8);
        final JsonNode json = ResultsJson.mapper().readTree(files.json().toFile());

        final Set<String> shown = HtmlFigures.checkFiguresAgainstJson(html, json);
        final Set<String> expected = HtmlFigures.leafPointers(json);
        expected.removeIf(p -> p.equals("/experiment") || p.startsWith("/parameters/") || p.startsWith("/metrics/"));
        assertEquals(expected, shown);

        final List<HtmlFigures.Chart> charts = HtmlFigures.charts(html);
        assertEquals(List.of("chart-metric-netOutGbps", "chart-metric-ebsIops", "chart-metric-p99Ms"),
            charts.stream().map(HtmlFigures.Chart::id).toList());
        assertEquals("net out average in Gbps achieved next to its cap for each point of the sweep over "
            + "instanceType, blockSize", charts.get(0).alt());
        assertEquals("p99 latency in ms for each point of the sweep over instanceType, blockSize",
            charts.get(2).alt());
        for (final HtmlFigures.Chart chart : charts)
        {
            assertEquals(Charts.HEIGHT, chart.image().getHeight());
            assertEquals(Charts.WIDTH, chart.image().getWidth());
        }
        // Percent of cap is derived, so it is shown without a JSON pointer.
        assertTrue(html.contains("<td class=\"num\" data-json=\"/points/0/caps/ebsIops\" data-decimals=\"3\">"
            + "16000.000</td><td class=\"num\">99.9</td>"), html);
        assertFalse(html.contains("<script"));
    }

    @Test
    void shouldLabelPointsByTheirParameters()
    {
        assertEquals(List.of("instanceType=c5.large, blockSize=4096", "instanceType=c5.large, blockSize=16384",
            "instanceType=c5.9xlarge, blockSize=4096", "instanceType=c5.9xlarge, blockSize=16384"),
            ExperimentReport.pointLabels(sweep()));
    }

    @Test
    void shouldRejectAPointThatLacksADeclaredMetric()
    {
        final ExperimentPoint bad = new ExperimentPoint(Map.of("instanceType", "c5.large"),
            Map.of("netOutGbps", 1.0), Map.of(), true);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> new ExperimentResults("x", "s", List.of("instanceType"), METRICS.subList(0, 2), List.of(bad)));
        assertTrue(ex.getMessage().startsWith("point 0 has metrics [netOutGbps], expected "), ex.getMessage());
    }
}
