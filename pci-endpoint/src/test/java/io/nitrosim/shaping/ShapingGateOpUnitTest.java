package io.nitrosim.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ShapingGateOpUnitTest
{
    @Test
    void shouldCountOneOpPerUnitOfBytes()
    {
        final TokenBucket iops = new TokenBucket("iops", 1000, 8, 0);
        final ShapingGate gate = ShapingGate.builder().ops(iops).opUnitBytes(256 * 1024).build();
        assertEquals(1, gate.opsFor(4096));
        assertEquals(1, gate.opsFor(256 * 1024));
        assertEquals(2, gate.opsFor(256 * 1024 + 1));
        assertEquals(4, gate.opsFor(1024 * 1024));

        assertEquals(0, gate.check(1024 * 1024, 0));
        gate.consume(1024 * 1024, 0);
        assertEquals(4, iops.tokens(0));
        gate.consume(1024 * 1024, 0);
        assertEquals(0, iops.tokens(0));
        assertEquals(ShapingReason.INSTANCE_OPS, gate.check(4096, 0));
        assertEquals(1_000_000, gate.admitTimeNs(4096, 0), "one op at 1000/s");
        assertEquals(4_000_000, gate.admitTimeNs(1024 * 1024, 0), "four ops at 1000/s");
    }

    @Test
    void shouldChargeOneOpPerRecordWithoutAUnit()
    {
        final TokenBucket iops = new TokenBucket("iops", 1000, 8, 0);
        final ShapingGate gate = ShapingGate.builder().ops(iops).build();
        gate.consume(1024 * 1024, 0);
        assertEquals(7, iops.tokens(0));
    }
}
