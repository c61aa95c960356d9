package io.nitrosim.simulator.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.simulator.engine.Simulation;
import io.nitrosim.simulator.results.SeriesKeys;
import io.nitrosim.simulator.results.TimeSeries;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioBuilder;

class CreditTraceTest
{
    @TempDir
    Path dir;

    /** a (c5.large, 1 s network and EBS bursts) sends to b at its 10 Gbps peak and writes to a volume at its EBS peak. */
    private static Scenario burst()
    {
        return ScenarioBuilder.named("credits").duration("2500ms").seed(11).sampleInterval("100ms")
            .burst("c5.large", 1L, 1L)
            .instance("a", "c5.large").instance("b", "c5.xlarge")
            .volume("a", "data", "gp3", 500, 16000, 1000)
            .iperf("bulk", "a", "b", 4)
            .fio("writes", "data", "write", "256k", 32)
            .trace(List.of("credit"), List.of("a"))
            .build();
    }

    @Test
    void shouldExportOneCounterTrackPerBucketWhoseValuesAreTheSeriesCreditBalances() throws Exception
    {
        final Simulation simulation = TracedRuns.run(burst(), dir.resolve("work"), dir.resolve("trace"));
        final TimeSeries series = simulation.timeSeries();
        final ByteArrayOutputStream json = new ByteArrayOutputStream();
        final TraceStats stats;
        try (TraceReader reader = TraceReader.open(dir.resolve("trace")))
        {
            PerfettoExport.write(reader, TraceFilter.all(), 1_000_000L, json);
        }
        try (TraceReader reader = TraceReader.open(dir.resolve("trace")))
        {
            stats = TraceStats.of(reader, TraceFilter.all());
        }
        // one record per bucket per sample: 2 network, 2 EBS card, 1 volume
        assertEquals(5L * series.sampleCount(), stats.count(TraceKind.CREDIT));
        assertEquals(stats.total(), stats.count(TraceKind.CREDIT));

        final JsonNode events = new ObjectMapper().readTree(json.toByteArray()).get("traceEvents");
        final Map<Integer, String> processes = new TreeMap<>();
        final Map<String, List<double[]>> counters = new TreeMap<>();
        for (final JsonNode e : events)
        {
            if ("M".equals(e.get("ph").asText()) && "process_name".equals(e.get("name").asText()))
            {
                processes.put(e.get("pid").asInt(), e.get("args").get("name").asText());
            }
            if ("C".equals(e.get("ph").asText()))
            {
                counters.computeIfAbsent(e.get("pid").asInt() + " " + e.get("name").asText(), k -> new ArrayList<>())
                    .add(new double[] {e.get("ts").asDouble(), e.get("args").get("%").asDouble()});
            }
        }
        assertEquals("a VPC card: a-ingress (vpc-ingress, device 255)", processes.get(1255));
        assertEquals("a EBS card: a-ebs (ebs-card, device 254)", processes.get(1254));
        final int volumePid = processes.entrySet().stream().filter(p -> p.getValue().startsWith("a EBS card: data"))
            .findFirst().orElseThrow().getKey();
        assertEquals(5, counters.size(), counters.keySet().toString());

        assertMatchesSeries(counters.get("1255 net-out credits"), series, SeriesKeys.netCreditPct("a", "out"));
        assertMatchesSeries(counters.get("1255 net-in credits"), series, SeriesKeys.netCreditPct("a", "in"));
        assertMatchesSeries(counters.get("1254 ebs-io credits"), series, SeriesKeys.ebsIoBalancePct("a"));
        assertMatchesSeries(counters.get("1254 ebs-bytes credits"), series, SeriesKeys.ebsByteBalancePct("a"));
        assertMatchesSeries(counters.get(volumePid + " volume-burst credits"), series,
            SeriesKeys.volumeBurstBalancePct("a", "data"));

        // The 1 s network burst: the balance reaches ~0 when the series says the rate fell to the baseline.
        final List<double[]> out = counters.get("1255 net-out credits");
        final double[] gbps = series.values(SeriesKeys.netGbps("a", "out"));
        int spent = -1;
        for (int i = 0; i < out.size(); i++)
        {
            if (out.get(i)[1] < 0.5)
            {
                spent = i;
                break;
            }
        }
        assertTrue(spent > 0, "net-out credits never spent: " + out.stream().map(v -> v[1]).toList());
        assertEquals(1.0e6, out.get(spent)[0], 0.2e6, "spent about 1 s into the run (us)");
        assertTrue(gbps[spent - 2] > 9.0, "at peak before the credits ran out: " + gbps[spent - 2]);
        for (int i = spent + 2; i < gbps.length; i++)
        {
            assertEquals(0.75, gbps[i], 0.02, "baseline once spent, sample " + i);
            assertTrue(out.get(i)[1] < 0.5, "balance stays ~0 at the baseline: " + out.get(i)[1]);
        }
    }

    private static void assertMatchesSeries(final List<double[]> counter, final TimeSeries series, final String key)
    {
        final double[] values = series.values(key);
        assertEquals(series.sampleCount(), counter.size(), key);
        for (int i = 0; i < values.length; i++)
        {
            assertEquals(series.timeNs(i) / 1000.0, counter.get(i)[0], 1e-6, key + " time of sample " + i);
            assertEquals(values[i], counter.get(i)[1], 1e-9, key + " at " + series.timeNs(i) + " ns");
        }
    }
}
