package io.nitrosim.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.nitrosim.shaping.RingConsumerAgent.SequenceCheck;
import io.nitrosim.shaping.RingProducerAgent.Content;
import io.nitrosim.shaping.RingProducerAgent.OnFull;
import io.nitrosim.time.SimAgent;
import io.nitrosim.time.VirtualTimeRuntime;

class ShapedRingTest
{
    /** Remembers the last record delivered; can refuse records (downstream full). */
    private static final class Recorder implements ShapedRecordHandler
    {
        int count;
        int lastTag;
        long lastReadyAtNs;
        long lastNowNs;
        int lastPayloadLength;
        int lastChargedBytes;
        boolean refuse;

        @Override
        public boolean onRecord(
            final int tag, final DirectBuffer buffer, final int payloadIndex, final int payloadLength,
            final int chargedBytes, final long readyAtNs, final long nowNs)
        {
            if (refuse)
            {
                return false;
            }
            count++;
            lastTag = tag;
            lastReadyAtNs = readyAtNs;
            lastNowNs = nowNs;
            lastPayloadLength = payloadLength;
            lastChargedBytes = chargedBytes;
            return true;
        }
    }

    @Test
    void shouldBuildWithDefaultsThatHoldAJumboFrame()
    {
        final ShapedRing ring = ShapedRing.builder("defaults").build();
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[9216]);
        assertTrue(ring.offer(0, 1, frame, 0, 9216), "the default max payload fits the default ring");
    }

    @Test
    void shouldRejectAPayloadTooLargeForTheRingNamingTheLimits()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ShapedRing.builder("small").capacityBytes(1024).maxPayloadBytes(200).build());
        assertEquals("small: ring capacity 1024 B holds records up to 112 B of payload, asked 200 B; "
            + "needs capacityBytes >= 2048", ex.getMessage());
        assertEquals("small: ring capacity 1000 B out of range, accepted 1024..1073741824 B",
            assertThrows(IllegalArgumentException.class,
                () -> ShapedRing.builder("small").capacityBytes(1000)).getMessage());
    }

    @Test
    void shouldWakeTheConsumerOnEveryCommitAndTheProducerOnEveryPollThatTookRecords()
    {
        final ShapedRing ring = ShapedRing.builder("wakes").maxPayloadBytes(0).build();
        final int[] consumerWakes = new int[1];
        final int[] producerWakes = new int[1];
        ring.wakeConsumer(() -> consumerWakes[0]++);
        ring.wakeProducer(() -> producerWakes[0]++);
        final Recorder recorder = new Recorder();

        assertTrue(ring.offerTimingOnly(0, 1500, 1));
        assertTrue(ring.offerTimingOnly(5_000, 1500, 1));
        assertEquals(2, consumerWakes[0], "one per record published");
        assertEquals(0, producerWakes[0]);

        assertEquals(1, ring.poll(recorder, 10, 0));
        assertEquals(1, producerWakes[0], "room made: the producer is woken");
        assertEquals(0, ring.poll(recorder, 10, 0));
        assertEquals(1, producerWakes[0], "a poll that took nothing wakes nobody");
        final int index = ring.tryClaim(0, 1500, 1, 0);
        ring.abort(index);
        assertEquals(2, consumerWakes[0], "an aborted claim publishes nothing");
    }

    @Test
    void shouldNotDeliverARecordBeforeItsReadyTimeAndReportThatTimeExactly()
    {
        final ShapedRing ring = ShapedRing.builder("latency").maxPayloadBytes(0).build();
        final Recorder recorder = new Recorder();
        assertEquals(SimAgent.NO_DEADLINE, ring.nextEligibleNs(), "empty ring: no deadline");
        assertTrue(ring.offerTimingOnly(5_000, 1500, 7));

        assertEquals(0, ring.poll(recorder, 10, 0));
        assertEquals(5_000, ring.nextEligibleNs());
        assertEquals(0, ring.poll(recorder, 10, 4_999));
        assertEquals(5_000, ring.nextEligibleNs());
        assertEquals(0, recorder.count);

        assertEquals(1, ring.poll(recorder, 10, 5_000));
        assertEquals(5_000, recorder.lastNowNs);
        assertEquals(5_000, recorder.lastReadyAtNs);
        assertEquals(7, recorder.lastTag);
        assertEquals(0, recorder.lastPayloadLength, "timing-only: no payload bytes");
        assertEquals(1500, recorder.lastChargedBytes);
        assertEquals(SimAgent.NO_DEADLINE, ring.nextEligibleNs());
        assertEquals(0, ring.throttledRecords(), "waiting for readiness is latency, not throttling");
    }

    @Test
    void shouldHoldRecordsBehindANotYetReadyHeadInOrder()
    {
        final ShapedRing ring = ShapedRing.builder("fifo").maxPayloadBytes(0).build();
        final Recorder recorder = new Recorder();
        assertTrue(ring.offerTimingOnly(100, 10, 1));
        assertTrue(ring.offerTimingOnly(50, 10, 2)); // ready earlier, but behind the head
        assertEquals(0, ring.poll(recorder, 10, 60));
        assertEquals(100, ring.nextEligibleNs());
        assertEquals(2, ring.poll(recorder, 10, 100));
        assertEquals(2, recorder.lastTag);
    }

    @Test
    void shouldReportTheExactTimeTheGateAdmitsTheHead()
    {
        // 1000 B/s, depth 1000 B: after a 1000-byte record the next 300-byte one needs 300 ms.
        final TokenBucket bucket = new TokenBucket("bytes", 1000, 1000, 0);
        final TokenBucket twin = new TokenBucket("twin", 1000, 1000, 0);
        final ShapedRing ring = ShapedRing.builder("gated").maxPayloadBytes(0)
            .gate(ShapingGate.builder().bytes(bucket).build()).build();
        final Recorder recorder = new Recorder();
        assertTrue(ring.offerTimingOnly(0, 1000, 1));
        assertTrue(ring.offerTimingOnly(0, 300, 2));
        assertEquals(1, ring.poll(recorder, 10, 1_000));
        twin.consume(1000, 1_000);
        final long expectedNs = 1_000 + twin.nanosUntilAdmit(300, 1_000);
        assertEquals(1_000 + 300_000_000L, expectedNs);
        assertEquals(expectedNs, ring.nextEligibleNs());
        assertFalse(twin.canAdmit(300, expectedNs - 1), "not a nanosecond earlier");
        assertEquals(0, ring.poll(recorder, 10, expectedNs - 1));
        assertEquals(1, ring.poll(recorder, 10, expectedNs));
        assertEquals(2, recorder.lastTag);
        assertEquals(1, ring.throttledRecords());
        assertEquals(300, ring.throttledBytes());
    }

    @Test
    void shouldCountAThrottledRecordOnceHoweverOftenItIsPolled()
    {
        final TokenBucket bucket = new TokenBucket("bytes", 1_000_000, 1000, 0);
        final ShapedRing ring = ShapedRing.builder("count-once").maxPayloadBytes(0)
            .gate(ShapingGate.builder().bytes(bucket).build()).build();
        final Recorder recorder = new Recorder();
        assertTrue(ring.offerTimingOnly(0, 1000, 1));
        assertTrue(ring.offerTimingOnly(0, 1000, 2));
        assertTrue(ring.offerTimingOnly(0, 1000, 3));
        assertEquals(1, ring.poll(recorder, 10, 0));
        // A bucket shared with someone else: tokens keep being taken, so the head stays throttled.
        for (long t = 0; t < 5_000_000L; t += 10_000)
        {
            if (t >= ring.nextEligibleNs())
            {
                bucket.consume(bucket.tokens(t), t);
            }
            assertEquals(0, ring.poll(recorder, 10, t));
        }
        assertEquals(1, ring.throttledRecords(), "the same head counted once");
        assertEquals(1000, ring.throttledBytes());
        final long admitNs = ring.nextEligibleNs();
        assertEquals(1, ring.poll(recorder, 1, admitNs));
        assertEquals(0, ring.poll(recorder, 1, admitNs), "next head throttled");
        assertEquals(2, ring.throttledRecords(), "a new head is a new throttled record");
        assertEquals(2, ring.admittedRecords());
        assertEquals(2000, ring.admittedBytes());
    }

    @Test
    void shouldLeaveARefusedRecordAtTheHeadUnchargedAndWithoutADeadline()
    {
        final TokenBucket bucket = new TokenBucket("bytes", 1000, 1000, 0);
        final ShapedRing ring = ShapedRing.builder("downstream").maxPayloadBytes(0)
            .gate(ShapingGate.builder().bytes(bucket).build()).build();
        final Recorder recorder = new Recorder();
        assertTrue(ring.offerTimingOnly(0, 600, 1));
        recorder.refuse = true;
        assertEquals(0, ring.poll(recorder, 10, 0));
        assertEquals(SimAgent.NO_DEADLINE, ring.nextEligibleNs(), "downstream progress, not time, unblocks it");
        assertEquals(1000, bucket.tokens(0), "nothing charged");
        assertEquals(0, ring.admittedRecords());
        recorder.refuse = false;
        assertEquals(1, ring.poll(recorder, 10, 0));
        assertEquals(400, bucket.tokens(0));
        assertTrue(ring.isEmpty());
    }

    @Test
    void shouldChargeOpBucketsOneOperationPerRecord()
    {
        final TokenBucket bytes = new TokenBucket("bytes", 1_000_000_000L, 1_000_000L, 0);
        final TokenBucket ops = new TokenBucket("iops", 1000, 2, 0);
        final ShapedRing ring = ShapedRing.builder("iops").maxPayloadBytes(0)
            .gate(ShapingGate.builder().bytes(bytes).ops(ops).build()).build();
        final Recorder recorder = new Recorder();
        for (int i = 0; i < 5; i++)
        {
            assertTrue(ring.offerTimingOnly(0, 4096, i));
        }
        assertEquals(2, ring.poll(recorder, 10, 0), "op depth 2");
        assertEquals(1_000_000L, ring.nextEligibleNs(), "one op at 1000/s");
        assertEquals(1_000_000L - 2 * 4096, bytes.tokens(0));
        assertEquals(1, ring.poll(recorder, 10, 1_000_000L));
    }

    @Test
    void shouldDeliverEveryRecordExactlyOnceInOrderWithItsPayloadUnderBackPressure()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
        {
            // 100-byte records into a 1 KiB ring (8 records) under 1 MB/s, depth 100 kB: the producer runs far ahead.
            final BurstableLimit limit = BurstableLimit.fixed("bytes", 1_000_000L, 100_000_000L, 100, 0);
            final ShapedRing ring = ShapedRing.builder("small").capacityBytes(1024).maxPayloadBytes(100)
                .gate(ShapingGate.builder().bytes(limit).build()).build();
            final RingProducerAgent producer = RingProducerAgent.builder("producer", runtime.clock(), ring)
                .recordBytes(100).content(Content.PAYLOAD).maxRecords(20_000).build();
            final RingConsumerAgent consumer =
                new RingConsumerAgent("consumer", runtime.clock(), 16, SequenceCheck.EXACT, null, null, ring);
            runtime.add(producer);
            runtime.add(consumer);

            final long endNs = runtime.runUntil(Long.MAX_VALUE);

            assertNull(consumer.firstError());
            assertEquals(0, consumer.errors());
            assertEquals(20_000, producer.acceptedRecords());
            assertEquals(20_000, consumer.deliveredRecords(0));
            assertEquals(2_000_000L, consumer.deliveredBytes(0));
            assertTrue(producer.refusedOffers() > 0, "the producer saw back-pressure");
            assertEquals(0, ring.droppedRecords());
            assertEquals(0, ring.droppedBytes());
            assertTrue(ring.isEmpty());
            // 2 MB at 1 MB/s after a 100 kB depth: the last record passes at (2 MB - 100 kB) / 1 MB/s = 1.9 s.
            assertEquals(1_900_000_000L, consumer.lastDeliveryNs());
            assertEquals(1_900_000_000L, endNs, "quiescent once everything is delivered");
        }
    }

    @Test
    void shouldCountDropsExactlyWhenTheProducerDropsOnFull()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
        {
            // Offered at 3 MB/s into a 1 MB/s cap with a small ring: about two thirds are dropped.
            final BurstableLimit limit = BurstableLimit.fixed("bytes", 1_000_000L, 100_000_000L, 100, 0);
            final ShapedRing ring = ShapedRing.builder("dropping").capacityBytes(1024).maxPayloadBytes(100)
                .gate(ShapingGate.builder().bytes(limit).build()).build();
            final RingProducerAgent producer = RingProducerAgent.builder("producer", runtime.clock(), ring)
                .recordBytes(100).content(Content.PAYLOAD).onFull(OnFull.DROP).offeredRate(3_000_000L)
                .maxRecords(30_000).build();
            final RingConsumerAgent consumer =
                new RingConsumerAgent("consumer", runtime.clock(), 16, SequenceCheck.INCREASING, null, null, ring);
            runtime.add(producer);
            runtime.add(consumer);

            runtime.runUntil(Long.MAX_VALUE);

            assertNull(consumer.firstError());
            assertEquals(30_000, producer.offeredRecords());
            assertEquals(producer.droppedRecords(), ring.droppedRecords());
            assertEquals(100 * ring.droppedRecords(), ring.droppedBytes());
            assertEquals(30_000, ring.droppedRecords() + consumer.deliveredRecords(0),
                "dropped + delivered == offered");
            assertEquals(ring.admittedRecords(), consumer.deliveredRecords(0));
            assertTrue(ring.droppedRecords() > 15_000 && ring.droppedRecords() < 25_000,
                "about 2/3 dropped, was " + ring.droppedRecords());
        }
    }

    @Test
    void shouldDeliverPayloadsFromManyProducersOnAManyToOneRing()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
        {
            final ShapedRing ring = ShapedRing.builder("mpsc").manyProducers(true).capacityBytes(4096)
                .maxPayloadBytes(64).gate(ShapingGate.builder()
                    .bytes(BurstableLimit.fixed("bytes", 10_000_000L, 100_000L, 64, 0)).build()).build();
            final RingProducerAgent a = RingProducerAgent.builder("a", runtime.clock(), ring)
                .recordBytes(64).content(Content.PAYLOAD).maxRecords(5_000).tag(1).build();
            final RingProducerAgent b = RingProducerAgent.builder("b", runtime.clock(), ring)
                .recordBytes(64).content(Content.PAYLOAD).maxRecords(5_000).tag(2).build();
            final TagCounter counter = new TagCounter();
            final PollingAgent consumer = new PollingAgent(runtime, ring, counter);
            runtime.add(a);
            runtime.add(b);
            runtime.add(consumer);
            runtime.runUntil(Long.MAX_VALUE);
            assertEquals(0, counter.errors);
            assertEquals(5_000, counter.perTag[1]);
            assertEquals(5_000, counter.perTag[2]);
            assertEquals(0, ring.droppedRecords());
        }
    }

    /** Checks per-tag sequence order (two producers interleave on one ring). */
    private static final class TagCounter implements ShapedRecordHandler
    {
        final long[] perTag = new long[3];
        int errors;

        @Override
        public boolean onRecord(
            final int tag, final DirectBuffer buffer, final int payloadIndex, final int payloadLength,
            final int chargedBytes, final long readyAtNs, final long nowNs)
        {
            final long sequence = buffer.getLong(payloadIndex);
            if (sequence != perTag[tag]
                || RingProducerAgent.firstBadPayloadByte(buffer, payloadIndex, sequence, payloadLength) >= 0)
            {
                errors++;
            }
            perTag[tag]++;
            return true;
        }
    }

    private static final class PollingAgent implements SimAgent
    {
        private final VirtualTimeRuntime runtime;
        private final ShapedRing ring;
        private final ShapedRecordHandler handler;

        PollingAgent(final VirtualTimeRuntime runtime, final ShapedRing ring, final ShapedRecordHandler handler)
        {
            this.runtime = runtime;
            this.ring = ring;
            this.handler = handler;
        }

        @Override
        public int doWork()
        {
            return ring.poll(handler, 32, runtime.clock().nanoTime());
        }

        @Override
        public long nextDeadlineNs()
        {
            return ring.nextEligibleNs();
        }

        @Override
        public String roleName()
        {
            return "poller";
        }
    }

    @Test
    void shouldCountTimingOnlyAndPayloadRecordsAsTheirChargedBytes()
    {
        final ShapedRing ring = ShapedRing.builder("mixed").build();
        final Recorder recorder = new Recorder();
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[1500]);
        assertTrue(ring.offer(0, 1, payload, 0, 1500));
        assertTrue(ring.offerTimingOnly(0, 9001, 2));
        assertEquals(2, ring.poll(recorder, 10, 0));
        assertEquals(10_501, ring.admittedBytes());
        assertEquals(2, ring.admittedRecords());
    }
}
