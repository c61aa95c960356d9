package io.nitrosim.time;

import org.agrona.concurrent.NanoClock;

/** Test agent: works {@code burnNs} of wall time every {@code periodNs} of simulated time, {@code limit} times. */
final class Burner implements SimAgent
{
    private final String roleName;
    private final NanoClock clock;
    private final long periodNs;
    private final long burnNs;
    private final int limit;
    private long nextNs;
    int ticks;

    Burner(final NanoClock clock, final long periodNs, final long burnNs)
    {
        this(clock, periodNs, burnNs, Integer.MAX_VALUE);
    }

    Burner(final NanoClock clock, final long periodNs, final long burnNs, final int limit)
    {
        this("burner", clock, periodNs, burnNs, limit);
    }

    Burner(final String roleName, final NanoClock clock, final long periodNs, final long burnNs, final int limit)
    {
        this.roleName = roleName;
        this.clock = clock;
        this.periodNs = periodNs;
        this.burnNs = burnNs;
        this.limit = limit;
    }

    @Override
    public int doWork()
    {
        if (ticks >= limit || clock.nanoTime() < nextNs)
        {
            return 0;
        }
        final long untilNs = WallClock.nanoTime() + burnNs;
        while (WallClock.nanoTime() < untilNs)
        {
            Thread.onSpinWait();
        }
        ticks++;
        nextNs += periodNs;
        return 1;
    }

    @Override
    public long nextDeadlineNs()
    {
        return ticks >= limit ? NO_DEADLINE : nextNs;
    }

    @Override
    public String roleName()
    {
        return roleName;
    }
}
