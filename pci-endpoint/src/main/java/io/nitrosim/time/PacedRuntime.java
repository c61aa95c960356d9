package io.nitrosim.time;

import java.util.ArrayList;
import java.util.List;

/**
 * Real time on one thread: the passes of {@link VirtualTimeRuntime}, but before the clock moves to the next
 * deadline the thread parks until the wall clock gets there. Agents see simulated time (exactly their deadlines,
 * as in a virtual run), and simulated time keeps pace with the wall clock as long as the passes between two
 * deadlines take less wall time than the gap between them. When they take more, the runtime does not park: it
 * runs behind, and says by how much.
 * <p>
 * It measures, continuously, the <em>lag</em>: wall time since the run started minus the simulated time whose
 * work has just been completed, taken at every time jump and at the end of every {@link #runUntil}. It keeps the
 * latest and the largest lag, the wall time spent more than {@value #BEHIND_THRESHOLD_NS} ns behind, the time
 * parked, and per agent the wall time spent working: a pass reads the wall clock when it starts and after each
 * agent that did work, and charges that agent the time since the previous read, so the few nanoseconds of idle
 * agents go to the next agent that works.
 * <p>
 * An agent that leaves is reported by its role name and busy time, without keeping the agent (a long-lived
 * runtime, such as a region whose instances come and go, must let removed agents be collected); past
 * {@value #MAX_LEFT_REPORTED} such agents, the rest are reported together as one entry.
 * <p>
 * Wall time starts at the first {@link #runUntil}, not at construction (building a simulation takes wall time
 * that is no lag). The runtime may run up to {@value #MAX_LEAD_NS} ns ahead of the wall clock rather than park
 * for less than a timer tick. Not thread-safe: {@link #pace()} and {@link #lagNs()} are for the running thread.
 */
public final class PacedRuntime extends SingleThreadRuntime
{
    /** Lag above this counts as behind (1 ms). */
    public static final long BEHIND_THRESHOLD_NS = 1_000_000L;
    /** How far simulated time may run ahead of the wall clock instead of parking for a shorter time (50 us). */
    public static final long MAX_LEAD_NS = 50_000L;

    /** Agents that left reported one by one; later ones are summed into one entry. */
    public static final int MAX_LEFT_REPORTED = 1024;

    private static final long NOT_STARTED = Long.MIN_VALUE;

    private final List<Slot> liveAgents = new ArrayList<>();
    private final List<PaceReport.AgentLoad> agentsThatLeft = new ArrayList<>();
    private int moreAgentsThatLeft;
    private long moreAgentsThatLeftBusyNs;
    private long wallOriginNs = NOT_STARTED;
    private long intervalStartWallNs;
    private long lagNs;
    private long maxLagNs;
    private long behindNs;
    private long parkedNs;

    @Override
    public boolean isVirtual()
    {
        return false;
    }

    /** Lag at the latest time jump (0 when ahead or on time, and before the run starts). */
    public long lagNs()
    {
        return lagNs;
    }

    /** The largest lag measured so far (see {@link PaceReport#maxLagNs}). */
    public long maxLagNs()
    {
        return maxLagNs;
    }

    /** What the run so far achieved against the wall clock. */
    public PaceReport pace()
    {
        final List<PaceReport.AgentLoad> agents = new ArrayList<>(liveAgents.size() + agentsThatLeft.size() + 1);
        for (final Slot slot : liveAgents)
        {
            agents.add(new PaceReport.AgentLoad(slot.agent.roleName(), slot.busyNs));
        }
        agents.addAll(agentsThatLeft);
        if (moreAgentsThatLeft > 0)
        {
            agents.add(new PaceReport.AgentLoad(moreAgentsThatLeft + " more agents that left", moreAgentsThatLeftBusyNs));
        }
        final long wallNs = wallOriginNs == NOT_STARTED ? 0 : intervalStartWallNs;
        return new PaceReport(clock.nanoTime(), wallNs, maxLagNs, behindNs, parkedNs, agents);
    }

    @Override
    int pass(final Slot[] slots)
    {
        int work = 0;
        long markNs = WallClock.nanoTime();
        for (final Slot slot : slots)
        {
            final int agentWork = doWork(slot.agent);
            if (agentWork > 0)
            {
                final long nowNs = WallClock.nanoTime();
                slot.busyNs += nowNs - markNs;
                markNs = nowNs;
                work += agentWork;
            }
        }
        return work;
    }

    @Override
    void onAdded(final Slot slot)
    {
        liveAgents.add(slot);
    }

    @Override
    void onRemoved(final Slot slot)
    {
        liveAgents.remove(slot);
        if (agentsThatLeft.size() < MAX_LEFT_REPORTED)
        {
            agentsThatLeft.add(new PaceReport.AgentLoad(slot.agent.roleName(), slot.busyNs));
        }
        else
        {
            moreAgentsThatLeft++;
            moreAgentsThatLeftBusyNs += slot.busyNs;
        }
    }

    @Override
    void onRunStart()
    {
        if (wallOriginNs == NOT_STARTED)
        {
            wallOriginNs = WallClock.nanoTime() - clock.nanoTime();
            intervalStartWallNs = clock.nanoTime();
        }
    }

    @Override
    void beforeTimeJump(final long nowNs, final long nextNs)
    {
        final long wallNs = measure(nowNs);
        if (nextNs - wallNs > MAX_LEAD_NS)
        {
            park(nextNs - MAX_LEAD_NS);
        }
    }

    @Override
    void onReached(final long nowNs)
    {
        measure(nowNs);
    }

    /** Nothing to do until the end: wall time still passes, so wait for it and let simulated time follow. */
    @Override
    long onQuiescent(final long nowNs, final long endNs)
    {
        measure(nowNs);
        if (endNs == Long.MAX_VALUE)
        {
            return nowNs; // an open-ended run with nothing left to do
        }
        park(endNs);
        clock.advanceTo(endNs);
        measure(endNs);
        return endNs;
    }

    /**
     * Records the lag at {@code simulatedNs}, the simulated time since the last time jump (or since the run
     * started). In between, simulated time stood still, so the lag grew with the wall clock: it was above the
     * threshold for the last {@code lag - threshold} of the interval (or all of it). Returns the wall time since
     * the origin.
     */
    private long measure(final long simulatedNs)
    {
        final long wallNs = WallClock.nanoTime() - wallOriginNs;
        lagNs = Math.max(0, wallNs - simulatedNs);
        maxLagNs = Math.max(maxLagNs, lagNs);
        if (lagNs > BEHIND_THRESHOLD_NS)
        {
            behindNs += Math.min(lagNs - BEHIND_THRESHOLD_NS, wallNs - intervalStartWallNs);
        }
        intervalStartWallNs = wallNs;
        return wallNs;
    }

    /** Parks until the wall clock reaches simulated time {@code targetNs}. */
    private void park(final long targetNs)
    {
        final long startNs = WallClock.nanoTime();
        WallClock.parkUntil(wallOriginNs + targetNs);
        final long endNs = WallClock.nanoTime();
        parkedNs += endNs - startNs;
        intervalStartWallNs = endNs - wallOriginNs;
    }
}
