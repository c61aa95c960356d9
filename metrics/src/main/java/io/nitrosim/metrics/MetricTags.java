package io.nitrosim.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * An ordered, immutable list of tag key/value pairs (instance, eni, volume, direction, ...).
 * Order is kept as given so labels and exports are stable run to run.
 */
public final class MetricTags
{
    public static final MetricTags EMPTY = new MetricTags(List.of());

    private final List<String> keysAndValues;

    private MetricTags(final List<String> keysAndValues)
    {
        this.keysAndValues = keysAndValues;
    }

    /** @param keysAndValues alternating key, value, key, value ... */
    public static MetricTags of(final String... keysAndValues)
    {
        if (keysAndValues.length % 2 != 0)
        {
            throw new IllegalArgumentException("tags need key/value pairs, got an odd count: " + keysAndValues.length);
        }
        final List<String> list = new ArrayList<>(keysAndValues.length);
        for (final String s : keysAndValues)
        {
            list.add(Objects.requireNonNull(s, "tag key or value"));
        }
        return new MetricTags(Collections.unmodifiableList(list));
    }

    public MetricTags and(final String key, final String value)
    {
        final List<String> list = new ArrayList<>(keysAndValues);
        list.add(Objects.requireNonNull(key, "tag key"));
        list.add(Objects.requireNonNull(value, "tag value"));
        return new MetricTags(Collections.unmodifiableList(list));
    }

    public int size()
    {
        return keysAndValues.size() / 2;
    }

    public String key(final int i)
    {
        return keysAndValues.get(2 * i);
    }

    public String value(final int i)
    {
        return keysAndValues.get(2 * i + 1);
    }

    /** The value for a key, or null when absent. */
    public String get(final String key)
    {
        for (int i = 0; i < size(); i++)
        {
            if (key(i).equals(key))
            {
                return value(i);
            }
        }
        return null;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof MetricTags && ((MetricTags)o).keysAndValues.equals(keysAndValues);
    }

    @Override
    public int hashCode()
    {
        return keysAndValues.hashCode();
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < size(); i++)
        {
            if (i > 0)
            {
                sb.append(',');
            }
            sb.append(key(i)).append('=').append(value(i));
        }
        return sb.append('}').toString();
    }
}
