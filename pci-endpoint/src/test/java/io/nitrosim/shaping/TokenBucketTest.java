package io.nitrosim.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class TokenBucketTest
{
    private static final long NANOS_PER_SEC = 1_000_000_000L;

    /** floor(rate * elapsedNs / 1e9) in exact arithmetic. */
    private static long exactTokens(final long ratePerSec, final long elapsedNs)
    {
        return BigInteger.valueOf(ratePerSec).multiply(BigInteger.valueOf(elapsedNs))
            .divide(BigInteger.valueOf(NANOS_PER_SEC)).longValueExact();
    }

    private static TokenBucket emptyBucket(final long ratePerSec, final long capacity)
    {
        final TokenBucket bucket = new TokenBucket("test", ratePerSec, capacity, 0);
        bucket.consume(capacity, 0);
        assertEquals(0, bucket.tokens(0));
        return bucket;
    }

    @Test
    void shouldRefillExactlyOverOneMillionOneNanosecondSteps()
    {
        final TokenBucket bucket = emptyBucket(1_250_000_000L, 10_000_000L);
        for (long t = 1; t <= 1_000_000L; t++)
        {
            final long tokens = bucket.tokens(t);
            if (tokens != t * 5 / 4)
            {
                assertEquals(t * 5 / 4, tokens, "tokens after " + t + " ns");
            }
        }
        assertEquals(1_250_000L, bucket.tokens(1_000_000L));
    }

    @Test
    void shouldRefillExactlyAtAwkwardRatesWithIrregularSteps()
    {
        final long[] rates = {1, 3, 7, 93_750_000L, 281_250_000L, 1_156_250_000L, 3_125_000_000L,
            TokenBucket.MAX_RATE_PER_SEC};
        final SplittableRandom random = new SplittableRandom(7);
        for (final long rate : rates)
        {
            final long capacity = Long.MAX_VALUE / 4; // never clamps within the run
            final TokenBucket bucket = emptyBucket(rate, capacity);
            long t = 0;
            for (int step = 0; step < 200_000; step++)
            {
                t += random.nextInt(4) == 0 ? random.nextLong(1, 3 * NANOS_PER_SEC) : random.nextLong(1, 1000);
                final long tokens = bucket.tokens(t);
                if (tokens != exactTokens(rate, t))
                {
                    assertEquals(exactTokens(rate, t), tokens, "rate " + rate + "/s after " + t + " ns");
                }
            }
        }
    }

    @Test
    void shouldKeepAnExactBalanceUnderInterleavedConsumes()
    {
        final SplittableRandom random = new SplittableRandom(11);
        final long rate = 93_750_000L;
        final long capacity = 1L << 50;
        final TokenBucket bucket = emptyBucket(rate, capacity);
        long consumed = capacity;
        long t = 0;
        for (int step = 0; step < 500_000; step++)
        {
            t += random.nextLong(1, 20_000);
            final long units = random.nextLong(0, 2_000);
            bucket.consume(units, t);
            consumed += units;
            final long expected = capacity - consumed + exactTokens(rate, t);
            final long tokens = bucket.tokens(t);
            if (tokens != expected)
            {
                assertEquals(expected, tokens, "after " + step + " steps at " + t + " ns");
            }
        }
    }

    @Test
    void shouldNeverRoundAWaitUnderOneMillisecondDownToZero()
    {
        // Firecracker's stall: a wait under 1 ms computed in ms became 0 and the limiter never retried.
        final TokenBucket bucket = emptyBucket(1_000_000_000L, 1);
        assertFalse(bucket.canAdmit(1, 0));
        assertEquals(1, bucket.nanosUntilAdmit(1, 0));
        assertTrue(bucket.canAdmit(1, 1));

        final TokenBucket twoPerNs = emptyBucket(2_000_000_000L, 1);
        assertEquals(1, twoPerNs.nanosUntilAdmit(1, 0), "half a nanosecond rounds up to one");

        final TokenBucket threePerSec = emptyBucket(3, 1);
        assertEquals(333_333_334L, threePerSec.nanosUntilAdmit(1, 0), "1/3 s rounds up");
        assertFalse(threePerSec.canAdmit(1, 333_333_333L));
        assertTrue(threePerSec.canAdmit(1, 333_333_334L));
    }

    @Test
    void shouldReturnZeroWaitExactlyWhenAdmissible()
    {
        final TokenBucket bucket = new TokenBucket("test", 1000, 100, 0);
        assertEquals(0, bucket.nanosUntilAdmit(100, 0));
        assertTrue(bucket.tryConsume(60, 0));
        assertEquals(0, bucket.nanosUntilAdmit(40, 0));
        assertEquals(1_000_000L, bucket.nanosUntilAdmit(41, 0), "one token at 1000/s is 1 ms");
        assertFalse(bucket.tryConsume(41, 0));
        assertEquals(40, bucket.tokens(0), "a refused tryConsume takes nothing");
    }

    @Test
    void shouldComputeTheMinimalWaitWhenTheDeficitIsWholeSecondsAndAFractionIsHeld()
    {
        // 1000 tokens/s, half a token already accrued: 1000 more tokens need 999.5 ms, not 1 s.
        final TokenBucket bucket = emptyBucket(1000, 2000);
        assertEquals(0, bucket.tokens(500_000L));
        assertEquals(999_500_000L, bucket.nanosUntilAdmit(1000, 500_000L));
        assertFalse(bucket.canAdmit(1000, 500_000L + 999_499_999L));
        assertTrue(bucket.canAdmit(1000, 500_000L + 999_500_000L));
    }

    @Test
    void shouldReturnTheExactMinimalWaitForRandomStates()
    {
        final SplittableRandom random = new SplittableRandom(2024);
        for (int trial = 0; trial < 100_000; trial++)
        {
            final long rate = random.nextInt(3) == 0 ?
                random.nextLong(1, 10_000) : random.nextLong(1, TokenBucket.MAX_RATE_PER_SEC + 1);
            final long capacity = random.nextLong(1, Math.max(2, Math.min(rate * 100, 1L << 40)));
            final TokenBucket bucket = new TokenBucket("test", rate, capacity, 0);
            long t = 0;
            final int steps = random.nextInt(1, 5);
            for (int s = 0; s < steps; s++)
            {
                t += random.nextLong(0, 2 * NANOS_PER_SEC);
                bucket.consume(random.nextLong(0, 2 * capacity + 1), t); // may go into debt
            }
            t += random.nextLong(0, 1000);
            final long units = random.nextLong(1, 2 * capacity + 1);
            final long waitNs = bucket.nanosUntilAdmit(units, t);
            final String state = "rate " + rate + "/s capacity " + capacity + " units " + units + " wait " + waitNs;
            if (waitNs == 0)
            {
                assertTrue(bucket.canAdmit(units, t), state);
                continue;
            }
            assertTrue(waitNs > 0, state);
            if (waitNs > 1)
            {
                assertFalse(bucket.canAdmit(units, t + waitNs - 1), state + ": admissible a nanosecond early");
            }
            assertTrue(bucket.canAdmit(units, t + waitNs), state + ": not admissible after the wait");
        }
    }

    @Test
    void shouldAdmitAnOversizedRequestWhenFullAndMakeTheNextOneWaitItsFairTime()
    {
        final TokenBucket bucket = new TokenBucket("test", 1000, 1000, 0);
        assertTrue(bucket.canAdmit(5000, 0), "larger than the bucket, admitted because the bucket is full");
        bucket.consume(5000, 0);
        assertEquals(-4000, bucket.tokens(0));
        assertEquals(0, bucket.fillPpm(0), "in debt reads as empty");
        // The next 5000-unit request needs the bucket full again: 5000 tokens at 1000/s.
        assertEquals(5 * NANOS_PER_SEC, bucket.nanosUntilAdmit(5000, 0));
        assertFalse(bucket.canAdmit(5000, 5 * NANOS_PER_SEC - 1));

        // A stream of oversized requests never stalls and runs at the rate on average.
        long t = 5 * NANOS_PER_SEC - 1; // time never goes back: the bucket was last read then
        for (int i = 0; i < 99; i++)
        {
            final long waitNs = bucket.nanosUntilAdmit(5000, t);
            assertTrue(waitNs > 0 && waitNs < Long.MAX_VALUE / 2, "wait " + waitNs);
            t += waitNs;
            assertTrue(bucket.tryConsume(5000, t));
        }
        assertEquals(99 * 5 * NANOS_PER_SEC, t, "each further request of 5000 units at 1000/s comes exactly 5 s later");
    }

    @Test
    void shouldClampAtCapacityAndDropTheFractionWhenFull()
    {
        final TokenBucket bucket = new TokenBucket("test", 3, 10, 0);
        assertEquals(10, bucket.tokens(3_600 * NANOS_PER_SEC), "an hour idle still holds only the capacity");
        final long t = 3_600 * NANOS_PER_SEC + 1;
        bucket.consume(1, t);
        assertEquals(9, bucket.tokens(t));
        // Refill restarts from the moment the bucket left full: one token needs a full 1/3 s.
        assertEquals(333_333_334L, bucket.nanosUntilAdmit(10, t));
        assertEquals(10, bucket.tokens(t + 100 * NANOS_PER_SEC));
    }

    @Test
    void shouldReportFillInPartsPerMillion()
    {
        final TokenBucket bucket = new TokenBucket("test", 1000, 4000, 0);
        assertEquals(1_000_000L, bucket.fillPpm(0));
        bucket.consume(1000, 0);
        assertEquals(750_000L, bucket.fillPpm(0));
        bucket.consume(3000, 0);
        assertEquals(0, bucket.fillPpm(0));
        assertEquals(500_000L, bucket.fillPpm(2 * NANOS_PER_SEC));
        bucket.consume(9000, 2 * NANOS_PER_SEC);
        assertEquals(0, bucket.fillPpm(2 * NANOS_PER_SEC), "debt reads as 0, not negative");
    }

    @Test
    void shouldReadTheFillWithoutChangingTheBucketsCourse()
    {
        // Two buckets with the same consumes; one is read (as a gauge would) at irregular times in between.
        final SplittableRandom random = new SplittableRandom(11);
        final TokenBucket read = new TokenBucket("read", 7_777, 50_000, 0);
        final TokenBucket quiet = new TokenBucket("quiet", 7_777, 50_000, 0);
        long now = 0;
        for (int i = 0; i < 10_000; i++)
        {
            now += random.nextLong(1, 3_000_000L);
            if (random.nextBoolean())
            {
                read.fillPpm(now + random.nextLong(0, 1_000_000L)); // even a read ahead of the owner's time
            }
            if (random.nextInt(3) == 0)
            {
                final long units = random.nextLong(1, 20_000);
                read.consume(units, now);
                quiet.consume(units, now);
            }
            assertEquals(quiet.nanosUntilAdmit(30_000, now), read.nanosUntilAdmit(30_000, now), "at " + now);
        }
        assertEquals(quiet.tokens(now), read.tokens(now));
    }

    @Test
    void shouldReportFillExactlyForLargeCapacities()
    {
        final SplittableRandom random = new SplittableRandom(5);
        for (int trial = 0; trial < 20_000; trial++)
        {
            final long capacity = random.nextLong(1L << 40, Long.MAX_VALUE / 2);
            final long tokens = random.nextInt(4) == 0 ?
                capacity / 10 * random.nextLong(1, 10) : random.nextLong(1, capacity + 1);
            final TokenBucket bucket = new TokenBucket("test", 1, capacity, 0);
            bucket.consume(capacity - tokens, 0);
            final long expected = BigInteger.valueOf(tokens).multiply(BigInteger.valueOf(1_000_000L))
                .divide(BigInteger.valueOf(capacity)).longValueExact();
            final long ppm = bucket.fillPpm(0);
            if (ppm != expected)
            {
                assertEquals(expected, ppm, tokens + " of " + capacity);
            }
        }
    }

    @Test
    void shouldRejectInvalidConstructionWithTheValueAndTheAcceptedRange()
    {
        assertEquals("net-out peak: rate 0/s is out of range, accepted 1..9000000000/s",
            assertThrows(IllegalArgumentException.class, () -> new TokenBucket("net-out peak", 0, 10, 0)).getMessage());
        assertEquals("net-out peak: rate 9000000001/s is out of range, accepted 1..9000000000/s",
            assertThrows(IllegalArgumentException.class,
                () -> new TokenBucket("net-out peak", TokenBucket.MAX_RATE_PER_SEC + 1, 10, 0)).getMessage());
        assertEquals("ebs bytes: capacity 0 must be at least 1",
            assertThrows(IllegalArgumentException.class, () -> new TokenBucket("ebs bytes", 10, 0, 0)).getMessage());
        assertEquals(TokenBucket.MAX_RATE_PER_SEC,
            new TokenBucket("max", TokenBucket.MAX_RATE_PER_SEC, 1, 0).ratePerSec(), "the maximum itself is accepted");
    }

    @Test
    void shouldRefillAtTheMaximumRateWithoutOverflow()
    {
        final TokenBucket bucket = emptyBucket(TokenBucket.MAX_RATE_PER_SEC, Long.MAX_VALUE / 2);
        assertEquals(17_999_999_991L, bucket.tokens(1_999_999_999L), "9 tokens per ns for just under 2 s");
        assertEquals(exactTokens(TokenBucket.MAX_RATE_PER_SEC, 10 * NANOS_PER_SEC + 999_999_999L),
            bucket.tokens(10 * NANOS_PER_SEC + 999_999_999L));
    }

    @Test
    void shouldKeepTokensEarnedAtTheOldRateAndRefillAtTheNewOneAfterReconfigure()
    {
        final TokenBucket bucket = new TokenBucket("vol iops", 1000, 1000, 0);
        bucket.consume(1000, 0);
        bucket.reconfigure(4000, 2000, 500_000_000L);          // 500 tokens earned at 1000/s
        assertEquals(500, bucket.tokens(500_000_000L));
        assertEquals(1500, bucket.tokens(750_000_000L));        // + 1000 at 4000/s in 250 ms
        assertEquals(2000, bucket.tokens(2 * NANOS_PER_SEC));  // the new capacity
        assertEquals(4000, bucket.ratePerSec());
        bucket.reconfigure(100, 50, 2 * NANOS_PER_SEC);        // smaller: tokens above the capacity go
        assertEquals(50, bucket.tokens(2 * NANOS_PER_SEC));
        final IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
            () -> bucket.reconfigure(0, 10, 3 * NANOS_PER_SEC));
        assertEquals("vol iops: rate 0/s is out of range, accepted 1..9000000000/s", bad.getMessage());
        assertEquals(100, bucket.ratePerSec(), "a refused change changes nothing");
    }
}
