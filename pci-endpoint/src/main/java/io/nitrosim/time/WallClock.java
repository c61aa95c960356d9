package io.nitrosim.time;

/**
 * The wall clock, for measuring how long a run took and pacing progress output: never for simulated time,
 * which agents read only from their injected clock.
 */
public final class WallClock
{
    private WallClock()
    {
    }

    public static long nanoTime()
    {
        return System.nanoTime();
    }
}
