package io.nitrosim.time;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The paced runtime runs the virtual runtime's passes at the wall clock's speed and measures how far it falls
 * behind. Wall-clock assertions here are only those a busy machine cannot break: a paced run never finishes
 * before the wall clock gets there, and a run made to fall behind falls behind by at least what it burnt.
 */
class PacedRuntimeTest
{
    private static final long MS = 1_000_000L;

    @Test
    void shouldVisitTheSameSimulatedTimesAsTheVirtualRuntime()
    {
        final long[] events = {0, 7 * MS, 7 * MS, 7 * MS + 1, 12 * MS, 20 * MS};
        final long[] virtualSeen;
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
        {
            final ClockWitness witness = new ClockWitness(runtime.clock());
            runtime.add(witness);
            runtime.add(new TimerAgent("timer", runtime.clock(), events));
            runtime.runUntil(25 * MS);
            virtualSeen = witness.seenNs();
        }
        try (PacedRuntime runtime = new PacedRuntime())
        {
            final ClockWitness witness = new ClockWitness(runtime.clock());
            final TimerAgent timer = new TimerAgent("timer", runtime.clock(), events);
            runtime.add(witness);
            runtime.add(timer);
            assertEquals(25 * MS, runtime.runUntil(25 * MS));
            assertArrayEquals(virtualSeen, witness.seenNs());
            for (int i = 0; i < events.length; i++)
            {
                assertEquals(events[i], timer.firedAtNs(i), "fired exactly at its simulated time");
            }
        }
    }

    @Test
    void shouldNotRunAheadOfTheWallClock()
    {
        try (PacedRuntime runtime = new PacedRuntime())
        {
            runtime.add(new TimerAgent("timer", runtime.clock(), 10 * MS, 30 * MS));
            final long startNs = WallClock.nanoTime();
            assertEquals(40 * MS, runtime.runUntil(40 * MS), "quiescent after 30 ms, yet wall time goes on to 40");
            final long wallNs = WallClock.nanoTime() - startNs;
            assertTrue(wallNs >= 40 * MS - PacedRuntime.MAX_LEAD_NS, wallNs + " ns of wall time for 40 ms");
            final PaceReport pace = runtime.pace();
            assertEquals(40 * MS, pace.simulatedNs());
            assertTrue(pace.parkedNs() > 0, "it waited for the wall clock");
            assertTrue(pace.wallNs() >= 40 * MS - PacedRuntime.MAX_LEAD_NS);
        }
    }

    @Test
    void shouldMeasureTheLagAndTheBusiestAgentWhenWorkTakesLongerThanTheWallClockAllows()
    {
        try (PacedRuntime runtime = new PacedRuntime())
        {
            final ClockWitness idle = new ClockWitness(runtime.clock());
            final Burner burner = new Burner(runtime.clock(), MS, 3 * MS);
            runtime.add(idle);
            runtime.add(burner);
            assertEquals(20 * MS, runtime.runUntil(20 * MS));

            // 21 ticks (0..20 ms) of 3 ms each: at least 63 ms of wall time for 20 ms, so at least 43 ms behind.
            assertEquals(21, burner.ticks);
            final PaceReport pace = runtime.pace();
            assertTrue(pace.maxLagNs() >= 43 * MS, pace.toString());
            assertTrue(runtime.lagNs() >= 43 * MS, "still behind at the end: " + runtime.lagNs());
            assertTrue(pace.behindNs() >= 62 * MS, "behind from 1 ms into the first tick on: " + pace);
            assertTrue(pace.realTimeFactor() < 20.0 / 63.0 + 1e-9, pace.toString());
            assertEquals("burner", pace.busiest().roleName());
            assertTrue(pace.busiest().busyNs() >= 63 * MS, pace.toString());
            assertEquals(0, pace.agents().get(0).busyNs(), "the idle agent never worked");
            assertEquals(0, pace.parkedNs(), "never ahead, never parked");
        }
    }

    @Test
    void shouldCatchUpAfterFallingBehindOnce()
    {
        try (PacedRuntime runtime = new PacedRuntime())
        {
            // One 15 ms burn at 0, then nothing until 40 ms: 15 ms behind once, on time again by the end.
            runtime.add(new Burner(runtime.clock(), MS, 15 * MS, 1));
            runtime.add(new TimerAgent("timer", runtime.clock(), 40 * MS));
            runtime.runUntil(40 * MS);
            final PaceReport pace = runtime.pace();
            assertTrue(pace.maxLagNs() >= 15 * MS, pace.toString());
            assertTrue(pace.behindNs() >= 14 * MS, "more than 1 ms behind for the last 14 ms of the burn: " + pace);
            // Caught up: ahead of the wall clock again, so it parked until 40 ms (how late it woke is the machine's).
            assertTrue(pace.parkedNs() > 0, "parked again once ahead");
        }
    }

    @Test
    void shouldCountAgentsThatLeftInTheReport()
    {
        try (PacedRuntime runtime = new PacedRuntime())
        {
            final Burner burner = new Burner(runtime.clock(), MS, 2 * MS, 2);
            runtime.add(burner);
            runtime.runUntil(3 * MS);
            runtime.remove(burner);
            runtime.runUntil(4 * MS);
            assertEquals(1, runtime.pace().agents().size());
            assertTrue(runtime.pace().agents().get(0).busyNs() >= 4 * MS);
        }
    }

    @Test
    void shouldReportAgentsThatLeftByNameAndSumThemBeyondTheLimit()
    {
        try (PacedRuntime runtime = new PacedRuntime())
        {
            final Burner stays = new Burner(runtime.clock(), MS, 0, 0);
            runtime.add(stays);
            for (int i = 0; i < PacedRuntime.MAX_LEFT_REPORTED + 2; i++)
            {
                final Burner leaves = new Burner(runtime.clock(), MS, 0, 0);
                runtime.add(leaves);
                runtime.remove(leaves);
            }
            final List<PaceReport.AgentLoad> agents = runtime.pace().agents();
            assertEquals(1 + PacedRuntime.MAX_LEFT_REPORTED + 1, agents.size());
            assertEquals("burner", agents.get(0).roleName());
            assertEquals("burner", agents.get(PacedRuntime.MAX_LEFT_REPORTED).roleName());
            assertEquals(new PaceReport.AgentLoad("2 more agents that left", 0), agents.get(agents.size() - 1));
        }
    }
}
