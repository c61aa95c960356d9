package io.nitrosim.simulator.results;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.concurrent.NanoClock;
import org.junit.jupiter.api.Test;

import io.nitrosim.time.SimAgent;
import io.nitrosim.time.VirtualTimeRuntime;

class TimeSeriesRecorderTest
{
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    /** Sends 1.25 MB every ms (10 Gbps) up to 2 s, then 93,750 B every ms (0.75 Gbps), until stopNs. */
    private static final class Feeder implements SimAgent
    {
        private final NanoClock clock;
        private final long stopNs;
        private long nextNs = MS;
        long bytes;
        long ops;

        Feeder(final NanoClock clock, final long stopNs)
        {
            this.clock = clock;
            this.stopNs = stopNs;
        }

        @Override
        public int doWork()
        {
            final long nowNs = clock.nanoTime();
            if (nextNs > stopNs || nowNs < nextNs)
            {
                return 0;
            }
            bytes += nowNs <= 2 * S ? 1_250_000 : 93_750;
            ops++;
            nextNs += MS;
            return 1;
        }

        @Override
        public long nextDeadlineNs()
        {
            return nextNs > stopNs ? NO_DEADLINE : nextNs;
        }

        @Override
        public String roleName()
        {
            return "feeder";
        }
    }

    private static final Column GBPS = Column.of("web-1.net.out.gbps", "web-1 out", "Gbps", "web-1", "web-1", "out",
        SeriesKind.NET_THROUGHPUT).withReferenceLines(10.0, 0.75);
    private static final Column PPS = Column.of("web-1.net.out.pps", "web-1 out packets", "packets/s", "web-1",
        "web-1", "out", SeriesKind.NET_THROUGHPUT);
    private static final Column CREDITS = Column.of("web-1.net.out.credits", "web-1 out credits", "%", "web-1",
        "web-1", "out", SeriesKind.NET_CREDITS);
    private static final Column PACKETS = Column.of("web-1.bw_out_allowance_exceeded", "bw_out", "count", "web-1",
        "web-1", "out", SeriesKind.ALLOWANCE);

    private static TimeSeriesRecorder recorder(final NanoClock clock, final Feeder feeder, final long stopAtNs)
    {
        return TimeSeriesRecorder.builder(clock, 500 * MS)
            .rate(GBPS, () -> feeder.bytes, RateUnit.GBPS_FROM_BYTES)
            .rate(PPS, () -> feeder.ops, RateUnit.PER_SECOND)
            .gauge(CREDITS, () -> 100.0 - clock.nanoTime() / (double)S * 10.0)
            .total(PACKETS, () -> feeder.ops)
            .stopAtNs(stopAtNs)
            .initialCapacity(1)
            .build();
    }

