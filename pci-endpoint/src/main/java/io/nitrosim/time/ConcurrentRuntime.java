package io.nitrosim.time;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.agrona.LangUtil;
import org.agrona.concurrent.NanoClock;

/**
 * Real time on several threads. Agents are placed in <em>ownership groups</em> ({@link #placeIn}): the agents of a
 * group share state and run on one thread, in the order they joined; groups share nothing mutable except through
 * thread-safe channels (Agrona rings, atomic counters, a one-writer hand-off). The groups are dealt to at most
 * {@code threads} worker threads in contiguous runs of the order they were created in ({@link GroupDealer}: groups
 * created together, such as an instance's guest and its cards, talk to each other), at first by count, and again
 * between runs by the wall time each group's passes with work took, when that makes the busiest worker at least a
 * tenth lighter.
 * <p>
 * Each worker runs {@link PacedRuntime}'s loop over its own groups, with its <em>own</em> simulated time: a pass
 * calls every group that is due and skips the idle ones ({@link WorkerGroup}: the group is the {@link Wake} its
 * agents give their rings, and a producer on any worker wakes it); after a pass without work the worker's time
 * moves to its groups' earliest deadline, at once when the wall clock is there, otherwise after waiting for it (never ahead of the wall clock, so a record's stamp
 * is never later than the wall clock when another worker takes it). Since input from another thread may arrive at
 * any moment, a waiting worker does not wait for the deadline in one go: it waits as its {@link AdaptiveIdle} says
 * (spinning or yielding while it saw work in the last millisecond or its deadline is near, unless the machine is
 * oversubscribed; otherwise backing off to parks of up to {@link #MAX_IDLE_PARK_NS}, each ending before the
 * deadline) and after each wait moves its time to the wall clock's and makes another pass. A worker that parks
 * says so (a flag and a count of parked workers); a worker whose pass did work
 * wakes every parked worker (the work may have been a hand-off to one of them), so input reaches a parked worker
 * within a thread wake-up rather than a park. A record that lands between a worker's last pass and its park waits
 * for the end of that park, which is why parks stay short. An idle simulator so still costs a wake-up per
 * {@value #MAX_IDLE_PARK_NS} ns per thread and wakes nobody. No worker's time runs more than {@link #MAX_SKEW_NS}
 * ahead of the slowest other worker's: a worker that falls behind holds the others back, so the run falls behind as
 * a whole (as a one-thread run does) rather than its parts drifting apart, and what one thread produces is never
 * stamped far from the time of the thread that takes it. With {@link WorkerIdle#SPIN} every wait is a spin instead
 * (no parks, no wake-ups; a worker held back by the skew bound for long yields) and the bound is
 * {@link #SPIN_MAX_SKEW_NS}: the lowest latency across threads, at a core per worker.
 * <p>
 * The {@link #clock()} every agent is given reads the calling worker's time (a field of the worker thread); from
 * any other thread it reads the time the latest {@link #runUntil} reached (0 before the first). Agents therefore
 * see, as in a virtual run, time that stands still during a pass and moves to their deadlines exactly, and each
 * worker's time is monotonic; times of two workers differ by at most their lags.
 * <p>
 * {@link #runUntil} releases the workers towards the end time and returns when every worker has reached it (a
 * pass without work at that time); then every worker waits for the next call (yielding for up to a millisecond
 * after traffic, as the next call is usually a moment away, then parked), so between calls the caller may read
 * and change agent state, add and remove agents. Records another thread produced just before the end
 * wait in their rings for the next call. Each worker measures its own lag ({@link LagMeter}); the run's lag is the
 * worst worker's, its time behind the worst worker's, its parked time the workers' mean, and each group's busy
 * time is reported under the group's name.
 */
