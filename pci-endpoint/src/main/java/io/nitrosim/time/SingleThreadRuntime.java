package io.nitrosim.time;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.agrona.LangUtil;
import org.agrona.concurrent.NanoClock;

/**
 * Every agent on the caller's thread, in the order it was added, against a clock that moves only between passes:
 * when a full pass does no work, the clock moves to the earliest deadline any agent reports. The base of the two
 * single-threaded runtimes: {@link VirtualTimeRuntime} moves the clock at once, {@link PacedRuntime} waits for
 * the wall clock to reach each new time first. Both run the same passes, so a paced run processes the same
 * events as a virtual one.
 * <p>
 * Idle groups are skipped. Agents belong to ownership groups ({@link #add(SimAgent, String)}, {@link #placeIn};
 * an agent added without one is a group of its own), each group gets its {@link Wake} ({@link SimAgent#bindWake}),
 * and a pass calls a group's agents only while the group is <em>active</em>: it did work in the previous pass, it
 * was woken (by a channel it consumes, in this pass or the previous one), its deadline has come, or one of its
 * agents does not {@link SimAgent#wakesOnInput() wake on input} (such a group runs in every pass, and work it does
 * wakes every group). A skipped agent is one whose {@code doWork()} would have done nothing, so a pass does the
 * same work in the same order as a pass that calls everyone; only the cost of calling idle agents goes. A group's
 * deadline is asked again only after it ran. With many instances (a full host) most groups are idle at any one
 * time, so a pass costs what its busy groups do rather than what all agents do.
 */
public abstract sealed class SingleThreadRuntime implements SimRuntime permits VirtualTimeRuntime, PacedRuntime
{
    /**
     * Passes with work allowed at one simulated time. Real work at one instant is bounded (rings and queues are
     * bounded), so exceeding this means agents feed each other without time passing: a model bug, reported
     * rather than hung on.
     */
    public static final long MAX_BUSY_PASSES_WITHOUT_TIME = 1_000_000L;

    /** How many deadline scans a group that may not be skipped waits before it is asked again whether it may. */
    static final int SCANS_BETWEEN_QUESTIONS = 64;

    /** An agent and the wall time it spent working (kept by the paced runtime only). */
    static final class Slot implements Wake
    {
        final SimAgent agent;
        final Group group;
        long busyNs;
        /** The agent {@link SimAgent#idleUntilWoken() waits for its own wake}, as of its group's last deadline scan. */
        boolean alone;
        /** Woken, or worked in its latest call: call it again (only read while {@link #alone}). */
        boolean pending = true;
        /** Its deadline as of its group's last deadline scan (only read while {@link #alone}). */
        long deadlineNs;

        Slot(final SimAgent agent, final Group group)
        {
            this.agent = agent;
            this.group = group;
        }

        /** The agent's own wake: it runs in its group's next active pass, and the group runs then. */
        @Override
        public void wake()
        {
            pending = true;
            group.wake();
        }
    }

    /** An ownership group: its agents are skipped together while the group is idle. */
    static final class Group implements Wake
    {
        final String name;
        final List<Slot> members = new ArrayList<>();
        /** Its agents run in the current pass. */
        boolean active;
        /** Its agents run in the next pass (it did work, or was woken). */
        boolean pending = true;
        /** It ran since its deadline was last asked. */
        boolean ran = true;
        /** Every member wakes on input, as of the last time its deadline was asked. */
        boolean skippable;
        /** Members that wait for a wake of their own, as of then. */
        int aloneMembers;
        /** Deadline scans until a group that may not be skipped is asked again whether it may. */
        int scansUntilAsked;
        Slot[] memberArray = new Slot[0];
        long deadlineNs;

        Group(final String name)
        {
            this.name = name;
        }

        @Override
        public void wake()
        {
            active = true;
            pending = true;
        }
    }

