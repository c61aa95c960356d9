package io.nitrosim.time;

/**
 * How a {@link ConcurrentRuntime} worker waits when a pass found nothing to do: whether to spin, yield or park,
 * and for how long. It keeps no clock of its own (the worker passes wall-clock readings in), so it is exercised in
 * tests with made-up times.
 * <ul>
 *   <li><b>Hot</b>: a worker that did work less than {@value #HOT_WINDOW_NS} ns ago, or whose next deadline is
 *   near (within {@value #NEAR_DEADLINE_NS} ns plus what its parks have lately overshot), never parks: it spins
 *   {@value #SPINS} times, then yields between passes. Traffic less than the window apart so keeps both ends of a
 *   hand-off awake and a record crossing threads is taken within a pass (a park would cost a timer wake-up: 50 to
 *   80 us at p50 on the 2-core virtual machine this was measured on), and a deadline is met on the wall clock rather
 *   than a timer tick late.</li>
 *   <li><b>Cold</b>: otherwise it backs off as Agrona's {@code BackoffIdleStrategy} does: {@value #SPINS} spins,
 *   {@value #YIELDS} yields, then parks doubling from {@value #MIN_PARK_NS} ns up to {@value #MAX_PARK_NS} ns, each
 *   park ending early enough to be awake (spinning) for the next deadline. A cold worker is woken by the worker
 *   that hands it input ({@link ConcurrentRuntime}), so the longest park bounds only how stale its published
 *   time gets (which the skew bound of the other workers reads), and an idle simulator costs a wake-up per
 *   {@value #MAX_PARK_NS} ns per worker, as before.</li>
 * </ul>
 * <b>Contended</b>: a yield that came back after more than {@value #DESCHEDULED_NS} ns lost its core to another
 * thread: the machine has more runnable threads than cores. Then, for {@value #CONTENDED_NS} ns, recent work no
 * longer keeps the worker awake (near deadlines still do): on an oversubscribed machine a thread that yields keeps
 * losing its core, while one that sleeps is let back in as soon as it is woken, so a hand-off waits less for a
 * parked worker's wake-up than for a yielding one's turn.
 * <p>
 * Written and read by its worker only; allocation-free.
 */
final class AdaptiveIdle
{
    /** A worker that did work this recently (1 ms) does not park. */
    static final long HOT_WINDOW_NS = 1_000_000L;
    /** A deadline this near (50 us, plus the parks' recent overshoot) is waited for awake. */
    static final long NEAR_DEADLINE_NS = 50_000L;
    /** The most park overshoot allowed for (a park that came back this much later than asked, 200 us). */
    static final long MAX_OVERSHOOT_NS = 200_000L;
    /** A yield that took this long (200 us) lost its core to another thread. */
    static final long DESCHEDULED_NS = 200_000L;
    /** How long recent work does not keep a worker awake after a yield lost its core (100 ms). */
    static final long CONTENDED_NS = 100_000_000L;
    static final int SPINS = 10;
    static final int YIELDS = 10;
    static final long MIN_PARK_NS = 1_000L;
    /** Longest park of a cold worker (500 us). */
    static final long MAX_PARK_NS = 500_000L;

    /** {@link #next}: spin once ({@link Thread#onSpinWait()}). */
    static final long SPIN = -1;
    /** {@link #next}: yield once ({@link Thread#yield()}). */
    static final long YIELD = 0;

    private long lastWorkWallNs = Long.MIN_VALUE / 2;
    private long idles;
    private long parkNs = MIN_PARK_NS;
    private long overshootNs;
    private long contendedUntilWallNs = Long.MIN_VALUE / 2;

    /** A pass did work at {@code wallNs}: hot for the next {@link #HOT_WINDOW_NS}, and the back-off starts over. */
    void worked(final long wallNs)
    {
        lastWorkWallNs = wallNs;
        reset();
    }

    /** Starts the back-off over without counting as work (the worker moved on to a deadline that was due). */
    void reset()
    {
        idles = 0;
        parkNs = MIN_PARK_NS;
    }

    /** Whether recent work keeps the worker awake at {@code wallNs} (not while the machine is contended). */
    boolean isHot(final long wallNs)
    {
        return wallNs - lastWorkWallNs < HOT_WINDOW_NS && wallNs - contendedUntilWallNs >= 0;
    }

    /** A yield from {@code startWallNs} returned at {@code endWallNs}: if it lost its core, the machine is busy. */
    void yielded(final long startWallNs, final long endWallNs)
    {
        if (endWallNs - startWallNs > DESCHEDULED_NS)
        {
            contendedUntilWallNs = endWallNs + CONTENDED_NS;
        }
    }

    /**
     * The next wait, at wall time {@code wallNs}, of a worker that must be awake by {@code awakeByWallNs}
     * ({@link Long#MAX_VALUE}: no deadline): {@link #SPIN}, {@link #YIELD}, or a park of that many ns (positive).
     */
    long next(final long wallNs, final long awakeByWallNs)
    {
        idles++;
        final long leftNs = awakeByWallNs == Long.MAX_VALUE ? Long.MAX_VALUE : awakeByWallNs - wallNs;
        final long marginNs = NEAR_DEADLINE_NS + overshootNs;
        if (isHot(wallNs) || leftNs <= marginNs)
        {
            return idles <= SPINS ? SPIN : YIELD;
        }
        if (idles <= SPINS)
        {
            return SPIN;
        }
        if (idles <= SPINS + YIELDS)
        {
            return YIELD;
        }
        final long park = Math.min(parkNs, leftNs - marginNs);
        parkNs = Math.min(MAX_PARK_NS, parkNs * 2);
        return park;
    }

    /**
     * A park of {@code requestedNs} came back after {@code parkedNs} without being woken: learns how late the
     * timer is (a quarter of each new sample), so parks before a deadline end that much earlier.
     */
    void parkedFor(final long requestedNs, final long parkedNs)
    {
        final long sampleNs = Math.max(0, Math.min(MAX_OVERSHOOT_NS, parkedNs - requestedNs));
        overshootNs += (sampleNs - overshootNs) / 4;
    }

    /** The park overshoot allowed for at present. */
    long overshootNs()
    {
        return overshootNs;
    }
}