public final class ConcurrentRuntime implements SimRuntime, RealTimePace
{
    /**
     * Longest park of an idle worker (500 us): how stale its published time may get, and how late it sees input in
     * the rare case that the input lands between its last pass and its park. An idle worker wakes 2000 times a
     * second, which costs about 2 % of a core on a virtual machine (measured: 200 us parks cost 5.7 %).
     */
    public static final long MAX_IDLE_PARK_NS = AdaptiveIdle.MAX_PARK_NS;
    /**
     * How far a worker's simulated time may run ahead of the slowest other worker's (100 us): a worker that falls
     * behind (descheduled, or more work than the wall clock allows) holds the others back instead of letting them
     * run on, so the run falls behind as a whole, as a one-thread run does, and the rates agree with a virtual run.
     * It also bounds what the two clocks add to a latency measured across threads (a record stamped by one worker
     * and taken at another's time): at most twice this.
     */
    public static final long MAX_SKEW_NS = 100_000L;
    /**
     * The skew bound of {@link WorkerIdle#SPIN} workers (10 us): spinning workers read the wall clock every pass, so
     * their clocks drift apart only while one of them is descheduled or busy, and what the bound adds to a latency
     * measured across threads stays below the 20 us the spin mode is for.
     */
    public static final long SPIN_MAX_SKEW_NS = 10_000L;
    /**
     * Busy time (of all groups together, 20 ms) to have been measured since the last deal before the groups are
     * dealt again by it: less is too noisy a sample to move groups for.
     */
    static final long REDEAL_SAMPLE_NS = 20_000_000L;
    private static final long CALLER_POLL_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long JOIN_TIMEOUT_MS = 5_000L;

    private final int maxThreads;
    /** How the workers wait when idle. */
    final WorkerIdle idleMode;
    /** How far a worker's time may run ahead of the slowest other worker's ({@link #MAX_SKEW_NS} or the spin one). */
    final long maxSkewNs;
    /** Set between runs only (the generation publishes it to the workers). */
    boolean skipIdleGroups = true;
    /** Counts passes in which a group that may not be skipped did work: every worker then calls all its groups. */
    final AtomicLong everyoneWoken = new AtomicLong();
    private final NanoClock clock = new WorkerClock(this);
    private final List<WorkerGroup> groups = new ArrayList<>();
    private final Map<String, WorkerGroup> groupsByName = new HashMap<>();
    private final List<PaceReport.AgentLoad> groupsThatLeft = new ArrayList<>();
    final List<ConcurrentWorker> workers = new ArrayList<>();
    /** {@link #workers} as an array, for the loops of the workers (set once, at the start). */
    private ConcurrentWorker[] workerArray = new ConcurrentWorker[0];
    final AtomicInteger arrived = new AtomicInteger();
    /** The workers' park flags (set once, at the start). */
    ParkedWorkers parking;
    /** How the caller waits for the workers' arrival; the caller's only. */
    private final AdaptiveIdle callerIdle = new AdaptiveIdle();
    /** Set by a worker that arrives at the end with traffic in its last millisecond; reset by the caller. */
    volatile boolean trafficAtEnd;
    private String placement;
    private long redeals;
    private boolean started;
    private boolean closed;
    volatile long targetNs;
    volatile long generation;
    private volatile long reachedNs;
    private volatile boolean running;
    volatile boolean stopping;
    volatile Throwable firstError;
    volatile Thread caller;

    /** @param threads the most worker threads (at least 1; fewer are started when there are fewer groups). */
    public ConcurrentRuntime(final int threads)
    {
        this(threads, WorkerIdle.ADAPTIVE);
    }

    /**
     * @param threads the most worker threads (at least 1; fewer are started when there are fewer groups).
     * @param idle    how the workers wait when idle ({@link WorkerIdle#SPIN}: they never park or yield).
     */
    public ConcurrentRuntime(final int threads, final WorkerIdle idle)
    {
        if (threads < 1)
        {
            throw new IllegalArgumentException("threads " + threads + " is not accepted, accepted at least 1");
        }
        this.maxThreads = threads;
        this.idleMode = java.util.Objects.requireNonNull(idle, "idle");
        this.maxSkewNs = idle == WorkerIdle.SPIN ? SPIN_MAX_SKEW_NS : MAX_SKEW_NS;
    }

    @Override
    public NanoClock clock()
    {
        return clock;
    }

    @Override
    public boolean isVirtual()
    {
        return false;
    }

    @Override
    public void placeIn(final String groupName)
    {
        this.placement = groupName;
    }

    @Override
    public String placement()
    {
        return placement;
    }

