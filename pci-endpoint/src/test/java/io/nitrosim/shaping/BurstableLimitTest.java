package io.nitrosim.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BurstableLimitTest
{
    private static final long NANOS_PER_SEC = 1_000_000_000L;
    private static final long PEAK = 1_250_000_000L; // c5.large network: 10 Gbps
    private static final long BASELINE = 93_750_000L; // 0.75 Gbps

    @Test
    void shouldSizeTheCreditBucketAsPeakMinusBaselineTimesBurst()
    {
        final BurstableLimit limit = BurstableLimit.of("net-out", PEAK, BASELINE, 420, 1_000_000L, 9001, 0);
        assertTrue(limit.hasCredits());
        assertEquals(1_156_250_000L * 420, limit.creditBucket().capacity());
        assertEquals(BASELINE, limit.creditBucket().ratePerSec(), "credits refill at the baseline");
        assertEquals(PEAK, limit.peakBucket().ratePerSec());
        assertEquals(1_250_000L, limit.peakBucket().capacity(), "1 ms of peak");
        assertEquals(1_000_000L, limit.creditBalancePpm(0), "full at launch");
        assertEquals(1_250_000L, limit.peakBucket().tokens(0), "full at launch");
    }

    @Test
    void shouldRaiseThePeakDepthToTheMinimum()
    {
        final BurstableLimit limit = BurstableLimit.of("net-out", PEAK, BASELINE, 420, 1_000, 9001, 0);
        assertEquals(9001, limit.peakBucket().capacity(), "1 us of peak is 1250 B, below one jumbo frame");
    }

    @Test
    void shouldHaveNoCreditsForAFixedRate()
    {
        final BurstableLimit limit = BurstableLimit.fixed("ebs", 281_250_000L, 1_000_000L, 16_384, 0);
        assertFalse(limit.hasCredits());
        assertNull(limit.creditBucket());
        assertEquals(1_000_000L, limit.creditBalancePpm(0));
        assertEquals(281_250L, limit.peakBucket().capacity());
    }

    @Test
    void shouldRunAtTheBaselineWhenThereIsNoBurstAllowance()
    {
        final BurstableLimit limit = BurstableLimit.of("net-out", PEAK, BASELINE, 0, 1_000_000L, 9001, 0);
        assertFalse(limit.hasCredits());
        assertEquals(BASELINE, limit.peakBucket().ratePerSec());
        assertEquals(93_750L, limit.peakBucket().capacity());
    }

    @Test
    void shouldHoldTheRateToBaselineWhenCreditsAreEmpty()
    {
        final BurstableLimit limit = BurstableLimit.of("net-out", PEAK, BASELINE, 1, 1_000_000L, 9001, 0);
        final ShapingGate gate = ShapingGate.builder().bytes(limit).build();
        final long credits = limit.creditBucket().capacity();
        limit.creditBucket().consume(credits, 0);
        assertEquals(0, limit.creditBalancePpm(0));
        assertTrue(limit.peakBucket().canAdmit(9001, 0), "the peak bucket alone would admit");
        assertEquals(ShapingReason.INSTANCE_BANDWIDTH, gate.check(9001, 0), "held by the credit bucket");
        // 9001 B of credits at 93.75 MB/s: ceil(9001 / 93_750_000 s) = 96_011 ns (96 010.67 rounded up).
        assertEquals(96_011L, gate.admitTimeNs(9001, 0));
        assertEquals(ShapingReason.INSTANCE_BANDWIDTH, gate.check(9001, 96_010L), "not a nanosecond earlier");
        assertEquals(0, gate.check(9001, 96_011L));
        // One second at baseline refills 93.75 MB of a 1156.25 MB bucket: 81081.08 ppm.
        assertEquals(81_081L, limit.creditBalancePpm(NANOS_PER_SEC));
    }

    @Test
    void shouldShareBucketsBetweenGatesBuiltFromOneLimit()
    {
        final BurstableLimit limit = BurstableLimit.fixed("net-out", 1000, NANOS_PER_SEC, 1, 0);
        final ShapingGate a = ShapingGate.builder().bytes(limit).build();
        final ShapingGate b = ShapingGate.builder().bytes(limit).build();
        a.consume(600, 0);
        assertEquals(ShapingReason.INSTANCE_BANDWIDTH, b.check(500, 0), "b sees what a took");
        assertEquals(0, b.check(400, 0));
        assertSame(ShapingGate.OPEN, ShapingGate.builder().bytes((BurstableLimit)null).build());
    }

    @Test
    void shouldRejectInvalidLimitsWithTheValueAndTheAcceptedRange()
    {
        assertEquals("net-out: peak rate 0/s must be positive", assertThrows(IllegalArgumentException.class,
            () -> BurstableLimit.of("net-out", 0, 0, 1, 1, 1, 0)).getMessage());
        assertEquals("net-out: baseline 2000/s must be in 1..1000/s (the peak)",
            assertThrows(IllegalArgumentException.class,
                () -> BurstableLimit.of("net-out", 1000, 2000, 1, 1, 1, 0)).getMessage());
        assertEquals("net-out: baseline 0/s must be in 1..1000/s (the peak)",
            assertThrows(IllegalArgumentException.class,
                () -> BurstableLimit.of("net-out", 1000, 0, 1, 1, 1, 0)).getMessage());
        assertEquals("net-out: burst duration -1 s must be >= 0", assertThrows(IllegalArgumentException.class,
            () -> BurstableLimit.of("net-out", 1000, 500, -1, 1, 1, 0)).getMessage());
        assertEquals("net-out: peak depth 0 ns must be positive", assertThrows(IllegalArgumentException.class,
            () -> BurstableLimit.of("net-out", 1000, 500, 1, 0, 1, 0)).getMessage());
    }
}
