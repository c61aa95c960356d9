package io.nitrosim.time;

import java.util.ArrayList;
import java.util.List;

import org.agrona.LangUtil;
import org.agrona.concurrent.NanoClock;

/**
 * Every agent on the caller's thread, in the order it was added, against a clock that moves only between passes:
 * when a full pass does no work, the clock moves to the earliest deadline any agent reports. The base of the two
 * single-threaded runtimes: {@link VirtualTimeRuntime} moves the clock at once, {@link PacedRuntime} waits for
 * the wall clock to reach each new time first. Both run the same passes, so a paced run processes the same
 * events as a virtual one.
 */
abstract sealed class SingleThreadRuntime implements SimRuntime permits VirtualTimeRuntime, PacedRuntime
{
    /**
     * Passes with work allowed at one simulated time. Real work at one instant is bounded (rings and queues are
     * bounded), so exceeding this means agents feed each other without time passing: a model bug, reported
     * rather than hung on.
     */
    public static final long MAX_BUSY_PASSES_WITHOUT_TIME = 1_000_000L;

    /** An agent and the wall time it spent working (kept by the paced runtime only). */
    static final class Slot
    {
        final SimAgent agent;
        long busyNs;

        Slot(final SimAgent agent)
        {
            this.agent = agent;
        }
    }

    final VirtualClock clock = new VirtualClock();
    private final List<Slot> slotList = new ArrayList<>();
    Slot[] slots = new Slot[0];
    private long passes;
    private long timeJumps;
    private boolean closed;

    @Override
    public final NanoClock clock()
    {
        return clock;
    }

    @Override
    public final void add(final SimAgent agent)
    {
        ensureOpen();
        final Slot slot = new Slot(agent);
        slotList.add(slot);
        slots = slotList.toArray(new Slot[0]);
        onAdded(slot);
        agent.onStart();
    }

    @Override
    public final void remove(final SimAgent agent)
    {
        for (int i = 0; i < slotList.size(); i++)
        {
            if (slotList.get(i).agent == agent)
            {
                final Slot slot = slotList.remove(i);
                slots = slotList.toArray(new Slot[0]);
                onRemoved(slot);
                agent.onClose();
                return;
            }
        }
    }

    @Override
    public final long runUntil(final long endNs)
    {
        ensureOpen();
        if (endNs < clock.nanoTime())
        {
            throw new IllegalArgumentException(
                "end time " + endNs + " ns is before the current simulated time " + clock.nanoTime() + " ns");
        }
        onRunStart();
        long busyPassesAtThisTime = 0;
        while (true)
        {
            passes++;
            if (pass(slots) > 0)
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
                return onQuiescent(nowNs, endNs); // nothing can happen again without outside input
            }
            if (nowNs >= endNs)
            {
                onReached(nowNs);
                return nowNs;
            }
            // An agent that reports a deadline in the past yet does no work would spin: step past it.
            final long nextNs = Math.min(endNs, Math.max(deadlineNs, nowNs + 1));
            beforeTimeJump(nowNs, nextNs);
            clock.advanceTo(nextNs);
            timeJumps++;
        }
    }

    /** Runs passes at the current time until one does no work; returns the total work done. */
    public final int runPassesAtCurrentTime()
    {
        int total = 0;
        int work;
        while ((work = step()) > 0)
        {
            total += work;
        }
        return total;
    }

    /** Runs exactly one pass at the current time (for stepping through a simulation); returns its work. */
    public final int step()
    {
        passes++;
        return pass(slots);
    }

    /** One call of every agent's {@code doWork()}; returns the work done. */
    int pass(final Slot[] slots)
    {
        int work = 0;
        for (final Slot slot : slots)
        {
            work += doWork(slot.agent);
        }
        return work;
    }

    static int doWork(final SimAgent agent)
    {
        try
        {
            return agent.doWork();
        }
        catch (final Exception ex)
        {
            LangUtil.rethrowUnchecked(ex);
            return 0; // unreachable
        }
    }

    /** Called when an agent joins. */
    void onAdded(final Slot slot)
    {
    }

    /** Called when an agent leaves (before it is closed). */
    void onRemoved(final Slot slot)
    {
    }

    /** Called when runUntil starts, before the first pass. */
    void onRunStart()
    {
    }

    /** Called after a pass without work at {@code nowNs}, before the clock moves to {@code nextNs}. */
    void beforeTimeJump(final long nowNs, final long nextNs)
    {
    }

    /** Called when runUntil returns because simulated time reached its end. */
    void onReached(final long nowNs)
    {
    }

    /**
     * Called when no agent has work or a deadline; returns the time runUntil reports. Virtual time stands still
     * (nothing will ever happen).
     */
    long onQuiescent(final long nowNs, final long endNs)
    {
        return nowNs;
    }

    private String busyAgents()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Slot slot : slots)
        {
            try
            {
                if (slot.agent.doWork() > 0)
                {
                    sb.append(sb.length() == 0 ? "" : ", ").append(slot.agent.roleName());
                }
            }
            catch (final Exception ex)
            {
                sb.append(sb.length() == 0 ? "" : ", ").append(slot.agent.roleName()).append(" (threw ").append(ex)
                    .append(')');
            }
        }
        return sb.toString();
    }

    private long earliestDeadlineNs()
    {
        long deadline = SimAgent.NO_DEADLINE;
        for (final Slot slot : slots)
        {
            deadline = Math.min(deadline, slot.agent.nextDeadlineNs());
        }
        return deadline;
    }

    public final long passes()
    {
        return passes;
    }

    public final long timeJumps()
    {
        return timeJumps;
    }

    @Override
    public final void close()
    {
        if (!closed)
        {
            closed = true;
            for (final Slot slot : slots)
            {
                slot.agent.onClose();
            }
            slotList.clear();
            slots = new Slot[0];
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
