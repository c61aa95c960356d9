package io.nitrosim.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;

import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.Test;

/**
 * The concurrent runtime: ownership groups on worker threads, each worker paced to the wall clock with its own
 * simulated time. Wall-clock assertions are only those a busy machine cannot break (a run made to fall behind
 * falls behind by at least what it burnt; an idle run uses little CPU however slowly the machine schedules it).
 */
class ConcurrentRuntimeTest
{
    private static final long MS = 1_000_000L;

    @Test
    void shouldFireEveryDeadlineExactlyAtItsTimeWithEachGroupOnItsOwnThread()
    {
        final long[] events = new long[21];
        for (int i = 0; i < events.length; i++)
        {
            events[i] = i * MS + (i % 3); // not all on the millisecond grid
        }
        try (ConcurrentRuntime runtime = new ConcurrentRuntime(2))
        {
            final TimerAgent a = new TimerAgent("a", runtime.clock(), events);
            final TimerAgent b = new TimerAgent("b", runtime.clock(), events);
            final ThreadWitness aThread = new ThreadWitness();
            final ThreadWitness bThread = new ThreadWitness();
            runtime.add(a, "group-a");
            runtime.add(aThread, "group-a");
            runtime.add(b, "group-b");
            runtime.add(bThread, "group-b");
            assertEquals(25 * MS, runtime.runUntil(25 * MS));

            assertEquals(2, runtime.threads());
            for (int i = 0; i < events.length; i++)
            {
                assertEquals(events[i], a.firedAtNs(i), "a's event " + i + " at its simulated time");
                assertEquals(events[i], b.firedAtNs(i), "b's event " + i + " at its simulated time");
            }
            assertNotNull(aThread.thread);
            assertNotEquals(aThread.thread, bThread.thread, "two groups, two threads");
            assertEquals(25 * MS, runtime.clock().nanoTime(), "from another thread: the time the run reached");
        }
    }

    @Test
    void shouldCarryEveryRecordFromOneThreadToAnotherThroughAnAgronaRing()
    {
        try (ConcurrentRuntime runtime = new ConcurrentRuntime(2))
        {
            assertCarriesEveryRecord(runtime);
        }
    }

