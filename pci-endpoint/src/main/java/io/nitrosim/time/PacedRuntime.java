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
public final class PacedRuntime extends SingleThreadRuntime implements RealTimePace
{
    /** Lag above this counts as behind (1 ms). */
    public static final long BEHIND_THRESHOLD_NS = 1_000_000L;
    /** How far simulated time may run ahead of the wall clock instead of parking for a shorter time (50 us). */
    public static final long MAX_LEAD_NS = 50_000L;

    /** Agents that left reported one by one; later ones are summed into one entry. */
    public static final int MAX_LEFT_REPORTED = 1024;

    private final List<Slot> liveAgents = new ArrayList<>();
    private final List<PaceReport.AgentLoad> agentsThatLeft = new ArrayList<>();
    private final LagMeter lag = new LagMeter();
    private int moreAgentsThatLeft;
    private long moreAgentsThatLeftBusyNs;
    /** Wall time of the latest pass start or agent that did work: the next working agent is charged from here. */
    private long markNs;

    @Override
    public boolean isVirtual()
    {
        return false;
    }

    /** Lag at the latest time jump (0 when ahead or on time, and before the run starts). */
    @Override
    public long lagNs()
    {
        return lag.lagNs();
    }

    /** The largest lag measured so far (see {@link PaceReport#maxLagNs}). */
    public long maxLagNs()
    {
        return lag.maxLagNs();
    }

    /** What the run so far achieved against the wall clock. */
    @Override
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
        return new PaceReport(clock.nanoTime(), lag.measuredWallNs(), lag.maxLagNs(), lag.behindNs(), lag.parkedNs(),
            agents);
    }

    @Override
    void startPass()
    {
        markNs = WallClock.nanoTime();
    }

    @Override
    int work(final Slot slot)
    {
        final int agentWork = doWork(slot.agent);
        if (agentWork > 0)
        {
            final long nowNs = WallClock.nanoTime();
            slot.busyNs += nowNs - markNs;
            markNs = nowNs;
        }
        return agentWork;
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
        if (!lag.started())
        {
            lag.start(clock.nanoTime());
        }
    }

    @Override
    void beforeTimeJump(final long nowNs, final long nextNs)
    {
        final long wallNs = lag.measure(nowNs);
        if (nextNs - wallNs > MAX_LEAD_NS)
        {
            lag.park(nextNs - MAX_LEAD_NS);
        }
    }

    @Override
    void onReached(final long nowNs)
    {
        lag.measure(nowNs);
    }

    /** Nothing to do until the end: wall time still passes, so wait for it and let simulated time follow. */
    @Override
    long onQuiescent(final long nowNs, final long endNs)
    {
        lag.measure(nowNs);
        if (endNs == Long.MAX_VALUE)
        {
            return nowNs; // an open-ended run with nothing left to do
        }
        lag.park(endNs);
        clock.advanceTo(endNs);
        lag.measure(endNs);
        return endNs;
    }
}
