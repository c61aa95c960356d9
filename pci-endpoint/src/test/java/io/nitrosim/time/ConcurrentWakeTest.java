package io.nitrosim.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.Test;

/**
 * Skipping idle groups across threads: a consumer group that only takes input from a ring is skipped while idle and
 * woken by its producer on the other worker, and no wake is lost however the two threads interleave.
 */
class ConcurrentWakeTest
{
    private static final long US = 1_000L;
    private static final long MS = 1_000_000L;

    @Test
    void shouldSkipAnIdleGroupAndRunItWhenARecordArrivesFromAnotherWorker()
    {
        final int[] calls = new int[2];
        for (final boolean skip : List.of(true, false))
        {
            try (ConcurrentRuntime runtime = new ConcurrentRuntime(2))
            {
                runtime.skipIdleGroups(skip);
                final OneToOneRingBuffer ring = ring();
                final WakingConsumer consumer = new WakingConsumer(ring);
                final WakingProducer producer = new WakingProducer(runtime.clock(), ring, consumer, 500 * US, 10 * MS);
                runtime.add(producer, "producer");
                runtime.add(consumer, "consumer");
                runtime.runUntil(20 * MS);

                assertEquals(List.of(List.of("producer"), List.of("consumer")), runtime.groupsByThread());
                assertEquals(21, producer.sent, "every 500 us from 0 to 10 ms");
                assertEquals(producer.sent, consumer.received, "every record taken within the run");
                calls[skip ? 0 : 1] = consumer.calls;
                if (skip)
                {
                    // called when woken, once more after each call that took a record, and once at each run's start
                    assertTrue(consumer.calls <= 2 * producer.sent + 2, "calls: " + consumer.calls);
                }
            }
        }
        assertTrue(calls[1] > 2 * calls[0], "calling everyone in every pass: " + calls[1] + ", skipping: " + calls[0]);
    }

    @Test
    void shouldLoseNoWakeWhenProducerAndConsumerRace()
    {
        try (ConcurrentRuntime runtime = new ConcurrentRuntime(2))
        {
            final OneToOneRingBuffer ring = ring();
            final WakingConsumer consumer = new WakingConsumer(ring);
            final WakingProducer producer = new WakingProducer(runtime.clock(), ring, consumer, 0, Long.MAX_VALUE);
            runtime.add(producer, "producer");
            runtime.add(consumer, "consumer");
            // 2000 runs of 200 us, each with one record at 50 us after its start. The producer's worker is past the
            // record before the consumer's may be more than MAX_SKEW_NS (100 us) later, so the consumer's worker
            // makes a pass after the record was written and before the run ends: only a lost wake leaves the
            // record in the ring at the end of the run.
            long startNs = 0;
            for (int run = 1; run <= 2000; run++)
            {
                producer.sendAt(startNs + 50 * US);
                startNs += 200 * US;
                runtime.runUntil(startNs);
                assertEquals(run, producer.sent);
                assertEquals(run, consumer.received, "run " + run + ": the record was taken within its run");
            }
        }
    }

    private static OneToOneRingBuffer ring()
    {
        return new OneToOneRingBuffer(
            new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024 + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    /** Writes a record at each period (or at each time it is given) and wakes its consumer's group. */
    private static final class WakingProducer implements SimAgent
    {
        private final NanoClock clock;
        private final OneToOneRingBuffer ring;
        private final WakingConsumer consumer;
        private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[8]);
        private final long periodNs;
        private final long untilNs;
        private long nextNs;
        int sent;

        WakingProducer(final NanoClock clock, final OneToOneRingBuffer ring, final WakingConsumer consumer,
            final long periodNs, final long untilNs)
        {
            this.clock = clock;
            this.ring = ring;
            this.consumer = consumer;
            this.periodNs = periodNs;
            this.untilNs = untilNs;
            this.nextNs = periodNs == 0 ? NO_DEADLINE : 0;
        }

        /** Between runs: one record at {@code timeNs}. */
        void sendAt(final long timeNs)
        {
            nextNs = timeNs;
        }

        @Override
        public int doWork()
        {
            if (nextNs > untilNs || clock.nanoTime() < nextNs)
            {
                return 0;
            }
            scratch.putLong(0, nextNs);
            if (!ring.write(1, scratch, 0, 8))
            {
                throw new IllegalStateException("ring full");
            }
            consumer.wake.wake(); // after the record is committed
            sent++;
            nextNs = periodNs == 0 ? NO_DEADLINE : nextNs + periodNs;
            return 1;
        }

        @Override
        public long nextDeadlineNs()
        {
            return nextNs > untilNs ? NO_DEADLINE : nextNs;
        }

        /** It takes no input at all (otherwise its work would wake every group, as a poller's does). */
        @Override
        public boolean wakesOnInput()
        {
            return true;
        }

        @Override
        public String roleName()
        {
            return "producer";
        }
    }

    /** Takes input from its ring only, so its group may be skipped until the producer wakes it. */
    private static final class WakingConsumer implements SimAgent, MessageHandler
    {
        private final OneToOneRingBuffer ring;
        /** Bound before the first run; read by the producer's worker after the run's start publishes it. */
        Wake wake = Wake.NONE;
        int received;
        int calls;

        WakingConsumer(final OneToOneRingBuffer ring)
        {
            this.ring = ring;
        }

        @Override
        public void bindWake(final Wake wake)
        {
            this.wake = wake;
        }

        @Override
        public boolean wakesOnInput()
        {
            return true;
        }

        @Override
        public int doWork()
        {
            calls++;
            return ring.read(this);
        }

        @Override
        public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            received++;
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
}
