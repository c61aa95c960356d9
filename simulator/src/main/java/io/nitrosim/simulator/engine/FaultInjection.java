package io.nitrosim.simulator.engine;

import io.nitrosim.pci.trace.Tracer;
import io.nitrosim.simulator.results.FaultResult;
import io.nitrosim.simulator.scenario.Scenario;

/**
 * One scenario fault bound to the device it hits: what starting and ending it does, and how its recovery is seen.
 * {@link FaultInjector} calls {@link #start} and {@link #end} at the fault's exact simulated times and
 * {@link #recovered} on every pass after the end until it returns true. Runs on the runtime's thread.
 */
abstract class FaultInjection
{
    /** Trace phases (arg1 of a {@code fault} event). */
    static final int PHASE_START = 0;
    static final int PHASE_END = 1;

    final Scenario.Fault fault;
    private long recoveredAtNs = -1;
    /** Set by the injector once {@link #end} ran. */
    boolean ended;

    FaultInjection(final Scenario.Fault fault)
    {
        this.fault = fault;
    }

    abstract void start(long nowNs);

    abstract void end(long nowNs);

    /** Whether the device has recovered by now (called after {@link #end}, on every pass, until true). */
    abstract boolean recovered(long nowNs);

    /**
     * The earliest time the device could have recovered, so the injector wakes then rather than at the next pass some
     * other agent causes (asked after {@link #end}, until recovered); {@link io.nitrosim.time.SimAgent#NO_DEADLINE}
     * (the default) when recovery follows device activity that wakes the run anyway.
     */
    long recoveryDeadlineNs(final long nowNs)
    {
        return io.nitrosim.time.SimAgent.NO_DEADLINE;
    }

    /** The tracer of the function the fault hits (its {@code fault} events go there). */
    abstract Tracer tracer();

    /** The fault's parameter in its trace events (ns or ppm); 0, the default, when it has none. */
    long traceParameter()
    {
        return 0;
    }

    /** What the fault did and the recovery measured, once the run is over. */
    abstract FaultResult result(Double recoverySeconds);

    final void markRecovered(final long nowNs)
    {
        recoveredAtNs = nowNs;
        onRecovered(nowNs);
    }

    /**
     * Called once when the recovery is seen: a fault whose counters would also count a later fault's work on the same
     * device (the driver's meters) takes them here.
     */
    void onRecovered(final long nowNs)
    {
    }

    final boolean isRecovered()
    {
        return recoveredAtNs >= 0;
    }

    final FaultResult result()
    {
        return result(recoveredAtNs < 0 ? null : (recoveredAtNs - fault.endNs()) / 1e9);
    }
}
