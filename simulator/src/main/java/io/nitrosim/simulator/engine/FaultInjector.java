package io.nitrosim.simulator.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.agrona.concurrent.NanoClock;

import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.simulator.results.FaultResult;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.time.SimAgent;

/**
 * Fires the scenario's faults at their exact simulated times: an agent whose deadline is the next fault start or
 * end, added to the runtime before every other agent so that a fault due at T acts before any device works at T.
 * After a fault ends it asks the fault, on every pass, whether the device has recovered, and notes when (waking at
 * the fault's {@link FaultInjection#recoveryDeadlineNs} when it names one). Events
 * due at one instant fire in this order: ends before starts, then in scenario order. Allocation-free once built.
 */
final class FaultInjector implements SimAgent
{
    private final NanoClock clock;
    private final FaultInjection[] injections;
    /** Events sorted by time: the time, the fault's index and whether it is its end. */
    private final long[] eventNs;
    private final int[] eventFault;
    private final boolean[] eventIsEnd;
    private int next;

    FaultInjector(final NanoClock clock, final List<Scenario.Fault> faults)
    {
        this.clock = clock;
        this.injections = new FaultInjection[faults.size()];
        final int n = faults.size() * 2;
        final Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }
        // event e: fault e / 2, its end when e is odd
        Arrays.sort(order, (a, b) ->
        {
            final Scenario.Fault fa = faults.get(a / 2);
            final Scenario.Fault fb = faults.get(b / 2);
            final int byTime = Long.compare(a % 2 == 1 ? fa.endNs() : fa.atNs(), b % 2 == 1 ? fb.endNs() : fb.atNs());
            if (byTime != 0)
            {
                return byTime;
            }
            final int endsFirst = Integer.compare(1 - a % 2, 1 - b % 2);
            return endsFirst != 0 ? endsFirst : Integer.compare(a / 2, b / 2);
        });
        eventNs = new long[n];
        eventFault = new int[n];
        eventIsEnd = new boolean[n];
        for (int i = 0; i < n; i++)
        {
            final Scenario.Fault f = faults.get(order[i] / 2);
            eventIsEnd[i] = order[i] % 2 == 1;
            eventFault[i] = order[i] / 2;
            eventNs[i] = eventIsEnd[i] ? f.endNs() : f.atNs();
        }
    }

    /** Binds fault {@code index} (scenario order) to its device; every fault must be bound before the run. */
    void bind(final int index, final FaultInjection injection)
    {
        injections[index] = injection;
    }

    @Override
    public String roleName()
    {
        return "fault-injector";
    }

    @Override
    public int doWork()
    {
        final long nowNs = clock.nanoTime();
        int work = 0;
        while (next < eventNs.length && eventNs[next] <= nowNs)
        {
            final FaultInjection f = injections[eventFault[next]];
            final boolean end = eventIsEnd[next];
            if (end)
            {
                f.end(nowNs);
                f.ended = true;
            }
            else
            {
                f.start(nowNs);
            }
            f.tracer().emit(TraceKind.FAULT, -1, f.fault.kind().ordinal(),
                end ? FaultInjection.PHASE_END : FaultInjection.PHASE_START, f.traceParameter(), f.fault.durationNs());
            next++;
            work++;
        }
        for (final FaultInjection f : injections)
        {
            if (f.ended && !f.isRecovered() && f.recovered(nowNs))
            {
                f.markRecovered(nowNs);
            }
        }
        return work;
    }

    /**
     * Without faults it never works, so it may be skipped. With faults it may not: starting or ending one changes a
     * device's state directly, and a recovery is polled on every pass, so the runtime must call it in every pass
     * and wake every group after it works.
     */
    @Override
    public boolean wakesOnInput()
    {
        return injections.length == 0;
    }

    @Override
    public long nextDeadlineNs()
    {
        long deadlineNs = next < eventNs.length ? eventNs[next] : NO_DEADLINE;
        final long nowNs = clock.nanoTime();
        for (final FaultInjection f : injections)
        {
            if (f.ended && !f.isRecovered())
            {
                deadlineNs = Math.min(deadlineNs, f.recoveryDeadlineNs(nowNs));
            }
        }
        return deadlineNs;
    }

    /** What each fault did, in scenario order. */
    List<FaultResult> results()
    {
        final List<FaultResult> results = new ArrayList<>(injections.length);
        for (final FaultInjection f : injections)
        {
            results.add(f.result());
        }
        return results;
    }
}
