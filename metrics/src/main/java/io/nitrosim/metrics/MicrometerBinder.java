package io.nitrosim.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * Binds the registry's counters and gauges to Micrometer meters that read them on scrape, so the hot paths
 * never call Micrometer. Each meter's description is its descriptor's help text (Prometheus {@code # HELP}).
 */
public final class MicrometerBinder
{
    private MicrometerBinder()
    {
    }

    public static void bind(final CounterRegistry registry, final MeterRegistry meterRegistry)
    {
        for (final CounterRegistry.Meter meter : registry.meters())
        {
            final Tags tags = toTags(meter.tags());
            if (meter.kind() == CounterRegistry.MeterKind.COUNTER)
            {
                FunctionCounter.builder(meter.name(), meter, m -> (double)m.value()).tags(tags)
                    .description(meter.descriptor().help()).register(meterRegistry);
            }
            else
            {
                Gauge.builder(meter.name(), meter, m -> (double)m.value()).tags(tags)
                    .description(meter.descriptor().help()).register(meterRegistry);
            }
        }
    }

    static Tags toTags(final MetricTags tags)
    {
        Tags result = Tags.empty();
        for (int i = 0; i < tags.size(); i++)
        {
            result = result.and(tags.key(i), tags.value(i));
        }
        return result;
    }
}
