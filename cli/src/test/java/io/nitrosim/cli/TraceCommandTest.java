package io.nitrosim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

class TraceCommandTest extends CliTestBase
{
    /** a streams to b and writes to its volume: ENA and NVMe commands, shaping, frames, storage ops. */
    static final String TRACED = "name: traced\nduration: 150ms\nseed: 5\nsampleInterval: 50ms\n"
        + "instances:\n  - name: a\n    type: c5.large\n    volumes:\n      - {name: data, type: gp3, sizeGiB: 100}\n"
        + "  - {name: b, type: c5.large}\n"
        + "workloads:\n  - {name: bulk, kind: iperf, from: a, to: b, streams: 1}\n"
        + "  - {name: writes, kind: fio, volume: data, rw: write, bs: 256k, iodepth: 4}\n";

    private Path record(final String name, final String scenarioText, final String... options) throws Exception
    {
        final Path trace = dir.resolve(name);
        final List<String> args = new java.util.ArrayList<>(List.of("run", write(name + ".yaml", scenarioText).toString(),
            "--out", dir.resolve("out-" + name).toString(), "--quiet", "--trace", trace.toString()));
        args.addAll(List.of(options));
        assertEquals(0, run(args.toArray(new String[0])), err.toString());
        assertTrue(Files.isRegularFile(trace.resolve("trace.json")), out.toString());
        return trace;
    }