    final VirtualClock clock = new VirtualClock();
    private final List<Slot> slotList = new ArrayList<>();
    Slot[] slots = new Slot[0];
    private final List<Group> groupList = new ArrayList<>();
    private final Map<String, Group> groupsByName = new HashMap<>();
    private Group[] groups = new Group[0];
    private String placement;
    private boolean skipIdleGroups = true;
    /** Groups that may be skipped and agents that wait for their own wake, as of the last deadline scan. */
    private int skippableGroups;
    private int aloneSlots;
    private long agentCalls;
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
        add(agent, placement);
    }

    @Override
    public final void add(final SimAgent agent, final String groupName)
    {
        ensureOpen();
        Group group = groupName == null ? null : groupsByName.get(groupName);
        if (group == null)
        {
            group = new Group(groupName);
            if (groupName != null)
            {
                groupsByName.put(groupName, group);
            }
            groupList.add(group);
            groups = groupList.toArray(new Group[0]);
        }
        final Slot slot = new Slot(agent, group);
        group.members.add(slot);
        group.memberArray = group.members.toArray(new Slot[0]);
        group.scansUntilAsked = 0;
        group.wake(); // a new member: ask its deadline again
        group.ran = true;
        slotList.add(slot);
        slots = slotList.toArray(new Slot[0]);
        onAdded(slot);
        agent.bindWake(group);
        agent.bindAgentWake(slot);
        agent.onStart();
    }

    @Override
    public final void placeIn(final String groupName)
    {
        this.placement = groupName;
    }

    @Override
    public final String placement()
    {
        return placement;
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
                final Group group = slot.group;
                group.members.remove(slot);
                group.memberArray = group.members.toArray(new Slot[0]);
                group.ran = true;
                if (group.members.isEmpty())
                {
                    groupList.remove(group);
                    groups = groupList.toArray(new Group[0]);
                    if (group.name != null)
                    {
                        groupsByName.remove(group.name, group);
                    }
                }
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
        wakeAll(); // the caller may have changed any agent's state since the last run
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

    /** One call of every active group's agents' {@code doWork()}, in the order they were added; returns the work. */
    private int pass(final Slot[] slots)
    {
        if (skippableGroups == 0 && aloneSlots == 0)
        {
            return passCallingEveryone(slots); // nothing can be skipped: none of the bookkeeping
        }
        final long nowNs = clock.nanoTime();
        for (final Group group : groups)
        {
            group.active = !group.skippable || group.pending || group.deadlineNs <= nowNs;
            group.pending = false;
        }
        startPass();
        int work = 0;
        for (final Slot slot : slots)
        {
            final Group group = slot.group;
            if (!group.active)
            {
                continue;
            }
            if (slot.alone)
            {
                if (!slot.pending && slot.deadlineNs > nowNs)
                {
                    continue; // its group works, but nothing it waits for happened
                }
                slot.pending = false;
            }
            group.ran = true;
            agentCalls++;
            final int agentWork = work(slot);
            if (agentWork > 0)
            {
                work += agentWork;
                slot.pending = true;
                slot.alone = false; // it may no longer wait for its own wake (a program loaded): asked again later
                group.pending = true;
                if (!group.skippable)
                {
                    wakeAll(); // it may have changed any group's state without a channel
                }
            }
        }
        return work;
    }

    /** A pass when no group can be skipped (as of the last deadline scan): every agent, in order, no flags. */
    private int passCallingEveryone(final Slot[] slots)
    {
        startPass();
        int work = 0;
        for (final Slot slot : slots)
        {
            agentCalls++;
            work += work(slot);
        }
        return work;
    }

    private void wakeAll()
    {
        for (final Group group : groups)
        {
            group.wake();
        }
        for (final Slot slot : slots)
        {
            slot.pending = true;
        }
    }

    /** Called at the start of every pass. */
    void startPass()
    {
    }

    /** Calls one agent; returns its work. */
    int work(final Slot slot)
    {
        return doWork(slot.agent);
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

    /**
     * The earliest deadline of any group; a group's is asked again when it ran since it was last asked. Also counts
     * the groups that may be skipped and the agents that wait for their own wake: with none, passes skip nothing.
     */
    private long earliestDeadlineNs()
    {
        long deadline = SimAgent.NO_DEADLINE;
        int skippable = 0;
        int alone = 0;
        for (final Group group : groups)
        {
            if (group.ran || !group.skippable)
            {
                // A skippable group is asked again whether it still is every time it ran (it may have started to
                // take input another way); one that is not, only now and then: calling it is never wrong, and the
                // question costs a call per agent per time jump (a flow of two agents jumps once per record).
                final boolean ask = skipIdleGroups && (group.skippable || --group.scansUntilAsked <= 0);
                long groupDeadlineNs = SimAgent.NO_DEADLINE;
                boolean groupSkippable = true;
                int groupAlone = 0;
                for (final Slot slot : group.memberArray)
                {
                    slot.pending = false; // after a pass without work: nothing is waiting for it
                    final SimAgent agent = slot.agent;
                    final long agentDeadlineNs = agent.nextDeadlineNs();
                    groupDeadlineNs = Math.min(groupDeadlineNs, agentDeadlineNs);
                    slot.deadlineNs = agentDeadlineNs;
                    if (ask)
                    {
                        final boolean wakesOnInput = agent.wakesOnInput();
                        groupSkippable &= wakesOnInput;
                        slot.alone = wakesOnInput && agent.idleUntilWoken();
                        groupAlone += slot.alone ? 1 : 0;
                    }
                }
                group.deadlineNs = groupDeadlineNs;
                if (ask)
                {
                    group.skippable = groupSkippable;
                    group.aloneMembers = groupAlone;
                    group.scansUntilAsked = group.skippable ? 0 : SCANS_BETWEEN_QUESTIONS;
                }
                group.ran = false;
            }
            group.pending = false; // (passes that skip nothing leave the flags as wakes set them)
            skippable += group.skippable ? 1 : 0;
            alone += group.aloneMembers;
            deadline = Math.min(deadline, group.deadlineNs);
        }
        skippableGroups = skippable;
        aloneSlots = alone;
        return deadline;
    }

    /**
     * Whether idle groups are skipped (the default). Off, every agent is called in every pass, as a check that
     * skipping changes nothing: the same scenario gives the same results either way.
     */
    public final void skipIdleGroups(final boolean skip)
    {
        this.skipIdleGroups = skip;
        for (final Group group : groups)
        {
            group.skippable = false; // asked again at the next deadline scan
            group.ran = true;
        }
        for (final Slot slot : slots)
        {
            slot.alone = false;
        }
        for (final Group group : groups)
        {
            group.aloneMembers = 0;
            group.scansUntilAsked = 0;
        }
        skippableGroups = 0;
        aloneSlots = 0;
    }

    /** Calls of agents' {@code doWork()} so far (what skipping idle groups saves shows against passes x agents). */
    public final long agentCalls()
    {
        return agentCalls;
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
            groupList.clear();
            groupsByName.clear();
            groups = new Group[0];
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
