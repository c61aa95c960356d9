package io.nitrosim.nic.shaping;

import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.shaping.ShapingReason;
import io.nitrosim.shaping.ThrottleCounters;

/**
 * One ENI's counters, one per {@link EniMeter}, registered with tags {@code instance, eni}. The five ENA allowance
 * counters and the flow counter are what the ENI's shaping counts by {@link ShapingReason}: {@link #egress()} and
 * {@link #ingress()} map the reasons that hold or refuse a frame in each direction to them (instance bandwidth to
 * bw_out or bw_in, instance ops to pps, flow, link-local, conntrack). Readers outside the card read the values
 * through the registry. Allocation-free.
 */
public final class EniCounters
{
    private static final EniMeter[] METERS = EniMeter.values();

    private final String instanceId;
    private final String eniId;
    private final AtomicCounter[] counters = new AtomicCounter[METERS.length];
    private final ThrottleCounters egress;
    private final ThrottleCounters ingress;

    public EniCounters(final CounterRegistry registry, final String instanceId, final String eniId)
    {
        this.instanceId = instanceId;
        this.eniId = eniId;
        final MetricTags tags = MetricTags.of("instance", instanceId, "eni", eniId);
        for (final EniMeter meter : METERS)
        {
            counters[meter.ordinal()] = meter.newCounter(registry, tags);
        }
        final AtomicCounter pps = counter(EniMeter.PPS_ALLOWANCE_EXCEEDED);
        final AtomicCounter conntrack = counter(EniMeter.CONNTRACK_ALLOWANCE_EXCEEDED);
        egress = ThrottleCounters.builder()
            .records(ShapingReason.INSTANCE_BANDWIDTH, counter(EniMeter.BW_OUT_ALLOWANCE_EXCEEDED))
            .records(ShapingReason.INSTANCE_OPS, pps)
            .records(ShapingReason.FLOW, counter(EniMeter.FLOW_ALLOWANCE_EXCEEDED))
            .records(ShapingReason.LINK_LOCAL, counter(EniMeter.LINKLOCAL_ALLOWANCE_EXCEEDED))
            .records(ShapingReason.CONNTRACK, conntrack)
            .build();
        ingress = ThrottleCounters.builder()
            .records(ShapingReason.INSTANCE_BANDWIDTH, counter(EniMeter.BW_IN_ALLOWANCE_EXCEEDED))
            .records(ShapingReason.INSTANCE_OPS, pps)
            .records(ShapingReason.CONNTRACK, conntrack)
            .build();
    }

    private AtomicCounter counter(final EniMeter meter)
    {
        return counters[meter.ordinal()];
    }

    public String instanceId()
    {
        return instanceId;
    }

    public String eniId()
    {
        return eniId;
    }

    /** What holds or refuses the ENI's outbound frames, counted by reason. */
    public ThrottleCounters egress()
    {
        return egress;
    }

    /** What holds or refuses the ENI's inbound frames, counted by reason. */
    public ThrottleCounters ingress()
    {
        return ingress;
    }

    public long get(final EniMeter meter)
    {
        return counters[meter.ordinal()].get();
    }

    /** Counts one event; safe from any thread (the ENA device counts receive drops on its own agent). */
    public void increment(final EniMeter meter)
    {
        counters[meter.ordinal()].increment();
    }

    public void add(final EniMeter meter, final long amount)
    {
        counters[meter.ordinal()].getAndAdd(amount);
    }

    /** ENA ENI statistic {@code index} in GET_STATS order (0 bw_in .. 4 linklocal). */
    public long enaStat(final int index)
    {
        if (index < 0 || index >= EniMeter.ENA_ENI_STATS.size())
        {
            throw new IllegalArgumentException("ENA ENI statistic " + index + " out of range, accepted 0..4");
        }
        return get(EniMeter.ENA_ENI_STATS.get(index));
    }
}
