package io.nitrosim.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShapingGateTest
{
    private static final long MS = 1_000_000L;

    @Test
    void shouldReportEachLimitThatHoldsARecordByItsReason()
    {
        // Instance: 1 MB/s with 1000 B of depth, 100 ops/s with 2 of depth. Volume: 10 kB/s with 5000 B of depth.
        final TokenBucket instanceBytes = new TokenBucket("instance bytes", 1_000_000, 1000, 0);
        final TokenBucket instanceOps = new TokenBucket("instance ops", 100, 2, 0);
        final TokenBucket volumeBytes = new TokenBucket("volume bytes", 10_000, 5000, 0);
        final ShapingGate gate = ShapingGate.builder()
            .bytes(ShapingReason.INSTANCE_BANDWIDTH, instanceBytes)
            .ops(ShapingReason.INSTANCE_OPS, instanceOps)
            .bytes(ShapingReason.VOLUME, volumeBytes)
            .build();

        assertEquals(0, gate.check(1000, 0), "every bucket full");
        gate.consume(1000, 0);
        assertEquals(ShapingReason.INSTANCE_BANDWIDTH, gate.check(1000, 0), "instance bytes empty, the rest not");
        assertEquals(0, gate.check(0, 0), "a zero-byte record needs one op and no bytes");
        gate.consume(0, 0);
        assertEquals(ShapingReason.INSTANCE_BANDWIDTH | ShapingReason.INSTANCE_OPS, gate.check(1000, 0));
        // 1 ms refills 1000 B of instance bytes but no op (10 ms per op): ops alone hold it.
        assertEquals(ShapingReason.INSTANCE_OPS, gate.check(1000, MS));
        assertEquals(10 * MS, gate.admitTimeNs(1000, MS), "one op at 100/s");
        gate.consume(1000, 10 * MS);
        // The volume has 5000 - 2000 + 100 B = 3100 B: 4000 B waits 90 ms for it; the instance's bytes (4000 B is
        // more than their 1000 B depth: admitted once full, 1 ms) and its op (10 ms) hold it too.
        assertEquals(ShapingReason.INSTANCE_BANDWIDTH | ShapingReason.INSTANCE_OPS | ShapingReason.VOLUME,
            gate.check(4000, 10 * MS));
        assertEquals(100 * MS, gate.admitTimeNs(4000, 10 * MS), "the longest wait of the buckets that hold it");
        assertEquals(ShapingReason.VOLUME, gate.check(4000, 99 * MS));
        assertEquals(0, gate.check(4000, 100 * MS), "admitted exactly then");
    }

    @Test
    void shouldGiveInOnePassTheReasonsAndAdmitTimeOfTheSeparateCalls()
    {
        final TokenBucket instanceBytes = new TokenBucket("instance bytes", 1_000_000, 1000, 0);
        final TokenBucket instanceOps = new TokenBucket("instance ops", 100, 2, 0);
        final TokenBucket flow = new TokenBucket("flow", 10_000, 5000, 0);
        final ShapingGate gate = ShapingGate.builder()
            .bytes(ShapingReason.INSTANCE_BANDWIDTH, instanceBytes)
            .ops(ShapingReason.INSTANCE_OPS, instanceOps)
            .quantumNs(3 * MS)
            .build();
        final ShapingGate.Hold hold = new ShapingGate.Hold();

        assertEquals(0, gate.check(1000, 1, flow, 0, hold), "every bucket full");
        assertEquals(0, hold.reasons());
        assertEquals(0, hold.admitNs(), "admitted now");
        gate.consume(1000, 1, flow, 0);
        gate.consume(0, 1, flow, 0);
        for (final long nowNs : new long[] {0, MS, 7 * MS, 10 * MS})
        {
            final int reasons = gate.check(5000, 1, flow, nowNs, hold);
            assertEquals(gate.check(5000, 1, flow, nowNs), reasons, "at " + nowNs + " ns");
            assertEquals(reasons, hold.reasons());
            assertEquals(gate.admitTimeNs(5000, 1, flow, nowNs), hold.admitNs(), "at " + nowNs + " ns");
        }
        assertEquals(ShapingReason.FLOW, hold.reasons(), "instance bytes and an op refilled by 10 ms");
        assertEquals(102 * MS, hold.admitNs(), "flow: 4000 + 100 B at 10 ms, 900 B more at 10 kB/s, on the 3 ms grid");
    }

    @Test
    void shouldCheckAndChargeThePerRecordBucketAsFlow()
    {
        final TokenBucket instance = new TokenBucket("instance", 1_000_000_000L, 1_000_000L, 0);
        final ShapingGate gate = ShapingGate.builder().bytes(ShapingReason.INSTANCE_BANDWIDTH, instance).build();
        final TokenBucket flowA = new TokenBucket("flow a", 1_000_000, 1500, 0);
        final TokenBucket flowB = new TokenBucket("flow b", 1_000_000, 1500, 0);

        assertEquals(0, gate.check(1500, flowA, 0));
        gate.consume(1500, flowA, 0);
        assertEquals(0, flowA.tokens(0), "the record's own bucket is charged");
        assertEquals(1_000_000L - 1500, instance.tokens(0));
        assertEquals(ShapingReason.FLOW, gate.check(1500, flowA, 0), "flow a is empty");
        assertEquals(1_500_000L, gate.admitTimeNs(1500, flowA, 0), "1500 B at 1 MB/s");
        assertEquals(0, gate.check(1500, flowB, 0), "another flow passes");
        assertEquals(0, gate.check(1500, 0), "without a record bucket only the gate's own count");
    }

    @Test
    void shouldRetryNoSoonerThanTheQuantum()
    {
        final TokenBucket bytes = new TokenBucket("bytes", 1_000_000_000L, 1000, 0);
        final ShapingGate gate = ShapingGate.builder().bytes(ShapingReason.INSTANCE_BANDWIDTH, bytes)
            .quantumNs(100_000).build();
        gate.consume(1000, 0);
        assertEquals(ShapingReason.INSTANCE_BANDWIDTH, gate.check(1000, 0));
        // 1000 B at 1 GB/s is 1 us; the quantum makes it 100 us.
        assertEquals(100_000L, gate.admitTimeNs(1000, 0));
        assertEquals(1000L, ShapingGate.builder().bytes(ShapingReason.INSTANCE_BANDWIDTH, bytes).build()
            .admitTimeNs(1000, 0), "exact without a quantum");
        assertEquals(5L, gate.admitTimeNs(0, 5), "an admissible record passes now, quantum or not");
    }

    @Test
    void shouldCountOneOpPerUnitOfBytes()
    {
        final TokenBucket iops = new TokenBucket("iops", 1000, 8, 0);
        final ShapingGate gate = ShapingGate.builder().ops(ShapingReason.INSTANCE_OPS, iops).opUnitBytes(256 * 1024)
            .build();
        assertEquals(1, gate.opsFor(0));
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
    void shouldChargeAnExplicitOpCountInsteadOfTheUnits()
    {
        final TokenBucket iops = new TokenBucket("iops", 1000, 8, 0);
        final TokenBucket bytes = new TokenBucket("bytes", 1_000_000_000L, 1 << 20, 0);
        final ShapingGate gate = ShapingGate.builder().ops(ShapingReason.VOLUME, iops)
            .bytes(ShapingReason.VOLUME, bytes).opUnitBytes(256 * 1024).build();
        gate.consume(16 * 1024, 0, null, 0);
        assertEquals(8, iops.tokens(0), "a merged I/O takes no op");
        assertEquals((1 << 20) - 16 * 1024, bytes.tokens(0), "but its bytes");
        gate.consume(16 * 1024, 8, null, 0);
        assertEquals(0, iops.tokens(0));
        assertEquals(0, gate.check(16 * 1024, 0, null, 0), "0 ops pass an empty op bucket");
        assertEquals(ShapingReason.VOLUME, gate.check(16 * 1024, 1, null, 0));
        assertEquals(3_000_000, gate.admitTimeNs(16 * 1024, 3, null, 0), "three ops at 1000/s");
        assertEquals(1_000_000, gate.admitTimeNs(16 * 1024, null, 0), "the gate's own count: one op");
    }

    @Test
    void shouldChargeOneOpPerRecordWithoutAUnit()
    {
        final TokenBucket iops = new TokenBucket("iops", 1000, 8, 0);
        final ShapingGate gate = ShapingGate.builder().ops(ShapingReason.INSTANCE_OPS, iops).build();
        gate.consume(1024 * 1024, 0);
        assertEquals(7, iops.tokens(0));
    }

    @Test
    void shouldBeOpenWithoutBucketsAndRejectBadInputWithTheAcceptedRange()
    {
        assertSame(ShapingGate.OPEN, ShapingGate.builder().build());
        assertEquals(0, ShapingGate.OPEN.check(Long.MAX_VALUE, 0));
        assertTrue(ShapingGate.OPEN.isOpen());
        final TokenBucket bucket = new TokenBucket("b", 1, 1, 0);
        assertEquals("bucket reason 0x3 must be exactly one ShapingReason bit (0x1..0x20)",
            assertThrows(IllegalArgumentException.class, () -> ShapingGate.builder()
                .bytes(ShapingReason.INSTANCE_BANDWIDTH | ShapingReason.INSTANCE_OPS, bucket)).getMessage());
        assertEquals("bucket reason 0x40 must be exactly one ShapingReason bit (0x1..0x20)",
            assertThrows(IllegalArgumentException.class, () -> ShapingGate.builder().ops(0x40, bucket)).getMessage());
        assertEquals("shaping quantum -1 ns must be >= 0",
            assertThrows(IllegalArgumentException.class, () -> ShapingGate.builder().quantumNs(-1)).getMessage());
        assertEquals("instance_bandwidth|flow", ShapingReason.describe(ShapingReason.INSTANCE_BANDWIDTH
            | ShapingReason.FLOW));
    }
}
