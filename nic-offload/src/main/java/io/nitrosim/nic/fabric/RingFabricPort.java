package io.nitrosim.nic.fabric;

import org.agrona.MutableDirectBuffer;

import io.nitrosim.shaping.ShapedRing;

/**
 * An in-process fabric link: writes into the destination card's fabric ring with
 * {@code readyAtNs = sent time (the frame's last byte on the sender's uplink) + link latency}, so the destination sees the frame exactly one latency later in
 * virtual time (SimBricks-style timestamps). The ring is many-to-one: every card of the process may write.
 */
public final class RingFabricPort implements FabricPort
{
    private final ShapedRing target;
    private final long latencyNs;

    public RingFabricPort(final ShapedRing target, final long latencyNs)
    {
        if (latencyNs < 0 || latencyNs > 1_000_000_000L)
        {
            throw new IllegalArgumentException("link latency " + latencyNs + " ns out of range, accepted 0..1000000000 ns");
        }
        this.target = target;
        this.latencyNs = latencyNs;
    }

    public long latencyNs()
    {
        return latencyNs;
    }

    @Override
    public int tryClaim(final int length, final int chargedBytes, final long sentNs)
    {
        return target.tryClaim(sentNs + latencyNs, chargedBytes, 0, length);
    }

    @Override
    public MutableDirectBuffer buffer()
    {
        return target.buffer();
    }

    @Override
    public void commit(final int index)
    {
        target.commit(index);
    }

    @Override
    public void abort(final int index)
    {
        target.abort(index);
    }
}
