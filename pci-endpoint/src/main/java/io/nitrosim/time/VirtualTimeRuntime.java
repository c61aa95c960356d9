package io.nitrosim.time;

/**
 * Deterministic discrete-time runtime: every agent runs on the caller's thread in the order it was added;
 * when a full pass does no work, the clock jumps to the earliest deadline any agent reports.
 * <p>
 * Nothing here depends on the wall clock or on thread timing, so a given set of agents and inputs produces
 * the same sequence of events bit for bit. {@link #runUntil} returns early, without moving time, when the
 * simulation is quiescent (no work and no deadline).
 */
public final class VirtualTimeRuntime extends SingleThreadRuntime
{
    @Override
    public boolean isVirtual()
    {
        return true;
    }
}
