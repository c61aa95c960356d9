package io.nitrosim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.simulator.results.FaultResult;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.StreamResult;
import io.nitrosim.simulator.results.TimeSeries;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioBuilder;
import io.nitrosim.simulator.scenario.ScenarioSpec;

/**
 * Frames lost on the way to the receiving ENI at a rate, in virtual time through both guests' ENA drivers, the
 * devices and the cards: a UDP stream loses that share of what was sent during the fault and nothing else; a
 * TCP-like stream slows while frames are lost, retransmits, and is back at its rate after the fault.
 */
class FabricLossTest
{
    private static final long S = 1_000_000_000L;

    @TempDir
    Path work;

    private static Scenario scenario(final String protocol, final double rate)
    {
        return ScenarioBuilder.named("loss").duration("3s").seed(3).sampleInterval("100ms")
            .instance("a", "c5.xlarge")
            .instance("b", "c5.xlarge")
            .workload(new ScenarioSpec.WorkloadSpec("bulk", "iperf", null, null, null, null, null, null, null, null,
                null, null, null, "a", "b", 1, protocol, null, "udp".equals(protocol) ? 2.0 : null, null))
            .fabricLoss("1s", "b-eth0", rate, "1s")
            .build();
    }

    @Test
    void shouldLoseTheRatesShareOfTheUdpFramesDuringTheFaultAndNoneAfter()
    {
        try (Simulation simulation = Simulation.prepare(scenario("udp", 0.1), work))
        {
            final RunResults results = simulation.run(null);
            final FaultResult fault = results.faults().get(0);
            assertEquals("fabric-loss", fault.kind());
            assertEquals("b-eth0", fault.target());
            final long offered = fault.counters().get("framesOffered");
            final long lost = fault.counters().get("framesLost");
            // 2 Gbps of 9001-byte frames for 1 s: about 27,770 frames offered; 10 % of them lost, within what the
            // seed draws (3 standard deviations of a binomial: 0.54 %)
            assertEquals(2e9 / 8 / 9001, offered, 2e9 / 8 / 9001 * 0.01);
            assertEquals(0.1, (double)lost / offered, 0.0054);
            final StreamResult stream = results.streams().get(0);
            assertEquals(100.0 * lost / (3 * offered), stream.lossPercent(), 0.05,
                "the stream lost what the fault lost: a third of the run at 10 %");
            assertEquals(0.0, fault.recoverySeconds(), 1e-3, "the next frame after the fault is delivered");
        }
        try (Simulation first = Simulation.prepare(scenario("udp", 0.1), work.resolve("first"));
            Simulation again = Simulation.prepare(scenario("udp", 0.1), work.resolve("again")))
        {
            assertEquals(first.run(null).faults(), again.run(null).faults(), "the seed loses the same frames");
        }
    }

    @Test
    void shouldRetransmitWhatTheTcpStreamLostAndKeepItsRateThroughTheFault()
    {
        try (Simulation simulation = Simulation.prepare(scenario("tcp", 0.01), work))
        {
            final RunResults results = simulation.run(null);
            final TimeSeries series = simulation.timeSeries();
            final FaultResult fault = results.faults().get(0);
            final long lost = fault.counters().get("framesLost");
            assertEquals(0.01, (double)lost / fault.counters().get("framesOffered"), 0.0012);
            // the card delivers at the 5 Gbps flow limit before, during (new data and retransmissions) and after
            assertEquals(5.0, SeriesMath.average(series, "b.net.in.gbps", 0, S), 0.01, "before");
            assertEquals(5.0, SeriesMath.average(series, "b.net.in.gbps", S, 2 * S), 0.01, "during");
            assertEquals(5.0, SeriesMath.average(series, "b.net.in.gbps", 2 * S, 3 * S), 0.01, "after");
            // every lost frame was sent again: the goodput over the 3 s run is the flow limit less the lost frames
            final StreamResult stream = results.streams().get(0);
            assertEquals(5.0 - lost * 9001 * 8 / 3.0 / 1e9, stream.throughputGbps(), 0.002);
            assertTrue(stream.lossPercent() > 0);
            assertNotNull(fault.recoverySeconds());
            assertTrue(fault.recoverySeconds() < 0.001, "the next frame after the fault arrives at once");
        }
    }
}
