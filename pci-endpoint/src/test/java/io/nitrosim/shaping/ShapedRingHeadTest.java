package io.nitrosim.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.Test;

import io.nitrosim.time.SimAgent;

/** The ring's shaping of its head record: reasons counted, the per-record bucket, holds, drops, deadlines. */
class ShapedRingHeadTest
{
    private static final long MS = 1_000_000L;

    private static AtomicCounter counter()
    {
        return new AtomicCounter(new UnsafeBuffer(new byte[64]), 0);
    }

    /** Takes every record; per tag: a flow bucket, a hold, a drop; remembers what it saw. */
    private static final class Handler implements ShapedRecordHandler
    {
        final TokenBucket[] flowByTag = new TokenBucket[8];
        final long[] holdUntilByTag = new long[8];
        final boolean[] dropByTag = new boolean[8];
        final long[] opsByTag = {-1, -1, -1, -1, -1, -1, -1, -1};
        ThrottleCounters countIn;
        boolean refuse;
        int freshTries;
        int tries;
        boolean sawStalled;
        ShapedRing.Head head;
        final List<Long> deliveredDecisions = new ArrayList<>();
        final List<Integer> deliveredTags = new ArrayList<>();

        @Override
        public void onHead(final ShapedRing.Head head, final int tag, final DirectBuffer buffer, final int index,
            final int length, final int chargedBytes, final long nowNs)
        {
            this.head = head;
            tries++;
            sawStalled |= head.stalled();
            if (head.isFresh())
            {
                freshTries++;
                head.decision(1000L + tag);
            }
            if (dropByTag[tag])
            {
                head.drop();
                return;
            }
            head.holdUntil(holdUntilByTag[tag]);
            head.recordBucket(flowByTag[tag]);
            if (opsByTag[tag] >= 0)
            {
                head.ops(opsByTag[tag]);
            }
            if (countIn != null)
            {
                head.countIn(countIn);
            }
        }

        @Override
        public boolean onRecord(final int tag, final DirectBuffer buffer, final int index, final int length,
            final int chargedBytes, final long readyAtNs, final long nowNs)
        {
            if (refuse)
            {
                return false;
            }
            deliveredTags.add(tag);
            deliveredDecisions.add(head.decision());
            return true;
        }
    }

    @Test
    void shouldCountEachReasonThatHoldsTheHeadExactlyOnceAndSayWhenItPasses()
    {
        // Instance: 1 MB/s with 3000 B of depth; 1000 packets/s with 2 of depth (1 ms per packet).
        final TokenBucket bytes = new TokenBucket("bytes", 1_000_000, 3000, 0);
        final TokenBucket packets = new TokenBucket("packets", 1000, 2, 0);
        final AtomicCounter bandwidthRecords = counter();
        final AtomicCounter bandwidthBytes = counter();
        final AtomicCounter opsRecords = counter();
        final ShapingGate gate = ShapingGate.builder()
            .bytes(ShapingReason.INSTANCE_BANDWIDTH, bytes).ops(ShapingReason.INSTANCE_OPS, packets)
            .counters(ThrottleCounters.builder()
                .records(ShapingReason.INSTANCE_BANDWIDTH, bandwidthRecords)
                .bytes(ShapingReason.INSTANCE_BANDWIDTH, bandwidthBytes)
                .records(ShapingReason.INSTANCE_OPS, opsRecords).build())
            .build();
        final ShapedRing ring = ShapedRing.builder("head").maxPayloadBytes(0).gate(gate).build();
        final Handler handler = new Handler();
        for (int tag = 0; tag < 4; tag++)
        {
            assertTrue(ring.offerTimingOnly(0, 1500, tag));
        }

        assertEquals(2, ring.poll(handler, 10, 0), "3000 B and 2 packets of depth");
        // The third: no bytes (1500 B = 1.5 ms) and no packet (1 ms).
        assertEquals(1_500_000L, ring.nextEligibleNs());
        assertEquals(1, bandwidthRecords.get());
        assertEquals(1500, bandwidthBytes.get());
        assertEquals(1, opsRecords.get());
        assertEquals(1, ring.throttledRecords());

        assertEquals(0, ring.poll(handler, 10, 1_499_999L), "before its time the ring does not even look");
        assertEquals(1, ring.poll(handler, 1, 1_500_000L));
        assertEquals(List.of(0, 1, 2), handler.deliveredTags);
        // The fourth: 0 B and 0.5 packet at 1.5 ms; held by both again, counted again as a new record.
        assertEquals(0, ring.poll(handler, 10, 1_500_000L));
        assertEquals(2, bandwidthRecords.get());
        assertEquals(2, opsRecords.get());
        assertEquals(3_000_000L, ring.nextEligibleNs(), "1500 B at 1 MB/s");
        assertEquals(1, ring.poll(handler, 10, 3_000_000L));
        assertEquals(2, bandwidthRecords.get(), "nothing counted for a record that passed");
        assertEquals(3000, bandwidthBytes.get());
        assertEquals(SimAgent.NO_DEADLINE, ring.nextEligibleNs(), "empty");
        assertEquals(4, handler.freshTries, "one decision per record");
        assertEquals(List.of(1000L, 1001L, 1002L, 1003L), handler.deliveredDecisions, "kept while it waited");
    }

