package io.nitrosim.simulator.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Series built by hand: a rate held at a level until a known instant, then a baseline, sampled every second. */
class BurstAnalysisTest
{
    private static final long S = 1_000_000_000L;

    /** Samples at 1..n s of a rate that is {@code level} over [startS, endS) and {@code after} from endS on. */
    private static double[] rates(final int n, final double startS, final double endS, final double level,
        final double after)
    {
        final double[] r = new double[n];
        for (int k = 1; k <= n; k++)
        {
            final double from = k - 1;
            final double to = k;
            final double atLevel = overlap(from, to, startS, endS);
            final double atAfter = overlap(from, to, endS, Double.MAX_VALUE);
            r[k - 1] = level * atLevel + after * atAfter;
        }
        return r;
    }

    /** The credit balance of a bucket of {@code capacity} spent at {@code spendRate} from startS, never below 0. */
    private static double[] credits(final int n, final double startS, final double capacity, final double spendRate)
    {
        final double[] c = new double[n];
        for (int k = 1; k <= n; k++)
        {
            final double spent = Math.max(0, k - startS) * spendRate;
            c[k - 1] = Math.max(0, 100.0 * (capacity - spent) / capacity);
        }
        return c;
    }

    private static double overlap(final double a, final double b, final double c, final double d)
    {
        return Math.max(0, Math.min(b, d) - Math.max(a, c));
    }

    private static long[] seconds(final int n)
    {
        final long[] t = new long[n];
        for (int k = 1; k <= n; k++)
        {
            t[k - 1] = k * S;
        }
        return t;
    }

    @Test
    void shouldFindTheEndOfAFlowLimitedBurstInsideItsSample()
    {
        // A c5.large sending one 5 Gbps flow: 185 Gbit of credits spent at 5 - 0.75 Gbps last 43.53 s.
        final double burst = 185 / (5 - 0.75);
        final BurstAnalysis.Result r = BurstAnalysis.analyze(seconds(60), rates(60, 0, burst, 5, 0.75),
            credits(60, 0, 185, 4.25), 10, 0.75);

        assertEquals(0.0, r.startSeconds());
        assertEquals(5.0, r.peakHeld(), 1e-12);
        assertTrue(r.burstEnded());
        assertEquals(burst, r.burstSeconds(), 1e-9);
        assertEquals(43.529411764705884, r.burstSeconds(), 1e-9);
        assertEquals(0.75, r.baselineAfter(), 1e-12);
        assertEquals(burst, r.drainSeconds(), 1e-9);
        assertFalse(r.drainProjected());
        assertEquals(0.0, r.finalCreditsPercent());
    }

    @Test
    void shouldPlaceTrafficThatStartsInsideASample()
    {
        final BurstAnalysis.Result r = BurstAnalysis.analyze(seconds(40), rates(40, 2.25, 22.25, 10, 0.75),
            null, 10, 0.75);

        assertEquals(2.25, r.startSeconds(), 1e-9);
        assertEquals(10.0, r.peakHeld(), 1e-12);
        assertEquals(20.0, r.burstSeconds(), 1e-9);
        assertEquals(0.75, r.baselineAfter(), 1e-12);
        assertNull(r.drainSeconds());
        assertNull(r.finalCreditsPercent());
    }

    @Test
    void shouldProjectTheDrainOfABurstThatOutlastsTheRun()
    {
        // A c5.xlarge at 10 Gbps: (10 - 1.25) x 780 s of credits, spent at 8.75 Gbps, last 780 s.
        final BurstAnalysis.Result r = BurstAnalysis.analyze(seconds(60), rates(60, 0, 1e9, 10, 1.25),
            credits(60, 0, 8.75 * 780, 8.75), 10, 1.25);

        assertFalse(r.burstEnded());
        assertNull(r.burstSeconds());
        assertNull(r.baselineAfter());
        assertEquals(10.0, r.peakHeld(), 1e-12);
        assertEquals(780.0, r.drainSeconds(), 1e-6);
        assertTrue(r.drainProjected());
        assertEquals(100.0 * (1 - 60.0 / 780), r.finalCreditsPercent(), 1e-9);
    }

    @Test
    void shouldReportTheHeldRateOfAQuantityThatNeverBursts()
    {
        final BurstAnalysis.Result r = BurstAnalysis.analyze(seconds(10), rates(10, 0.5, 1e9, 9.5, 9.5),
            null, 10, 10);

        assertEquals(9.5, r.peakHeld(), 1e-12);
        assertEquals(0.5, r.startSeconds(), 1e-9);
        assertFalse(r.burstEnded());
        assertNull(r.burstSeconds());
        assertNull(r.drainSeconds());
    }

    @Test
    void shouldTakeTheStartingBucketDepthOfAFixedCapForNoBurst()
    {
        // A gp3 volume held to 3000 IOPS: the first quarter second carries the bucket's depth on top (3052).
        final long[] t = {250_000_000L, 500_000_000L, 750_000_000L, 1_000_000_000L};
        final BurstAnalysis.Result r = BurstAnalysis.analyze(t, new double[] {3052, 3000, 3000, 3000}, null, 3000,
            3000);

        assertFalse(r.burstEnded());
        assertNull(r.burstSeconds());
        assertEquals(3000.0, r.peakHeld(), 1e-9);
    }

    @Test
    void shouldGiveNothingForASeriesThatNeverCarriedTraffic()
    {
        assertNull(BurstAnalysis.analyze(seconds(5), new double[5], credits(5, 0, 1, 0), 10, 0.75));
    }

    @Test
    void shouldNotEndABurstAtADipThatRecovers()
    {
        final double[] r = rates(40, 0, 20, 10, 0.75);
        r[9] = 4; // a TCP-like sender halving its window for one sample
        final BurstAnalysis.Result result = BurstAnalysis.analyze(seconds(40), r, null, 10, 0.75);

        assertEquals(20.0, result.burstSeconds(), 1e-9);
        assertEquals((18 * 10 + 4) / 19.0, result.peakHeld(), 1e-12); // the whole samples (1, 20] s of the burst
    }

    @Test
    void shouldEndTheBurstWhereTrafficStopsWithoutClaimingTheCreditsRanOut()
    {
        final BurstAnalysis.Result r = BurstAnalysis.analyze(seconds(40), rates(40, 0, 30.5, 10, 0),
            credits(40, 0, 9.25 * 420, 9.25), 10, 0.75);

        assertTrue(r.burstEnded());
        assertEquals(30.5, r.burstSeconds(), 1e-9);
        assertNull(r.baselineAfter());
        assertNull(r.drainSeconds(), "the credits did not run out, and the burst is over: nothing to project");
    }
}
