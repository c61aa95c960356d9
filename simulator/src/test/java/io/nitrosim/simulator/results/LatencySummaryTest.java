package io.nitrosim.simulator.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencySummaryTest
{
    @Test
    void shouldTakePercentilesFromAHistogramInNanoseconds()
    {
        final Histogram h = new Histogram(3_600_000_000_000L, 3);
        h.recordValueWithCount(1_000_000, 900); // 1 ms
        h.recordValueWithCount(5_000_000, 99); // 5 ms
        h.recordValue(20_000_000); // 20 ms

        final LatencySummary s = LatencySummary.fromHistogramNs(h);

        // HdrHistogram reports the top of each value's bucket: within 0.1 % (3 significant digits) above it.
        assertEquals(h.highestEquivalentValue(1_000_000) / 1e6, s.p50Ms());
        assertEquals(h.highestEquivalentValue(5_000_000) / 1e6, s.p99Ms());
        assertEquals(h.highestEquivalentValue(5_000_000) / 1e6, s.p999Ms());
        assertEquals(h.highestEquivalentValue(20_000_000) / 1e6, s.maxMs());
        assertTrue(s.p50Ms() >= 1.0 && s.p50Ms() < 1.001, "p50 " + s.p50Ms());
        assertTrue(s.p99Ms() >= 5.0 && s.p99Ms() < 5.005, "p99 " + s.p99Ms());
        assertTrue(s.maxMs() >= 20.0 && s.maxMs() < 20.02, "max " + s.maxMs());
    }

    @Test
    void shouldGiveZerosForAnEmptyHistogram()
    {
        assertSame(LatencySummary.NONE, LatencySummary.fromHistogramNs(new Histogram(3)));
        assertEquals(new LatencySummary(0, 0, 0, 0), LatencySummary.NONE);
    }

    @Test
    void shouldRejectNegativeAndNonFiniteValues()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> new LatencySummary(1, -2, 3, 4));
        assertEquals("p99Ms must be a finite number >= 0, got -2.0", ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LatencySummary(Double.NaN, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new LatencySummary(0, 0, 0, Double.POSITIVE_INFINITY));
    }
}
