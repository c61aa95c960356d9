package io.nitrosim.time;

import java.util.Arrays;

import org.agrona.concurrent.NanoClock;

/**
 * Test agent that fires events at fixed simulated times and records the clock value it saw when each fired.
 * Its deadline is the next unfired event, so it also keeps an otherwise idle virtual run moving (time passes
 * only towards some agent's deadline).
 */
public final class TimerAgent implements SimAgent
{
    private final String roleName;
    private final NanoClock clock;
    private final long[] eventTimesNs;
    private final long[] firedAtNs;
    private int next;
    private int starts;
    private int closes;

    /** @param eventTimesNs event times, in any order. */
    public TimerAgent(final String roleName, final NanoClock clock, final long... eventTimesNs)
    {
        this.roleName = roleName;
        this.clock = clock;
        this.eventTimesNs = eventTimesNs.clone();
        Arrays.sort(this.eventTimesNs);
        this.firedAtNs = new long[eventTimesNs.length];
    }

    @Override
    public void onStart()
    {
        starts++;
    }

    @Override
    public int doWork()
    {
        final long nowNs = clock.nanoTime();
        int fired = 0;
        while (next < eventTimesNs.length && eventTimesNs[next] <= nowNs)
        {
            firedAtNs[next++] = nowNs;
            fired++;
        }
        return fired;
    }

    @Override
    public long nextDeadlineNs()
    {
        return next < eventTimesNs.length ? eventTimesNs[next] : NO_DEADLINE;
    }

    @Override
    public void onClose()
    {
        closes++;
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    public int firedCount()
    {
        return next;
    }

    /** The clock value when event {@code i} (in time order) fired. */
    public long firedAtNs(final int i)
    {
        if (i >= next)
        {
            throw new IllegalArgumentException("event " + i + " has not fired (" + next + " fired)");
        }
        return firedAtNs[i];
    }

    /** Event times in firing order. */
    public long eventTimeNs(final int i)
    {
        return eventTimesNs[i];
    }

    public int starts()
    {
        return starts;
    }

    public int closes()
    {
        return closes;
    }
}
