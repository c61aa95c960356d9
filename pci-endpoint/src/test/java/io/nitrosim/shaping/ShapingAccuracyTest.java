package io.nitrosim.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.nitrosim.shaping.RingConsumerAgent.SequenceCheck;
import io.nitrosim.time.VirtualTimeRuntime;

/**
 * The accuracy contract (docs/architecture.md, "Bandwidth semantics"), in virtual time: over any window of length W the bytes
 * admitted never exceed rate x W + depth; with offered load above the cap the long-run average is within 1 %.
 */
class ShapingAccuracyTest
{
    private static final long NANOS_PER_SEC = 1_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final long[] WINDOWS_NS = {
        1, 1_000, 10_000, 100_000, MS, 2 * MS, 5 * MS, 10 * MS, 20 * MS, 50 * MS, 100 * MS, 200 * MS, 500 * MS,
        NANOS_PER_SEC};

    /** rate*W/1e9 + allowance, compared exactly: bytes*1e9 <= rate*W + allowance*1e9. */
    private static void assertWithinBound(
        final long bytes, final long rateBytesPerSec, final long windowNs, final long allowanceBytes, final String what)
    {
        final long lhs = Math.multiplyExact(bytes, NANOS_PER_SEC);
        final long rhs = Math.addExact(Math.multiplyExact(rateBytesPerSec, windowNs),
            Math.multiplyExact(allowanceBytes, NANOS_PER_SEC));
        assertTrue(lhs <= rhs, what + ": " + bytes + " B in a window of " + windowNs + " ns, bound "
            + (double)rhs / NANOS_PER_SEC + " B");
    }

    /**
     * Offered load far above the cap (as fast as the ring takes, or paced at 3x the cap with jittered latency);
     * every window from 1 ns to 1 s, plus 200 random lengths, stays within rate*W + depth (+ one record when
     * records are larger than the depth, which the bucket admits into debt).
     */
    @ParameterizedTest(name = "rate {0} B/s, depth {1} ns, {2} B records, offered {3} B/s")
    @CsvSource({
        "281250000, 1000000, 16384, 0",          // c5 EBS 2250 Mbps, 1 ms depth
        "1250000000, 1000000, 9001, 0",          // 10 Gbps, 1 ms depth
        "1250000000, 1000000, 9001, 3750000000", // paced at 3x the cap, jittered readyAt
        "100000000, 10000, 9001, 0",             // depth 1000 B < record: oversize records leave debt
        "3125000000, 2000000, 9001, 0",          // 25 Gbps, 2 ms depth
        "125000000, 1000000, 1500, 0"})          // 1 Gbps, 1500 B frames
    void shouldNeverAdmitMoreThanRateTimesWindowPlusDepth(
        final long rate, final long depthNs, final int recordBytes, final long offeredRate)
    {
        final BurstableLimit limit = BurstableLimit.fixed("bytes", rate, depthNs, 1, 0);
        final long depth = limit.peakBucket().capacity();
        final DeliveryLog log = new DeliveryLog();
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
        {
            final ShapedRing ring = ShapedRing.builder("ring").maxPayloadBytes(0)
                .gate(ShapingGate.builder().bytes(limit).build()).build();
            runtime.add(RingProducerAgent.builder("producer", runtime.clock(), ring).recordBytes(recordBytes)
                .offeredRate(offeredRate).latency(0, offeredRate > 0 ? 50_000 : 0, 99).build());
            runtime.add(new RingConsumerAgent("consumer", runtime.clock(), 64, SequenceCheck.NONE, log, null, ring));
            runtime.runUntil(2 * NANOS_PER_SEC + 500 * MS);
        }
        final long allowance = depth + (recordBytes > depth ? recordBytes : 0);
        final SplittableRandom random = new SplittableRandom(rate ^ depthNs);
        final long[] windows = new long[WINDOWS_NS.length + 200];
        System.arraycopy(WINDOWS_NS, 0, windows, 0, WINDOWS_NS.length);
        for (int i = WINDOWS_NS.length; i < windows.length; i++)
        {
            windows[i] = random.nextLong(1, NANOS_PER_SEC + 1);
        }
        for (final long windowNs : windows)
        {
            final long maxBytes = log.maxBytesInWindow(windowNs);
            assertWithinBound(maxBytes, rate, windowNs, allowance, "window bound");
            // Not vacuous: with the offered load above the cap the busiest window is close to the bound.
            assertTrue(Math.multiplyExact(maxBytes + 2L * recordBytes, NANOS_PER_SEC)
                >= Math.multiplyExact(rate, windowNs), "busiest window of " + windowNs + " ns only " + maxBytes + " B");
        }
        if (offeredRate == 0)
        {
            // The t=0 burst is exactly the depth rounded down to whole records (or one record into debt).
            final long expectedBurst = recordBytes > depth ? recordBytes : depth / recordBytes * recordBytes;
            assertEquals(expectedBurst, log.maxBytesInWindow(0), "bytes admitted in one nanosecond");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "EBS 2250 Mbps over 60 s, 281250000, 16384, 60",
        "25 Gbps over 10 s, 3125000000, 9001, 10"})
    void shouldAverageTheCapWithinOnePercentUnderSustainedOverload(
        final String name, final long rate, final int recordBytes, final long seconds)
    {
        final BurstableLimit limit = BurstableLimit.fixed("bytes", rate, MS, recordBytes, 0);
        final long depth = limit.peakBucket().capacity();
        final long endNs = seconds * NANOS_PER_SEC;
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
        {
            final ShapedRing ring = ShapedRing.builder("ring").maxPayloadBytes(0)
                .gate(ShapingGate.builder().bytes(limit).build()).build();
            runtime.add(RingProducerAgent.builder("producer", runtime.clock(), ring).recordBytes(recordBytes).build());
            final RingConsumerAgent consumer = RingConsumerAgent.counting("consumer", runtime.clock(), ring);
            runtime.add(consumer);
            assertEquals(endNs, runtime.runUntil(endNs));

            final long admitted = consumer.totalBytes();
            final double average = (double)admitted * NANOS_PER_SEC / endNs;
            System.out.printf("%s: average %.6f Gbps, cap %.6f Gbps (%+.5f %%), %d records%n", name,
                average * 8 / 1e9, rate * 8 / 1e9, (average - rate) * 100 / rate, consumer.totalRecords());
            assertEquals(rate, average, rate * 0.01, "within 1 %");
            // Explicit bound: depth + rate*T minus what is left in the bucket, which is under one record.
            final long ideal = depth + rate * seconds;
            assertTrue(admitted <= ideal && admitted > ideal - recordBytes - 1,
                "admitted " + admitted + " B, ideal " + ideal + " B");
            assertEquals(admitted, ring.admittedBytes());
            assertEquals(0, ring.droppedRecords());
        }
    }

