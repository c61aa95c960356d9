package io.nitrosim.time;

import org.agrona.concurrent.NanoClock;

/**
 * Runs a set of {@link SimAgent}s against one clock. Three implementations share the same agents:
 * {@link VirtualTimeRuntime} (one thread, time jumps, deterministic), {@link PacedRuntime} (the same passes on one
 * thread, each time jump waiting for the wall clock; measures its lag) and {@link RealTimeRuntime} (an AgentRunner
 * thread per agent, wall-clock time).
 * <p>
 * Simulated time starts at 0 in both modes. Agents that share state must be added as one agent
 * (see {@link AgentGroup}) so that, in real time, one thread owns that state.
 */
public interface SimRuntime extends AutoCloseable
{
    NanoClock clock();

    /** Adds an agent; allowed before and between runs, and from the runtime's own thread while running. */
    void add(SimAgent agent);

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
