package io.nitrosim.metrics;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongSupplier;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * Where every hot-path counter and gauge of a simulation lives.
 * <p>
 * Counters are Agrona {@link AtomicCounter}s in one counters buffer (as Aeron does): incrementing one
 * allocates nothing and costs a plain or release store, so device agents count freely in doWork. Gauges are
 * read-on-demand suppliers for values a component already holds (credit balances, queue depths). Every meter is
 * registered from its {@link MeterDescriptor} (name, tag keys, help text), declared once by the component that
 * owns it; the registry keeps each meter with its tags so the exporters (Micrometer, reports) and readers (the
 * simulator's results) find it by name and tags.
 * <p>
 * Allocation is not thread-safe: components register their meters while being built, before agents run.
 */
public final class CounterRegistry implements AutoCloseable
{
    public static final int DEFAULT_MAX_COUNTERS = 16_384;

    private final CountersManager countersManager;
    private final List<Meter> meters = new ArrayList<>();
    private final int maxCounters;

    public CounterRegistry()
    {
        this(DEFAULT_MAX_COUNTERS);
    }

    public CounterRegistry(final int maxCounters)
    {
        if (maxCounters < 1)
        {
            throw new IllegalArgumentException("maxCounters must be at least 1, got " + maxCounters);
        }
        this.maxCounters = maxCounters;
        final int valuesLength = maxCounters * CountersManager.COUNTER_LENGTH;
        final int metadataLength = maxCounters * CountersManager.METADATA_LENGTH;
        countersManager = new CountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(metadataLength)),
            new UnsafeBuffer(ByteBuffer.allocateDirect(valuesLength)));
    }

    /**
     * Registers a monotonic counter. Components normally call {@link MeterDescriptor#newCounter}, which also
     * serves components built without a registry.
     *
     * @throws IllegalArgumentException when {@code tags} do not carry the descriptor's tag keys.
     */
    public AtomicCounter counter(final MeterDescriptor descriptor, final MetricTags tags)
    {
        check(descriptor, MeterKind.COUNTER, tags);
        if (countersManager.available() <= 0)
        {
            throw new IllegalStateException(
                "counter registry full (" + maxCounters + " counters): " + descriptor.meterName() + tags);
        }
        final AtomicCounter counter = countersManager.newCounter(descriptor.meterName() + tags);
        meters.add(new Meter(descriptor, tags, counter, counter::get));
        return counter;
    }

    /** A counter that belongs to no registry (see {@link MeterDescriptor#newCounter}). */
    static AtomicCounter unregistered()
    {
        return new AtomicCounter(new UnsafeBuffer(new byte[CountersManager.COUNTER_LENGTH]), 0);
    }

    /** Registers a value read when sampled or exported, never on a hot path. */
    public void gauge(final MeterDescriptor descriptor, final MetricTags tags, final LongSupplier valueSupplier)
    {
        check(descriptor, MeterKind.GAUGE, tags);
        meters.add(new Meter(descriptor, tags, null, valueSupplier));
    }

    private static void check(final MeterDescriptor descriptor, final MeterKind kind, final MetricTags tags)
    {
        if (descriptor.kind() != kind)
        {
            throw new IllegalArgumentException(descriptor.meterName() + " is declared a " + descriptor.kind()
                + ", registered as a " + kind);
        }
        if (!descriptor.accepts(tags))
        {
            throw new IllegalArgumentException(
                descriptor.meterName() + " takes tags " + descriptor.tagKeys() + ", got " + tags);
        }
    }

    /** Frees the counters of a detached device so a long run does not exhaust the buffer. */
    public void remove(final MetricTags tagsToMatch, final String key)
    {
        final String value = tagsToMatch.get(key);
        meters.removeIf(m ->
        {
            final boolean match = value != null && value.equals(m.tags().get(key));
            if (match && m.counter() != null)
            {
                m.counter().close();
            }
            return match;
        });
    }

    public List<Meter> meters()
    {
        return Collections.unmodifiableList(meters);
    }

    /** The first meter with this name and exactly these tags, or null. */
    public Meter find(final String name, final MetricTags tags)
    {
        for (final Meter m : meters)
        {
            if (m.name().equals(name) && m.tags().equals(tags))
            {
                return m;
            }
        }
        return null;
    }

    /** The meter of {@code descriptor} with exactly these tags, or null. */
    public Meter find(final MeterDescriptor descriptor, final MetricTags tags)
    {
        return find(descriptor.meterName(), tags);
    }

    /**
     * The current value of a registered meter.
     *
     * @throws IllegalArgumentException when no meter of that name carries exactly these tags.
     */
    public long value(final MeterDescriptor descriptor, final MetricTags tags)
    {
        return require(descriptor, tags).value();
    }

    /** A registered meter, for readers that keep it (a time series sampling it); it must exist. */
    public Meter require(final MeterDescriptor descriptor, final MetricTags tags)
    {
        final Meter meter = find(descriptor, tags);
        if (meter == null)
        {
            throw new IllegalArgumentException("no meter " + descriptor.meterName() + tags + " is registered");
        }
        return meter;
    }

    @Override
    public void close()
    {
        for (final Meter m : meters)
        {
            if (m.counter() != null)
            {
                m.counter().close();
            }
        }
        meters.clear();
    }

    public enum MeterKind
    {
        COUNTER, GAUGE
    }

    /** One registered meter: its descriptor (name, kind, help), its tags and how to read it. */
    public record Meter(MeterDescriptor descriptor, MetricTags tags, AtomicCounter counter, LongSupplier reader)
    {
        public String name()
        {
            return descriptor.meterName();
        }

        public MeterKind kind()
        {
            return descriptor.kind();
        }

        public long value()
        {
            return reader.getAsLong();
        }
    }
}
