package io.nitrosim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.simulator.results.InstanceResult;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.TimeSeries;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioBuilder;

class SimulationTest
{
    @TempDir
    Path work;

    private static Scenario burst(final String name, final int streams)
    {
        return ScenarioBuilder.named(name).duration("12s").seed(5)
            .burst("c5.large", 4L, null)
            .instance("a", "c5.large")
            .instance("b", "c5.xlarge")
            .iperf("bulk", "a", "b", streams)
            .expectBetween("net-out-gbps", "a", "1s", "4s", 9.9, 10.01)
            .expectBetween("net-out-gbps", "a", "6s", "12s", 0.7425, 0.7575)
            .build();
    }

    @Test
    void shouldBurstAtPeakThenHoldTheBaselineThroughTheDevices()
    {
        try (Simulation simulation = Simulation.prepare(burst("burst", 4), work))
        {
            final RunResults results = simulation.run(null);
            final TimeSeries series = simulation.timeSeries();
            assertTrue(results.expectationsPassed(), results.expectations().toString());
            final double burstGbps = SeriesMath.average(series, "a.net.out.gbps", 1_000_000_000L, 4_000_000_000L);
            final double baselineGbps = SeriesMath.average(series, "a.net.out.gbps", 6_000_000_000L, 12_000_000_000L);
            assertEquals(10.0, burstGbps, 0.1, "within 1 % of the 10 Gbps peak");
            assertEquals(0.75, baselineGbps, 0.0075, "within 1 % of the 0.75 Gbps baseline");
            final InstanceResult a = results.instances().get(0);
            assertEquals("c5.large", a.type());
            assertEquals(0.0, a.netOut().finalCreditBalancePercent(), 0.01, "credits spent");
            assertTrue(a.allowance().get("bw_out_allowance_exceeded") > 0, "egress waited for the allowance");
            assertEquals(0L, a.allowance().get("bw_in_allowance_exceeded"));
            // What left a arrived at b, but for the frames b's ingress buffer dropped in the first micro-burst
            // (counted in b's bw_in_allowance_exceeded): under 0.1 % of the bytes.
            final InstanceResult b = results.instances().get(1);
            assertEquals(a.netOut().bytes(), b.netIn().bytes(), a.netOut().bytes() * 1e-3);
            assertTrue(b.netIn().bytes() <= a.netOut().bytes());
        }
    }

    @Test
    void shouldBurstEbsAtTheInstancePeakThenHoldItsBaselineThroughTheNvmeDevices()
    {
        final Scenario scenario = ScenarioBuilder.named("ebs").duration("12s").seed(4)
            .burst("c5.large", null, 4L)
            .instance("db", "c5.large")
            .volume("db", "data-1", "gp3", 500, 16000, 1000)
            .volume("db", "data-2", "gp3", 500, 16000, 1000)
            .fio("w1", "data-1", "write", "256k", 32)
            .fio("w2", "data-2", "write", "256k", 32)
            .build();
        try (Simulation simulation = Simulation.prepare(scenario, work))
        {
            final RunResults results = simulation.run(null);
            final TimeSeries series = simulation.timeSeries();
            assertEquals(2250.0, SeriesMath.average(series, "db.ebs.mbps", 1_000_000_000L, 3_000_000_000L), 22.5,
                "within 1 % of c5.large's 2250 Mbps EBS peak, shared by both volumes");
            assertEquals(525.0, SeriesMath.average(series, "db.ebs.mbps", 6_000_000_000L, 12_000_000_000L), 5.25,
                "within 1 % of the 525 Mbps baseline once the burst is spent");
            // The two volumes share the instance cap evenly.
            assertEquals(results.volumes().get(0).writeMBps(), results.volumes().get(1).writeMBps(), 0.5);
            assertEquals(0.0, results.instances().get(0).ebs().finalByteBalancePercent(), 0.5);
            assertEquals(2, results.fioJobs().stream().filter(j -> j.job().equals("total")).count());
            assertEquals(0, results.fioJobs().get(0).verifyErrors());
        }
    }

    @Test
    void shouldCapOneStreamAtTheFlowLimit()
    {
        try (Simulation simulation = Simulation.prepare(burst("one-flow", 1), work))
        {
            final RunResults results = simulation.run(null);
            final double gbps = SeriesMath.average(simulation.timeSeries(), "a.net.out.gbps", 1_000_000_000L,
                4_000_000_000L);
            assertEquals(5.0, gbps, 0.05, "one 5-tuple flow is held to 5 Gbps outside a placement group");
            assertFalse(results.expectationsPassed(), "the 10 Gbps expectation must fail with one flow");
            assertFalse(results.expectations().get(0).passed());
        }
    }

    @Test
    void shouldBeDeterministicForTheSameScenarioAndSeed()
    {
        final Scenario scenario = ScenarioBuilder.named("det").duration("3s").seed(9)
            .instance("a", "c5.large").instance("b", "c5.large").iperf("bulk", "a", "b", 3).build();
        final RunResults first;
        final TimeSeries firstSeries;
        try (Simulation simulation = Simulation.prepare(scenario, work))
        {
            first = simulation.run(null);
            firstSeries = simulation.timeSeries();
        }
        try (Simulation simulation = Simulation.prepare(scenario, work))
        {
            final RunResults second = simulation.run(null);
            assertEquals(withoutWallTime(first), withoutWallTime(second));
            final TimeSeries series = simulation.timeSeries();
            assertEquals(firstSeries.sampleCount(), series.sampleCount());
            for (int c = 0; c < series.columns().size(); c++)
            {
                for (int i = 0; i < series.sampleCount(); i++)
                {
                    assertEquals(firstSeries.value(c, i), series.value(c, i), 0.0, series.columns().get(c).key());
                }
            }
        }
    }

    private static RunResults withoutWallTime(final RunResults r)
    {
        return new RunResults(r.scenario(), r.seed(), r.clockMode(), r.payloadMode(), r.simulatedSeconds(), 0,
            r.instances(), r.volumes(), r.streams(), r.fioJobs(), r.expectations());
    }
}