    @Override
    public void add(final SimAgent agent)
    {
        add(agent, placement);
    }

    @Override
    public void add(final SimAgent agent, final String groupName)
    {
        ensureOpen();
        requireBetweenRuns("added");
        WorkerGroup group = groupName == null ? null : groupsByName.get(groupName);
        if (group == null)
        {
            group = new WorkerGroup(groupName == null ? agent.roleName() : groupName);
            if (groupName != null)
            {
                groupsByName.put(groupName, group);
            }
            groups.add(group);
            group.agents.onStart(); // its members start as they join, as a single-thread runtime starts an agent
            if (started)
            {
                assign(group);
            }
        }
        group.agents.add(agent);
        if (skipIdleGroups)
        {
            agent.bindWake(group); // its channels' producers, on any worker, wake the group
        }
    }

    @Override
    public void remove(final SimAgent agent)
    {
        if (closed)
        {
            return;
        }
        requireBetweenRuns("removed");
        for (int i = 0; i < groups.size(); i++)
        {
            final WorkerGroup group = groups.get(i);
            if (group.agents.remove(agent) && group.agents.isEmpty())
            {
                groups.remove(i);
                groupsByName.remove(group.name, group);
                groupsThatLeft.add(new PaceReport.AgentLoad(group.name, group.busyNs));
                if (group.workerIndex >= 0)
                {
                    workerArray[group.workerIndex].drop(group);
                }
                return;
            }
        }
    }

    @Override
    public long runUntil(final long endNs)
    {
        ensureOpen();
        if (endNs < reachedNs)
        {
            throw new IllegalArgumentException(
                "end time " + endNs + " ns is before the current simulated time " + reachedNs + " ns");
        }
        if (endNs == Long.MAX_VALUE)
        {
            throw new IllegalArgumentException("a concurrent real-time run needs a finite end time");
        }
        if (!started)
        {
            start();
        }
        else
        {
            redealByLoad();
        }
        caller = Thread.currentThread();
        final boolean awakeAtEnd = trafficAtEnd;
        trafficAtEnd = false;
        arrived.set(0);
        running = true;
        targetNs = endNs;
        generation = generation + 1; // only this thread writes it; the workers see the target after reading it
        for (final ConcurrentWorker worker : workers)
        {
            LockSupport.unpark(worker);
        }
        awaitArrivals(endNs, awakeAtEnd);
        running = false;
        reachedNs = endNs;
        final Throwable error = firstError;
        if (error != null)
        {
            LangUtil.rethrowUnchecked(error);
        }
        return endNs;
    }

    /**
     * Waits until every worker has reached {@code endNs}. The last to arrive unparks the caller; but when the
     * previous run ended with traffic, the caller is awake (yielding) from just before the end until the arrivals
     * or a millisecond after the end, since the workers also wait for the next call, and a thread wake-up here
     * would hold every record in flight for that long.
     */
    private void awaitArrivals(final long endNs, final boolean awake)
    {
        final long originWallNs = workerArray[0].lag.originWallNs();
        callerIdle.reset();
        while (arrived.get() < workerArray.length)
        {
            final long startNs = WallClock.nanoTime();
            final long wallNs = startNs - originWallNs;
            final long action = awake && wallNs - endNs < AdaptiveIdle.HOT_WINDOW_NS
                ? callerIdle.next(wallNs, endNs) : CALLER_POLL_NS;
            if (action == AdaptiveIdle.SPIN)
            {
                Thread.onSpinWait();
            }
            else if (action == AdaptiveIdle.YIELD)
            {
                Thread.yield();
            }
            else
            {
                final long parkNs = Math.min(action, CALLER_POLL_NS);
                LockSupport.parkNanos(this, parkNs);
                if (arrived.get() < workerArray.length)
                {
                    callerIdle.parkedFor(parkNs, WallClock.nanoTime() - startNs);
                }
            }
        }
    }

    /**
     * Whether idle groups are skipped (the default); off, every group is called in every pass of its worker, as a
     * check that skipping changes nothing and to measure what it saves. Between runs only.
     */
    public void skipIdleGroups(final boolean skip)
    {
        if (running)
        {
            throw new IllegalStateException("skipping of a concurrent runtime is switched between runs only");
        }
        this.skipIdleGroups = skip;
    }

