package io.nitrosim.simulator.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.hypervisor.vcpu.Vcpu;
import io.nitrosim.pci.MsixTable;
import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.pci.trace.TraceRecord;
import io.nitrosim.simulator.engine.Simulation;
import io.nitrosim.simulator.scenario.Scenario;

class TraceRecordingTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRecordEveryKindTheDevicesEmit() throws Exception
    {
        final Scenario scenario = TracedRuns.scenario("200ms", 7, List.of("all", "dma-data"), List.of());
        final Simulation simulation = TracedRuns.run(scenario, dir.resolve("work"), dir.resolve("trace"));
        final TraceStats stats;
        try (TraceReader reader = TraceReader.open(dir.resolve("trace")))
        {
            stats = TraceStats.of(reader, TraceFilter.all());
        }
        assertEquals(simulation.tracedEvents(), stats.total());
        for (final int kind : new int[] {TraceKind.CONFIG_READ, TraceKind.CONFIG_WRITE, TraceKind.MMIO_READ,
            TraceKind.MMIO_WRITE, TraceKind.DOORBELL, TraceKind.DMA_READ, TraceKind.DMA_WRITE, TraceKind.MSIX,
            TraceKind.DESCRIPTOR_FETCH, TraceKind.DESCRIPTOR_COMPLETE, TraceKind.SHAPING_ADMITTED, TraceKind.FRAME_OUT,
            TraceKind.FRAME_IN, TraceKind.STORAGE_OP, TraceKind.STATE, TraceKind.CREDIT, TraceKind.DMA_DATA,
            TraceKind.VCPU_INTERRUPT, TraceKind.VCPU_STATE})
        {
            assertTrue(stats.count(kind) > 0, TraceKind.name(kind) + " not recorded: " + stats.kinds());
        }
    }

    @Test
    void shouldRecordTheHypervisorRaisingEveryDeliveredMsixOnItsDestinationVcpu() throws Exception
    {
        final Scenario scenario = TracedRuns.scenario("50ms", 7, List.of("msix", "vcpu-interrupt", "vcpu-state"),
            List.of());
        TracedRuns.run(scenario, dir.resolve("work"), dir.resolve("trace"));
        long messages = 0;
        long raised = 0;
        long delivered = 0;
        long running = 0;
        try (TraceReader reader = TraceReader.open(dir.resolve("trace")))
        {
            long raisedVector = -1;
            long raisedVcpu = -1;
            int raisedInstance = -1;
            while (reader.next())
            {
                final TraceRecord r = reader.record();
                if (r.kind() == TraceKind.VCPU_INTERRUPT && r.arg1() != Vcpu.INTERRUPT_DELIVERED)
                {
                    // the hypervisor raising the vector on the vCPU; the device's msix record follows
                    assertEquals(-1, raisedVector, "a raise without its MSI-X message");
                    assertEquals(-1, r.function());
                    raisedVector = r.arg0();
                    raisedVcpu = r.queue();
                    raisedInstance = r.instance();
                    raised += r.arg1() == Vcpu.INTERRUPT_RAISED ? 1 : 0;
                }
                else if (r.kind() == TraceKind.MSIX && (r.arg1() & 0xFF) == MsixTable.DELIVERED)
                {
                    messages++;
                    assertEquals(r.arg3() & 0xFF, raisedVector, "MSI data bits 7:0: the vector");
                    assertEquals((r.arg2() >>> 12) & 0xFF, raisedVcpu, "MSI address bits 19:12: the destination");
                    assertEquals(r.instance(), raisedInstance);
                    raisedVector = -1;
                }
                else if (r.kind() == TraceKind.VCPU_INTERRUPT)
                {
                    delivered++;
                }
                else if (r.kind() == TraceKind.VCPU_STATE && r.arg0() == Vcpu.STATE_RUNNING)
                {
                    running++;
                }
            }
        }
        assertTrue(messages > 10, "MSI-X messages " + messages);
        assertTrue(raised > 0 && delivered <= raised && delivered >= raised - 4, raised + " raised, " + delivered
            + " delivered (at most one pending per vector at the end)");
        assertTrue(running >= 2, "vCPU 0 of both instances started its program: " + running);
    }

    @Test
    void shouldWriteByteIdenticalTracesForTheSameScenarioAndSeed() throws Exception
    {
        final Scenario scenario = TracedRuns.scenario("100ms", 3, List.of("all"), List.of());
        TracedRuns.run(scenario, dir.resolve("w1"), dir.resolve("t1"));
        TracedRuns.run(scenario, dir.resolve("w2"), dir.resolve("t2"));
        final byte[] first = records(dir.resolve("t1"));
        final byte[] second = records(dir.resolve("t2"));
        assertTrue(first.length > 100 * TraceRecord.LENGTH, "a trace of " + first.length + " bytes");
        assertArrayEquals(first, second);
        assertArrayEquals(Files.readAllBytes(dir.resolve("t1").resolve(TraceMeta.FILE)),
            Files.readAllBytes(dir.resolve("t2").resolve(TraceMeta.FILE)));
    }

    private static byte[] records(final Path trace)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final byte[] record = new byte[TraceRecord.LENGTH];
        try (TraceReader reader = TraceReader.open(trace))
        {
            while (reader.next())
            {
                reader.copyRecord(record, 0);
                out.write(record, 0, record.length);
            }
        }
        return out.toByteArray();
    }
}
