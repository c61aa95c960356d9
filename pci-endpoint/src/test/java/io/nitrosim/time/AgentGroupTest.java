package io.nitrosim.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.nitrosim.shaping.BurstableLimit;
import io.nitrosim.shaping.RingConsumerAgent;
import io.nitrosim.shaping.RingConsumerAgent.SequenceCheck;
import io.nitrosim.shaping.RingProducerAgent;
import io.nitrosim.shaping.RingProducerAgent.Content;
import io.nitrosim.shaping.ShapedRing;
import io.nitrosim.shaping.ShapingGate;

class AgentGroupTest
{
    @Test
    void shouldReportTheEarliestDeadlineOfItsMembers()
    {
        final VirtualClock clock = new VirtualClock();
        final AgentGroup group = new AgentGroup("card");
        assertEquals(SimAgent.NO_DEADLINE, group.nextDeadlineNs(), "empty group");
        group.add(new TimerAgent("a", clock, 300)).add(new TimerAgent("b", clock, 100)).add(new ClockWitness(clock));
        assertEquals(100, group.nextDeadlineNs());
        assertEquals("card", group.roleName());
    }

    @Test
    void shouldSumTheWorkOfItsMembersAndRunAsOneAgent() throws Exception
    {
        final TimerAgent a;
        final TimerAgent b;
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
        {
            a = new TimerAgent("a", runtime.clock(), 10, 10, 20);
            b = new TimerAgent("b", runtime.clock(), 10, 30);
            final AgentGroup group = new AgentGroup("group").add(a).add(b);
            runtime.add(group);
            assertEquals(1, a.starts(), "the runtime starts the group, the group its members");
            assertEquals(0, group.doWork());
            runtime.runUntil(10);
            assertEquals(2, a.firedCount());
            assertEquals(1, b.firedCount());
            assertEquals(30, runtime.runUntil(Long.MAX_VALUE));
            assertEquals(3, a.firedCount());
            assertEquals(2, b.firedCount());
        }
        assertEquals(1, a.closes(), "closing the runtime closes the group, the group its members");
        assertEquals(1, b.closes());
    }

    @Test
    void shouldStartAMemberAddedAfterStartAndCloseARemovedOne()
    {
        final VirtualClock clock = new VirtualClock();
        final AgentGroup group = new AgentGroup("card");
        final TimerAgent early = new TimerAgent("early", clock, 10);
        group.add(early);
        assertEquals(0, early.starts(), "not started before the group is");
        group.onStart();
        assertEquals(1, early.starts());

        final TimerAgent late = new TimerAgent("late", clock, 20); // a queue created while the card runs
        group.add(late);
        assertEquals(1, late.starts(), "a member added to a running group is started");

        assertTrue(group.remove(late));
        assertEquals(1, late.closes(), "a removed member is closed, as SimRuntime.remove closes an agent");
        assertFalse(group.remove(late));
        assertEquals(1, late.closes());
        assertEquals(10, group.nextDeadlineNs());

        group.onClose();
        assertEquals(1, early.closes());
        assertEquals(1, late.starts(), "never restarted");
    }

    @Test
    void shouldDeliverTheSameSequenceAsTheSameAgentsAddedSeparately()
    {
        assertEquals(runPair(false), runPair(true), "a group runs its members in the same order within a pass");
    }

    private static long runPair(final boolean grouped)
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
        {
            final ShapedRing ring = ShapedRing.builder("ring").capacityBytes(4096).maxPayloadBytes(256)
                .gate(ShapingGate.builder().bytes(BurstableLimit.fixed("bytes", 1_000_000L, 1_000_000L, 256, 0))
                    .build()).build();
            final RingProducerAgent producer = RingProducerAgent.builder("producer", runtime.clock(), ring)
                .recordBytes(256).content(Content.PAYLOAD).offeredRate(2_000_000L).latency(1_000, 5_000, 3)
                .maxRecords(5_000).build();
            final RingConsumerAgent consumer =
                new RingConsumerAgent("consumer", runtime.clock(), 4, SequenceCheck.EXACT, null, null, ring);
            if (grouped)
            {
                runtime.add(new AgentGroup("pair").add(producer).add(consumer));
            }
            else
            {
                runtime.add(producer);
                runtime.add(consumer);
            }
            runtime.runUntil(Long.MAX_VALUE);
            assertNull(consumer.firstError());
            assertEquals(5_000, consumer.totalRecords());
            return consumer.deliveryHash();
        }
    }
}