    /** A record every 100 us from 0 to 10 ms from one group to another, run to 20 ms and 21 ms: all arrive intact. */
    private static void assertCarriesEveryRecord(final ConcurrentRuntime runtime)
    {
        final OneToOneRingBuffer ring = new OneToOneRingBuffer(
            new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024 + RingBufferDescriptor.TRAILER_LENGTH)));
        final Producer producer = new Producer(runtime.clock(), ring, 100_000L, 10 * MS);
        final Consumer consumer = new Consumer(ring);
        runtime.add(producer, "producer");
        runtime.add(consumer, "consumer");
        runtime.runUntil(20 * MS); // traffic until 10 ms, then idle
        runtime.runUntil(21 * MS); // a record produced as the consumer reached 20 ms is taken now

        assertEquals(101, producer.sent, "every 100 us from 0 to 10 ms");
        assertEquals(producer.sent, consumer.received);
        assertEquals(producer.sumOfSendTimesNs, consumer.sumOfSendTimesNs, "each record intact");
        assertTrue(consumer.inOrder, "in the order sent");
    }

    @Test
    void shouldNeverParkASpinningWorkerWhetherBusyIdleOrBetweenRuns()
    {
        try (ConcurrentRuntime runtime = new ConcurrentRuntime(2, WorkerIdle.SPIN))
        {
            assertCarriesEveryRecord(runtime);
            assertEquals(2, runtime.threads());
            assertEquals(0, runtime.parks(), "spinning workers never park");
            assertEquals(0, runtime.wakeUps(), "so nobody was woken");
            assertTrue(runtime.passes() > 0);
        }
    }

    @Test
    void shouldReportTheLagOfTheWorstThreadAndNameTheBusiestGroup()
    {
        try (ConcurrentRuntime runtime = new ConcurrentRuntime(2))
        {
            final Burner burner = new Burner(runtime.clock(), MS, 3 * MS);
            runtime.add(burner, "slow-group");
            runtime.add(new TimerAgent("timer", runtime.clock(), 5 * MS, 10 * MS), "idle-group");
            assertEquals(20 * MS, runtime.runUntil(20 * MS));

            // 21 ticks (0..20 ms) of 3 ms each: at least 63 ms of wall time for 20 ms, so at least 43 ms behind.
            assertEquals(21, burner.ticks);
            final PaceReport pace = runtime.pace();
            assertTrue(pace.maxLagNs() >= 43 * MS, pace.toString());
            assertTrue(runtime.lagNs() >= 43 * MS, "still behind at the end: " + runtime.lagNs());
            assertTrue(pace.behindNs() >= 62 * MS, pace.toString());
            assertTrue(pace.realTimeFactor() < 20.0 / 63.0 + 1e-9, pace.toString());
            assertEquals("slow-group", pace.busiest().roleName());
            assertTrue(pace.busiest().busyNs() >= 63 * MS, pace.toString());
            assertEquals(List.of("slow-group", "idle-group"),
                pace.agents().stream().map(PaceReport.AgentLoad::roleName).toList());
        }
    }

    @Test
    void shouldStartNoMoreThreadsThanGroupsAndDealGroupsInContiguousRuns()
    {
        try (ConcurrentRuntime runtime = new ConcurrentRuntime(4))
        {
            runtime.placeIn("x");
            runtime.add(new TimerAgent("x1", runtime.clock()));
            runtime.add(new TimerAgent("x2", runtime.clock()));
            runtime.placeIn(null);
            runtime.add(new TimerAgent("alone", runtime.clock()));
            runtime.runUntil(MS);
            assertEquals(2, runtime.threads());
            assertEquals(List.of(List.of("x"), List.of("alone")), runtime.groupsByThread());
        }
        try (ConcurrentRuntime runtime = new ConcurrentRuntime(2))
        {
            for (final String name : List.of("a", "b", "c"))
            {
                runtime.add(new TimerAgent(name, runtime.clock()), name);
            }
            runtime.runUntil(MS);
            final TimerAgent late = new TimerAgent("d", runtime.clock(), 2 * MS);
            assertEquals(List.of(List.of("a", "b"), List.of("c")), runtime.groupsByThread(), "in creation order");
            runtime.add(late, "d"); // between runs: it joins the last thread, which runs the latest groups
            runtime.runUntil(3 * MS);
            assertEquals(List.of(List.of("a", "b"), List.of("c", "d")), runtime.groupsByThread());
            assertEquals(2 * MS, late.firedAtNs(0));
            runtime.remove(late);
            assertEquals(List.of(List.of("a", "b"), List.of("c")), runtime.groupsByThread());
            assertEquals(0, runtime.redeals(), "timers that hardly work are not dealt again");
            assertEquals("d", runtime.pace().agents().get(3).roleName(), "a group that left is still reported");
        }
    }

    @Test
    void shouldDealTheGroupsAgainByTheBusyTimeTheyTookBetweenRuns()
    {
        try (ConcurrentRuntime runtime = new ConcurrentRuntime(2))
        {
            // each burner burns 1 ms of wall time every 2 ms: 11 ticks to 20 ms, 22 ms of busy time together
            runtime.add(new Burner("a", runtime.clock(), 2 * MS, MS, Integer.MAX_VALUE), "a");
            runtime.add(new Burner("b", runtime.clock(), 2 * MS, MS, Integer.MAX_VALUE), "b");
            runtime.add(new TimerAgent("c", runtime.clock()), "c");
            runtime.add(new TimerAgent("d", runtime.clock()), "d");
            runtime.runUntil(20 * MS);
            assertEquals(List.of(List.of("a", "b"), List.of("c", "d")), runtime.groupsByThread(), "by count at first");
            runtime.runUntil(21 * MS);
            assertEquals(1, runtime.redeals());
            assertEquals(List.of(List.of("a"), List.of("b", "c", "d")), runtime.groupsByThread(), "one burner each");
        }
    }

    @Test
    void shouldRethrowAnAgentsFailureFromRunUntil()
    {
        try (ConcurrentRuntime runtime = new ConcurrentRuntime(2))
        {
            runtime.add(new TimerAgent("fine", runtime.clock(), MS), "fine");
            runtime.add(new Failing(), "failing");
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> runtime.runUntil(5 * MS));
            assertEquals("device fault", ex.getMessage());
        }
    }

    @Test
    void shouldBackOffWhenIdleInsteadOfSpinning()
    {
        try (ConcurrentRuntime runtime = new ConcurrentRuntime(2))
        {
            final ClockWitness a = new ClockWitness(runtime.clock());
            final ClockWitness b = new ClockWitness(runtime.clock());
            runtime.add(a, "a");
            runtime.add(b, "b");
            final long startNs = WallClock.nanoTime();
            runtime.runUntil(500 * MS);
            final long wallNs = WallClock.nanoTime() - startNs;
            // Idle, a worker makes a pass per wake-up: a few spinning and yielding, then one per park of at most
            // MAX_IDLE_PARK_NS (a loaded machine only makes parks longer). A spinning worker makes millions.
            final long mostPasses = 2 * wallNs / ConcurrentRuntime.MAX_IDLE_PARK_NS + 100;
            assertTrue(a.calls() < mostPasses, a.calls() + " passes in " + wallNs / 1e6 + " ms");
            assertTrue(b.calls() < mostPasses, b.calls() + " passes in " + wallNs / 1e6 + " ms");
            assertTrue(a.calls() > 10, "yet it kept looking: " + a.calls());
            assertEquals(0, runtime.wakeUps(), "no work, so nobody was woken");
            assertTrue(runtime.parks() > 0, "it parked: " + runtime.parks());
        }
    }

    @Test
    void shouldWakeAParkedWorkerWhenAnotherWorkerHandsItARecord()
    {
        try (ConcurrentRuntime runtime = new ConcurrentRuntime(2))
        {
            final OneToOneRingBuffer ring = new OneToOneRingBuffer(
                new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024 + RingBufferDescriptor.TRAILER_LENGTH)));
            final HandOffWhenParked producer = new HandOffWhenParked(runtime, ring);
            final Consumer consumer = new Consumer(ring);
            runtime.add(producer, "producer");
            runtime.add(consumer, "consumer");
            runtime.runUntil(20 * MS);
            runtime.runUntil(21 * MS);

            assertTrue(runtime.wakeUps() >= 1, "the consumer's worker was unparked by the hand-off");
            assertTrue(producer.sent >= 1 && producer.sent <= HandOffWhenParked.MOST_ROUNDS, "sent " + producer.sent);
            assertEquals(producer.sent, consumer.received, "and it took every record");
        }
    }

    /**
     * From 1 ms on, hands a record to the other worker each time it sees that worker parked (a handshake, no
     * timing): waits for the flag, writes, and returns work, after which its worker must wake the parked one. It
     * stops once a wake-up is counted (a park that timed out just before the wake-up takes another round).
     */
    private static final class HandOffWhenParked implements SimAgent
    {
        static final int MOST_ROUNDS = 1000;
        private static final long GIVE_UP_WALL_NS = 30_000_000_000L;
        private final ConcurrentRuntime runtime;
        private final OneToOneRingBuffer ring;
        private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[8]);
        int sent;

        HandOffWhenParked(final ConcurrentRuntime runtime, final OneToOneRingBuffer ring)
        {
            this.runtime = runtime;
            this.ring = ring;
        }

        @Override
        public int doWork()
        {
            final long nowNs = runtime.clock().nanoTime();
            if (nowNs < MS || runtime.wakeUps() > 0 || sent == MOST_ROUNDS)
            {
                return 0;
            }
            final long giveUpNs = WallClock.nanoTime() + GIVE_UP_WALL_NS;
            while (runtime.parkedWorkers() == 0) // only the other worker can be parked: this one is here
            {
                if (WallClock.nanoTime() > giveUpNs)
                {
                    throw new IllegalStateException("the other worker never parked");
                }
                Thread.onSpinWait();
            }
            scratch.putLong(0, nowNs + sent); // strictly increasing, as the consumer checks
            if (!ring.write(1, scratch, 0, 8))
            {
                throw new IllegalStateException("ring full");
            }
            sent++;
            return 1;
        }

        @Override
        public long nextDeadlineNs()
        {
            return runtime.wakeUps() > 0 || sent == MOST_ROUNDS ? NO_DEADLINE : MS;
        }

        @Override
        public String roleName()
        {
            return "hand-off";
        }
    }

    /** Records the thread that runs it; never works. */
    private static final class ThreadWitness implements SimAgent
    {
        volatile Thread thread;

        @Override
        public int doWork()
        {
            thread = Thread.currentThread();
            return 0;
        }

        @Override
        public long nextDeadlineNs()
        {
            return NO_DEADLINE;
        }

        @Override
        public String roleName()
        {
            return "thread-witness";
        }
    }

    /** Writes its send time into the ring every {@code periodNs} until {@code untilNs}. */
    private static final class Producer implements SimAgent
    {
        private final NanoClock clock;
        private final OneToOneRingBuffer ring;
        private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[8]);
        private final long periodNs;
        private final long untilNs;
        private long nextNs;
        int sent;
        long sumOfSendTimesNs;

        Producer(final NanoClock clock, final OneToOneRingBuffer ring, final long periodNs, final long untilNs)
        {
            this.clock = clock;
            this.ring = ring;
            this.periodNs = periodNs;
            this.untilNs = untilNs;
        }

        @Override
        public int doWork()
        {
            final long nowNs = clock.nanoTime();
            if (nextNs > untilNs || nowNs < nextNs)
            {
                return 0;
            }
            scratch.putLong(0, nextNs);
            if (!ring.write(1, scratch, 0, 8))
            {
                throw new IllegalStateException("ring full");
            }
            sent++;
            sumOfSendTimesNs += nextNs;
            nextNs += periodNs;
            return 1;
        }

        @Override
        public long nextDeadlineNs()
        {
            return nextNs > untilNs ? NO_DEADLINE : nextNs;
        }

        @Override
        public String roleName()
        {
            return "producer";
        }
    }

    /** Takes every record as it comes (no deadline of its own: it sees input only by polling). */
    private static final class Consumer implements SimAgent, MessageHandler
    {
        private final OneToOneRingBuffer ring;
        int received;
        long sumOfSendTimesNs;
        boolean inOrder = true;
        private long lastSentNs = -1;

        Consumer(final OneToOneRingBuffer ring)
        {
            this.ring = ring;
        }

        @Override
        public int doWork()
        {
            return ring.read(this);
        }

        @Override
        public void onMessage(final int msgTypeId, final org.agrona.MutableDirectBuffer buffer, final int index,
            final int length)
        {
            final long sentNs = buffer.getLong(index);
            received++;
            sumOfSendTimesNs += sentNs;
            // (its send time may be ahead of this thread's time: the two workers' times differ by up to their lags)
            inOrder &= sentNs > lastSentNs;
            lastSentNs = sentNs;
        }

        @Override
        public long nextDeadlineNs()
        {
            return NO_DEADLINE;
        }

        @Override
        public String roleName()
        {
            return "consumer";
        }
    }

    private static final class Failing implements SimAgent
    {
        @Override
        public int doWork()
        {
            throw new IllegalStateException("device fault");
        }

        @Override
        public long nextDeadlineNs()
        {
            return NO_DEADLINE;
        }

        @Override
        public String roleName()
        {
            return "failing";
        }
    }
}
