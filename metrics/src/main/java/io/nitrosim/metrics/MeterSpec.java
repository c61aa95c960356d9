package io.nitrosim.metrics;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link MeterDescriptor} declares: the meter's stable name, its kind, its tag keys and its help text. A
 * spec is itself a descriptor (for a meter that belongs to no module's declarations, as in tests); components
 * declare theirs as enum constants holding a spec, so that a module's meters can be listed.
 *
 * @param meterName the exported name: dots, lower case, unit last ({@code ebs.read.bytes}).
 * @param tagKeys   the tag keys in order; {@code "eni|volume"} accepts either key at that position.
 * @param help      one sentence: what is counted or measured, with its unit when the name does not say.
 */
public record MeterSpec(String meterName, CounterRegistry.MeterKind kind, List<String> tagKeys, String help)
    implements MeterDescriptor
{
    public MeterSpec
    {
        Objects.requireNonNull(meterName, "meter name");
        Objects.requireNonNull(kind, "meter kind");
        tagKeys = List.copyOf(tagKeys);
        if (help == null || help.isBlank())
        {
            throw new IllegalArgumentException("meter " + meterName + " needs a help text");
        }
    }

    @Override
    public MeterSpec spec()
    {
        return this;
    }

    public static MeterSpec counter(final String meterName, final String help, final String... tagKeys)
    {
        return new MeterSpec(meterName, CounterRegistry.MeterKind.COUNTER, List.of(tagKeys), help);
    }

    public static MeterSpec gauge(final String meterName, final String help, final String... tagKeys)
    {
        return new MeterSpec(meterName, CounterRegistry.MeterKind.GAUGE, List.of(tagKeys), help);
    }
}