    @Test
    void shouldExit0ForIdenticalTracesAnd3WithTheFirstDivergenceForDifferentOnes() throws Exception
    {
        final Path a = record("a", TRACED);
        final Path same = record("same", TRACED);
        final Path other = record("other", TRACED.replace("iodepth: 4", "iodepth: 2"));
        out.getBuffer().setLength(0);
        assertEquals(0, run("trace", "diff", a.toString(), same.toString()), err.toString());
        assertTrue(out.toString().startsWith("identical: "), out.toString());

        out.getBuffer().setLength(0);
        assertEquals(3, run("trace", "diff", a.toString(), other.toString()), err.toString());
        final List<String> lines = out.toString().lines().toList();
        assertTrue(lines.get(0).startsWith("first divergence at record "), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("  > ")), out.toString());
        assertTrue(lines.contains("counts per kind that differ (A -> B):"), out.toString());
    }

    @Test
    void shouldReplayATraceWithExit0AgainstTheSameScenarioAnd3AgainstAChangedDevice() throws Exception
    {
        final Path plain = record("plain", TRACED);
        out.getBuffer().setLength(0);
        assertEquals(2, run("trace", "replay", plain.toString(), "--scenario", dir.resolve("plain.yaml").toString()));
        assertTrue(err.toString().contains("without dma-data records, which replay needs"), err.toString());

        final Path golden = record("recorded", TRACED, "--replayable");
        final Path scenario = dir.resolve("recorded.yaml");
        err.getBuffer().setLength(0);
        out.getBuffer().setLength(0);
        assertEquals(0, run("trace", "replay", golden.toString(), "--scenario", scenario.toString()), err.toString());
        assertTrue(out.toString().startsWith("replay reproduces the trace "), out.toString());

        // the volume's throughput provisioned at 500 MiB/s instead of gp3's 125: the same guest accesses meet a
        // different shaping gate
        final Path changed = write("fast.yaml", TRACED.replace("sizeGiB: 100}", "sizeGiB: 100, throughputMiBps: 500}"));
        final Path kept = dir.resolve("replayed");
        out.getBuffer().setLength(0);
        assertEquals(3, run("trace", "replay", golden.toString(), "--scenario", changed.toString(), "--trace",
            kept.toString()), err.toString());
        final List<String> lines = out.toString().lines().toList();
        assertTrue(lines.get(0).startsWith("replay departs from the trace "), out.toString());
        assertTrue(lines.get(1).startsWith("first divergence at record "), out.toString());
        assertTrue(Files.isRegularFile(kept.resolve("trace.json")), out.toString());

        out.getBuffer().setLength(0);
        assertEquals(2, run("trace", "replay", golden.toString(), "--scenario",
            write("other.yaml", TRACED.replace("name: b,", "name: c,").replace("to: b,", "to: c,")).toString()));
        assertTrue(err.toString().contains("instance 2 is 'c'; the trace's is 'b'"), err.toString());
    }

    @Test
    void shouldFailARunWhoseTraceDiffersFromTheGoldenOneWithExit3() throws Exception
    {
        final Path golden = record("golden", TRACED);
        out.getBuffer().setLength(0);
        assertEquals(0, run("run", write("again.yaml", TRACED).toString(), "--out", dir.resolve("o1").toString(),
            "--quiet", "--golden", golden.toString()), err.toString());
        assertTrue(out.toString().contains("trace matches the golden trace"), out.toString());

        out.getBuffer().setLength(0);
        assertEquals(3, run("run", write("changed.yaml", TRACED.replace("iodepth: 4", "iodepth: 8")).toString(),
            "--out", dir.resolve("o2").toString(), "--quiet", "--golden", golden.toString()), err.toString());
        assertTrue(out.toString().contains("trace differs from the golden trace"), out.toString());
        assertTrue(out.toString().contains("first divergence at record "), out.toString());
    }

    @Test
    void shouldDumpOnlyTheRecordsTheFiltersSelect() throws Exception
    {
        final Path trace = record("t", TRACED);
        out.getBuffer().setLength(0);
        assertEquals(0, run("trace", "dump", trace.toString(), "--function", "data", "--kind",
            "descriptor-fetch,storage-op", "--from", "50ms", "--to", "100ms"), err.toString());
        final List<String> lines = out.toString().lines().toList();
        assertFalse(lines.isEmpty());
        for (final String line : lines)
        {
            final String[] f = line.split("\\s+");
            final double t = Double.parseDouble(f[0]);
            assertTrue(t >= 0.05 && t < 0.1, line);
            assertEquals("a/data", f[1], line);
            assertTrue(f[3].equals("descriptor-fetch") || f[3].equals("storage-op"), line);
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains(" storage-op op=3 ")), out.toString());

        out.getBuffer().setLength(0);
        assertEquals(0, run("trace", "dump", trace.toString(), "--instance", "b", "--limit", "3"));
        assertEquals(3, out.toString().lines().count());
        assertTrue(out.toString().lines().allMatch(l -> l.split("\\s+")[1].startsWith("b/")), out.toString());
    }

    @Test
    void shouldRefuseUnknownFilterValuesWithOneLineAndExit2() throws Exception
    {
        final Path trace = record("t", TRACED);
        assertEquals(2, run("trace", "dump", trace.toString(), "--instance", "zz"));
        assertEquals("nitro-sim: --instance 'zz': not in this trace; its instances: a, b", err.toString().trim());
        err.getBuffer().setLength(0);
        assertEquals(2, run("trace", "stats", trace.toString(), "--kind", "dma,msix"));
        assertTrue(err.toString().trim().startsWith("nitro-sim: --kind: unknown trace event kind 'dma' (known: all, "),
            err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("trace", "dump", dir.resolve("nothing").toString()));
        assertEquals("nitro-sim: " + dir.resolve("nothing") + ": no such trace directory", err.toString().trim());
        err.getBuffer().setLength(0);
        assertEquals(2, run("run", write("x.yaml", TRACED).toString(), "--golden", dir.toString()));
        assertTrue(err.toString().trim().endsWith("is not a trace directory (no trace.json); record one with "
            + "nitro-sim run SCENARIO --trace DIR"), err.toString());
    }

    @Test
    void shouldCountRecordsPerKindAndPerQueue() throws Exception
    {
        final Path trace = record("t", TRACED);
        out.getBuffer().setLength(0);
        assertEquals(0, run("trace", "stats", trace.toString()), err.toString());
        final String text = out.toString();
        assertTrue(text.startsWith("trace of 'traced' (seed 5): "), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("storage-op ")), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("a/data q1 descriptor-fetch ")), text);
    }

    /**
     * The export read back with Jackson against the Chrome trace event format's documented fields: every event
     * has ph, pid, (but for counters and process metadata) tid, name; ts in microseconds; X slices a dur.
     */
    @Test
    void shouldExportChromeJsonWithNamedTracksCommandSlicesAndCounters() throws Exception
    {
        final Path trace = record("t", TRACED);
        final Path json = dir.resolve("t.json");
        assertEquals(0, run("trace", "export", trace.toString(), "--perfetto", json.toString()), err.toString());
        final JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals("ns", root.get("displayTimeUnit").asText());
        final Map<Integer, String> processNames = new HashMap<>();
        final Set<String> threadNames = new HashSet<>();
        int slices = 0;
        int counters = 0;
        final Set<String> sliceNames = new HashSet<>();
        final Set<String> counterNames = new HashSet<>();
        final Map<Long, Double> lastEnd = new HashMap<>();
        for (final JsonNode e : root.get("traceEvents"))
        {
            final String ph = e.get("ph").asText();
            assertTrue(e.has("name") && e.has("pid"), e.toString());
            switch (ph)
            {
                case "M":
                    if (e.get("name").asText().equals("process_name"))
                    {
                        processNames.put(e.get("pid").asInt(), e.get("args").get("name").asText());
                    }
                    else if (e.get("name").asText().equals("thread_name"))
                    {
                        threadNames.add(processNames.get(e.get("pid").asInt()) + " / " + e.get("args").get("name").asText());
                    }
                    break;
                case "X":
                {
                    slices++;
                    sliceNames.add(e.get("name").asText());
                    final double ts = e.get("ts").asDouble();
                    final double dur = e.get("dur").asDouble();
                    assertTrue(ts >= 0 && ts <= 150_000 && dur >= 0, e.toString()); // microseconds of a 150 ms run
                    final long track = ((long)e.get("pid").asInt() << 32) | e.get("tid").asInt();
                    lastEnd.merge(track, ts + dur, Math::max);
                    break;
                }
                case "C":
                    counters++;
                    counterNames.add(processNames.get(e.get("pid").asInt()) + " / " + e.get("name").asText());
                    assertTrue(e.get("args").size() == 1 && e.has("ts"), e.toString());
                    break;
                case "i":
                    assertTrue(e.has("tid") && e.has("ts") && e.get("s").asText().equals("t"), e.toString());
                    break;
                default:
                    throw new AssertionError("unexpected phase " + ph + ": " + e);
            }
        }
        assertTrue(processNames.containsValue("a EBS card: data (nvme, device 4)"), processNames.toString());
        assertTrue(processNames.containsValue("a VPC card: a-eth0 (ena, device 3)"), processNames.toString());
        assertTrue(processNames.containsValue("a vCPUs"), processNames.toString());
        assertTrue(threadNames.contains("a vCPUs / vCPU 0 (APIC 0)"), threadNames.toString());
        assertTrue(counterNames.containsAll(List.of("a VPC card: a-ingress (vpc-ingress, device 255) / net-out credits",
            "a EBS card: a-ebs (ebs-card, device 254) / ebs-io credits",
            "a EBS card: data (nvme, device 4) / volume-burst credits")), counterNames.toString());
        assertTrue(threadNames.contains("a EBS card: data (nvme, device 4) / q1 commands"), threadNames.toString());
        assertTrue(threadNames.contains("a VPC card: a-eth0 (ena, device 3) / q0 commands"), threadNames.toString());
        assertTrue(sliceNames.containsAll(List.of("write", "tx frame")), sliceNames.toString());
        assertTrue(slices > 100, "slices " + slices);
        assertTrue(counters > 10, "counters " + counters);
    }
}
