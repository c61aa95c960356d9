package io.nitrosim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.nic.guest.GuestIperf;
import io.nitrosim.nic.traffic.StreamReceiver;
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
 * checksum offloads and dropped by the driver. In full-payload runs the stream is reliable (go-back-N) and its
 * receiver gets every byte, in order.
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

    /**
     * The full-payload TCP-like stream is reliable: segments were lost, the sender sent them again (go-back-N), and
     * the receiver took every segment up to the last it got, in order, each with the payload pattern of its
     * sequence number.
     */
    private static void assertEveryByteInOrder(final Simulation simulation)
    {
        final GuestIperf.Stream stream = simulation.iperfStreams().get(0);
        final StreamReceiver receiver = stream.receiver();
        assertTrue(stream.sender().retransmits() > 0, "lost segments were sent again");
        assertEquals(receiver.framesUpToHighestReceived(), receiver.framesReceived(), "no gap");
        assertEquals(0, receiver.gaps());
        assertEquals(0, receiver.corrupted(), "every payload byte as sent");
        assertTrue(receiver.framesReceived() > 100_000);
    }

    @Test
    void shouldResetTheDeviceAfterAFunctionLevelResetAndResumeTheStream()
    {
        // b's driver came up 25 us into the run: its watchdog reads DEV_STS at 0.000025 s + n s, so an FLR at
        // 1.5 s is found at 2.000025 s
        final Scenario scenario = scenario("full").fault("1500ms", "function-reset", "b-eth0", "500ms", null)
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
            assertTrue(fault.recoverySeconds() < 0.2,
                "the driver resets 25 us after the window ends; the sender's next 200 ms timeout resends");
            assertEquals(5.0, SeriesMath.average(series, "b.net.in.gbps", 0, S), 0.05, "the 5 Gbps flow limit before");
            assertTrue(SeriesMath.average(series, "b.net.in.gbps", 1_600_000_000L, 2 * S) < 0.01,
                "nothing reaches b's guest between the FLR and the driver's reset");
            assertTrue(fault.counters().get("framesDroppedNoBuffer") > 0, "the reset device dropped what arrived");
            assertEquals(5.0, SeriesMath.average(series, "b.net.in.gbps", 2_500_000_000L, 3 * S), 0.05, "and after");
            assertEveryByteInOrder(simulation);
        }
        final long code = FaultKind.FUNCTION_RESET.ordinal();
        assertEquals(List.of(List.of(1_500_000_000L, code, 0L, 0L, 500_000_000L), List.of(2 * S, code, 1L, 0L,
            500_000_000L)), faultEvents(work.resolve("trace")));
    }

    @Test
    void shouldResetTheDeviceWhoseRxDmaTheIommuRefusedAndResumeAfterTheRemap()
    {
        final Scenario scenario = scenario("full").fault("1s", "dma-fault", "b-eth0", "500ms", null).build();
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
            assertEveryByteInOrder(simulation);
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
                assertTrue(fault.recoverySeconds() < 0.2, payload + ": within the sender's retransmission timeout");
                if (payload.equals("full"))
                {
                    assertEveryByteInOrder(simulation);
                }
            }
            final long code = FaultKind.FABRIC_CORRUPTION.ordinal();
            assertEquals(List.of(List.of(S, code, 0L, 10_000L, S), List.of(2 * S, code, 1L, 10_000L, S)),
                faultEvents(work.resolve(payload + "-trace")), payload);
        }
    }
}
