package io.nitrosim.simulator.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

import io.nitrosim.pci.PciFunction;
import io.nitrosim.pci.trace.Tracer;
import io.nitrosim.shaping.TokenBucket;
import io.nitrosim.simulator.results.FaultResult;
import io.nitrosim.simulator.scenario.DurationParser;
import io.nitrosim.simulator.scenario.Scenario;

/**
 * A credit balance zeroed at the fault's start: an instance's network credits in one direction, its EBS burst
 * credits (bytes and I/O), or a volume's burst balance. Each bucket's tokens are consumed to 0, so the shaper holds
 * the quantity to its baseline at once and credits are earned again at the baseline rate minus what the load takes.
 * The fault's end does nothing to the buckets: the duration is the window the result measures (each rate during
 * it against its baseline). Recovery: every balance back at its level before the fault (a load that keeps running
 * above the baseline keeps it at 0, so it may not happen before the run ends).
 */
final class CreditFault extends FaultInjection
{
    /** A bucket the fault empties; {@code unit} names it in the counters ("Bytes": creditBytesBefore). */
    record Credits(String unit, TokenBucket bucket)
    {
    }

    /**
     * A rate the result reports during the fault against its baseline: {@code label} in the summary ("Gbps"),
     * {@code key} in the parameters (baselineGbps, gbpsDuringFault), {@code moved} the counter it is derived from
     * (named {@code movedUnit} in the counters: bytesMovedDuringFault) and {@code perUnit} what one of its units
     * counts in the rate's unit.
     */
    record Rate(String label, String key, double baseline, String movedUnit, LongSupplier moved, double perUnit)
    {
    }

    private final String target;
    private final Credits[] credits;
    private final Rate[] rates;
    /** The function whose tracer takes the fault's events (asked when they happen: tracing is wired after faults). */
    private final PciFunction function;
    private final long[] balanceBefore;
    private final long[] balanceAtEnd;
    private final long[] movedAtStart;
    private final long[] movedDuring;
    private long balancePpmBefore;

    CreditFault(final Scenario.Fault fault, final String target, final List<Credits> credits, final List<Rate> rates,
        final PciFunction function)
    {
        super(fault);
        this.target = target;
        this.credits = credits.toArray(new Credits[0]);
        this.rates = rates.toArray(new Rate[0]);
        this.function = function;
        this.balanceBefore = new long[this.credits.length];
        this.balanceAtEnd = new long[this.credits.length];
        this.movedAtStart = new long[this.rates.length];
        this.movedDuring = new long[this.rates.length];
    }

    @Override
    void start(final long nowNs)
    {
        balancePpmBefore = credits[0].bucket().fillPpm(nowNs);
        for (int i = 0; i < credits.length; i++)
        {
            final TokenBucket bucket = credits[i].bucket();
            balanceBefore[i] = bucket.tokens(nowNs);
            bucket.consume(balanceBefore[i], nowNs);
        }
        for (int i = 0; i < rates.length; i++)
        {
            movedAtStart[i] = rates[i].moved().getAsLong();
        }
    }

    @Override
    void end(final long nowNs)
    {
        for (int i = 0; i < rates.length; i++)
        {
            movedDuring[i] = rates[i].moved().getAsLong() - movedAtStart[i];
        }
        for (int i = 0; i < credits.length; i++)
        {
            balanceAtEnd[i] = credits[i].bucket().tokens(nowNs);
        }
    }

    @Override
    boolean recovered(final long nowNs)
    {
        for (int i = 0; i < credits.length; i++)
        {
            if (!credits[i].bucket().canAdmit(balanceBefore[i], nowNs))
            {
                return false;
            }
        }
        return true;
    }

    @Override
    long recoveryDeadlineNs(final long nowNs)
    {
        long waitNs = 0;
        for (int i = 0; i < credits.length; i++)
        {
            waitNs = Math.max(waitNs, credits[i].bucket().nanosUntilAdmit(balanceBefore[i], nowNs));
        }
        return nowNs + waitNs;
    }

    @Override
    Tracer tracer()
    {
        return function.tracer();
    }

    @Override
    long traceParameter()
    {
        return balancePpmBefore;
    }

    /** Rate {@code i} averaged over the fault's window, in the rate's unit. */
    double rateDuring(final int i)
    {
        return movedDuring[i] * rates[i].perUnit() / (fault.durationNs() / 1e9);
    }

    private static String format(final double value)
    {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    @Override
    FaultResult result(final Double recoverySeconds)
    {
        final Map<String, Long> counters = new LinkedHashMap<>();
        for (int i = 0; i < credits.length; i++)
        {
            counters.put("credit" + credits[i].unit() + "Before", balanceBefore[i]);
            counters.put("credit" + credits[i].unit() + "AtEnd", balanceAtEnd[i]);
        }
        final Map<String, Double> parameters = new LinkedHashMap<>();
        final StringBuilder during = new StringBuilder();
        final StringBuilder baselines = new StringBuilder();
        for (int i = 0; i < rates.length; i++)
        {
            final Rate r = rates[i];
            counters.put(r.movedUnit() + "MovedDuringFault", movedDuring[i]);
            parameters.put("baseline" + r.key(), r.baseline());
            parameters.put(r.key().toLowerCase(Locale.ROOT) + "DuringFault", rateDuring(i));
            final String and = i == 0 ? "" : " and ";
            during.append(and).append(format(rateDuring(i))).append(' ').append(r.label());
            baselines.append(and).append(format(r.baseline())).append(' ').append(r.label());
        }
        return new FaultResult(fault.kind().key(), target, fault.atNs() / 1e9, fault.durationNs() / 1e9, parameters,
            fault.bucket() + " credits of " + target + " zeroed (" + balancePpmBefore / 10_000.0 + "% before); "
                + during + " over the next " + DurationParser.format(fault.durationNs()) + " (baseline " + baselines
                + ")", counters, "until the " + fault.bucket() + " balance was back at its level before the fault",
            recoverySeconds);
    }
}
