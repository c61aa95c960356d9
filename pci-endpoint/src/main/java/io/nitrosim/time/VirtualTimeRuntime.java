package io.nitrosim.time;

import java.util.ArrayList;
import java.util.List;

import org.agrona.LangUtil;
import org.agrona.concurrent.NanoClock;

/**
 * Deterministic discrete-time runtime: every agent runs on the caller's thread in the order it was added;
 * when a full pass does no work, the clock jumps to the earliest deadline any agent reports.
 * <p>
 * Nothing here depends on the wall clock or on thread timing, so a given set of agents and inputs produces
 * the same sequence of events bit for bit.
 */
public final class VirtualTimeRuntime implements SimRuntime
{
    private final VirtualClock clock = new VirtualClock();
    private final List<SimAgent> agentList = new ArrayList<>();
    private SimAgent[] agents = new SimAgent[0];
    private long passes;
    private long timeJumps;
    private boolean closed;

    @Override
    public NanoClock clock()
    {
        return clock;
    }

    @Override
    public void add(final SimAgent agent)
    {
        ensureOpen();
        agentList.add(agent);
        agents = agentList.toArray(new SimAgent[0]);
        agent.onStart();
    }

    @Override
    public void remove(final SimAgent agent)
    {
        if (agentList.remove(agent))
        {
            agents = agentList.toArray(new SimAgent[0]);
            agent.onClose();
        }
    }

    @Override
    public long runUntil(final long endNs)
    {
        ensureOpen();
        if (endNs < clock.nanoTime())
        {
            throw new IllegalArgumentException(
                "end time " + endNs + " ns is before the current simulated time " + clock.nanoTime() + " ns");
        }
        long busyPassesAtThisTime = 0;
        while (true)
        {
            if (pass() > 0)
            {
                if (++busyPassesAtThisTime > MAX_BUSY_PASSES_WITHOUT_TIME)
                {
                    throw new IllegalStateException("livelock: agents kept doing work at simulated time "
                        + clock.nanoTime() + " ns for " + MAX_BUSY_PASSES_WITHOUT_TIME + " passes without time advancing "
                        + "(busy: " + busyAgents() + ")");
                }
                continue;
            }
            busyPassesAtThisTime = 0;
            final long nowNs = clock.nanoTime();
            final long deadlineNs = earliestDeadlineNs();
            if (deadlineNs == SimAgent.NO_DEADLINE)
            {
                return nowNs; // quiescent: nothing can ever happen again without outside input
            }
            if (nowNs >= endNs)
            {
                return nowNs;
            }
            // An agent that reports a deadline in the past yet does no work would spin: step past it.
            final long nextNs = Math.min(endNs, Math.max(deadlineNs, nowNs + 1));
            clock.advanceTo(nextNs);
            timeJumps++;
        }
    }

    /** Runs passes at the current time until one does no work; returns the total work done. */
    public int runPassesAtCurrentTime()
    {
        int total = 0;
        int work;
        while ((work = pass()) > 0)
        {
            total += work;
        }
        return total;
    }

    /**
     * Passes with work allowed at one simulated time. Real work at one instant is bounded (rings and queues are
     * bounded), so exceeding this means agents feed each other without time passing: a model bug, reported
     * rather than hung on.
     */
    public static final long MAX_BUSY_PASSES_WITHOUT_TIME = 1_000_000L;

    private String busyAgents()
    {
        final StringBuilder sb = new StringBuilder();
        for (final SimAgent agent : agents)
        {
            try
            {
                if (agent.doWork() > 0)
                {
                    sb.append(sb.length() == 0 ? "" : ", ").append(agent.roleName());
                }
            }
            catch (final Exception ex)
            {
                sb.append(sb.length() == 0 ? "" : ", ").append(agent.roleName()).append(" (threw ").append(ex).append(')');
            }
        }
        return sb.toString();
    }

    /** Runs exactly one pass at the current time (for stepping through a simulation); returns its work. */
    public int step()
    {
        return pass();
    }

    private int pass()
    {
        passes++;
        int work = 0;
        final SimAgent[] agents = this.agents;
        for (final SimAgent agent : agents)
        {
            try
            {
                work += agent.doWork();
            }
            catch (final Exception ex)
            {
                LangUtil.rethrowUnchecked(ex);
            }
        }
        return work;
    }

    private long earliestDeadlineNs()
    {
        long deadline = SimAgent.NO_DEADLINE;
        for (final SimAgent agent : agents)
        {
            deadline = Math.min(deadline, agent.nextDeadlineNs());
        }
        return deadline;
    }

    public long passes()
    {
        return passes;
    }

    public long timeJumps()
    {
        return timeJumps;
    }

    @Override
    public boolean isVirtual()
    {
        return true;
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            for (final SimAgent agent : agents)
            {
                agent.onClose();
            }
            agentList.clear();
            agents = new SimAgent[0];
        }
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("runtime is closed");
        }
    }
}
