package io.nitrosim.time;

import java.util.Arrays;

import org.agrona.concurrent.NanoClock;

/**
 * Test agent that never works and has no deadline; it records every distinct clock value at which the runtime
 * called it, to show which simulated times a run visited.
 */
public final class ClockWitness implements SimAgent
{
    private final NanoClock clock;
    private long[] seenNs = new long[16];
    private int seen;
    private long calls;

    public ClockWitness(final NanoClock clock)
    {
        this.clock = clock;
    }

    @Override
    public int doWork()
    {
        calls++;
        final long nowNs = clock.nanoTime();
        if (seen == 0 || seenNs[seen - 1] != nowNs)
        {
            if (seen == seenNs.length)
            {
                seenNs = Arrays.copyOf(seenNs, seen * 2);
            }
            seenNs[seen++] = nowNs;
        }
        return 0;
    }

    @Override
    public long nextDeadlineNs()
    {
        return NO_DEADLINE;
    }

    @Override
    public String roleName()
    {
        return "clock-witness";
    }

    /** Distinct clock values seen, in the order seen. */
    public long[] seenNs()
    {
        return Arrays.copyOf(seenNs, seen);
    }

    public long calls()
    {
        return calls;
    }
}