    private static TimeSeries run(final long endNs)
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
        {
            final Feeder feeder = new Feeder(runtime.clock(), Long.MAX_VALUE);
            final TimeSeriesRecorder recorder = recorder(runtime.clock(), feeder, SimAgent.NO_DEADLINE);
            runtime.add(feeder); // before the recorder: traffic stamped on a grid time counts in that interval
            runtime.add(recorder);
            runtime.runUntil(endNs);
            return recorder.snapshot();
        }
    }

    @Test
    void shouldSampleRatesGaugesAndTotalsOnTheSimulatedGrid()
    {
        final TimeSeries ts = run(4 * S);

        assertEquals(8, ts.sampleCount());
        for (int i = 0; i < 8; i++)
        {
            assertEquals((i + 1) * 500 * MS, ts.timeNs(i));
            assertEquals(i < 4 ? 10.0 : 0.75, ts.value(0, i), 1e-12, "Gbps at sample " + i);
            assertEquals(1000.0, ts.value(1, i), 1e-9, "packets/s at sample " + i);
            assertEquals(100.0 - (i + 1) * 5.0, ts.value(2, i), 1e-12, "credits at sample " + i);
            assertEquals((i + 1) * 500.0, ts.value(3, i), "total at sample " + i);
        }
    }

    @Test
    void shouldBeDeterministic()
    {
        final TimeSeries a = run(3 * S);
        final TimeSeries b = run(3 * S);
        assertArrayEquals(a.timesNs(), b.timesNs());
        for (final Column c : a.columns())
        {
            assertArrayEquals(a.values(c.key()), b.values(c.key()));
        }
    }

    @Test
    void shouldCoverTheTailOfARunWithAFinalSample()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
        {
            final Feeder feeder = new Feeder(runtime.clock(), Long.MAX_VALUE);
            final TimeSeriesRecorder recorder = recorder(runtime.clock(), feeder, SimAgent.NO_DEADLINE);
            runtime.add(feeder);
            runtime.add(recorder);
            runtime.runUntil(4 * S + 250 * MS);

            assertEquals(8, recorder.sampleCount());
            assertTrue(recorder.recordFinalSample());
            assertFalse(recorder.recordFinalSample());

            final TimeSeries ts = recorder.snapshot();
            assertEquals(9, ts.sampleCount());
            assertEquals(4 * S + 250 * MS, ts.timeNs(8));
            assertEquals(0.75, ts.value(0, 8), 1e-12); // 250 x 93,750 B over the 0.25 s tail
            assertEquals(4 * S + 250 * MS, recorder.latestTimeNs());
            assertEquals(ts.value(0, 8), recorder.latest("web-1.net.out.gbps"));
            assertEquals(4250.0, recorder.latest(3));
        }
    }

    @Test
    void shouldStopAtItsEndSoAVirtualRunCanGoQuiescent()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
        {
            final Feeder feeder = new Feeder(runtime.clock(), S);
            final TimeSeriesRecorder recorder = recorder(runtime.clock(), feeder, 2 * S);
            runtime.add(feeder);
            runtime.add(recorder);

            assertEquals(2 * S, runtime.runUntil(10 * S));
            assertEquals(4, recorder.sampleCount());
            assertEquals(SimAgent.NO_DEADLINE, recorder.nextDeadlineNs());
            assertEquals(0.0, recorder.snapshot().value(0, 3)); // no traffic in (1.5 s, 2 s]
        }
    }

    @Test
    void shouldSkipMissedGridPointsAndUseTheElapsedTimeWhenTheClockJumps()
    {
        final long[] now = {0};
        final NanoClock clock = () -> now[0];
        final long[] bytes = {0};
        final TimeSeriesRecorder recorder = TimeSeriesRecorder.builder(clock, 500 * MS)
            .rate(GBPS, () -> bytes[0], RateUnit.GBPS_FROM_BYTES)
            .build();
        recorder.onStart();
        assertEquals(500 * MS, recorder.nextDeadlineNs());
        assertEquals(0, recorder.doWork());

        now[0] = 2300 * MS;
        bytes[0] = 287_500_000L; // 1 Gbps over 2.3 s
        assertEquals(1, recorder.doWork());
        assertEquals(0, recorder.doWork());
        assertEquals(2500 * MS, recorder.nextDeadlineNs());

        final TimeSeries ts = recorder.snapshot();
        assertEquals(1, ts.sampleCount());
        assertEquals(2300 * MS, ts.timeNs(0));
        assertEquals(1.0, ts.value(0, 0), 1e-12);
    }

    @Test
    void shouldReportTheRateUnits()
    {
        assertEquals(8.0, RateUnit.GBPS_FROM_BYTES.rate(1_000_000_000L, S), 1e-12);
        assertEquals(8.0, RateUnit.MBPS_FROM_BYTES.rate(1_000_000L, S), 1e-12);
        assertEquals(2.0, RateUnit.MIBPS_FROM_BYTES.rate(1L << 20, 500 * MS), 1e-12);
        assertEquals(16_000.0, RateUnit.PER_SECOND.rate(4000, 250 * MS), 1e-9);
    }

    @Test
    void shouldValidateItsConfigurationInOnePlace()
    {
        final NanoClock clock = () -> 0;
        assertEquals("sampleIntervalNs must be > 0 (e.g. 1000000000 for one sample per second), got 0",
            assertThrows(IllegalArgumentException.class,
                () -> TimeSeriesRecorder.builder(clock, 0).build()).getMessage());
        assertEquals("initialCapacity must be in [1, 16777216] samples, got 0",
            assertThrows(IllegalArgumentException.class,
                () -> TimeSeriesRecorder.builder(clock, 1).initialCapacity(0).build()).getMessage());
        assertEquals("duplicate column key 'web-1.net.out.gbps'", assertThrows(IllegalArgumentException.class,
            () -> TimeSeriesRecorder.builder(clock, 1).gauge(GBPS, () -> 1).gauge(GBPS, () -> 2).build())
            .getMessage());
    }
}
