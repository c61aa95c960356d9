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
 * read-on-demand suppliers for values a component already holds (credit balances, queue depths). The registry
 * keeps every meter's stable name and tags so the exporters (Micrometer, reports) can bind them later.
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

    /** A monotonic counter. The name is the stable exported name (dots, lower case), tags distinguish owners. */
    public AtomicCounter counter(final String name, final MetricTags tags)
    {
        if (countersManager.available() <= 0)
        {
            throw new IllegalStateException("counter registry full (" + maxCounters + " counters): " + name + tags);
        }
        final AtomicCounter counter = countersManager.newCounter(name + tags);
        meters.add(new Meter(name, tags, MeterKind.COUNTER, counter, counter::get));
        return counter;
    }

    /** A counter that belongs to no registry (for components built without one, e.g. in unit tests). */
    public static AtomicCounter unregistered()
    {
        return new AtomicCounter(new UnsafeBuffer(new byte[CountersManager.COUNTER_LENGTH]), 0);
    }

    /** A value read when sampled or exported, never on a hot path. */
    public void gauge(final String name, final MetricTags tags, final LongSupplier valueSupplier)
    {
        meters.add(new Meter(name, tags, MeterKind.GAUGE, null, valueSupplier));
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

    /** One registered meter: its stable name, its tags and how to read it. */
    public record Meter(String name, MetricTags tags, MeterKind kind, AtomicCounter counter, LongSupplier reader)
    {
        public long value()
        {
            return reader.getAsLong();
        }
    }
}
