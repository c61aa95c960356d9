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

    private final long opUnitBytes;

    private ShapingGate(final TokenBucket[] byteBuckets, final TokenBucket[] opBuckets)
    {
        this(byteBuckets, opBuckets, 0);
    }

    private ShapingGate(final TokenBucket[] byteBuckets, final TokenBucket[] opBuckets, final long opUnitBytes)
    {
        this.opUnitBytes = opUnitBytes;
        this.byteBuckets = byteBuckets;
        this.opBuckets = opBuckets;
    }

    /**
     * Operations a record of {@code bytes} counts: 1, or with an op unit (EBS: 256 KiB for SSD volumes, 1 MiB
     * for HDD) {@code ceil(bytes / unit)}, at least 1.
     */
    public long opsFor(final long bytes)
    {
        return opUnitBytes <= 0 || bytes <= opUnitBytes ? 1 : (bytes + opUnitBytes - 1) / opUnitBytes;
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
        final long ops = opsFor(bytes);
        for (final TokenBucket bucket : opBuckets)
        {
            if (!bucket.canAdmit(ops, nowNs))
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
        final long ops = opsFor(bytes);
        for (final TokenBucket bucket : opBuckets)
        {
            bucket.consume(ops, nowNs);
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
        final long ops = opsFor(bytes);
        for (final TokenBucket bucket : opBuckets)
        {
            waitNs = Math.max(waitNs, bucket.nanosUntilAdmit(ops, nowNs));
        }
        return nowNs + waitNs;
    }

    public static final class Builder
    {
        private final List<TokenBucket> bytes = new ArrayList<>();
        private final List<TokenBucket> ops = new ArrayList<>();
        private long opUnitBytes;

        /** Counts a record as ceil(bytes / unit) operations instead of one (0 = one op per record). */
        public Builder opUnitBytes(final long opUnitBytes)
        {
            if (opUnitBytes < 0)
            {
                throw new IllegalArgumentException("op unit " + opUnitBytes + " B must be >= 0 (0 = one op per record)");
            }
            this.opUnitBytes = opUnitBytes;
            return this;
        }

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
            return new ShapingGate(bytes.toArray(new TokenBucket[0]), ops.toArray(new TokenBucket[0]), opUnitBytes);
        }
    }
}
