package io.nitrosim.time;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/** One thread of a {@link ConcurrentRuntime}: its groups, its simulated time, its lag. */
final class ConcurrentWorker extends Thread
{
    /**
     * A {@link WorkerIdle#SPIN} worker held back by the skew bound for longer than this (50 us of wall time) yields
     * once per wait until it is let go: the worker it waits for is then off its core (the machine has more runnable
     * threads than cores), and spinning through the rest of its time slice would only keep it off longer. Measured
     * at load 7 to 8 on 2 cores: a 3 s ping run fell 15.7 to 17.7 s behind without it, 2.5 to 5.1 s with it.
     */
    static final long SPIN_HELD_YIELD_NS = 50_000L;

    final ConcurrentRuntime runtime;
    final LagMeter lag = new LagMeter();
    final AdaptiveIdle idle = new AdaptiveIdle();
    final int index;
    /** {@link WorkerIdle#SPIN}: every wait is a spin, between runs too. */
    private final boolean spin;
    /** Changed between runs only (the caller's write of the generation publishes it). */
    WorkerGroup[] groups = new WorkerGroup[0];
    /** This worker's simulated time; read and written by this thread only. */
    long nowNs;
    /** While parked: the simulated time the other workers' skew bound counts it as at. */
    volatile long parkedUntilNs;
    /** {@link #nowNs} for the other workers (which keep within {@link ConcurrentRuntime#MAX_SKEW_NS} of it). */
    volatile long publishedNs;
    private long seenGeneration;
    /** Passes so far; written by this worker, read between runs. */
    long passes;
    /** Parks so far (between runs included); written by this worker, read between runs. */
    long parks;
    /** {@link ConcurrentRuntime#everyoneWoken} as of this worker's latest pass. */
    private long seenEveryoneWoken;
    /** The wall-clock reading after the last group that did work in the latest {@link #pass()}. */
    private long lastPassEndWallNs;
    /** Spinning: when the skew bound began to hold this worker back (0: it does not). */
    private long heldSinceWallNs;

    ConcurrentWorker(final ConcurrentRuntime runtime, final int index)
    {
        super("nitro-sim-worker-" + index);
        this.runtime = runtime;
        this.index = index;
        this.spin = runtime.idleMode == WorkerIdle.SPIN;
        setDaemon(true);
    }

    void drop(final WorkerGroup group)
    {
        final List<WorkerGroup> kept = new ArrayList<>(Arrays.asList(groups));
        kept.remove(group);
        groups = kept.toArray(new WorkerGroup[0]);
    }

    @Override
    public void run()
    {
        final ConcurrentRuntime rt = runtime;
        while (!rt.stopping)
        {
            final long generation = rt.generation;
            if (generation == seenGeneration)
            {
                // between runs: a worker that just had traffic yields, as the next run is usually a moment away
                final long wallNs = lag.wallNs();
                if (spin)
                {
                    Thread.onSpinWait();
                }
                else if (idle.isHot(wallNs))
                {
                    Thread.yield();
                    idle.yielded(wallNs, lag.wallNs());
                }
                else
                {
                    parks++;
                    LockSupport.park(this);
                }
                continue;
            }
            seenGeneration = generation;
            try
            {
                runTo(rt.targetNs);
            }
            catch (final Throwable error)
            {
                rt.fail(error);
            }
            if (idle.isHot(lag.wallNs()))
            {
                rt.trafficAtEnd = true;
            }
            if (rt.arrived.incrementAndGet() == rt.workers.size())
            {
                LockSupport.unpark(rt.caller);
            }
        }
    }

    /** Runs this worker's groups until its time reaches {@code targetNs} and a pass there does no work. */
    private void runTo(final long targetNs)
    {
        wakeUpAll(); // the caller may have changed any agent's state since the last run
        long busyPasses = 0;
        while (runtime.firstError == null && !runtime.stopping)
        {
            if (pass() > 0)
            {
                if (!spin) // spinning workers never park: nobody to wake
                {
                    idle.worked(lastPassEndWallNs - lag.originWallNs());
                    runtime.parking.wakeAllBut(index);
                }
                if (++busyPasses > SingleThreadRuntime.MAX_BUSY_PASSES_WITHOUT_TIME)
                {
                    throw new IllegalStateException("livelock: " + getName() + " kept doing work at simulated time "
                        + nowNs + " ns for " + SingleThreadRuntime.MAX_BUSY_PASSES_WITHOUT_TIME
                        + " passes without time advancing (groups: " + names() + ")");
                }
                continue;
            }
            busyPasses = 0;
            final long wallNs = lag.measure(nowNs);
            if (nowNs >= targetNs)
            {
                return;
            }
            final long earliestNs = earliestDeadlineNs();
            if (earliestNs == Long.MIN_VALUE)
            {
                continue; // woken after its group's pass: take the record at this time
            }
            final long deadlineNs = Math.min(targetNs, earliestNs);
            final boolean due = deadlineNs <= wallNs;
            long nextNs;
            if (due)
            {
                // on time or behind: the next deadline at once (one that does no work is stepped past)
                nextNs = Math.max(deadlineNs, nowNs + 1);
            }
            else
            {
                // ahead of the wall clock: wait for it, but look again soon for input from other threads
                waitUntil(deadlineNs, deadlineNs);
                nextNs = Math.max(nowNs, Math.min(deadlineNs, lag.wallNs()));
            }
            final long boundNs = runtime.slowestWorkerNs(this) + runtime.maxSkewNs;
            if (nextNs > boundNs)
            {
                // another worker is behind: wait for it (backing off) rather than leave it further behind
                nextNs = Math.max(nowNs, boundNs);
                if (spin)
                {
                    yieldIfHeldLong();
                }
                waitUntil(Long.MAX_VALUE, nowNs); // parked, it still holds the others at its time
            }
            else
            {
                heldSinceWallNs = 0;
                if (due)
                {
                    idle.reset();
                }
            }
            if (nextNs != nowNs)
            {
                nowNs = nextNs;
                publishedNs = nextNs;
            }
        }
    }

