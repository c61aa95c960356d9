package io.nitrosim.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.nitrosim.shaping.RingConsumerAgent.SequenceCheck;
import io.nitrosim.time.TimerAgent;
import io.nitrosim.time.VirtualTimeRuntime;

/**
 * Burst credits of an "up to" limit (docs/architecture.md, "Bandwidth semantics") on the c5.large network figures: peak 10 Gbps,
 * baseline 0.75 Gbps, 7-minute burst, 9001-byte timing-only records, offered load far above the peak.
 * A burst must last its configured duration within 1 %, run at the peak within 1 % and fall to the baseline
 * within 1 %; credits must be earned back below the baseline at (baseline - rate).
 */
class BurstCreditsTest
{
    private static final long NANOS_PER_SEC = 1_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final long PEAK = 1_250_000_000L;    // 10 Gbps in bytes/s
    private static final long BASELINE = 93_750_000L;   // 0.75 Gbps
    private static final long BELOW_BASELINE = 31_250_000L; // 0.25 Gbps
    private static final long HALF_PEAK = 625_000_000L; // 5 Gbps: "the burst is over" threshold
    private static final int RECORD_BYTES = 9001;
    private static final long BIN_NS = MS;               // 1 ms bins: durations resolved to 1 ms
    private static final int BINS_PER_SEC = (int)(NANOS_PER_SEC / BIN_NS);

    /** One instance's net-out: a limit, a ring behind it, an as-fast-as-possible producer and a consumer. */
    private static final class Scenario implements AutoCloseable
    {
        final VirtualTimeRuntime runtime = new VirtualTimeRuntime();
        final BurstableLimit limit;
        final ShapedRing ring;
        final RingProducerAgent producer;
        final RateBins bins = new RateBins(BIN_NS);

        Scenario(final long burstSeconds)
        {
            limit = BurstableLimit.of("net-out", PEAK, BASELINE, burstSeconds, MS, RECORD_BYTES, 0);
            // A small ring keeps the backlog (and so phase transitions) short: about 42 records.
            ring = ShapedRing.builder("eni0-tx").capacityBytes(1024).maxPayloadBytes(0)
                .gate(ShapingGate.builder().bytes(limit).build()).build();
            producer = RingProducerAgent.builder("guest", runtime.clock(), ring).recordBytes(RECORD_BYTES).build();
            runtime.add(producer);
            runtime.add(new RingConsumerAgent("card", runtime.clock(), 64, SequenceCheck.NONE, null, bins, ring));
        }

        long credits()
        {
            return limit.creditBucket().tokens(runtime.clock().nanoTime());
        }

        /** Stops the producer and runs until the ring has drained. */
        void drain()
        {
            producer.pause();
            for (int i = 0; i < 1000 && !ring.isEmpty(); i++)
            {
                runtime.runUntil(runtime.clock().nanoTime() + 10 * MS);
            }
            assertTrue(ring.isEmpty(), "ring drained");
        }

        @Override
        public void close()
        {
            runtime.close();
        }
    }

    private static double gbps(final double bytesPerSec)
    {
        return bytesPerSec * 8 / 1e9;
    }

    /** Sustain the peak for the burst duration from full credits, then the baseline; all within 1 %. */
    private static void shouldBurstAtPeakForTheBurstDurationThenHoldBaseline(final long burstSeconds)
    {
        final long tailSeconds = 30;
        try (Scenario s = new Scenario(burstSeconds))
        {
            final long endNs = (burstSeconds + tailSeconds) * NANOS_PER_SEC;
            assertEquals(endNs, s.runtime.runUntil(endNs));
            final RateBins bins = s.bins;
            final int endBin = (int)(endNs / BIN_NS);

            // Burst duration at 1 ms resolution, and at the brief's 1 s resolution.
            final int burstBins = bins.firstBinBelow(0, endBin, HALF_PEAK);
            final double burstSec = (double)burstBins / BINS_PER_SEC;
            int burstWholeSeconds = 0;
            while (burstWholeSeconds < burstSeconds + tailSeconds && bins.bytes(
                burstWholeSeconds * BINS_PER_SEC, (burstWholeSeconds + 1) * BINS_PER_SEC) >= HALF_PEAK)
            {
                burstWholeSeconds++;
            }
            final double burstAverage = bins.bytesPerSec(0, burstBins);
            final int baselineFromBin = burstBins + 5 * BINS_PER_SEC; // skip the transition and the small ring
            final double baselineAverage = bins.bytesPerSec(baselineFromBin, endBin);
            // Ideal: the credit bucket C drains at (peak - baseline) after the peak bucket's depth D is spent.
            final double idealSec = (double)(s.limit.creditBucket().capacity() - s.limit.peakBucket().capacity())
                / (PEAK - BASELINE);
            System.out.printf("c5.large burst %d s: lasted %.3f s (1-s bins: %d s, ideal %.4f s), burst average "
                    + "%.5f Gbps, baseline average %.5f Gbps, credits left %d B, %d records%n", burstSeconds, burstSec,
                burstWholeSeconds, idealSec, gbps(burstAverage), gbps(baselineAverage), s.credits(),
                s.ring.admittedRecords());

            assertEquals(burstSeconds, burstSec, burstSeconds * 0.01, "burst duration within 1 %");
            assertEquals(burstSeconds, burstWholeSeconds, burstSeconds * 0.01, "burst duration in 1-s bins");
            assertEquals(idealSec, burstSec, 0.002, "within 2 ms of the ideal");
            assertEquals(PEAK, burstAverage, PEAK * 0.01, "burst average within 1 % of 10 Gbps");
            assertEquals(BASELINE, baselineAverage, BASELINE * 0.01, "then 0.75 Gbps within 1 %");
            assertTrue(s.credits() < RECORD_BYTES, "credits spent: " + s.credits());
            assertEquals(0, s.limit.creditBalancePpm(endNs));
            // The whole run: peak during the burst, baseline after, nothing more (explicit bound).
            final long admitted = s.ring.admittedBytes();
            final long bound = s.limit.creditBucket().capacity() + BASELINE * (burstSeconds + tailSeconds);
            assertTrue(admitted <= bound && admitted > bound - 2 * RECORD_BYTES,
                "admitted " + admitted + " B, credits + baseline*T = " + bound + " B");
        }
    }

