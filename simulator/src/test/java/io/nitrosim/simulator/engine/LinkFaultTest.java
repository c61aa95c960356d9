package io.nitrosim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.simulator.results.FaultResult;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.TimeSeries;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioBuilder;
import io.nitrosim.simulator.scenario.ScenarioSpec;

/**
 * An ENI's link down and up in virtual time, through both guests' ENA drivers, the devices, the cards and the
 * fabric: nothing reaches the receiver while the link is down, its driver sees LINK_CHANGE down then up (carrier off,
 * then on), and the TCP-like stream's traffic resumes after it.
 */
class LinkFaultTest
{
    private static final long S = 1_000_000_000L;

    @TempDir
    Path work;

    private static Scenario scenario(final String target, final String protocol)
    {
        return ScenarioBuilder.named("link").duration("3s").seed(3).sampleInterval("100ms")
            .instance("a", "c5.xlarge")
            .instance("b", "c5.xlarge")
            .workload(new ScenarioSpec.WorkloadSpec("bulk", "iperf", null, null, null, null, null, null, null, null,
                null, null, null, "a", "b", 1, protocol, null, "udp".equals(protocol) ? 2.0 : null, null))
            .fault("1s", "link-down", target, "500ms", null)
            .build();
    }

    @Test
    void shouldDropEveryFrameWhileTheReceiversLinkIsDownAndResumeAfterItComesUp()
    {
        try (Simulation simulation = Simulation.prepare(scenario("b-eth0", "tcp"), work))
        {
            final RunResults results = simulation.run(null);
            final TimeSeries series = simulation.timeSeries();
            final FaultResult fault = results.faults().get(0);
            assertEquals("link-down", fault.kind());
            assertEquals("b-eth0", fault.target());
            // b's device moved no frame while down; the stream's window in flight (4 MiB of 9001-byte frames: 467)
            // was dropped; b's driver saw LINK_CHANGE down (carrier off at the end of the fault) and up
            assertEquals(0L, fault.counters().get("framesMovedDuringFault"));
            assertEquals(467L, fault.counters().get("framesDroppedWhileDown"));
            assertEquals(1L, fault.counters().get("driverCarrierOffAtEnd"));
            assertEquals(2L, fault.counters().get("driverLinkChanges"));
            // the TCP-like sender's retransmission timeout (200 ms, from its last progress) sends the first frame
            // that gets through 99.975 ms after the link is up
            assertEquals(0.099975, fault.recoverySeconds(), 1e-9);
            assertEquals(5.0, SeriesMath.average(series, "b.net.in.gbps", 0, S), 0.05, "the 5 Gbps flow limit before");
            assertEquals(5.0, SeriesMath.average(series, "b.net.in.gbps", 2 * S, 3 * S), 0.05, "and after");
            assertTrue(SeriesMath.average(series, "b.net.in.gbps", 1_100_000_000L, 1_500_000_000L) < 0.001,
                "only the sender's timeout probes reach b's card while the link is down");
        }
    }

    @Test
    void shouldHoldTheSendersTransmitWhileItsOwnLinkIsDownAndCatchUpAfter()
    {
        try (Simulation simulation = Simulation.prepare(scenario("a-eth0", "udp"), work))
        {
            final RunResults results = simulation.run(null);
            final TimeSeries series = simulation.timeSeries();
            final FaultResult fault = results.faults().get(0);
            // carrier off: the guest sends nothing, so nothing is dropped; the first frame leaves the instant the
            // link is up again
            assertEquals(0L, fault.counters().get("framesMovedDuringFault"));
            assertEquals(0L, fault.counters().get("framesDroppedWhileDown"));
            assertEquals(2L, fault.counters().get("driverLinkChanges"));
            assertEquals(0.0, fault.recoverySeconds());
            assertEquals(0.0, SeriesMath.average(series, "a.net.out.gbps", 1_100_000_000L, 1_500_000_000L));
            assertEquals(2.0, SeriesMath.average(series, "a.net.out.gbps", 2 * S, 3 * S), 0.01, "2 Gbps after");
            // the UDP model keeps its schedule (as iperf does): it catches up, nothing is lost
            assertEquals(0.0, results.streams().get(0).lossPercent());
            assertEquals(2.0, results.streams().get(0).throughputGbps(), 0.01);
        }
    }
}
