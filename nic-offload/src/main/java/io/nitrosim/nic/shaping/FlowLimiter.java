package io.nitrosim.nic.shaping;

import java.util.Arrays;

import io.nitrosim.nic.flow.FlowIndex;
import io.nitrosim.shaping.TokenBucket;

/**
 * Per-flow token buckets (EC2's 5 Gbps per 5-tuple, 10 Gbps in a cluster placement group) in a flow table
 * keyed by {@link io.nitrosim.nic.flow.FlowKey}: no allocation per packet once a flow has its entry.
 * <p>
 * A new flow's bucket starts with the start tokens (one frame by default: the limit holds from the flow's first
 * frame). When the table is full, the flows whose buckets have refilled to full (idle for a refill time) are
 * evicted and their entry ids and bucket objects reused; such a flow that comes back starts again as a new flow.
 * Sweeps run at most once per refill time. Owned by the card agent's thread.
 */
public final class FlowLimiter
{
    private final long rateBytesPerSec;
    private final long depthBytes;
    private final long startBytes;
    private final long refillNs;
    private final FlowIndex index;
    private TokenBucket[] buckets;
    private long nextSweepNs;
    private long evictions;
    private long tableFull;

    public FlowLimiter(final long rateBytesPerSec, final long depthBytes, final int capacity)
    {
        this(rateBytesPerSec, depthBytes, depthBytes, capacity);
    }

    /** @param startBytes the tokens a new flow starts with (at most the depth). */
    public FlowLimiter(final long rateBytesPerSec, final long depthBytes, final long startBytes, final int capacity)
    {
        if (startBytes < 1 || startBytes > depthBytes)
        {
            throw new IllegalArgumentException("flow start tokens " + startBytes + " B out of range, accepted 1.."
                + depthBytes + " B");
        }
        this.rateBytesPerSec = rateBytesPerSec;
        this.depthBytes = depthBytes;
        this.startBytes = startBytes;
        this.refillNs = Math.max(1, Math.multiplyExact(depthBytes, 1_000_000_000L) / rateBytesPerSec);
        this.index = new FlowIndex(capacity, Math.min(capacity, 256));
        this.buckets = new TokenBucket[index.entryCapacity()];
    }

    public long rateBytesPerSec()
    {
        return rateBytesPerSec;
    }

    public long depthBytes()
    {
        return depthBytes;
    }

    /** Flows holding an entry. */
    public int flows()
    {
        return index.size();
    }

    public long evictions()
    {
        return evictions;
    }

    /** Times a new flow found the table full of active flows. */
    public long tableFullCount()
    {
        return tableFull;
    }

    /**
     * The flow's entry, created when new with a bucket holding the start tokens.
     *
     * @return the entry id, or -1 when the table is full of flows active within the last refill time.
     */
    public int acquire(final long hi, final long lo, final long nowNs)
    {
        int e = index.find(hi, lo);
        if (e >= 0)
        {
            return e;
        }
        if (index.size() >= index.maxEntries() && nowNs >= nextSweepNs)
        {
            evictIdle(nowNs);
            nextSweepNs = nowNs + refillNs;
        }
        e = index.insert(hi, lo);
        if (e < 0)
        {
            tableFull++;
            return -1;
        }
        if (e >= buckets.length)
        {
            buckets = Arrays.copyOf(buckets, index.entryCapacity());
        }
        if (buckets[e] == null)
        {
            buckets[e] = new TokenBucket("flow", rateBytesPerSec, depthBytes, nowNs);
        }
        buckets[e].consume(depthBytes - startBytes, nowNs); // new or reused, the bucket is full: start the flow
        return e;
    }

    /** Whether {@code entry} still belongs to the flow (it may have been evicted while idle). */
    public boolean isEntryOf(final int entry, final long hi, final long lo)
    {
        return index.isLive(entry) && index.keyHi(entry) == hi && index.keyLo(entry) == lo;
    }

    public TokenBucket bucket(final int entry)
    {
        return buckets[entry];
    }

    /** The refill time of an empty bucket: how long a flow must be idle before its entry can go. */
    public long refillNs()
    {
        return refillNs;
    }

    private void evictIdle(final long nowNs)
    {
        final int highWater = index.highWater();
        for (int e = 0; e < highWater; e++)
        {
            if (index.isLive(e) && buckets[e].tokens(nowNs) >= depthBytes)
            {
                index.remove(e); // a full bucket: reusing it for another flow is the same as a new one
                evictions++;
            }
        }
    }
}
