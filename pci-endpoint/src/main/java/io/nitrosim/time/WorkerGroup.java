package io.nitrosim.time;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.agrona.LangUtil;

/**
 * An ownership group of a {@link ConcurrentRuntime}: agents that share state, run by one worker, in the order they
 * joined, and skipped together while idle, as {@link SingleThreadRuntime} skips its groups. A pass of the owner calls
 * the group only while it is <em>due</em>: it did work in the owner's previous pass, it was woken, its deadline has
 * come, or one of its agents does not {@link SimAgent#wakesOnInput() wake on input}. Its deadline is asked again
 * only after it ran.
 * <p>
 * The wake crosses threads: a producer on another worker calls {@link #wake()} after it has published a record
 * (a volatile write of the woken flag), and the owner, before a pass calls the group, reads the flag and, when it is
 * set, clears it with an atomic exchange before the agents look at their rings. Either the producer's write comes
 * first in the order of the flag's writes (the exchange sees it, and with it the record) or the clear does (the
 * flag stays set, and the next pass calls the group): a wake is never lost. Everything else is the owner's; the
 * caller reads {@link #busyNs} and re-deals between runs, when no worker runs.
 */
final class WorkerGroup implements Wake
{
    private static final VarHandle WOKEN;

    static
    {
        try
        {
            WOKEN = MethodHandles.lookup().findVarHandle(WorkerGroup.class, "woken", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    final String name;
    final AgentGroup agents;
    /** Wall time its passes with work took; written by its worker only. */
    long busyNs;
    /** {@link #busyNs} when the groups were last looked at for a re-deal; the caller's only. */
    long dealtBusyNs;
    /** Calls of its agents so far; written by its worker, read between runs. */
    long calls;
    /** The worker that runs it (-1 before the first deal). */
    int workerIndex = -1;
    /** Set by producers ({@link #wake()}, any thread), cleared by the owner. */
    @SuppressWarnings("unused")
    private volatile int woken;
    /** Did work in the owner's latest pass that called it, or everything may have changed: call it in the next. */
    private boolean pending = true;
    /** Ran since its deadline was last asked. */
    private boolean ran = true;
    /** Every member wakes on input, as of the last time its deadline was asked (never when skipping is off). */
    private boolean skippable;
    private long deadlineNs;

    WorkerGroup(final String name)
    {
        this.name = name;
        this.agents = new AgentGroup(name);
    }

    /** A record was handed to one of its agents (from any thread): its owner's next pass calls it. */
    @Override
    public void wake()
    {
        woken = 1;
    }

    /** Its state may have changed in any way (a new run, or a group that polls state did work): call it and ask. */
    void wakeUp()
    {
        pending = true;
        ran = true;
    }

    /** Whether a wake is waiting for the owner. */
    boolean woken()
    {
        return woken != 0;
    }

    /**
     * Calls the agents if the group is due at the owner's {@code nowNs}; returns their work (0 when skipped). A wake
     * it takes is cleared before the agents run.
     */
    int passAt(final long nowNs)
    {
        final boolean wokenNow = woken != 0;
        if (!wokenNow && !pending && skippable && deadlineNs > nowNs)
        {
            return 0;
        }
        if (wokenNow)
        {
            WOKEN.getAndSet(this, 0); // a full fence: the clear is ordered before the agents read their rings
        }
        ran = true;
        calls++;
        final int work;
        try
        {
            work = agents.doWork();
        }
        catch (final Exception ex)
        {
            LangUtil.rethrowUnchecked(ex);
            return 0; // unreachable
        }
        pending = work > 0;
        return work;
    }

    /** Whether the group may be skipped while idle (as of its last deadline question). */
    boolean skippable()
    {
        return skippable;
    }

    /**
     * Its earliest deadline: asked of the agents (with whether all of them wake on input, when {@code skipIdle}) if
     * the group ran since the last question, otherwise the answer then.
     */
    long deadlineNs(final boolean skipIdle)
    {
        if (ran || !skippable)
        {
            long groupDeadlineNs = SimAgent.NO_DEADLINE;
            boolean wakesOnInput = skipIdle;
            for (final SimAgent agent : agents.members())
            {
                groupDeadlineNs = Math.min(groupDeadlineNs, agent.nextDeadlineNs());
                wakesOnInput = wakesOnInput && agent.wakesOnInput();
            }
            deadlineNs = groupDeadlineNs;
            skippable = wakesOnInput;
            ran = false;
        }
        return deadlineNs;
    }
}