    @Test
    void shouldBurstAtPeakForAScaledDownBurstOf42SecondsThenHoldBaseline()
    {
        shouldBurstAtPeakForTheBurstDurationThenHoldBaseline(42);
    }

    @Test
    @Tag("slow")
    void shouldBurstAtPeakForTheFull420SecondBurstThenHoldBaseline()
    {
        shouldBurstAtPeakForTheBurstDurationThenHoldBaseline(420);
    }

    @Test
    void shouldEarnCreditsBackBelowBaselineAndBurstForTheCorrespondingTime()
    {
        final long burstSeconds = 42;
        final long earnSeconds = 100;
        try (Scenario s = new Scenario(burstSeconds))
        {
            // Deplete: as fast as possible until the credits are gone, then let the ring drain.
            s.runtime.runUntil((burstSeconds + 3) * NANOS_PER_SEC);
            assertTrue(s.credits() < RECORD_BYTES, "depleted: " + s.credits());
            s.drain();

            // Earn: offer 0.25 Gbps, below the 0.75 Gbps baseline, for 100 s.
            final long earnFromNs = s.runtime.clock().nanoTime();
            final long creditsBefore = s.credits();
            s.producer.offeredRate(BELOW_BASELINE);
            final long earnToNs = earnFromNs + earnSeconds * NANOS_PER_SEC;
            s.runtime.runUntil(earnToNs);
            final long earned = s.credits() - creditsBefore;
            final long expectedEarned = (BASELINE - BELOW_BASELINE) * earnSeconds;
            final double offeredAverage = s.bins.bytesPerSec(
                (int)(earnFromNs / BIN_NS), (int)(earnToNs / BIN_NS));

            // Burst again: the earned credits sustain the peak for credits / (peak - baseline).
            final long creditsAtBurst = s.credits();
            s.producer.offeredRate(0);
            final long burstEndNs = earnToNs + 20 * NANOS_PER_SEC;
            s.runtime.runUntil(burstEndNs);
            final int fromBin = (int)(earnToNs / BIN_NS);
            final int burstBins = s.bins.firstBinBelow(fromBin, (int)(burstEndNs / BIN_NS), HALF_PEAK) - fromBin;
            final double burstSec = (double)burstBins / BINS_PER_SEC;
            final double expectedBurstSec = (double)expectedEarned / (PEAK - BASELINE);
            final double burstAverage = s.bins.bytesPerSec(fromBin, fromBin + burstBins);
            System.out.printf("earn back: %.3f Gbps offered for %d s earned %d B (expected %d B, %+.4f %%), "
                    + "credits %d B, next burst %.3f s (expected %.3f s) at %.5f Gbps%n", gbps(offeredAverage),
                earnSeconds, earned, expectedEarned, (earned - expectedEarned) * 100.0 / expectedEarned,
                creditsAtBurst, burstSec, expectedBurstSec, gbps(burstAverage));

            assertEquals(BELOW_BASELINE, offeredAverage, BELOW_BASELINE * 0.01, "offered 0.25 Gbps was all admitted");
            assertEquals(expectedEarned, earned, expectedEarned * 0.01, "earned (baseline - rate) * T within 1 %");
            assertEquals(expectedBurstSec, burstSec, expectedBurstSec * 0.01, "the new burst within 1 %");
            assertEquals(PEAK, burstAverage, PEAK * 0.01, "at the peak");
        }
    }

    @Test
    void shouldRefillIdleCreditsOnlyUpToTheBurstAllowance()
    {
        // 30 s idle refill 2.8 GB of credits at the baseline, but a 1 s burst allowance holds 1.156 GB: the next
        // burst lasts 1 s, not 2.4 s.
        try (Scenario s = new Scenario(1))
        {
            s.runtime.runUntil(3 * NANOS_PER_SEC);
            s.drain();
            final long idleToNs = s.runtime.clock().nanoTime() + 30 * NANOS_PER_SEC;
            s.runtime.add(new TimerAgent("idle", s.runtime.clock(), idleToNs)); // time passes only towards a deadline
            assertEquals(idleToNs, s.runtime.runUntil(idleToNs));
            assertEquals(s.limit.creditBucket().capacity(), s.credits(), "full, clamped at capacity");
            assertEquals(1_000_000L, s.limit.creditBalancePpm(idleToNs));

            s.producer.offeredRate(0);
            final long endNs = idleToNs + 5 * NANOS_PER_SEC;
            s.runtime.runUntil(endNs);
            final int fromBin = (int)(idleToNs / BIN_NS);
            final double burstSec =
                (double)(s.bins.firstBinBelow(fromBin, (int)(endNs / BIN_NS), HALF_PEAK) - fromBin) / BINS_PER_SEC;
            assertEquals(1.0, burstSec, 0.01, "a full 1 s allowance, no more");
        }
    }
}
