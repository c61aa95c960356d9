package io.nitrosim.shaping;

import java.util.ArrayList;
import java.util.List;

/**
 * The set of buckets that govern one ring's records: byte buckets are charged the record's byte count, op
 * buckets one operation per record. A record passes only if every bucket admits it; then all are charged.
 * Buckets may be shared with other gates (every ENI of an instance shares its network buckets), provided the
 * rings behind those gates are consumed by one agent.
 */
public final class ShapingGate
{
    /** A gate that admits everything (caps off). */
    public static final ShapingGate OPEN = new ShapingGate(new TokenBucket[0], new TokenBucket[0]);

    private final TokenBucket[] byteBuckets;
    private final TokenBucket[] opBuckets;

    private ShapingGate(final TokenBucket[] byteBuckets, final TokenBucket[] opBuckets)
    {
        this.byteBuckets = byteBuckets;
        this.opBuckets = opBuckets;
    }

    public static Builder builder()
    {
        return new Builder();
    }

    public boolean isOpen()
    {
        return byteBuckets.length == 0 && opBuckets.length == 0;
    }

    public boolean canAdmit(final long bytes, final long nowNs)
    {
        for (final TokenBucket bucket : byteBuckets)
        {
            if (!bucket.canAdmit(bytes, nowNs))
            {
                return false;
            }
        }
        for (final TokenBucket bucket : opBuckets)
        {
            if (!bucket.canAdmit(1, nowNs))
            {
                return false;
            }
        }
        return true;
    }

    public void consume(final long bytes, final long nowNs)
    {
        for (final TokenBucket bucket : byteBuckets)
        {
            bucket.consume(bytes, nowNs);
        }
        for (final TokenBucket bucket : opBuckets)
        {
            bucket.consume(1, nowNs);
        }
    }

    /** Earliest time every bucket admits {@code bytes} (buckets only fill while nothing is taken). */
    public long admitTimeNs(final long bytes, final long nowNs)
    {
        long waitNs = 0;
        for (final TokenBucket bucket : byteBuckets)
        {
            waitNs = Math.max(waitNs, bucket.nanosUntilAdmit(bytes, nowNs));
        }
        for (final TokenBucket bucket : opBuckets)
        {
            waitNs = Math.max(waitNs, bucket.nanosUntilAdmit(1, nowNs));
        }
        return nowNs + waitNs;
    }

    public static final class Builder
    {
        private final List<TokenBucket> bytes = new ArrayList<>();
        private final List<TokenBucket> ops = new ArrayList<>();

        public Builder bytes(final BurstableLimit limit)
        {
            if (limit != null)
            {
                limit.addTo(bytes);
            }
            return this;
        }

        public Builder ops(final BurstableLimit limit)
        {
            if (limit != null)
            {
                limit.addTo(ops);
            }
            return this;
        }

        public Builder bytes(final TokenBucket bucket)
        {
            bytes.add(bucket);
            return this;
        }

        public Builder ops(final TokenBucket bucket)
        {
            ops.add(bucket);
            return this;
        }

        public ShapingGate build()
        {
            if (bytes.isEmpty() && ops.isEmpty())
            {
                return OPEN;
            }
            return new ShapingGate(bytes.toArray(new TokenBucket[0]), ops.toArray(new TokenBucket[0]));
        }
    }
}
