package io.nitrosim.shaping;

/**
 * A token bucket in integer nanosecond arithmetic: {@code ratePerSec} tokens per second, at most
 * {@code capacity} tokens, full at creation.
 * <p>
 * Tokens are whole units (bytes or operations) plus a remainder in units of 1e-9 token, so no fraction is
 * ever lost however often it is refilled (Firecracker lost precision at high call rates by rounding each
 * refill). Waits are rounded up, never down to zero (a wait under 1 ms rounded to 0 stalled Firecracker).
 * <p>
 * A request larger than the capacity is admitted when the bucket is full and leaves it in debt, so it waits
 * its fair time without blocking forever.
 * <p>
 * A bucket belongs to one agent (one thread); several rings served by that agent may share it.
 */
public final class TokenBucket
{
    /** Highest rate accepted: keeps {@code remainderTokens * 1e9} inside a long (72 Gbps in bytes). */
    public static final long MAX_RATE_PER_SEC = 9_000_000_000L;
    static final long NANOS_PER_SEC = 1_000_000_000L;
    private static final long PPM = 1_000_000L;

    private final String name;
    private long ratePerSec;
    private long capacity;
    private long tokens;
    private long fractionNanoTokens; // in [0, 1e9): tokens * 1e9 not yet whole
    private long lastRefillNs;

    /**
     * @param name       what the bucket governs, used in messages ("net-out peak").
     * @param ratePerSec refill rate in units per second, 1..{@link #MAX_RATE_PER_SEC}.
     * @param capacity   maximum tokens, at least 1.
     * @param nowNs      creation time; the bucket starts full.
     */
    public TokenBucket(final String name, final long ratePerSec, final long capacity, final long nowNs)
    {
        check(name, ratePerSec, capacity);
        this.name = name;
        this.ratePerSec = ratePerSec;
        this.capacity = capacity;
        this.tokens = capacity;
        this.lastRefillNs = nowNs;
    }

    private static void check(final String name, final long ratePerSec, final long capacity)
    {
        if (ratePerSec < 1 || ratePerSec > MAX_RATE_PER_SEC)
        {
            throw new IllegalArgumentException(
                name + ": rate " + ratePerSec + "/s is out of range, accepted 1.." + MAX_RATE_PER_SEC + "/s");
        }
        if (capacity < 1)
        {
            throw new IllegalArgumentException(name + ": capacity " + capacity + " must be at least 1");
        }
    }

    /**
     * Changes rate and capacity from {@code nowNs} on (a live modification, e.g. EC2 ModifyVolume): tokens earned
     * until now count at the old rate, tokens above the new capacity are dropped, a debt is kept.
     */
    public void reconfigure(final long newRatePerSec, final long newCapacity, final long nowNs)
    {
        check(name, newRatePerSec, newCapacity);
        refill(nowNs);
        ratePerSec = newRatePerSec;
        capacity = newCapacity;
        if (tokens >= capacity)
        {
            tokens = capacity;
            fractionNanoTokens = 0;
        }
    }

    public String name()
    {
        return name;
    }

    public long ratePerSec()
    {
        return ratePerSec;
    }

    public long capacity()
    {
        return capacity;
    }

    /** Whole tokens after refilling to {@code nowNs}; negative while in debt. */
    public long tokens(final long nowNs)
    {
        refill(nowNs);
        return tokens;
    }

    /**
     * Fill level in parts per million of capacity (0 when empty or in debt). Reads without refilling, so a gauge
     * may call it from another thread (the value is then approximate, the bucket unharmed).
     */
    public long fillPpm(final long nowNs)
    {
        final long tokens = tokensAt(nowNs);
        if (tokens <= 0)
        {
            return 0;
        }
        if (tokens >= capacity)
        {
            return PPM;
        }
        return tokens <= Long.MAX_VALUE / PPM ? tokens * PPM / capacity : mulDivBelowOne(tokens, PPM, capacity);
    }

