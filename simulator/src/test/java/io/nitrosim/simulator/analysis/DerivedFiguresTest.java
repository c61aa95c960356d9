package io.nitrosim.simulator.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.nitrosim.simulator.results.BurstFigures;
import io.nitrosim.simulator.results.Column;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.SeriesKind;
import io.nitrosim.simulator.results.SyntheticRun;
import io.nitrosim.simulator.results.TimeSeries;

class DerivedFiguresTest
{
    private static final long S = 1_000_000_000L;

    /** The time-series keys the simulation registers (docs/reports.md), 600 s sampled every 10 s. */
    private static TimeSeries series()
    {
        final List<Column> columns = List.of(
            Column.of("web-1.net.out.gbps", "web-1 net out", "Gbps", "web-1", "web-1", "out",
                SeriesKind.NET_THROUGHPUT).withReferenceLines(10.0, 0.75),
            Column.of("web-1.net.in.gbps", "web-1 net in", "Gbps", "web-1", "web-1", "in",
                SeriesKind.NET_THROUGHPUT).withReferenceLines(10.0, 0.75),
            Column.of("web-1.net.out.credit_pct", "web-1 net-out credits", "%", "web-1", "web-1", "out",
                SeriesKind.NET_CREDITS),
            Column.of("web-1.vol.data-1.iops", "data-1 IOPS", "IOPS", "web-1", "data-1", null, SeriesKind.EBS_IOPS)
                .withReferenceLines(3000.0, 300.0),
            Column.of("web-1.vol.data-1.burst_balance_pct", "data-1 BurstBalance%", "%", "web-1", "data-1", null,
                SeriesKind.EBS_CREDITS),
            Column.of("web-1.vol.logs-1.mibps", "logs-1 throughput", "MiB/s", "web-1", "logs-1", null,
                SeriesKind.EBS_THROUGHPUT).withReferenceLines(125.0, 125.0));
        final TimeSeries.Builder b = TimeSeries.builder(columns);
        for (int k = 1; k <= 60; k++)
        {
            final double t = k * 10;
            // 10 Gbps until 420 s then 0.75; credits (9.25 x 420 Gbit) spent at 9.25 Gbps; data-1 bursts 3000 IOPS
            // for 300 s then falls to 300; logs-1 holds 125 MiB/s.
            b.add(k * 10 * S, t <= 420 ? 10 : 0.75, 0, Math.max(0, 100 - t * 100 / 420), t <= 300 ? 3000 : 300,
                Math.max(0, 100 - t / 3), 125);
        }
        return b.build();
    }

    @Test
    void shouldDeriveTheBurstOfEveryQuantityThatCarriedTrafficWithItsCapsAndThrottling()
    {
        final RunResults run = SyntheticRun.results();
        final List<BurstFigures> figures = DerivedFigures.of(series(), run.instances(), run.volumes(), 600);

        assertEquals(List.of("web-1 net-out", "data-1 volume-iops", "logs-1 volume-mibps"),
            figures.stream().map(f -> f.subject() + " " + f.quantity()).toList(), "idle net-in is left out");
        final BurstFigures net = figures.get(0);
        assertEquals("web-1", net.instance());
        assertEquals("Gbps", net.unit());
        assertEquals(10.0, net.peakCap());
        assertEquals(0.75, net.baselineCap());
        assertEquals(10.0, net.peakHeld(), 1e-12);
        assertEquals(420.0, net.burstSeconds(), 1e-9);
        assertEquals(0.75, net.baselineAfter(), 1e-12);
        assertEquals(420.0, net.drainSeconds(), 1e-6);
        assertFalse(net.drainProjected());
        assertEquals(0.0, net.finalCreditsPercent());
        // web-1: 5432 frames held by bw_out_allowance_exceeded of 45,678,901 sent
        assertEquals(5432.0 / 45_678_901, net.throttledFraction(), 1e-15);

        final BurstFigures gp2 = figures.get(1);
        assertEquals("web-1", gp2.instance());
        assertEquals(300.0, gp2.burstSeconds(), 1e-9);
        assertEquals(300.0, gp2.baselineAfter(), 1e-9);
        assertEquals(300.0, gp2.drainSeconds(), 1e-6, "the burst balance (the gp2 bucket) ran dry when IOPS fell");
        assertEquals(17.0 / (3000 * 600), gp2.throttledFraction(), 1e-15);

        final BurstFigures gp3 = figures.get(2);
        assertEquals(125.0, gp3.peakHeld(), 1e-12);
        assertNull(gp3.finalCreditsPercent(), "gp3 throughput has no burst bucket");
        assertNull(gp3.burstSeconds());
        assertTrue(gp3.startSeconds() <= 10);
    }
}
