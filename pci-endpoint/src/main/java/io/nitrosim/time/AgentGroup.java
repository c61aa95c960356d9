package io.nitrosim.time;

import java.util.ArrayList;
import java.util.List;

/**
 * Several agents that share state and so must run on one thread: a pass calls each in order, and the group's
 * deadline is the earliest of its members'.
 */
public final class AgentGroup implements SimAgent
{
    private final String roleName;
    private final List<SimAgent> members = new ArrayList<>();
    private SimAgent[] agents = new SimAgent[0];
    private boolean started;
    private boolean closed;

    public AgentGroup(final String roleName)
    {
        this.roleName = roleName;
    }

    /**
     * Adds a member; call from the thread that runs the group (or before it starts). A member added to a
     * running group is started here, as the runtime starts an agent it is given.
     */
    public AgentGroup add(final SimAgent agent)
    {
        members.add(agent);
        agents = members.toArray(new SimAgent[0]);
        if (started && !closed)
        {
            agent.onStart();
        }
        return this;
    }

    /** Removes a member, closing it if the group is running (as {@link SimRuntime#remove} closes an agent). */
    public boolean remove(final SimAgent agent)
    {
        final boolean removed = members.remove(agent);
        agents = members.toArray(new SimAgent[0]);
        if (removed && started && !closed)
        {
            agent.onClose();
        }
        return removed;
    }

    /** The members, in order (the array itself: not to be changed). */
    SimAgent[] members()
    {
        return agents;
    }

    public boolean isEmpty()
    {
        return agents.length == 0;
    }

    @Override
    public void onStart()
    {
        started = true;
        for (final SimAgent agent : agents)
        {
            agent.onStart();
        }
    }

    @Override
    public int doWork() throws Exception
    {
        int work = 0;
        for (final SimAgent agent : agents)
        {
            work += agent.doWork();
        }
        return work;
    }

    @Override
    public long nextDeadlineNs()
    {
        long deadline = NO_DEADLINE;
        for (final SimAgent agent : agents)
        {
            deadline = Math.min(deadline, agent.nextDeadlineNs());
        }
        return deadline;
    }

    @Override
    public void onClose()
    {
        closed = true;
        for (final SimAgent agent : agents)
        {
            agent.onClose();
        }
    }

    @Override
    public String roleName()
    {
        return roleName;
    }
}