    /** Two rings sharing one set of buckets, one consumer: both progress, and together they respect the cap. */
    @ParameterizedTest(name = "shared through {0}")
    @ValueSource(strings = {"one gate", "two gates"})
    void shouldShareACapBetweenTwoRingsFairlyWithoutExceedingIt(final String sharing)
    {
        final long rate = 1_250_000_000L;
        final BurstableLimit limit = BurstableLimit.fixed("instance net-out", rate, MS, 9001, 0);
        final long depth = limit.peakBucket().capacity();
        final ShapingGate gateA = ShapingGate.builder().bytes(limit).build();
        final ShapingGate gateB = "one gate".equals(sharing) ? gateA : ShapingGate.builder().bytes(limit).build();
        final DeliveryLog log = new DeliveryLog();
        final long endNs = 2 * NANOS_PER_SEC;
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
        {
            final ShapedRing ringA = ShapedRing.builder("eni-a").maxPayloadBytes(0).gate(gateA).build();
            final ShapedRing ringB = ShapedRing.builder("eni-b").maxPayloadBytes(0).gate(gateB).build();
            runtime.add(RingProducerAgent.builder("producer-a", runtime.clock(), ringA).recordBytes(9001).build());
            runtime.add(RingProducerAgent.builder("producer-b", runtime.clock(), ringB).recordBytes(9001).build());
            final RingConsumerAgent consumer =
                new RingConsumerAgent("card", runtime.clock(), 64, SequenceCheck.NONE, log, null, ringA, ringB);
            runtime.add(consumer);
            runtime.runUntil(endNs);

            final long total = consumer.totalBytes();
            final double shareA = (double)consumer.deliveredBytes(0) / total;
            System.out.printf("two rings, %s: A %.4f, B %.4f, together %.6f Gbps%n", sharing, shareA, 1 - shareA,
                total * 8.0 / 2 / 1e9);
            assertTrue(shareA >= 0.40 && shareA <= 0.60, "ring A share " + shareA);
            assertTrue(consumer.deliveredRecords(0) > 0 && consumer.deliveredRecords(1) > 0);
            for (final long windowNs : WINDOWS_NS)
            {
                assertWithinBound(log.maxBytesInWindow(windowNs), rate, windowNs, depth, "both rings together");
            }
            assertEquals(rate * 2, (double)total, rate * 2 * 0.01, "together at the cap within 1 %");
        }
    }

    @ParameterizedTest(name = "{0} IOPS")
    @ValueSource(longs = {16_000, 4_000})
    void shouldHoldOperationsToTheIopsCapOverEveryWindow(final long iops)
    {
        // EBS-like: 2250 Mbps and an IOPS limit; 4 KiB I/Os make the IOPS limit the binding one.
        final BurstableLimit bytes = BurstableLimit.fixed("ebs bytes", 281_250_000L, MS, 4096, 0);
        final BurstableLimit ops = BurstableLimit.fixed("ebs iops", iops, MS, 1, 0);
        final long opDepth = ops.peakBucket().capacity();
        final DeliveryLog log = new DeliveryLog();
        final long endNs = 5 * NANOS_PER_SEC;
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
        {
            final ShapedRing ring = ShapedRing.builder("nvme-sq").maxPayloadBytes(0)
                .gate(ShapingGate.builder().bytes(bytes).ops(ops).build()).build();
            runtime.add(RingProducerAgent.builder("guest", runtime.clock(), ring).recordBytes(4096).build());
            final RingConsumerAgent consumer =
                new RingConsumerAgent("card", runtime.clock(), 64, SequenceCheck.NONE, log, null, ring);
            runtime.add(consumer);
            runtime.runUntil(endNs);
            for (final long windowNs : WINDOWS_NS)
            {
                assertWithinBound(log.maxRecordsInWindow(windowNs), iops, windowNs, opDepth, "operations");
            }
            assertEquals(opDepth + iops * 5, consumer.totalRecords(), "exactly depth + rate*T operations");
        }
    }
}