    /** Times the groups were dealt again by their measured load (not counting the first deal). */
    public long redeals()
    {
        return redeals;
    }

    /** Passes of all workers so far (between runs). */
    public long passes()
    {
        long passes = 0;
        for (final ConcurrentWorker worker : workerArray)
        {
            passes += worker.passes;
        }
        return passes;
    }

    /** Calls of groups (each calling all its agents) by all workers so far (between runs). */
    public long groupCalls()
    {
        long calls = 0;
        for (final WorkerGroup group : groups)
        {
            calls += group.calls;
        }
        return calls;
    }

    /** ConcurrentWorker threads started (0 before the first run). */
    public int threads()
    {
        return workers.size();
    }

    /**
     * Times a worker that did work woke a parked one (an unpark, counted once per park it ended). Idle runs wake
     * nobody; a hand-off to a parked worker wakes it.
     */
    public long wakeUps()
    {
        return parking == null ? 0 : parking.wakeUps();
    }

    /** Parks of all workers so far, between runs included (read between runs); 0 with {@link WorkerIdle#SPIN}. */
    public long parks()
    {
        long parks = 0;
        for (final ConcurrentWorker worker : workerArray)
        {
            parks += worker.parks;
        }
        return parks;
    }

    /** Workers parked at this moment (waiting for the wall clock or for work, not between runs). */
    int parkedWorkers()
    {
        return parking == null ? 0 : parking.parked();
    }

    /** The names of the groups each worker runs, worker by worker (empty before the first run). */
    public List<List<String>> groupsByThread()
    {
        final List<List<String>> byThread = new ArrayList<>();
        for (final ConcurrentWorker worker : workers)
        {
            final List<String> names = new ArrayList<>();
            for (final WorkerGroup group : worker.groups)
            {
                names.add(group.name);
            }
            byThread.add(List.copyOf(names));
        }
        return List.copyOf(byThread);
    }

    /** The largest lag of any worker at its latest measurement. */
    @Override
    public long lagNs()
    {
        long lagNs = 0;
        for (final ConcurrentWorker worker : workers)
        {
            lagNs = Math.max(lagNs, worker.lag.lagNs());
        }
        return lagNs;
    }

