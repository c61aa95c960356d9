package io.nitrosim.time;

/**
 * How the workers of a {@link ConcurrentRuntime} wait when a pass found nothing to do (the scenario's {@code idle}).
 */
public enum WorkerIdle
{
    /**
     * Spin, yield or park as {@link AdaptiveIdle} says: awake while traffic is recent, parked when idle, so an idle
     * simulator costs a few percent of a core per worker; a record crossing threads may wait for a park or a lost
     * yield (tens to a few hundred microseconds at p99 on a busy 2-core machine).
     */
    ADAPTIVE,
    /**
     * Never park: every wait is one {@link Thread#onSpinWait()} followed by a wall-clock reading, so a record
     * crossing threads is taken within a pass and the workers' clocks stay within {@link
     * ConcurrentRuntime#SPIN_MAX_SKEW_NS} of each other. The one yield: a worker held back by the skew bound for
     * over {@link ConcurrentWorker#SPIN_HELD_YIELD_NS} (the worker it waits for has lost its core). Each worker
     * burns a whole core for the run, idle or not; on a machine with fewer free cores than workers it falls behind.
     */
    SPIN;

    /** The scenario's spelling ({@code adaptive}, {@code spin}). */
    public String key()
    {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
