package io.nitrosim.time;

import org.agrona.concurrent.NanoClock;

/**
 * Runs a set of {@link SimAgent}s against one clock. Four implementations share the same agents:
 * {@link VirtualTimeRuntime} (one thread, time jumps, deterministic), {@link PacedRuntime} (the same passes on one
 * thread, each time jump waiting for the wall clock; measures its lag), {@link ConcurrentRuntime} (ownership groups
 * on a few worker threads, each paced to the wall clock with its own lag) and {@link RealTimeRuntime} (an
 * AgentRunner thread per agent, wall-clock time).
 * <p>
 * Simulated time starts at 0 in every mode. Agents that share state must be in one ownership group ({@link #add(
 * SimAgent, String)}, {@link #placeIn}, or one {@link AgentGroup}) so that, on several threads, one thread owns that
 * state; single-thread runtimes ignore groups.
 */
public interface SimRuntime extends AutoCloseable
{
    NanoClock clock();

    /** Adds an agent; allowed before and between runs, and from the runtime's own thread while running. */
    void add(SimAgent agent);

    /**
     * Adds an agent to the ownership group {@code group} (created on first use): agents of one group run on one
     * thread. Single-thread runtimes ignore the group.
     */
    default void add(final SimAgent agent, final String group)
    {
        add(agent);
    }

    /**
     * Agents added by {@link #add(SimAgent)} from now on join the ownership group {@code group}; null: each is a
     * group of its own. Single-thread runtimes ignore it.
     */
    default void placeIn(final String group)
    {
    }

    /** The group {@link #placeIn} set (null: none), for a component that adds agents later to keep them there. */
    default String placement()
    {
        return null;
    }

    /** Removes an agent, closing it; it does no more work after this returns. */
    void remove(SimAgent agent);

    /**
     * Runs until simulated time reaches {@code endNs} (events stamped exactly {@code endNs} are processed)
     * or, in virtual time, until the simulation is quiescent (no work and no deadline).
     *
     * @return the simulated time at which the run stopped.
     */
    long runUntil(long endNs);

    /** Whether this runtime's time is simulated (true) or the wall clock (false). */
    boolean isVirtual();

    @Override
    void close();
}
