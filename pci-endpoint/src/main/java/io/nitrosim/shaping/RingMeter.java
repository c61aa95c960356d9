package io.nitrosim.shaping;

import io.nitrosim.metrics.MeterDescriptor;
import io.nitrosim.metrics.MeterSpec;

/**
 * The meters of every {@link ShapedRing} built with a registry. Tags are the ring owner's: a VPC card's fabric
 * ring {@code host, ring}, an instance's network ingress buffer {@code instance, ring}, an EBS volume's ring
 * {@code instance, volume}.
 */
public enum RingMeter implements MeterDescriptor
{
    ADMITTED_RECORDS(counter("ring.admitted.records", "Records the consumer took after the gate admitted them")),
    ADMITTED_BYTES(counter("ring.admitted.bytes", "Bytes (as charged) of the records the consumer took")),
    THROTTLED_RECORDS(counter("ring.throttled.records", "Records the gate held at the head, counted once per record")),
    THROTTLED_BYTES(counter("ring.throttled.bytes",
        "Bytes (as charged) of the records the gate held, once per record")),
    DROPPED_RECORDS(counter("ring.dropped.records",
        "Records a producer dropped because the ring or its bound was full")),
    DROPPED_BYTES(counter("ring.dropped.bytes", "Bytes (as charged) of the records producers dropped"));

    private final MeterSpec spec;

    RingMeter(final MeterSpec spec)
    {
        this.spec = spec;
    }

    private static MeterSpec counter(final String name, final String help)
    {
        return MeterSpec.counter(name, help, "host|instance", "ring|volume");
    }

    @Override
    public MeterSpec spec()
    {
        return spec;
    }
}
