package io.nitrosim.simulator.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.pci.trace.Tracer;

/**
 * Records the traced cards' credit balances ({@link TraceKind#CREDIT}) at every sample of the run's time series:
 * the same instants and the same gauges as the series' credit columns, so a trace's balances and
 * {@code timeseries.csv} agree to the ppm. Sampling rather than recording every change keeps the rate bounded (a
 * balance changes at every admitted record: millions per simulated second on a busy card) and independent of the
 * load: one record per bucket per sample interval.
 */
final class CreditTrace implements LongConsumer
{
    private record Balance(Tracer tracer, int bucket, LongSupplier ppm)
    {
    }

    private final List<Balance> balances = new ArrayList<>();
    private Balance[] array = new Balance[0];

    void add(final Tracer tracer, final int bucket, final LongSupplier ppm)
    {
        balances.add(new Balance(tracer, bucket, ppm));
        array = balances.toArray(new Balance[0]);
    }

    boolean isEmpty()
    {
        return array.length == 0;
    }

    @Override
    public void accept(final long nowNs)
    {
        for (final Balance b : array)
        {
            b.tracer().emit(TraceKind.CREDIT, -1, b.bucket(), b.ppm().getAsLong(), 0, 0);
        }
    }
}