    @Override
    public PaceReport pace()
    {
        long wallNs = 0;
        long maxLagNs = 0;
        long behindNs = 0;
        long parkedNs = 0;
        for (final ConcurrentWorker worker : workers)
        {
            wallNs = Math.max(wallNs, worker.lag.measuredWallNs());
            maxLagNs = Math.max(maxLagNs, worker.lag.maxLagNs());
            behindNs = Math.max(behindNs, worker.lag.behindNs());
            parkedNs += worker.lag.parkedNs();
        }
        final List<PaceReport.AgentLoad> loads = new ArrayList<>(groups.size() + groupsThatLeft.size());
        for (final WorkerGroup group : groups)
        {
            loads.add(new PaceReport.AgentLoad(group.name, group.busyNs));
        }
        loads.addAll(groupsThatLeft);
        return new PaceReport(reachedNs, wallNs, maxLagNs, behindNs, parkedNs / Math.max(1, workers.size()), loads);
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        stopping = true;
        for (final ConcurrentWorker worker : workers)
        {
            LockSupport.unpark(worker);
        }
        for (final ConcurrentWorker worker : workers)
        {
            try
            {
                worker.join(JOIN_TIMEOUT_MS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        for (final WorkerGroup group : groups)
        {
            group.agents.onClose();
        }
        groups.clear();
        groupsByName.clear();
    }

    private void start()
    {
        started = true;
        final int threads = Math.max(1, Math.min(maxThreads, groups.size()));
        for (int i = 0; i < threads; i++)
        {
            workers.add(new ConcurrentWorker(this, i));
        }
        workerArray = workers.toArray(new ConcurrentWorker[0]);
        parking = new ParkedWorkers(workerArray);
        deal(GroupDealer.dealEvenly(groups.size(), threads));
        final long originWallNs = WallClock.nanoTime() - reachedNs;
        for (final ConcurrentWorker worker : workers)
        {
            worker.lag.startAt(originWallNs, reachedNs);
            worker.nowNs = reachedNs;
            worker.publishedNs = reachedNs;
            worker.start();
        }
    }

    /**
     * The simulated time of the worker furthest behind, other than {@code self} (no limit when alone); a worker
     * parked until its next deadline counts as at that deadline.
     */
    long slowestWorkerNs(final ConcurrentWorker self)
    {
        long slowestNs = Long.MAX_VALUE - maxSkewNs;
        for (final ConcurrentWorker worker : workerArray)
        {
            if (worker != self)
            {
                // a worker parked until its next deadline is not behind (it waits for the wall clock and will be
                // awake by then), so until then its published time is merely stale; one parked waiting for another
                // worker counts as at its own time
                final long workerNs = worker.publishedNs;
                slowestNs = Math.min(slowestNs,
                    parking.isParked(worker.index) ? Math.max(workerNs, worker.parkedUntilNs) : workerNs);
            }
        }
        return slowestNs;
    }

    /** A group created after the start joins the last worker, which runs the latest groups; a re-deal may move it. */
    private void assign(final WorkerGroup group)
    {
        final ConcurrentWorker worker = workerArray[workerArray.length - 1];
        group.workerIndex = worker.index;
        worker.groups = Arrays.copyOf(worker.groups, worker.groups.length + 1);
        worker.groups[worker.groups.length - 1] = group;
    }

    /**
     * Between runs: deals the groups again by the busy time each took since the last such look, if enough was
     * measured and the busiest worker gets at least {@link GroupDealer#MIN_GAIN} lighter. The workers wait for the
     * next generation, which publishes their new groups (and what the previous owner wrote into them, which the
     * caller saw through the arrivals).
     */
    private void redealByLoad()
    {
        final int count = groups.size();
        if (workerArray.length < 2 || count < 2)
        {
            return;
        }
        final long[] loads = new long[count];
        final int[] current = new int[count];
        long total = 0;
        for (int i = 0; i < count; i++)
        {
            final WorkerGroup group = groups.get(i);
            loads[i] = group.busyNs - group.dealtBusyNs;
            current[i] = group.workerIndex;
            total += loads[i];
        }
        if (total < REDEAL_SAMPLE_NS)
        {
            return;
        }
        for (final WorkerGroup group : groups)
        {
            group.dealtBusyNs = group.busyNs;
        }
        final int[] proposed = GroupDealer.deal(loads, workerArray.length);
        if (GroupDealer.better(loads, current, proposed, workerArray.length))
        {
            deal(proposed);
            redeals++;
        }
    }

    /** Gives group {@code i} (in creation order) to worker {@code dealt[i]}; each worker keeps creation order. */
    private void deal(final int[] dealt)
    {
        final List<List<WorkerGroup>> byWorker = new ArrayList<>();
        for (int w = 0; w < workerArray.length; w++)
        {
            byWorker.add(new ArrayList<>());
        }
        for (int i = 0; i < dealt.length; i++)
        {
            final WorkerGroup group = groups.get(i);
            group.workerIndex = dealt[i];
            byWorker.get(dealt[i]).add(group);
        }
        for (int w = 0; w < workerArray.length; w++)
        {
            workerArray[w].groups = byWorker.get(w).toArray(new WorkerGroup[0]);
        }
    }

    private void requireBetweenRuns(final String what)
    {
        if (running)
        {
            throw new IllegalStateException("agents of a concurrent runtime are " + what + " between runs only");
        }
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("runtime is closed");
        }
    }

    void fail(final Throwable error)
    {
        if (firstError == null)
        {
            firstError = error;
        }
    }

    /** Each agent's clock: its worker's simulated time, or the time the latest run reached from other threads. */
    private static final class WorkerClock implements NanoClock
    {
        private final ConcurrentRuntime runtime;

        WorkerClock(final ConcurrentRuntime runtime)
        {
            this.runtime = runtime;
        }

        @Override
        public long nanoTime()
        {
            final Thread thread = Thread.currentThread();
            if (thread instanceof ConcurrentWorker worker && worker.runtime == runtime)
            {
                return worker.nowNs;
            }
            return runtime.reachedNs;
        }
    }
}
