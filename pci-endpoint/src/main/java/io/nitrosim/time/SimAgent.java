package io.nitrosim.time;

import org.agrona.concurrent.Agent;

/**
 * An active part of the simulation: an Agrona {@link Agent} that reads time only from the clock it was given
 * and can say when it will next have something to do.
 * <p>
 * The virtual-time runtime depends on {@link #nextDeadlineNs()}: after a pass in which no agent did any work,
 * it moves the clock to the smallest deadline any agent reports. An agent that would make progress at a later
 * time without outside input (a throttled ring, a timer, a latency model) must report that time; an agent that
 * only reacts to input from other agents returns {@link #NO_DEADLINE}.
 */
public interface SimAgent extends Agent
{
    long NO_DEADLINE = Long.MAX_VALUE;

    /**
     * @return the earliest simulated time in ns at which {@link #doWork()} can do work without new input,
     * or {@link #NO_DEADLINE}. Called only after a pass in which the agent did no work.
     */
    long nextDeadlineNs();

    /**
     * The runtime hands the agent the {@link Wake} of its ownership group when it is added, for the agent to give to
     * the channels it consumes (their producers call it). Runtimes that call every agent in every pass never call
     * this, and those channels keep {@link Wake#NONE}.
     */
    default void bindWake(final Wake wake)
    {
    }

    /**
     * Whether every input this agent now takes from outside its ownership group arrives through a channel that
     * wakes the group ({@link #bindWake}), so that, while the agent is idle and before its {@link #nextDeadlineNs()},
     * a runtime may skip it: {@link #doWork()} would do nothing and change nothing. False (the default) for an agent
     * that polls state other groups or other threads change directly; it is then called in every pass, and any work
     * it does wakes every group. Asked, with {@link #nextDeadlineNs()}, after a pass in which it did no work.
     */
    default boolean wakesOnInput()
    {
        return false;
    }

    /**
     * The runtime hands the agent a {@link Wake} of its own, for the channels that bring it input from agents of its
     * own group; see {@link #idleUntilWoken()}. Runtimes that do not skip agents never call this.
     */
    default void bindAgentWake(final Wake wake)
    {
    }

    /**
     * Whether the agent, as it is now, does nothing until its own wake ({@link #bindAgentWake}) is called or its
     * deadline comes, even while other agents of its group work (a halted vCPU: only an interrupt or a program load
     * changes anything for it). A runtime may then skip it in passes its group runs. Only asked of an agent that
     * {@link #wakesOnInput() wakes on input}, after a pass in which it did no work. Default: false.
     */
    default boolean idleUntilWoken()
    {
        return false;
    }
}
