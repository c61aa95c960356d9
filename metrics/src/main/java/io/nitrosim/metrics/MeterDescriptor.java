package io.nitrosim.metrics;

import java.util.List;
import java.util.function.LongSupplier;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * One meter, declared once in the module that owns it: its stable exported name, the tag keys it carries, its
 * help text and its kind. Each component declares its meters as an enum implementing this interface, each
 * constant holding its {@link MeterSpec} (as Aeron declares its system counters in
 * {@code SystemCounterDescriptor}), and registers them from it: the registry checks the tags against the declared
 * keys, the Micrometer binding exports the help text, and {@code docs/metrics.md} lists every descriptor (a test
 * keeps the two in step).
 */
public interface MeterDescriptor
{
    /** The declaration: name, kind, tag keys, help text. */
    MeterSpec spec();

    /** The stable exported name: dots, lower case, unit last ({@code ebs.read.bytes}). */
    default String meterName()
    {
        return spec().meterName();
    }

    default CounterRegistry.MeterKind kind()
    {
        return spec().kind();
    }

    /**
     * The tag keys, in order. A key written {@code "eni|volume"} accepts either: a family whose meters belong
     * to different kinds of owner (the PCI function meters of an ENA function carry {@code eni}, those of an
     * NVMe controller {@code volume}).
     */
    default List<String> tagKeys()
    {
        return spec().tagKeys();
    }

    /** One sentence: what is counted or measured, and its unit when the name does not say. */
    default String help()
    {
        return spec().help();
    }

    /**
     * The counter for {@code tags}, registered in {@code registry}; an unregistered counter when there is no
     * registry (a component built without one, as in unit tests). The one place that makes that choice.
     */
    default AtomicCounter newCounter(final CounterRegistry registry, final MetricTags tags)
    {
        return registry == null ? CounterRegistry.unregistered() : registry.counter(this, tags);
    }

    /** Registers a gauge read from {@code valueSupplier} when exported or sampled; nothing without a registry. */
    default void newGauge(final CounterRegistry registry, final MetricTags tags, final LongSupplier valueSupplier)
    {
        if (registry != null)
        {
            registry.gauge(this, tags, valueSupplier);
        }
    }

    /** Whether {@code tags} carry exactly the declared keys, in order. */
    default boolean accepts(final MetricTags tags)
    {
        final List<String> keys = tagKeys();
        if (keys.size() != tags.size())
        {
            return false;
        }
        for (int i = 0; i < keys.size(); i++)
        {
            if (!List.of(keys.get(i).split("\\|")).contains(tags.key(i)))
            {
                return false;
            }
        }
        return true;
    }
}
