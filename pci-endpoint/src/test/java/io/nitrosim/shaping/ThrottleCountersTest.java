package io.nitrosim.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.Test;

class ThrottleCountersTest
{
    private static AtomicCounter counter()
    {
        return new AtomicCounter(new UnsafeBuffer(new byte[64]), 0);
    }

    @Test
    void shouldCountAHeldRecordOncePerCounterAndLaterReasonsWhenTheyAppear()
    {
        final AtomicCounter bandwidth = counter();
        final AtomicCounter pps = counter();
        final AtomicCounter flow = counter();
        final ThrottleCounters counters = ThrottleCounters.builder()
            .records(ShapingReason.INSTANCE_BANDWIDTH, bandwidth)
            .records(ShapingReason.INSTANCE_OPS, pps)
            .records(ShapingReason.FLOW, flow)
            .build();
        int counted = counters.countHeld(ShapingReason.FLOW, 0, 1500, 1);
        assertEquals(0b100, counted, "entry 2 counted");
        counted = counters.countHeld(ShapingReason.FLOW, counted, 1500, 1);
        counted = counters.countHeld(ShapingReason.FLOW | ShapingReason.INSTANCE_BANDWIDTH, counted, 1500, 1);
        assertEquals(1, flow.get(), "the same record is counted once however often it is held");
        assertEquals(1, bandwidth.get(), "a reason that starts holding it later still counts");
        assertEquals(0, pps.get());
        counters.countHeld(ShapingReason.FLOW, 0, 1500, 1);
        assertEquals(2, flow.get(), "a new record");
        assertEquals(ShapingReason.INSTANCE_BANDWIDTH | ShapingReason.INSTANCE_OPS | ShapingReason.FLOW,
            counters.reasons());
    }

    @Test
    void shouldCountReasonsThatShareACounterOncePerRecordInItsUnit()
    {
        final AtomicCounter instanceOps = counter();
        final AtomicCounter instanceBytes = counter();
        final AtomicCounter volumeOps = counter();
        final int instance = ShapingReason.INSTANCE_BANDWIDTH | ShapingReason.INSTANCE_OPS;
        final ThrottleCounters counters = ThrottleCounters.builder()
            .ops(instance, instanceOps).bytes(instance, instanceBytes).ops(ShapingReason.VOLUME, volumeOps).build();
        int counted = counters.countHeld(ShapingReason.INSTANCE_OPS, 0, 1 << 20, 4);
        counted = counters.countHeld(instance | ShapingReason.VOLUME, counted, 1 << 20, 4);
        assertEquals(4, instanceOps.get(), "bandwidth and ops share the instance counter: one I/O, 4 ops");
        assertEquals(1 << 20, instanceBytes.get());
        assertEquals(4, volumeOps.get());
    }

    @Test
    void shouldCountEveryDroppedRecord()
    {
        final AtomicCounter linkLocal = counter();
        final AtomicCounter conntrack = counter();
        final ThrottleCounters counters = ThrottleCounters.builder()
            .records(ShapingReason.LINK_LOCAL, linkLocal).records(ShapingReason.CONNTRACK, conntrack).build();
        counters.countDropped(ShapingReason.LINK_LOCAL, 80, 1);
        counters.countDropped(ShapingReason.LINK_LOCAL, 80, 1);
        counters.countDropped(ShapingReason.INSTANCE_BANDWIDTH, 80, 1);
        assertEquals(2, linkLocal.get());
        assertEquals(0, conntrack.get());
    }

    @Test
    void shouldRejectAnEmptyReasonMaskOrAMissingCounter()
    {
        assertSame(ThrottleCounters.NONE, ThrottleCounters.builder().build());
        assertEquals(0, ThrottleCounters.NONE.countHeld(ShapingReason.ALL, 0, 1, 1));
        assertEquals("reason mask 0x0 must name one or more reasons of ShapingReason (0x1..0x3f)",
            assertThrows(IllegalArgumentException.class, () -> ThrottleCounters.builder().records(0, counter()))
                .getMessage());
        assertEquals("no counter for flow", assertThrows(IllegalArgumentException.class,
            () -> ThrottleCounters.builder().records(ShapingReason.FLOW, null)).getMessage());
    }
}
