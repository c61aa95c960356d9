package io.nitrosim.simulator.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.simulator.engine.Simulation;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioBuilder;

class ReplayTest
{
    @TempDir
    static Path dir;

    private static Path golden;
    private static TraceStats goldenStats;

    /** a streams to b through their ENA functions and writes 16 KiB blocks 8 deep to its NVMe volume. */
    private static Scenario scenario(final int volumeIops)
    {
        return ScenarioBuilder.named("replayed").duration("60ms").seed(9).sampleInterval("10ms")
            .instance("a", "c5.large").instance("b", "c5.large")
            .volume("a", "data", "gp3", 100, volumeIops, 0)
            .iperf("stream", "a", "b", 1)
            .fio("writes", "data", "randwrite", "16k", 8)
            .trace(List.of("all", "dma-data"), List.of())
            .build();
    }

    @BeforeAll
    static void record() throws Exception
    {
        golden = dir.resolve("golden");
        TracedRuns.run(scenario(3000), dir.resolve("w0"), golden);
        try (TraceReader reader = TraceReader.open(golden))
        {
            goldenStats = TraceStats.of(reader, TraceFilter.all());
        }
    }

    private static TraceDiff.Result replay(final Scenario scenario, final String name) throws Exception
    {
        final ReplayScript script;
        try (TraceReader reader = TraceReader.open(golden))
        {
            script = ReplayScript.of(reader);
        }
        final Path replayed = dir.resolve(name);
        try (Simulation simulation = Simulation.replay(scenario, dir.resolve("w-" + name), replayed, script))
        {
            simulation.run(null);
        }
        try (TraceReader a = TraceReader.open(golden); TraceReader b = TraceReader.open(replayed))
        {
            return TraceDiff.diff(a, b, TraceDiff.DEFAULT_CONTEXT);
        }
    }

    @Test
    void shouldReproduceEveryRecordWhenReplayedAgainstTheUnchangedModel() throws Exception
    {
        // what the recording holds: both device kinds' command paths and the guest memory they read
        for (final int kind : new int[] {TraceKind.MMIO_WRITE, TraceKind.DOORBELL, TraceKind.DMA_DATA,
            TraceKind.DESCRIPTOR_FETCH, TraceKind.FRAME_OUT, TraceKind.FRAME_IN, TraceKind.STORAGE_OP})
        {
            assertTrue(goldenStats.count(kind) > 0, TraceKind.name(kind) + ": " + goldenStats.kinds());
        }
        final TraceDiff.Result result = replay(scenario(3000), "same");
        assertTrue(result.identical(), String.join("\n", result.lines("recorded", "replayed")));
        assertEquals(goldenStats.total(), result.recordsB());
    }

    @Test
    void shouldShowTheFirstDivergenceWhenADeviceParameterChanged() throws Exception
    {
        final TraceDiff.Result result = replay(scenario(4000), "changed");
        assertFalse(result.identical());
        final String lines = String.join("\n", result.lines("recorded", "replayed"));
        // the first record that differs is the volume's shaping gate: held by a 3000-IOPS bucket, admitted by 4000
        final String first = result.contextA().stream().filter(l -> l.startsWith("> ")).findFirst().orElseThrow();
        assertTrue(first.contains("a/data") && first.contains("shaping-throttled") && first.contains("reasons=volume"),
            lines);
        assertTrue(result.firstDivergence() > 100, lines);
    }
}
