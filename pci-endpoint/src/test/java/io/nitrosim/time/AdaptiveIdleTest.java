package io.nitrosim.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The workers' wait policy, driven with made-up wall-clock readings (no thread waits here). */
class AdaptiveIdleTest
{
    private static final long US = 1_000L;
    private static final long MS = 1_000_000L;
    private static final long NONE = Long.MAX_VALUE;

    @Test
    void shouldSpinThenYieldButNeverParkWithinTheHotWindowAfterWork()
    {
        final AdaptiveIdle idle = new AdaptiveIdle();
        idle.worked(10 * MS);
        for (int i = 0; i < AdaptiveIdle.SPINS; i++)
        {
            assertEquals(AdaptiveIdle.SPIN, idle.next(10 * MS + i, NONE));
        }
        // however long it has been idle, while the last work is less than the window ago
        for (int i = 0; i < 10_000; i++)
        {
            assertEquals(AdaptiveIdle.YIELD, idle.next(10 * MS + 100 * i, NONE), "wait " + i);
        }
        assertTrue(idle.isHot(10 * MS + AdaptiveIdle.HOT_WINDOW_NS - 1));
        assertFalse(idle.isHot(10 * MS + AdaptiveIdle.HOT_WINDOW_NS));
        assertTrue(idle.next(10 * MS + AdaptiveIdle.HOT_WINDOW_NS, NONE) > 0, "cold: parks");
    }

    @Test
    void shouldStopStayingAwakeForRecentWorkForAWhileOnceAYieldLostItsCore()
    {
        final AdaptiveIdle idle = new AdaptiveIdle();
        idle.worked(10 * MS);
        idle.yielded(10 * MS, 10 * MS + AdaptiveIdle.DESCHEDULED_NS); // just within: not contended
        assertTrue(idle.isHot(10 * MS + AdaptiveIdle.DESCHEDULED_NS));
        final long lostNs = 10 * MS + 2 * AdaptiveIdle.DESCHEDULED_NS + 1;
        idle.yielded(10 * MS + AdaptiveIdle.DESCHEDULED_NS, lostNs);
        assertFalse(idle.isHot(lostNs), "another thread had the core: park rather than yield");
        idle.worked(lostNs + 10);
        assertFalse(idle.isHot(lostNs + 20), "recent work does not keep it awake while contended");
        for (int i = 0; i < AdaptiveIdle.SPINS + AdaptiveIdle.YIELDS; i++)
        {
            idle.next(lostNs + 20, NONE);
        }
        assertEquals(AdaptiveIdle.MIN_PARK_NS, idle.next(lostNs + 20, NONE), "backs off to parks");
        assertEquals(AdaptiveIdle.YIELD, idle.next(lostNs + 20, lostNs + 30), "a near deadline still awake");
        final long calmNs = lostNs + AdaptiveIdle.CONTENDED_NS;
        idle.worked(calmNs);
        assertTrue(idle.isHot(calmNs), "hot again " + AdaptiveIdle.CONTENDED_NS + " ns after the lost yield");
    }

    @Test
    void shouldBackOffToParksDoublingUpToTheLongestWhenCold()
    {
        final AdaptiveIdle idle = new AdaptiveIdle(); // never worked: cold
        final long nowNs = 5 * MS;
        for (int i = 0; i < AdaptiveIdle.SPINS; i++)
        {
            assertEquals(AdaptiveIdle.SPIN, idle.next(nowNs, NONE));
        }
        for (int i = 0; i < AdaptiveIdle.YIELDS; i++)
        {
            assertEquals(AdaptiveIdle.YIELD, idle.next(nowNs, NONE));
        }
        long expectedNs = AdaptiveIdle.MIN_PARK_NS;
        for (int i = 0; i < 20; i++)
        {
            assertEquals(expectedNs, idle.next(nowNs, NONE), "park " + i);
            expectedNs = Math.min(AdaptiveIdle.MAX_PARK_NS, expectedNs * 2);
        }
        assertEquals(AdaptiveIdle.MAX_PARK_NS, expectedNs);

        idle.worked(nowNs);
        assertEquals(AdaptiveIdle.SPIN, idle.next(nowNs + AdaptiveIdle.HOT_WINDOW_NS, NONE), "work restarts it");
    }

    @Test
    void shouldEndEachParkEarlyEnoughToBeAwakeForTheDeadlineAndWaitForANearOneAwake()
    {
        final AdaptiveIdle idle = new AdaptiveIdle();
        final long nowNs = 5 * MS;
        for (int i = 0; i < AdaptiveIdle.SPINS + AdaptiveIdle.YIELDS + 20; i++)
        {
            idle.next(nowNs, NONE); // backed off to the longest park
        }
        assertEquals(AdaptiveIdle.MAX_PARK_NS, idle.next(nowNs, nowNs + 10 * MS), "a far deadline: the longest park");
        assertEquals(200 * US - AdaptiveIdle.NEAR_DEADLINE_NS, idle.next(nowNs, nowNs + 200 * US),
            "a park that ends the margin before the deadline");
        assertEquals(AdaptiveIdle.YIELD, idle.next(nowNs, nowNs + AdaptiveIdle.NEAR_DEADLINE_NS),
            "a near deadline is waited for awake");
        assertEquals(AdaptiveIdle.YIELD, idle.next(nowNs, nowNs - 1), "as is one already passed");
    }

    @Test
    void shouldLearnHowLateParksComeBackAndEndThemThatMuchEarlier()
    {
        final AdaptiveIdle idle = new AdaptiveIdle();
        final long nowNs = 5 * MS;
        for (int i = 0; i < AdaptiveIdle.SPINS + AdaptiveIdle.YIELDS + 20; i++)
        {
            idle.next(nowNs, NONE);
        }
        for (int i = 0; i < 100; i++)
        {
            idle.parkedFor(100 * US, 180 * US); // each park came back 80 us late
        }
        assertEquals(80 * US, idle.overshootNs(), 4);
        final long marginNs = AdaptiveIdle.NEAR_DEADLINE_NS + idle.overshootNs();
        assertEquals(300 * US - marginNs, idle.next(nowNs, nowNs + 300 * US));
        assertEquals(AdaptiveIdle.YIELD, idle.next(nowNs, nowNs + marginNs), "within the margin: awake");

        idle.parkedFor(100 * US, 10 * AdaptiveIdle.MAX_OVERSHOOT_NS);
        assertTrue(idle.overshootNs() <= AdaptiveIdle.MAX_OVERSHOOT_NS, "one descheduled park is bounded");
        for (int i = 0; i < 100; i++)
        {
            idle.parkedFor(100 * US, 100 * US); // on time again
        }
        assertEquals(0, idle.overshootNs(), 4);
    }
}
