package io.nitrosim.simulator.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MeterDescriptor;
import io.nitrosim.metrics.MetricTags;

/**
 * How the simulation reads what the cards count: through the {@link CounterRegistry}, by meter and tags, never
 * through the cards' internals. Meters are looked up once (when a series or result is built) and read after.
 */
final class CardMeters
{
    private final CounterRegistry registry;

    CardMeters(final CounterRegistry registry)
    {
        this.registry = registry;
    }

    /** The value of one registered meter now. */
    long value(final MeterDescriptor meter, final MetricTags tags)
    {
        return registry.value(meter, tags);
    }

    /** The sum of {@code meters} over every owner in {@code tags}, read each time it is called. */
    LongSupplier sum(final List<MetricTags> tags, final MeterDescriptor... meters)
    {
        final List<CounterRegistry.Meter> found = new ArrayList<>();
        for (final MetricTags t : tags)
        {
            for (final MeterDescriptor meter : meters)
            {
                found.add(registry.require(meter, t));
            }
        }
        final CounterRegistry.Meter[] array = found.toArray(new CounterRegistry.Meter[0]);
        return () ->
        {
            long total = 0;
            for (final CounterRegistry.Meter m : array)
            {
                total += m.value();
            }
            return total;
        };
    }

    /** The sum now (see {@link #sum}). */
    long total(final List<MetricTags> tags, final MeterDescriptor... meters)
    {
        return sum(tags, meters).getAsLong();
    }

    /** A balance gauge in parts per million, as a percentage now. */
    double percent(final MeterDescriptor gauge, final MetricTags tags)
    {
        return value(gauge, tags) / 10_000.0;
    }

    /** One registered meter, read each time it is called. */
    LongSupplier reader(final MeterDescriptor meter, final MetricTags tags)
    {
        final CounterRegistry.Meter found = registry.require(meter, tags);
        return found::value;
    }

    /** A balance gauge in parts per million, as a percentage read each time it is called. */
    DoubleSupplier percentReader(final MeterDescriptor gauge, final MetricTags tags)
    {
        final CounterRegistry.Meter meter = registry.require(gauge, tags);
        return () -> meter.value() / 10_000.0;
    }
}