    /**
     * floor(a * m / c) for 0 &lt;= a &lt; c, exactly and without allocating: binary long division over the bits
     * of m, keeping the remainder below c (sums below 2c fit in an unsigned long).
     */
    private static long mulDivBelowOne(final long a, final long m, final long c)
    {
        long quotient = 0;
        long remainder = 0;
        for (int bit = 63 - Long.numberOfLeadingZeros(m); bit >= 0; bit--)
        {
            quotient <<= 1;
            remainder <<= 1;
            if (Long.compareUnsigned(remainder, c) >= 0)
            {
                remainder -= c;
                quotient++;
            }
            if ((m & (1L << bit)) != 0)
            {
                remainder += a;
                if (Long.compareUnsigned(remainder, c) >= 0)
                {
                    remainder -= c;
                    quotient++;
                }
            }
        }
        return quotient;
    }

    /** Whether a request of {@code units} would be admitted now. Does not consume. */
    public boolean canAdmit(final long units, final long nowNs)
    {
        refill(nowNs);
        return tokens >= Math.min(units, capacity);
    }

    /** Takes {@code units} (may leave the bucket in debt for an oversized request). */
    public void consume(final long units, final long nowNs)
    {
        refill(nowNs);
        tokens -= units;
    }

    /** Admits and consumes if possible. */
    public boolean tryConsume(final long units, final long nowNs)
    {
        if (canAdmit(units, nowNs))
        {
            tokens -= units;
            return true;
        }
        return false;
    }

    /**
     * Nanoseconds from {@code nowNs} until a request of {@code units} is admitted, rounded up; 0 if now.
     */
    public long nanosUntilAdmit(final long units, final long nowNs)
    {
        refill(nowNs);
        final long needed = Math.min(units, capacity);
        if (tokens >= needed)
        {
            return 0;
        }
        final long deficit = needed - tokens; // > 0; the fraction already held counts towards it
        if (deficit < ratePerSec)
        {
            // Under a second of refill (any record smaller than a second's worth): one division, not three.
            // deficit * 1e9 < rate * 1e9 <= 9e18 fits, and is at least 1e9 > the fraction: nothing to borrow.
            return Math.max(1, (deficit * NANOS_PER_SEC - fractionNanoTokens + ratePerSec - 1) / ratePerSec);
        }
        long wholeSeconds = deficit / ratePerSec;
        long restNanoTokens = (deficit % ratePerSec) * NANOS_PER_SEC - fractionNanoTokens;
        if (restNanoTokens < 0)
        {
            // The deficit is whole seconds of refill and the fraction held shortens the last second:
            // borrow it (deficit >= 1 token > fraction, so wholeSeconds >= 1 here).
            wholeSeconds--;
            restNanoTokens += ratePerSec * NANOS_PER_SEC;
        }
        final long restNs = (restNanoTokens + ratePerSec - 1) / ratePerSec;
        return Math.max(1, wholeSeconds * NANOS_PER_SEC + restNs);
    }

    /**
     * Refills to {@code nowNs}. Refilling in steps adds exactly what one step would (whole tokens plus the 1e-9
     * remainder), so how often it runs never changes the bucket's course.
     */
    private void refill(final long nowNs)
    {
        final long elapsedNs = nowNs - lastRefillNs;
        if (elapsedNs <= 0)
        {
            return;
        }
        final long refilled = tokensAt(nowNs);
        fractionNanoTokens = refilled >= capacity ? 0
            : ((elapsedNs % NANOS_PER_SEC) * ratePerSec + fractionNanoTokens) % NANOS_PER_SEC;
        tokens = refilled;
        lastRefillNs = nowNs;
    }

    /** Whole tokens the bucket holds at {@code nowNs} (not before its last refill), without changing it. */
    private long tokensAt(final long nowNs)
    {
        final long elapsedNs = nowNs - lastRefillNs;
        final long tokens = this.tokens;
        if (elapsedNs <= 0 || tokens >= capacity)
        {
            return tokens;
        }
        final long elapsedSeconds = elapsedNs / NANOS_PER_SEC;
        final long room = capacity - tokens;
        if (elapsedSeconds > 0 && elapsedSeconds >= room / ratePerSec + 1)
        {
            return capacity;
        }
        final long nanoTokens = (elapsedNs - elapsedSeconds * NANOS_PER_SEC) * ratePerSec + fractionNanoTokens;
        final long added = elapsedSeconds * ratePerSec + nanoTokens / NANOS_PER_SEC;
        return added >= room ? capacity : tokens + added;
    }

    @Override
    public String toString()
    {
        return "TokenBucket{" + name + ", rate=" + ratePerSec + "/s, capacity=" + capacity + ", tokens=" + tokens + '}';
    }
}
