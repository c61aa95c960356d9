package io.nitrosim.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.agrona.concurrent.NanoClock;
import org.junit.jupiter.api.Test;

import io.nitrosim.shaping.BurstableLimit;
import io.nitrosim.shaping.RingConsumerAgent;
import io.nitrosim.shaping.RingConsumerAgent.SequenceCheck;
import io.nitrosim.shaping.RingProducerAgent;
import io.nitrosim.shaping.RingProducerAgent.Content;
import io.nitrosim.shaping.ShapedRing;
import io.nitrosim.shaping.ShapingGate;

/**
 * The same agents on wall-clock threads. These tests assert delivery, never timing, and are bounded: each
 * stops when its records are delivered or after 2 s of wall time at most.
 */
class RealTimeRuntimeTest
{
    private static final long MS = 1_000_000L;
    private static final long WALL_LIMIT_NS = 2_000 * MS;
    private static final int RECORDS = 2_000;

    private static ShapedRing ring()
    {
        // 100 MB/s: 2000 records of 1000 B take about 20 ms.
        return ShapedRing.builder("ring").capacityBytes(16 * 1024).maxPayloadBytes(1000)
            .gate(ShapingGate.builder().bytes(BurstableLimit.fixed("bytes", 100_000_000L, MS, 1000, 0)).build())
            .build();
    }

    private static RingProducerAgent producer(final NanoClock clock, final ShapedRing ring)
    {
        return RingProducerAgent.builder("producer", clock, ring).recordBytes(1000).content(Content.PAYLOAD)
            .maxRecords(RECORDS).build();
    }

    /** Runs in short slices until {@code consumer} has everything or the wall-time limit passes. */
    private static void runUntilDelivered(final RealTimeRuntime runtime, final RingConsumerAgent consumer)
    {
        final NanoClock clock = runtime.clock();
        while (consumer.totalRecords() < RECORDS && clock.nanoTime() < WALL_LIMIT_NS)
        {
            runtime.runUntil(clock.nanoTime() + 10 * MS);
        }
    }

    @Test
    void shouldRunAProducerAndAShapedConsumerOnTheirOwnThreads()
    {
        final RingConsumerAgent consumer;
        final RingProducerAgent producer;
        final ShapedRing ring = ring();
        try (RealTimeRuntime runtime = new RealTimeRuntime())
        {
            assertFalse(runtime.isVirtual());
            producer = producer(runtime.clock(), ring);
            consumer = new RingConsumerAgent("consumer", runtime.clock(), 16, SequenceCheck.EXACT, null, null, ring);
            runtime.add(consumer);
            runtime.add(producer);
            runUntilDelivered(runtime, consumer);
        }
        // close() joined the agent threads: their plain fields are visible here.
        assertNull(consumer.firstError());
        assertEquals(RECORDS, consumer.totalRecords(), "every record delivered, in order, intact");
        assertEquals(RECORDS, producer.acceptedRecords());
        assertEquals(RECORDS * 1000L, ring.admittedBytes());
        assertEquals(0, ring.droppedRecords());
        assertTrue(ring.isEmpty());
    }

    @Test
    void shouldRunAGroupOfAgentsSharingStateOnOneThread()
    {
        final ShapedRing ring = ring();
        final RingConsumerAgent consumer;
        try (RealTimeRuntime runtime = new RealTimeRuntime())
        {
            consumer = new RingConsumerAgent("consumer", runtime.clock(), 16, SequenceCheck.EXACT, null, null, ring);
            runtime.add(new AgentGroup("pair").add(producer(runtime.clock(), ring)).add(consumer));
            runUntilDelivered(runtime, consumer);
        }
        assertNull(consumer.firstError());
        assertEquals(RECORDS, consumer.totalRecords());
    }

    @Test
    void shouldSurfaceAnAgentFailureFromRunUntil()
    {
        try (RealTimeRuntime runtime = new RealTimeRuntime())
        {
            runtime.add(new SimAgent()
            {
                @Override
                public int doWork()
                {
                    throw new IllegalStateException("device model bug");
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
            });
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> runtime.runUntil(runtime.clock().nanoTime() + WALL_LIMIT_NS));
            assertEquals("an agent failed: java.lang.IllegalStateException: device model bug", ex.getMessage());
        }
    }

    @Test
    void shouldStopARemovedAgentAndCloseIt()
    {
        final AtomicLong work = new AtomicLong();
        final AtomicLong closes = new AtomicLong();
        final SimAgent counting = new SimAgent()
        {
            @Override
            public int doWork()
            {
                work.incrementAndGet();
                return 1;
            }

            @Override
            public long nextDeadlineNs()
            {
                return NO_DEADLINE;
            }

            @Override
            public void onClose()
            {
                closes.incrementAndGet();
            }

            @Override
            public String roleName()
            {
                return "counting";
            }
        };
        try (RealTimeRuntime runtime = new RealTimeRuntime())
        {
            runtime.add(counting);
            final NanoClock clock = runtime.clock();
            while (work.get() == 0 && clock.nanoTime() < WALL_LIMIT_NS)
            {
                runtime.runUntil(clock.nanoTime() + MS);
            }
            assertTrue(work.get() > 0, "the agent ran");
            runtime.remove(counting);
            assertEquals(1, closes.get());
            final long after = work.get();
            runtime.runUntil(clock.nanoTime() + 20 * MS);
            assertEquals(after, work.get(), "no work after remove returned");
        }
        assertEquals(1, closes.get(), "closing the runtime does not close a removed agent again");
    }
}
