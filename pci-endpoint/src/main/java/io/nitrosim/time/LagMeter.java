package io.nitrosim.time;

/**
 * How far one thread of a real-time run is behind the wall clock: the latest and largest lag (wall time since
 * the run's origin minus the simulated time whose work that thread has completed), the wall time spent more than
 * {@link PacedRuntime#BEHIND_THRESHOLD_NS} behind, and the time parked waiting for the wall clock. One per
 * running thread ({@link PacedRuntime} has one, {@link ConcurrentRuntime} one per worker); only that thread
 * writes it.
 */
final class LagMeter
{
    private static final long NOT_STARTED = Long.MIN_VALUE;

    private long wallOriginNs = NOT_STARTED;
    private long intervalStartWallNs;
    private long lagNs;
    private long maxLagNs;
    private long behindNs;
    private long parkedNs;

    boolean started()
    {
        return wallOriginNs != NOT_STARTED;
    }

    /** Starts measuring: simulated time {@code simulatedNs} is now, on the wall clock. */
    void start(final long simulatedNs)
    {
        startAt(WallClock.nanoTime() - simulatedNs, simulatedNs);
    }

    /** Starts measuring against a given origin (the wall-clock reading at simulated time 0). */
    void startAt(final long originWallNs, final long simulatedNs)
    {
        wallOriginNs = originWallNs;
        intervalStartWallNs = simulatedNs;
    }

    long originWallNs()
    {
        return wallOriginNs;
    }

    /** Wall time since the origin. */
    long wallNs()
    {
        return WallClock.nanoTime() - wallOriginNs;
    }

    /**
     * Records the lag at {@code simulatedNs}, the simulated time since the previous measurement. In between,
     * simulated time stood still, so the lag grew with the wall clock: it was above the threshold for the last
     * {@code lag - threshold} of the interval (or all of it). Returns the wall time since the origin.
     */
    long measure(final long simulatedNs)
    {
        final long wallNs = wallNs();
        lagNs = Math.max(0, wallNs - simulatedNs);
        maxLagNs = Math.max(maxLagNs, lagNs);
        if (lagNs > PacedRuntime.BEHIND_THRESHOLD_NS)
        {
            behindNs += Math.min(lagNs - PacedRuntime.BEHIND_THRESHOLD_NS, wallNs - intervalStartWallNs);
        }
        intervalStartWallNs = wallNs;
        return wallNs;
    }

    /** Parks until the wall clock reaches simulated time {@code targetNs}. */
    void park(final long targetNs)
    {
        final long startNs = WallClock.nanoTime();
        WallClock.parkUntil(wallOriginNs + targetNs);
        parked(startNs);
    }

    /** Counts the wall time since {@code startWallNs} (a {@link WallClock#nanoTime()} reading) as parked. */
    void parked(final long startWallNs)
    {
        final long endNs = WallClock.nanoTime();
        parkedNs += endNs - startWallNs;
        intervalStartWallNs = endNs - wallOriginNs;
    }

    long lagNs()
    {
        return lagNs;
    }

    long maxLagNs()
    {
        return maxLagNs;
    }

    long behindNs()
    {
        return behindNs;
    }

    long parkedNs()
    {
        return parkedNs;
    }

    /** Wall time since the origin at the latest measurement (0 before the start). */
    long measuredWallNs()
    {
        return started() ? intervalStartWallNs : 0;
    }
}
