package io.nitrosim.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import io.nitrosim.cli.NitroSim;

/**
 * The shipped sweep (examples/sweep-types.yaml) as a reader meets it: it passes, and its report lists six points
 * labelled by their parameter values with the burst each one held. The expected figures come from the credit
 * model, not from a previous run: a credit bucket holds (peak - baseline) x burst seconds and drains at
 * (rate held - baseline); one flow carries at most 5 Gbps.
 */
class ExampleSweepReportTest
{
    private static final Path EXAMPLE = Path.of("..", "examples", "sweep-types.yaml");
    private static final List<String> TYPES = List.of("c5.large", "c5.large", "c5.xlarge", "c5.xlarge", "c5.2xlarge",
        "c5.2xlarge");
    private static final List<String> STREAMS = List.of("1", "4", "1", "4", "1", "4");
    /** Network peak, baseline (Gbps) and burst (s) of each point's sender; the example shortens c5.large's to 20 s. */
    private static final Map<String, double[]> CAPS = Map.of("c5.large", new double[] {10, 0.75, 20},
        "c5.xlarge", new double[] {10, 1.25, 780}, "c5.2xlarge", new double[] {10, 2.5, 1560});

    @Test
    void shouldPassAndReportTheBurstOfEveryLabelledPoint() throws Exception
    {
        final ExampleRuns.Run run = ExampleRuns.of(EXAMPLE);
        assertEquals(NitroSim.EXIT_OK, run.exit(), run.console());
        assertTrue(run.console().contains("Every expectation that gates the sweep held at all 6 points."),
            run.console());
        assertTrue(run.console().contains("The scenario's own expectations are reported, not gating"), run.console());

        final JsonNode json = new ObjectMapper().readTree(run.out().resolve("experiment.json").toFile());
        final JsonNode points = json.get("points");
        assertEquals(6, points.size());
        for (int i = 0; i < 6; i++)
        {
            final JsonNode p = points.get(i);
            assertEquals(TYPES.get(i), p.at("/parameters/instances[0].type").asText());
            assertEquals(STREAMS.get(i), p.at("/parameters/workloads[0].streams").asText());
            final double[] caps = CAPS.get(TYPES.get(i));
            final double held = Math.min(caps[0], 5 * Integer.parseInt(STREAMS.get(i)));
            final double drainS = (caps[0] - caps[1]) * caps[2] / (held - caps[1]);
            final JsonNode m = p.get("metrics");
            assertEquals(held, m.get("web-1.net-out-peak-held").asDouble(), held * 0.001, "point " + (i + 1));
            assertEquals(drainS, m.get("web-1.net-out-drain-seconds").asDouble(), drainS * 0.001, "point " + (i + 1));
            if (TYPES.get(i).equals("c5.large"))
            {
                // One flow: 5 Gbps held for 9.25 Gbps x 20 s / 4.25 Gbps = 43.53 s; four: the 10 Gbps peak for 20 s.
                assertEquals(drainS, m.get("web-1.net-out-burst-seconds").asDouble(), 0.05, "point " + (i + 1));
                assertEquals(0.75, m.get("web-1.net-out-baseline-after").asDouble(), 0.0075);
                assertEquals(0.0, m.get("web-1.net-out-drain-projected").asDouble());
            }
            else
            {
                assertFalse(m.has("web-1.net-out-burst-seconds"), "the burst outlasts the minute: " + m);
                assertEquals(1.0, m.get("web-1.net-out-drain-projected").asDouble());
            }
            assertTrue(p.get("expectationsPassed").asBoolean(), p.toString());
        }
        assertEquals(43.53, points.get(0).at("/metrics/web-1.net-out-burst-seconds").asDouble(), 0.05);

        final String html = Files.readString(run.out().resolve("experiment.html"), StandardCharsets.UTF_8);
        final String table = table(html, "table-web-1-net-out");
        final Matcher row = Pattern.compile("<tr><td>(\\d)</td><td data-json=\"[^\"]*\">([^<]*)</td><td data-json=\"[^\"]*\">"
            + "([^<]*)</td><td class=\"num\" data-json=\"[^\"]*\" data-decimals=\"3\">([^<]*)</td>"
            + "<td class=\"num\"[^>]*>([^<]*)</td>").matcher(table);
        for (int i = 0; i < 6; i++)
        {
            assertTrue(row.find(), "row " + (i + 1) + " of " + table);
            assertEquals(String.valueOf(i + 1), row.group(1));
            assertEquals(TYPES.get(i), row.group(2));
            assertEquals(STREAMS.get(i), row.group(3));
            final String burst = row.group(5);
            if (i < 2)
            {
                assertEquals(i == 0 ? 185 / 4.25 : 20.0, Double.parseDouble(burst), 0.05, "burst of point " + (i + 1));
            }
            else
            {
                assertEquals("-", burst, "point " + (i + 1) + " never left its burst");
            }
        }
        assertTrue(html.contains("id=\"chart-figure-web-1-net-out-drain-seconds\""));
        assertTrue(html.contains("id=\"chart-series-web-1-net-out-gbps\""));
        assertFalse(html.contains("id=\"chart-metric-web-1-ebs-iops\""), "EBS never moved: no chart for it");
    }

    private static String table(final String html, final String id)
    {
        final int start = html.indexOf("<table id=\"" + id + "\">");
        assertTrue(start >= 0, "no table " + id);
        return html.substring(start, html.indexOf("</table>", start));
    }
}