    @Test
    void shouldChargeTheOperationsTheHandlerCountsInsteadOfTheGates()
    {
        // 1000 ops/s with 2 of depth, 256 KiB units: by the gate's count 3 x 16 KiB is 3 ops.
        final TokenBucket ops = new TokenBucket("ops", 1000, 2, 0);
        final AtomicCounter heldOps = counter();
        final ShapingGate gate = ShapingGate.builder().opUnitBytes(256 * 1024).ops(ShapingReason.VOLUME, ops)
            .counters(ThrottleCounters.builder().ops(ShapingReason.VOLUME, heldOps).build()).build();
        final ShapedRing ring = ShapedRing.builder("merged").maxPayloadBytes(0).gate(gate).build();
        final Handler handler = new Handler();
        handler.opsByTag[1] = 0; // continues the operation before it
        handler.opsByTag[2] = 2;
        assertTrue(ring.offerTimingOnly(0, 16 * 1024, 0));
        assertTrue(ring.offerTimingOnly(0, 16 * 1024, 1));
        assertTrue(ring.offerTimingOnly(0, 16 * 1024, 1));
        assertTrue(ring.offerTimingOnly(0, 16 * 1024, 2));

        assertEquals(3, ring.poll(handler, 10, 0), "one op for the first, none for the two merged into it");
        assertEquals(1, ops.tokens(0));
        assertEquals(1_000_000L, ring.nextEligibleNs(), "the last counts 2 ops: the one left and 1 more at 1000/s");
        assertEquals(2, heldOps.get(), "held, counted with the handler's op count");
        assertEquals(1, ring.poll(handler, 10, 1_000_000L));
        assertEquals(0, ops.tokens(1_000_000L));
    }

    @Test
    void shouldShapeWithThePerRecordBucketTheHandlerNames()
    {
        final AtomicCounter flowRecords = counter();
        final ShapingGate gate = ShapingGate.builder()
            .bytes(ShapingReason.INSTANCE_BANDWIDTH, new TokenBucket("instance", 1_000_000_000L, 1_000_000L, 0))
            .counters(ThrottleCounters.builder().records(ShapingReason.FLOW, flowRecords).build())
            .build();
        final ShapedRing ring = ShapedRing.builder("flows").maxPayloadBytes(0).gate(gate).build();
        final Handler handler = new Handler();
        // Flow 1: 1 MB/s, 1500 B of depth.
        final TokenBucket flow = new TokenBucket("flow 1", 1_000_000, 1500, 0);
        handler.flowByTag[1] = flow;
        assertTrue(ring.offerTimingOnly(0, 1500, 1));
        assertTrue(ring.offerTimingOnly(0, 1500, 1));
        assertTrue(ring.offerTimingOnly(0, 1500, 2)); // no flow bucket, behind flow 1's second

        assertEquals(1, ring.poll(handler, 10, 0));
        assertEquals(0, flow.tokens(0), "the flow's bucket was charged");
        assertEquals(1_500_000L, ring.nextEligibleNs(), "the flow's 1500 B at 1 MB/s");
        assertEquals(1, flowRecords.get(), "held by its flow");
        assertEquals(2, ring.poll(handler, 10, 1_500_000L));
        assertEquals(List.of(1, 1, 2), handler.deliveredTags);
    }

    @Test
    void shouldHoldADropAndCountInWhatTheHandlerSays()
    {
        final TokenBucket bytes = new TokenBucket("bytes", 1_000_000, 1000, 0);
        final AtomicCounter gateCounter = counter();
        final AtomicCounter otherCounter = counter();
        final ShapingGate gate = ShapingGate.builder().bytes(ShapingReason.INSTANCE_BANDWIDTH, bytes)
            .counters(ThrottleCounters.builder().records(ShapingReason.INSTANCE_BANDWIDTH, gateCounter).build())
            .build();
        final ShapedRing ring = ShapedRing.builder("hold").maxPayloadBytes(0).gate(gate).build();
        final Handler handler = new Handler();
        handler.holdUntilByTag[1] = 7 * MS;
        handler.dropByTag[2] = true;
        assertTrue(ring.offerTimingOnly(0, 1000, 1));
        assertTrue(ring.offerTimingOnly(0, 1000, 2));
        assertTrue(ring.offerTimingOnly(0, 1000, 3));

        assertEquals(0, ring.poll(handler, 10, 0), "held by the handler");
        assertEquals(7 * MS, ring.nextEligibleNs());
        assertEquals(0, gateCounter.get(), "a hold is not a throttle");
        assertEquals(1000, bytes.tokens(0), "nothing charged");

        // At 7 ms: the first passes, the second is dropped uncharged, the third waits 1 ms for bytes.
        handler.countIn = ThrottleCounters.builder().records(ShapingReason.INSTANCE_BANDWIDTH, otherCounter).build();
        assertEquals(2, ring.poll(handler, 10, 7 * MS), "delivered and dropped both leave the ring");
        assertEquals(List.of(1), handler.deliveredTags);
        assertEquals(8 * MS, ring.nextEligibleNs());
        assertEquals(0, gateCounter.get());
        assertEquals(1, otherCounter.get(), "counted where the handler said");
        assertEquals(1, ring.admittedRecords());
        assertEquals(0, ring.droppedRecords(), "the ring's drop counters are the producer's");
    }

    @Test
    void shouldWaitForDownstreamWithoutADeadlineAndRememberItStalled()
    {
        final ShapedRing ring = ShapedRing.builder("stall").maxPayloadBytes(0).build();
        final Handler handler = new Handler();
        handler.refuse = true;
        assertTrue(ring.offerTimingOnly(0, 100, 1));
        assertEquals(0, ring.poll(handler, 10, 0));
        assertEquals(SimAgent.NO_DEADLINE, ring.nextEligibleNs(), "downstream progress, not time, unblocks it");
        assertFalse(handler.sawStalled);
        assertEquals(0, ring.poll(handler, 10, 5));
        assertTrue(handler.sawStalled, "the second try knows the first found downstream full");
        handler.refuse = false;
        assertEquals(1, ring.poll(handler, 10, 6));
        assertEquals(1, handler.freshTries);
        assertEquals(3, handler.tries);
    }
}