    /**
     * One wait (a spin, a yield or a park, as {@link #idle} says; always a spin with {@link WorkerIdle#SPIN}) of a
     * worker that must be awake by simulated time {@code awakeByNs} ({@link Long#MAX_VALUE}: no limit). A park can
     * be ended early by a worker that did work ({@link ParkedWorkers#wakeAllBut}); while parked, the other workers'
     * skew bound counts this one as at {@code parkedAtNs} (the deadline it waits for; its own time when it waits for
     * another worker).
     */
    private void waitUntil(final long awakeByNs, final long parkedAtNs)
    {
        final long waitStartNs = WallClock.nanoTime();
        final long originNs = lag.originWallNs();
        final long action = spin ? AdaptiveIdle.SPIN : idle.next(waitStartNs - originNs, awakeByNs);
        if (action == AdaptiveIdle.SPIN)
        {
            Thread.onSpinWait();
        }
        else if (action == AdaptiveIdle.YIELD)
        {
            Thread.yield();
            idle.yielded(waitStartNs - originNs, WallClock.nanoTime() - originNs);
        }
        else
        {
            parkedUntilNs = parkedAtNs; // before the flag, which publishes it
            park(action);
        }
        lag.parked(waitStartNs);
    }

    /** Spinning and held back by the skew bound: yields once the hold has lasted {@link #SPIN_HELD_YIELD_NS}. */
    private void yieldIfHeldLong()
    {
        final long wallNs = WallClock.nanoTime();
        if (heldSinceWallNs == 0)
        {
            heldSinceWallNs = wallNs;
        }
        else if (wallNs - heldSinceWallNs > SPIN_HELD_YIELD_NS)
        {
            Thread.yield();
        }
    }

    private void park(final long parkNs)
    {
        final long startNs = WallClock.nanoTime();
        parks++;
        if (runtime.parking.park(index, parkNs))
        {
            idle.parkedFor(parkNs, WallClock.nanoTime() - startNs); // learn how late the timer was
        }
    }

    /** One call of every due group ({@link WorkerGroup#passAt}), in order; returns the work. */
    private int pass()
    {
        final long everyone = runtime.everyoneWoken.get();
        if (everyone != seenEveryoneWoken)
        {
            seenEveryoneWoken = everyone;
            wakeUpAll();
        }
        int work = 0;
        boolean pollerWorked = false;
        long markNs = WallClock.nanoTime();
        passes++;
        for (final WorkerGroup group : groups)
        {
            final int groupWork = group.passAt(nowNs);
            if (groupWork > 0)
            {
                final long wallNs = WallClock.nanoTime();
                group.busyNs += wallNs - markNs;
                markNs = wallNs;
                work += groupWork;
                pollerWorked |= !group.skippable();
            }
        }
        lastPassEndWallNs = markNs;
        if (pollerWorked && runtime.skipIdleGroups)
        {
            // it may have changed what any group polls without a channel (as in a single-thread runtime)
            seenEveryoneWoken = runtime.everyoneWoken.incrementAndGet();
            wakeUpAll();
        }
        return work;
    }

    private void wakeUpAll()
    {
        for (final WorkerGroup group : groups)
        {
            group.wakeUp();
        }
    }

    /** The earliest deadline of its groups; {@link Long#MIN_VALUE} when one was woken since its pass. */
    private long earliestDeadlineNs()
    {
        long deadlineNs = SimAgent.NO_DEADLINE;
        for (final WorkerGroup group : groups)
        {
            deadlineNs = Math.min(deadlineNs, group.deadlineNs(runtime.skipIdleGroups));
            if (group.woken())
            {
                return Long.MIN_VALUE; // another pass at this time first: it may have work now
            }
        }
        return deadlineNs;
    }

    private String names()
    {
        final StringBuilder sb = new StringBuilder();
        for (final WorkerGroup group : groups)
        {
            sb.append(sb.length() == 0 ? "" : ", ").append(group.name);
        }
        return sb.toString();
    }
}
