package io.nitrosim.nic.vpc;

import java.util.Arrays;

import io.nitrosim.nic.flow.FlowIndex;
import io.nitrosim.nic.flow.FlowKey;
import io.nitrosim.nic.frame.EthernetFrame;

/**
 * Per-instance connection tracking that makes security groups stateful: a flow allowed once (in either
 * direction) is tracked, and later packets of it, replies included, pass without rule evaluation.
 * <p>
 * Keys are normalised to the instance's side ({@link FlowKey} with local = the instance's address and port),
 * so a reply maps to its request's entry. The table holds at most {@code allowance} flows: a new flow beyond
 * it is refused (the card drops it and counts conntrack_allowance_exceeded). Entries expire after an idle
 * timeout in simulated time that depends on the protocol; expired entries are removed lazily on lookup and by
 * a sweep when the table is full, which runs only when some entry can have expired (a lower bound on the
 * earliest expiry is kept), so a full table of live flows costs nothing per refused packet.
 * <p>
 * Owned by the card agent's thread; no allocation after the table has grown.
 */
public final class ConnTrackTable
{
    private final FlowIndex index;
    private final long tcpIdleTimeoutNs;
    private final long udpIdleTimeoutNs;
    private final long otherIdleTimeoutNs;
    private long[] expiresAtNs;
    private long earliestExpiryBoundNs = Long.MAX_VALUE;
    private long expired;

    /**
     * @param allowance          most tracked flows, 1..2^28.
     * @param tcpIdleTimeoutNs   idle timeout of TCP flows (EC2: 432000 s established).
     * @param udpIdleTimeoutNs   idle timeout of UDP flows.
     * @param otherIdleTimeoutNs idle timeout of ICMP and other flows.
     */
    public ConnTrackTable(
        final int allowance, final long tcpIdleTimeoutNs, final long udpIdleTimeoutNs, final long otherIdleTimeoutNs)
    {
        if (tcpIdleTimeoutNs < 1 || udpIdleTimeoutNs < 1 || otherIdleTimeoutNs < 1)
        {
            throw new IllegalArgumentException("conntrack idle timeouts must be positive, got tcp " + tcpIdleTimeoutNs
                + " ns, udp " + udpIdleTimeoutNs + " ns, other " + otherIdleTimeoutNs + " ns");
        }
        this.index = new FlowIndex(allowance, Math.min(allowance, 1024));
        this.tcpIdleTimeoutNs = tcpIdleTimeoutNs;
        this.udpIdleTimeoutNs = udpIdleTimeoutNs;
        this.otherIdleTimeoutNs = otherIdleTimeoutNs;
        this.expiresAtNs = new long[index.entryCapacity()];
    }

    public int allowance()
    {
        return index.maxEntries();
    }

    /** Tracked flows (expired entries not yet removed included). */
    public int size()
    {
        return index.size();
    }

    /** Entries removed because they expired. */
    public long expiredCount()
    {
        return expired;
    }

    /**
     * Finds a live entry and refreshes its idle timer.
     *
     * @return the entry id, or -1 when untracked (an expired entry is removed and counts as untracked).
     */
    public int lookup(final long hi, final long lo, final long nowNs)
    {
        final int e = index.find(hi, lo);
        if (e < 0)
        {
            return -1;
        }
        if (expiresAtNs[e] <= nowNs)
        {
            index.remove(e);
            expired++;
            return -1;
        }
        expiresAtNs[e] = nowNs + timeoutNs(FlowKey.protocol(lo));
        return e;
    }

    /**
     * Tracks a new flow (the key must be untracked: call {@link #lookup} first).
     *
     * @return the entry id, or -1 when the allowance is reached by live flows.
     */
    public int track(final long hi, final long lo, final long nowNs)
    {
        if (index.size() >= index.maxEntries() && nowNs >= earliestExpiryBoundNs)
        {
            sweep(nowNs);
        }
        final int e = index.insert(hi, lo);
        if (e < 0)
        {
            return -1;
        }
        if (e >= expiresAtNs.length)
        {
            expiresAtNs = Arrays.copyOf(expiresAtNs, index.entryCapacity());
        }
        final long expiry = nowNs + timeoutNs(FlowKey.protocol(lo));
        expiresAtNs[e] = expiry;
        earliestExpiryBoundNs = Math.min(earliestExpiryBoundNs, expiry);
        return e;
    }

    /** Removes every expired entry (in entry-id order); returns how many. */
    public int sweep(final long nowNs)
    {
        int removed = 0;
        long earliest = Long.MAX_VALUE;
        final int highWater = index.highWater();
        for (int e = 0; e < highWater; e++)
        {
            if (index.isLive(e))
            {
                if (expiresAtNs[e] <= nowNs)
                {
                    index.remove(e);
                    removed++;
                }
                else
                {
                    earliest = Math.min(earliest, expiresAtNs[e]);
                }
            }
        }
        expired += removed;
        earliestExpiryBoundNs = earliest;
        return removed;
    }

    public long timeoutNs(final int protocol)
    {
        switch (protocol)
        {
            case EthernetFrame.PROTO_TCP:
                return tcpIdleTimeoutNs;
            case EthernetFrame.PROTO_UDP:
                return udpIdleTimeoutNs;
            default:
                return otherIdleTimeoutNs;
        }
    }
}
