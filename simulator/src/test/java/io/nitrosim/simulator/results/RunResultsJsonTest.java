package io.nitrosim.simulator.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

import org.junit.jupiter.api.Test;

import io.nitrosim.simulator.report.ResultsJson;

class RunResultsJsonTest
{
    @Test
    void shouldRoundTripARunThroughJson() throws Exception
    {
        final RunResults results = SyntheticRun.results();
        final String json = ResultsJson.toJson(results);
        final RunResults back = ResultsJson.parseRun(json);

        assertEquals(results, back);
        assertEquals(json, ResultsJson.toJson(back));
    }

    @Test
    void shouldRoundTripARealTimeRunAndLeaveTheRealTimeFieldsOutOfAVirtualOne() throws Exception
    {
        final RunResults real = SyntheticRun.realTimeResults();
        final String json = ResultsJson.toJson(real);
        assertEquals(real, ResultsJson.parseRun(json));
        final JsonNode root = ResultsJson.mapper().readTree(json);
        assertEquals(List.of("scenario", "seed", "clockMode", "payloadMode", "simulatedSeconds", "wallSeconds",
            "realTime", "instances", "volumes", "streams", "fioJobs", "expectations", "derived"), names(root));
        assertEquals(List.of("maxLagMs", "timeBehindSeconds", "realTimeFactor", "allowedLagMs", "keptPace",
            "threadBusyPercent", "busiestAgents"), names(root.get("realTime")));
        assertEquals(List.of("agent", "busyPercent"), names(root.get("realTime").get("busiestAgents").get(0)));
        assertFalse(real.passed(), "every expectation but one held, and it fell behind");

        final RealTimeResult unlimited = new RealTimeResult(812.5, 7.25, 0.1234, null, true, 99.5, List.of());
        final RunResults anyLag = new RunResults("s", 1, "real", "full", 1, 8, unlimited, null, null, null, null, null);
        assertTrue(anyLag.passed());
        assertFalse(ResultsJson.toJson(anyLag).contains("allowedLagMs"), "absent when any lag is allowed");
        assertEquals(anyLag, ResultsJson.parseRun(ResultsJson.toJson(anyLag)));

        assertFalse(ResultsJson.toJson(SyntheticRun.results()).contains("realTime"));
        assertEquals(null, ResultsJson.parseRun(ResultsJson.toJson(SyntheticRun.results())).realTime());
    }

    @Test
    void shouldWriteTheAgreedFieldNamesInOrder() throws Exception
    {
        final JsonNode root = ResultsJson.mapper().readTree(ResultsJson.toJson(SyntheticRun.results()));
        assertEquals(List.of("scenario", "seed", "clockMode", "payloadMode", "simulatedSeconds", "wallSeconds",
            "instances", "volumes", "streams", "fioJobs", "expectations", "derived"), names(root));
        final JsonNode instance = root.get("instances").get(0);
        assertEquals(List.of("name", "id", "type", "host", "netIn", "netOut", "ebs", "allowance", "enis"),
            names(instance));
        assertEquals(List.of("averageGbps", "peakGbps", "baselineGbps", "finalCreditBalancePercent", "packets",
            "bytes"), names(instance.get("netOut")));
        assertEquals(List.of("averageMbps", "peakMbps", "baselineMbps", "averageIops", "peakIops", "baselineIops",
            "finalIoBalancePercent", "finalByteBalancePercent", "throttledOps", "throttledBytes"),
            names(instance.get("ebs")));
        assertEquals(AllowanceCounters.NAMES, names(instance.get("allowance")));
        assertEquals(List.of("name", "id", "mac", "ipv4", "bytesIn", "bytesOut", "allowance"),
            names(instance.get("enis").get(0)));
        assertEquals(List.of("name", "id", "instance", "type", "device", "readIops", "writeIops", "readMBps",
            "writeMBps", "capIops", "capMBps", "latency", "throttledOps", "throttledBytes",
            "finalBurstBalancePercent"), names(root.get("volumes").get(0)));
        assertEquals(List.of("p50Ms", "p99Ms", "p999Ms", "maxMs"), names(root.get("volumes").get(0).get("latency")));
        assertEquals(List.of("workload", "stream", "from", "to", "protocol", "frameBytes", "throughputGbps",
            "lossPercent", "oneWayLatency"), names(root.get("streams").get(0)));
        assertEquals(List.of("workload", "job", "instance", "volume", "rw", "blockSizeBytes", "iodepth", "iops",
            "bandwidthMBps", "latency", "verifyErrors"), names(root.get("fioJobs").get(0)));
        assertEquals(List.of("description", "passed", "actual", "expected"), names(root.get("expectations").get(0)));
        assertEquals(List.of("subject", "instance", "quantity", "unit", "peakCap", "baselineCap", "startSeconds",
            "peakHeld", "burstEnded", "burstSeconds", "baselineAfter", "drainSeconds", "drainProjected",
            "finalCreditsPercent", "throttledFraction"), names(root.get("derived").get(0)));
        // Figures that do not apply are left out rather than written as null.
        assertEquals(List.of("subject", "instance", "quantity", "unit", "peakCap", "baselineCap", "startSeconds",
            "peakHeld", "burstEnded", "drainSeconds", "drainProjected", "finalCreditsPercent", "throttledFraction"),
            names(root.get("derived").get(1)));
        assertEquals(5432, instance.get("allowance").get("bw_out_allowance_exceeded").asLong());
        assertEquals(339_000_000_123L, instance.get("netOut").get("bytes").asLong());
    }

