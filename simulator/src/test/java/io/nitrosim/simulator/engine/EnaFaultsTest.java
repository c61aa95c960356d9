package io.nitrosim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.pci.trace.TraceRecord;
import io.nitrosim.simulator.results.FaultResult;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.TimeSeries;
import io.nitrosim.simulator.scenario.FaultKind;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioBuilder;
import io.nitrosim.simulator.scenario.ScenarioSpec;
import io.nitrosim.simulator.trace.TraceReader;

/**
 * The faults on an ENI's ENA function in virtual time, through both guests' ENA drivers, the devices, the cards and
 * the fabric: a function-level reset and a DMA fault make the receiving guest's driver reset the device and bring it
 * up again, and the TCP-like stream's traffic resumes; fabric corruption is caught by the receiving device's
 * checksum offloads and dropped by the driver.
 */
class EnaFaultsTest
{
    private static final long S = 1_000_000_000L;

    @TempDir
    Path work;

    private static ScenarioBuilder scenario(final String payload)
    {
        return ScenarioBuilder.named("ena-faults").duration("3s").seed(3).sampleInterval("100ms").payload(payload)
            .instance("a", "c5.xlarge")
            .instance("b", "c5.xlarge")
            .workload(new ScenarioSpec.WorkloadSpec("bulk", "iperf", null, null, null, null, null, null, null, null,
                null, null, null, "a", "b", 1, "tcp", null, null, null))
            .trace(List.of("fault"), List.of());
    }

    private List<List<Long>> faultEvents(final Path trace)
    {
        final List<List<Long>> events = new ArrayList<>();
        try (TraceReader reader = TraceReader.open(trace))
        {
            while (reader.next())
            {
                final TraceRecord r = reader.record();
                assertEquals(TraceKind.FAULT, r.kind());
                events.add(List.of(r.timeNs(), r.arg0(), r.arg1(), r.arg2(), r.arg3()));
            }
        }
        return events;
    }

    @Test
    void shouldResetTheDeviceAfterAFunctionLevelResetAndResumeTheStream()
    {
        final Scenario scenario = scenario("timing-only").fault("1s", "function-reset", "b-eth0", "500ms", null)
            .build();
        try (Simulation simulation = Simulation.prepare(scenario, work.resolve("run"), work.resolve("trace")))
        {
            final RunResults results = simulation.run(null);
            final TimeSeries series = simulation.timeSeries();
            final FaultResult fault = results.faults().get(0);
            assertEquals("function-reset", fault.kind());
            assertEquals("b-eth0", fault.target());
            assertEquals(1L, fault.counters().get("driverResets"));
            assertEquals(1L, fault.counters().get("driverResets.GENERIC"), "DEV_STS read all ones after the FLR");
            assertNotNull(fault.recoverySeconds());
            assertTrue(fault.recoverySeconds() < 0.001, "the driver was back before the fault's window ended");
            assertEquals(5.0, SeriesMath.average(series, "b.net.in.gbps", 0, S), 0.05, "the 5 Gbps flow limit before");
            assertEquals(5.0, SeriesMath.average(series, "b.net.in.gbps", 2 * S, 3 * S), 0.05, "and after");
        }
        final long code = FaultKind.FUNCTION_RESET.ordinal();
        assertEquals(List.of(List.of(S, code, 0L, 0L, 500_000_000L), List.of(1_500_000_000L, code, 1L, 0L,
            500_000_000L)), faultEvents(work.resolve("trace")));
    }

    @Test
    void shouldResetTheDeviceWhoseRxDmaTheIommuRefusedAndResumeAfterTheRemap()
    {
        final Scenario scenario = scenario("timing-only").fault("1s", "dma-fault", "b-eth0", "500ms", null).build();
        try (Simulation simulation = Simulation.prepare(scenario, work.resolve("run"), work.resolve("trace")))
        {
            final RunResults results = simulation.run(null);
            final TimeSeries series = simulation.timeSeries();
            final FaultResult fault = results.faults().get(0);
            assertEquals("dma-fault", fault.kind());
            // the device's RX DMA into the unmapped buffer is refused once: fatal error, AENQ FATAL_ERROR with
            // RX_DESCRIPTOR_MALFORMED; the driver resets with that reason at its watchdog's next tick
            assertEquals(1L, fault.counters().get("dmaRefused"));
            assertEquals(1L, fault.counters().get("deviceFatalErrors"));
            assertEquals(1L, fault.counters().get("driverResets.RX_DESCRIPTOR_MALFORMED"));
            assertEquals(1L, fault.counters().get("driverResets"));
            assertTrue(fault.counters().get("framesDroppedNoBuffer") > 0, "the fatal device drops what arrives");
            assertNotNull(fault.recoverySeconds());
            assertTrue(fault.recoverySeconds() < 1.0, "within one watchdog period of the remap");
            assertEquals(5.0, SeriesMath.average(series, "b.net.in.gbps", 2_500_000_000L, 3 * S), 0.05,
                "the stream is back at the flow limit");
        }
        final long code = FaultKind.DMA_FAULT.ordinal();
        assertEquals(List.of(List.of(S, code, 0L, 0L, 500_000_000L), List.of(1_500_000_000L, code, 1L, 0L,
            500_000_000L)), faultEvents(work.resolve("trace")));
    }

    @Test
    void shouldDropEveryCorruptedFrameAtTheReceivingDriverInEitherPayloadMode()
    {
        for (final String payload : List.of("timing-only", "full"))
        {
            final Scenario scenario = scenario(payload).fabricCorruption("1s", "b-eth0", 0.01, "1s").build();
            try (Simulation simulation = Simulation.prepare(scenario, work.resolve(payload + "-run"),
                work.resolve(payload + "-trace")))
            {
                final RunResults results = simulation.run(null);
                final FaultResult fault = results.faults().get(0);
                assertEquals("fabric-corruption", fault.kind());
                final long corrupted = fault.counters().get("framesCorrupted");
                assertEquals(0.01, (double)corrupted / fault.counters().get("framesOffered"), 0.0015, payload);
                assertEquals(corrupted, fault.counters().get("driverRxCsumBad"), payload);
                assertEquals(0.0, fault.recoverySeconds(), 1e-3, payload);
            }
            final long code = FaultKind.FABRIC_CORRUPTION.ordinal();
            assertEquals(List.of(List.of(S, code, 0L, 10_000L, S), List.of(2 * S, code, 1L, 10_000L, S)),
                faultEvents(work.resolve(payload + "-trace")), payload);
        }
    }
}
