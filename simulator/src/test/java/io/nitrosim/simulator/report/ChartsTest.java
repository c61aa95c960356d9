package io.nitrosim.simulator.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.nitrosim.simulator.results.Column;
import io.nitrosim.simulator.results.SeriesKind;
import io.nitrosim.simulator.results.TimeSeries;

class ChartsTest
{
    private static final Column GBPS =
        Column.of("web-1.net.out.gbps", "out", "Gbps", "web-1", "web-1", "out", SeriesKind.NET_THROUGHPUT);

    private static TimeSeries series(final int samples)
    {
        final TimeSeries.Builder b = TimeSeries.builder(List.of(GBPS));
        for (int i = 0; i < samples; i++)
        {
            // 10 Gbps, one 1-sample dip to 0 at 33,333 and one spike to 25 at 77,777.
            b.add((i + 1) * 1_000_000L, i == 33_333 ? 0.0 : i == 77_777 ? 25.0 : 10.0);
        }
        return b.build();
    }

    @Test
    void shouldDrawEverySampleOfAShortSeries()
    {
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, Charts.pointsToDraw(series(5), 0, 2000));
    }

    @Test
    void shouldKeepTheEnvelopeOfALongSeriesWithinTheBudget()
    {
        final TimeSeries ts = series(100_000);
        final int[] points = Charts.pointsToDraw(ts, 0, 2000);

        assertTrue(points.length <= 2000, "points " + points.length);
        assertTrue(Arrays.stream(points).anyMatch(i -> i == 33_333), "the dip is drawn");
        assertTrue(Arrays.stream(points).anyMatch(i -> i == 77_777), "the spike is drawn");
        for (int i = 1; i < points.length; i++)
        {
            assertTrue(points[i] > points[i - 1], "time order at " + i);
        }
        // A flat bucket contributes one point; the two buckets holding the dip and the spike contribute two.
        assertEquals(1002, points.length);
    }

    @Test
    void shouldMakeIdFragmentsSafe()
    {
        assertEquals("web-1-a-b", Charts.slug("web-1/a b"));
        assertEquals("MiB-s", Charts.slug("MiB/s"));
    }
}
