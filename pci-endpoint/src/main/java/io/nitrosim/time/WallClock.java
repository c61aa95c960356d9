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

    /** Parks the calling thread until the wall clock reaches {@code deadlineNs} (a {@link #nanoTime()} value). */
    public static void parkUntil(final long deadlineNs)
    {
        long remainingNs;
        while ((remainingNs = deadlineNs - System.nanoTime()) > 0)
        {
            java.util.concurrent.locks.LockSupport.parkNanos(remainingNs);
            if (Thread.currentThread().isInterrupted())
            {
                return;
            }
        }
    }
}
