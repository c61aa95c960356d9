package io.nitrosim.ebs.shaping;

import io.nitrosim.ebs.volume.VolumeType;
import io.nitrosim.shaping.TokenBucket;

/**
 * The buckets that govern one volume's I/O (its instance's shared buckets plus its own), charging IOPS the way
 * AWS counts them: an I/O of {@code bytes} costs {@code ceil(bytes / 256 KiB)} operations on SSD types and
 * {@code ceil(bytes / 1 MiB)} on st1/sc1 (any I/O up to the unit counts one; see {@link VolumeType#opsFor}).
 * <p>
 * {@link io.nitrosim.shaping.ShapingGate} charges exactly one operation per record, so it counts AWS's way only
 * if records never exceed one I/O unit. This gate takes the op count per I/O instead; its admission rule is the
 * same (an I/O passes only if every bucket admits it, then all are charged; a request larger than a bucket's
 * depth is admitted when that bucket is full and leaves it in debt). Allocation-free; owned by one agent.
 */
public final class EbsIoGate
{
    private final VolumeType type;
    private final TokenBucket[] byteBuckets;
    private final TokenBucket[] opBuckets;

    EbsIoGate(final VolumeType type, final TokenBucket[] byteBuckets, final TokenBucket[] opBuckets)
    {
        this.type = type;
        this.byteBuckets = byteBuckets;
        this.opBuckets = opBuckets;
    }

    public long opsFor(final long bytes)
    {
        return type.opsFor(bytes);
    }

    public boolean canAdmit(final long bytes, final long nowNs)
    {
        return canAdmit(bytes, type.opsFor(bytes), nowNs);
    }

    public boolean canAdmit(final long bytes, final long ops, final long nowNs)
    {
        for (final TokenBucket bucket : byteBuckets)
        {
            if (!bucket.canAdmit(bytes, nowNs))
            {
                return false;
            }
        }
        if (ops > 0)
        {
            for (final TokenBucket bucket : opBuckets)
            {
                if (!bucket.canAdmit(ops, nowNs))
                {
                    return false;
                }
            }
        }
        return true;
    }

    public void consume(final long bytes, final long nowNs)
    {
        consume(bytes, type.opsFor(bytes), nowNs);
    }

    public void consume(final long bytes, final long ops, final long nowNs)
    {
        for (final TokenBucket bucket : byteBuckets)
        {
            bucket.consume(bytes, nowNs);
        }
        if (ops > 0)
        {
            for (final TokenBucket bucket : opBuckets)
            {
                bucket.consume(ops, nowNs);
            }
        }
    }

    /** Admits and charges the I/O if every bucket allows it now. */
    public boolean tryAdmit(final long bytes, final long nowNs)
    {
        final long ops = type.opsFor(bytes);
        if (canAdmit(bytes, ops, nowNs))
        {
            consume(bytes, ops, nowNs);
            return true;
        }
        return false;
    }

    public long admitTimeNs(final long bytes, final long nowNs)
    {
        return admitTimeNs(bytes, type.opsFor(bytes), nowNs);
    }

    /** Earliest time every bucket admits the I/O (buckets only fill while nothing is taken). */
    public long admitTimeNs(final long bytes, final long ops, final long nowNs)
    {
        long waitNs = 0;
        for (final TokenBucket bucket : byteBuckets)
        {
            waitNs = Math.max(waitNs, bucket.nanosUntilAdmit(bytes, nowNs));
        }
        if (ops > 0)
        {
            for (final TokenBucket bucket : opBuckets)
            {
                waitNs = Math.max(waitNs, bucket.nanosUntilAdmit(ops, nowNs));
            }
        }
        return nowNs + waitNs;
    }

    /** Number of byte buckets then op buckets, for tests and diagnostics. */
    public int byteBucketCount()
    {
        return byteBuckets.length;
    }

    public int opBucketCount()
    {
        return opBuckets.length;
    }
}
