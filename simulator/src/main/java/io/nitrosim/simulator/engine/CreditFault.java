package io.nitrosim.simulator.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import io.nitrosim.nic.ena.EnaFunction;
import io.nitrosim.pci.trace.Tracer;
import io.nitrosim.shaping.TokenBucket;
import io.nitrosim.simulator.results.FaultResult;
import io.nitrosim.simulator.scenario.DurationParser;
import io.nitrosim.simulator.scenario.Scenario;

/**
 * An instance's network credit balance in one direction zeroed at the fault's start: the bucket's tokens are
 * consumed to 0, so the shaper holds the direction to its baseline at once and credits are earned again at the
 * baseline rate minus what traffic takes. The fault's end does nothing to the bucket: the duration is the window the
 * result measures. Recovery: the balance back at its level before the fault (a flow that keeps running above the
 * baseline keeps it at 0, so it may not happen before the run ends).
 */
final class CreditFault extends FaultInjection
{
    private static final double BITS_PER_BYTE = 8;

    private final String instance;
    private final TokenBucket credits;
    private final long baselineBytesPerSec;
    /** Bytes the instance moved in the bucket's direction so far (all its ENIs). */
    private final LongSupplier bytesMoved;
    /** The instance's primary ENA function: its {@code fault} events go to its tracer. */
    private final EnaFunction function;
    private long balanceBytesBefore;
    private long balancePpmBefore;
    private long bytesAtStart;
    private long bytesDuring;
    private long balanceBytesAtEnd;

    CreditFault(final Scenario.Fault fault, final String instance, final TokenBucket credits,
        final long baselineBytesPerSec, final LongSupplier bytesMoved, final EnaFunction function)
    {
        super(fault);
        this.instance = instance;
        this.credits = credits;
        this.baselineBytesPerSec = baselineBytesPerSec;
        this.bytesMoved = bytesMoved;
        this.function = function;
    }

    @Override
    void start(final long nowNs)
    {
        balanceBytesBefore = credits.tokens(nowNs);
        balancePpmBefore = credits.fillPpm(nowNs);
        bytesAtStart = bytesMoved.getAsLong();
        credits.consume(balanceBytesBefore, nowNs);
    }

    @Override
    void end(final long nowNs)
    {
        bytesDuring = bytesMoved.getAsLong() - bytesAtStart;
        balanceBytesAtEnd = credits.tokens(nowNs);
    }

    @Override
    boolean recovered(final long nowNs)
    {
        return credits.canAdmit(balanceBytesBefore, nowNs);
    }

    @Override
    long recoveryDeadlineNs(final long nowNs)
    {
        return nowNs + credits.nanosUntilAdmit(balanceBytesBefore, nowNs);
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

    double averageGbpsDuring()
    {
        return bytesDuring * BITS_PER_BYTE / (fault.durationNs() / 1e9) / 1e9;
    }

    @Override
    FaultResult result(final Double recoverySeconds)
    {
        final Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("creditBytesBefore", balanceBytesBefore);
        counters.put("creditBytesAtEnd", balanceBytesAtEnd);
        counters.put("bytesMovedDuringFault", bytesDuring);
        final Map<String, Double> parameters = new LinkedHashMap<>();
        parameters.put("baselineGbps", baselineBytesPerSec * BITS_PER_BYTE / 1e9);
        parameters.put("gbpsDuringFault", averageGbpsDuring());
        return new FaultResult(fault.kind().key(), instance, fault.atNs() / 1e9, fault.durationNs() / 1e9, parameters,
            fault.bucket() + " credits of " + instance + " zeroed (" + balancePpmBefore / 10_000.0 + "% before); "
                + String.format(java.util.Locale.ROOT, "%.3f", averageGbpsDuring()) + " Gbps over the next "
                + DurationParser.format(fault.durationNs()) + " (baseline "
                + String.format(java.util.Locale.ROOT, "%.3f", baselineBytesPerSec * BITS_PER_BYTE / 1e9) + " Gbps)",
            counters, "until the " + fault.bucket() + " balance was back at its level before the fault",
            recoverySeconds);
    }
}
