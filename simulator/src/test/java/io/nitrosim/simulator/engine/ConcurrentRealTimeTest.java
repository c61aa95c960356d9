package io.nitrosim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.simulator.results.InstanceResult;
import io.nitrosim.simulator.results.RealTimeResult;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioBuilder;
import io.nitrosim.simulator.scenario.ScenarioSpec;
import io.nitrosim.time.ConcurrentRuntime;

/**
 * The concurrent real-time runtime (scenario {@code threads} above 1) runs the same agents as the virtual runtime,
 * split into ownership groups on worker threads, and gives the same rates. Bounded: 2 s of real time for a load a
 * busy 2-core machine holds (two c5.large each sending 0.75 Gbps to the other and writing to a gp3 volume, timing
 * only); any lag is allowed, since the rates are what is compared.
 */
class ConcurrentRealTimeTest
{
    @TempDir
    Path work;

    private static Scenario pair(final String clock, final int threads)
    {
        return pair(clock, threads, "adaptive");
    }

    private static Scenario pair(final String clock, final int threads, final String idle)
    {
        final ScenarioBuilder b = ScenarioBuilder.named("pair").duration("2s").sampleInterval("250ms").seed(3)
            .clock(clock).threads(threads).idle(idle).allowedLag("unlimited")
            .instance("a", "c5.large").instance("b", "c5.large")
            .volume("a", "data-a", "gp3", 100, 3000, 125)
            .volume("b", "data-b", "gp3", 100, 3000, 125)
            .workload(udp("a-to-b", "a", "b"))
            .workload(udp("b-to-a", "b", "a"))
            .fio("write-a", "data-a", "write", "256k", 32)
            .fio("write-b", "data-b", "write", "256k", 32);
        return b.build();
    }

    private static ScenarioSpec.WorkloadSpec udp(final String name, final String from, final String to)
    {
        return new ScenarioSpec.WorkloadSpec(name, "iperf", null, null, null, null, null, null, null, null, null, null,
            null, from, to, 1, "udp", null, 0.75, null);
    }

    @Test
    void shouldGiveTheVirtualRuntimesPerInstanceRatesWithinOnePercent()
    {
        final RunResults virtual;
        try (Simulation simulation = Simulation.prepare(pair("virtual", 2), work.resolve("virtual")))
        {
            virtual = simulation.run(null);
        }
        final RunResults concurrent;
        try (Simulation simulation = Simulation.prepare(pair("real", 2), work.resolve("real")))
        {
            concurrent = simulation.run(null);
            assertTrue(((ConcurrentRuntime)simulation.runtime()).parks() > 0, "adaptive workers park when idle");
        }
        assertSameRates(virtual, concurrent);
    }

    @Test
    void shouldGiveTheVirtualRuntimesRatesWithinOnePercentOnSpinningWorkersThatNeverPark()
    {
        final RunResults virtual;
        try (Simulation simulation = Simulation.prepare(pair("virtual", 2, "spin"), work.resolve("virtual")))
        {
            virtual = simulation.run(null);
        }
        final RunResults spinning;
        try (Simulation simulation = Simulation.prepare(pair("real", 2, "spin"), work.resolve("real")))
        {
            spinning = simulation.run(null);
            final ConcurrentRuntime runtime = (ConcurrentRuntime)simulation.runtime();
            assertEquals(2, runtime.threads());
            assertEquals(0, runtime.parks(), "spinning workers never park");
            assertEquals(0, runtime.wakeUps());
        }
        assertSameRates(virtual, spinning);
    }

    private static void assertSameRates(final RunResults virtual, final RunResults concurrent)
    {
        assertNull(virtual.realTime());
        assertNotNull(concurrent.realTime());
        for (int i = 0; i < 2; i++)
        {
            final InstanceResult v = virtual.instances().get(i);
            final InstanceResult c = concurrent.instances().get(i);
            assertEquals(0.75, v.netOut().averageGbps(), 0.0075, v.name() + " sends at its 0.75 Gbps");
            assertEquals(v.netOut().averageGbps(), c.netOut().averageGbps(), v.netOut().averageGbps() / 100,
                v.name() + " out");
            assertEquals(v.netIn().averageGbps(), c.netIn().averageGbps(), v.netIn().averageGbps() / 100,
                v.name() + " in");
            assertTrue(v.ebs().averageMbps() > 100, v.ebs().toString());
            assertEquals(v.ebs().averageMbps(), c.ebs().averageMbps(), v.ebs().averageMbps() / 100, v.name() + " EBS");
        }
        final List<String> groups = concurrent.realTime().busiestAgents().stream().map(RealTimeResult.AgentBusy::agent)
            .toList();
        assertFalse(groups.isEmpty());
        for (final String group : groups)
        {
            assertTrue(group.matches("(vpc-card-host-1|guest-[ab]|ebs-card-i-\\w+ \\([ab]\\)|recorder)"), group);
        }
    }

    @Test
    void shouldSayWhenAConcurrentRunFallsBehind()
    {
        // 20 ms of 10 Gbps in 1500 B frames with every byte written and checked: ~17000 frames through drivers,
        // devices and cards take far longer than 20 ms on a 2-core machine, and a 200 ms run may lag by 2 ms only.
        final Scenario scenario = ScenarioBuilder.named("behind").duration("200ms").sampleInterval("50ms")
            .clock("real").threads(2).payload("full")
            .instance("a", "c5.9xlarge").instance("b", "c5.9xlarge")
            .workload(new ScenarioSpec.WorkloadSpec("bulk", "iperf", null, "20ms", null, null, null, null, null, null,
                null, null, null, "a", "b", 8, null, 1500, null, null))
            .build();
        try (Simulation simulation = Simulation.prepare(scenario, work))
        {
            final RealTimeResult realTime = simulation.run(null).realTime();
            assertFalse(realTime.keptPace(), realTime.toString());
            assertTrue(realTime.maxLagMs() > 1.0, realTime.toString());
            assertTrue(realTime.realTimeFactor() < 1.0, realTime.toString());
            assertTrue(realTime.busiest().agent().matches("(vpc-card-host-1|guest-[ab])"), realTime.toString());
        }
    }
}
