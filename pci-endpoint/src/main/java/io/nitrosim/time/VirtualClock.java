package io.nitrosim.time;

import org.agrona.concurrent.NanoClock;

/**
 * Simulated time, moved only by the virtual-time runtime. Starts at 0.
 */
public final class VirtualClock implements NanoClock
{
    private long nowNs;

    @Override
    public long nanoTime()
    {
        return nowNs;
    }

    /** Moves time forward; time never runs backwards. */
    void advanceTo(final long timeNs)
    {
        if (timeNs < nowNs)
        {
            throw new IllegalStateException("time cannot go back: now=" + nowNs + " ns, asked " + timeNs + " ns");
        }
        nowNs = timeNs;
    }
}
