package io.nitrosim.hypervisor;

import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.time.SimRuntime;

/** Helpers shared by the hypervisor tests. */
final class TestHosts
{
    private TestHosts()
    {
    }

    /** The default host (72 threads, 192 GiB sparse memory, temp memory directory) on {@code runtime}. */
    static Host host(final SimRuntime runtime)
    {
        return new Host(new Host.Context().runtime(runtime));
    }

    static long counter(final CounterRegistry registry, final String name, final String... tags)
    {
        final CounterRegistry.Meter meter = registry.find(name, MetricTags.of(tags));
        if (meter == null)
        {
            throw new AssertionError("no meter " + name + MetricTags.of(tags));
        }
        return meter.value();
    }
}
