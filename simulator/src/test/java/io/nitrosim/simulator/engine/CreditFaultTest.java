package io.nitrosim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
 * A c5.large's network-out credits zeroed in virtual time while an iperf flow runs at its 10 Gbps burst: the flow
 * falls to the 0.75 Gbps baseline at the fault and stays there (running above the baseline, it earns no credits
 * back), which the results report.
 */
class CreditFaultTest
{
    private static final long S = 1_000_000_000L;

    @TempDir
    Path work;

    @Test
    void shouldHoldTheFlowToItsBaselineFromTheInstantItsCreditsAreZeroed()
    {
        final Scenario scenario = ScenarioBuilder.named("credits").duration("3s").seed(3).sampleInterval("100ms")
            .instance("a", "c5.large")
            .instance("b", "c5.xlarge")
            .workload(new ScenarioSpec.WorkloadSpec("bulk", "iperf", null, null, null, null, null, null, null, null,
                null, null, null, "a", "b", 4, "tcp", null, null, null))
            .creditsZeroed("1s", "a", "net-out", "1s")
            .build();
        try (Simulation simulation = Simulation.prepare(scenario, work))
        {
            final RunResults results = simulation.run(null);
            final TimeSeries series = simulation.timeSeries();
            final FaultResult fault = results.faults().get(0);
            assertEquals("credits-zeroed", fault.kind());
            assertEquals("a", fault.target());
            assertEquals(10.0, SeriesMath.average(series, "a.net.out.gbps", 0, S), 0.1, "the 10 Gbps burst before");
            assertEquals(0.75, SeriesMath.average(series, "a.net.out.gbps", 1_100_000_000L, 2 * S), 0.01,
                "the 0.75 Gbps baseline once the credits are gone");
            assertEquals(0.75, SeriesMath.average(series, "a.net.out.gbps", 2 * S, 3 * S), 0.01, "and after");
            assertEquals(0.75, fault.parameters().get("baselineGbps"));
            assertEquals(0.75, fault.parameters().get("gbpsDuringFault"), 0.01);
            assertTrue(fault.counters().get("creditBytesBefore") > 0);
            // full credits (c5.csv: (10 - 0.75) Gbps x 420 s = 485,625,000,000 bytes) less the first second at the
            // 10 Gbps burst (9.25 Gbps over the baseline: 1,156,250,000 bytes), within the peak limiter's depth
            assertEquals(484_468_750_000L, fault.counters().get("creditBytesBefore"), 5_000_000L);
            assertTrue(fault.counters().get("creditBytesAtEnd") < 9001 * 4,
                "a flow at the baseline earns back no more than the frames in the shaper's hand");
            assertNull(fault.recoverySeconds(), "the balance is not back at its level before the run ends");
        }
    }

    @Test
    void shouldRecoverWhenTheBalanceIsEarnedBackAtTheBaselineRate()
    {
        // a 1 s burst allowance: (10 - 0.75) Gbps x 1 s = 1,156,250,000 bytes of credits, earned back at the
        // 0.75 Gbps (93,750,000 bytes/s) baseline by an idle instance in 12.333333334 s from the fault's start
        final Scenario scenario = ScenarioBuilder.named("credits").duration("15s").seed(3).sampleInterval("1s")
            .burst("c5.large", 1L, null)
            .instance("a", "c5.large")
            .creditsZeroed("1s", "a", "net-in", "500ms")
            .trace(List.of("fault"), List.of()).build();
        try (Simulation simulation = Simulation.prepare(scenario, work.resolve("run"), work.resolve("trace")))
        {
            final FaultResult fault = simulation.run(null).faults().get(0);
            assertEquals(1_156_250_000L, fault.counters().get("creditBytesBefore"));
            assertEquals(46_875_000L,
                fault.counters().get("creditBytesAtEnd"), "half a second of baseline earned");
            assertEquals(0L, fault.counters().get("bytesMovedDuringFault"));
            assertEquals(12.333333334 - 0.5, fault.recoverySeconds(), 1e-9);
        }
        final List<List<Long>> events = new ArrayList<>();
        try (TraceReader reader = TraceReader.open(work.resolve("trace")))
        {
            while (reader.next())
            {
                final TraceRecord r = reader.record();
                assertEquals(TraceKind.FAULT, r.kind());
                events.add(List.of(r.timeNs(), r.arg0(), r.arg1(), r.arg2(), r.arg3()));
            }
        }
        // code 3, the balance before (full: 1,000,000 ppm), start then end
        final long code = FaultKind.CREDITS_ZEROED.ordinal();
        assertEquals(3L, code);
        assertEquals(List.of(List.of(1_000_000_000L, code, 0L, 1_000_000L, 500_000_000L),
            List.of(1_500_000_000L, code, 1L, 1_000_000L, 500_000_000L)), events);
    }
}