    @Test
    void shouldSerializeASmallRecordExactly()
    {
        assertEquals("{\n  \"averageGbps\" : 9.95,\n  \"peakGbps\" : 10.0,\n  \"baselineGbps\" : 0.75,\n"
            + "  \"finalCreditBalancePercent\" : 12.5,\n  \"packets\" : 7,\n  \"bytes\" : 8\n}\n",
            ResultsJson.toJson(new DirectionResult(9.95, 10, 0.75, 12.5, 7, 8)));
    }

    @Test
    void shouldKeepTheAllowanceCountersInEnaOrderWhateverTheInputOrder()
    {
        final Map<String, Long> shuffled = new LinkedHashMap<>();
        shuffled.put(AllowanceCounters.LINKLOCAL, 5L);
        shuffled.put(AllowanceCounters.PPS, 3L);
        shuffled.put(AllowanceCounters.BW_OUT, 2L);
        shuffled.put(AllowanceCounters.CONNTRACK, 4L);
        shuffled.put(AllowanceCounters.BW_IN, 1L);
        final EniResult eni = new EniResult("eth0", "eni-1", "02:00:00:00:00:01", "10.0.0.1", 0, 0, shuffled);

        assertEquals(AllowanceCounters.NAMES, new ArrayList<>(eni.allowance().keySet()));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), new ArrayList<>(eni.allowance().values()));
        assertEquals(15, AllowanceCounters.total(eni.allowance()));
    }

    @Test
    void shouldRejectAnUnknownOrMissingAllowanceCounter()
    {
        final Map<String, Long> unknown = new LinkedHashMap<>(AllowanceCounters.zero());
        unknown.put("bw_allowance_exceeded", 1L);
        assertEquals("eni eth0 allowance: unknown allowance counter 'bw_allowance_exceeded', expected one of "
            + AllowanceCounters.NAMES, assertThrows(IllegalArgumentException.class,
                () -> new EniResult("eth0", "eni-1", "m", "ip", 0, 0, unknown)).getMessage());
        final Map<String, Long> missing = new LinkedHashMap<>(AllowanceCounters.zero());
        missing.remove(AllowanceCounters.PPS);
        assertEquals("eni eth0 allowance: missing allowance counter 'pps_allowance_exceeded'",
            assertThrows(IllegalArgumentException.class,
                () -> new EniResult("eth0", "eni-1", "m", "ip", 0, 0, missing)).getMessage());
    }

    @Test
    void shouldRejectUnknownFieldsAndInvalidValuesWhenReading()
    {
        final String json = ResultsJson.toJson(SyntheticRun.results());
        assertThrows(UnrecognizedPropertyException.class,
            () -> ResultsJson.parseRun(json.replace("\"seed\" :", "\"colour\" : 1, \"seed\" :")));
        final ValueInstantiationException ex = assertThrows(ValueInstantiationException.class,
            () -> ResultsJson.parseRun(json.replace("\"finalCreditBalancePercent\" : 100.0",
                "\"finalCreditBalancePercent\" : 140.0")));
        assertTrue(ex.getMessage().contains("finalCreditBalancePercent must be a percentage in [0, 100], got 140.0"),
            ex.getMessage());
    }

    @Test
    void shouldCountFailedExpectationsWithoutSerializingTheVerdict()
    {
        final RunResults results = SyntheticRun.results();
        assertFalse(results.expectationsPassed());
        assertEquals(1, results.failedExpectations());
        assertFalse(ResultsJson.toJson(results).contains("expectationsPassed"));
        assertFalse(ResultsJson.toJson(results).contains("failedExpectations"));
    }

    private static List<String> names(final JsonNode node)
    {
        final List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
