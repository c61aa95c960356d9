package io.nitrosim.nic.shaping;

import java.util.List;

import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;

/**
 * One ENI's counters: the five ENA ENI allowance counters under their ENA names (GET_STATS type ENI returns
 * them in {@link #ENA_ENI_STATS} order), and the card's own data-path counters. Tags: instance, eni.
 * Incremented only by the card agent's thread; allocation-free.
 */
public final class EniCounters
{
    public static final String BW_IN_ALLOWANCE_EXCEEDED = "bw_in_allowance_exceeded";
    public static final String BW_OUT_ALLOWANCE_EXCEEDED = "bw_out_allowance_exceeded";
    public static final String PPS_ALLOWANCE_EXCEEDED = "pps_allowance_exceeded";
    public static final String CONNTRACK_ALLOWANCE_EXCEEDED = "conntrack_allowance_exceeded";
    public static final String LINKLOCAL_ALLOWANCE_EXCEEDED = "linklocal_allowance_exceeded";
    /** The ENA GET_STATS (type ENI) order. */
    public static final List<String> ENA_ENI_STATS = List.of(BW_IN_ALLOWANCE_EXCEEDED, BW_OUT_ALLOWANCE_EXCEEDED,
        PPS_ALLOWANCE_EXCEEDED, CONNTRACK_ALLOWANCE_EXCEEDED, LINKLOCAL_ALLOWANCE_EXCEEDED);

    /** Frames lost to the per-flow limit queueing; not an ENA counter. */
    public static final String FLOW_ALLOWANCE_EXCEEDED = "nic.flow_allowance_exceeded";

    public final AtomicCounter bwInAllowanceExceeded;
    public final AtomicCounter bwOutAllowanceExceeded;
    public final AtomicCounter ppsAllowanceExceeded;
    public final AtomicCounter conntrackAllowanceExceeded;
    public final AtomicCounter linklocalAllowanceExceeded;
    /** Frames that waited for their flow's 5 Gbps (or cluster 10 Gbps) bucket, once per frame. */
    public final AtomicCounter flowAllowanceExceeded;
    public final AtomicCounter txFrames;
    public final AtomicCounter txBytes;
    public final AtomicCounter rxFrames;
    public final AtomicCounter rxBytes;
    /** Egress frames whose source MAC or IP is not the ENI's. */
    public final AtomicCounter spoofDropped;
    /** Egress frames no outbound rule allowed. */
    public final AtomicCounter sgEgressDropped;
    /** Ingress frames no inbound rule allowed. */
    public final AtomicCounter sgIngressDropped;
    /** Egress frames with no destination in the ENI's VPC or a peered one (VPC isolation), or detached. */
    public final AtomicCounter noRouteDropped;
    /** Ingress frames whose VNI is neither the ENI's VPC nor a peer's. */
    public final AtomicCounter vniMismatchDropped;
    /** Ingress frames the receiver had no buffer for. */
    public final AtomicCounter rxNoBufferDropped;
    /** Frames the card could not parse. */
    public final AtomicCounter malformedDropped;
    /** Link-local frames admitted to the card's local services. */
    public final AtomicCounter linkLocalFrames;

    private final String instanceId;
    private final String eniId;

    public EniCounters(final CounterRegistry registry, final String instanceId, final String eniId)
    {
        this.instanceId = instanceId;
        this.eniId = eniId;
        final MetricTags tags = MetricTags.of("instance", instanceId, "eni", eniId);
        bwInAllowanceExceeded = counter(registry, BW_IN_ALLOWANCE_EXCEEDED, tags);
        bwOutAllowanceExceeded = counter(registry, BW_OUT_ALLOWANCE_EXCEEDED, tags);
        ppsAllowanceExceeded = counter(registry, PPS_ALLOWANCE_EXCEEDED, tags);
        conntrackAllowanceExceeded = counter(registry, CONNTRACK_ALLOWANCE_EXCEEDED, tags);
        linklocalAllowanceExceeded = counter(registry, LINKLOCAL_ALLOWANCE_EXCEEDED, tags);
        flowAllowanceExceeded = counter(registry, FLOW_ALLOWANCE_EXCEEDED, tags);
        txFrames = counter(registry, "nic.tx.frames", tags);
        txBytes = counter(registry, "nic.tx.bytes", tags);
        rxFrames = counter(registry, "nic.rx.frames", tags);
        rxBytes = counter(registry, "nic.rx.bytes", tags);
        spoofDropped = counter(registry, "nic.spoof_dropped", tags);
        sgEgressDropped = counter(registry, "nic.sg_egress_dropped", tags);
        sgIngressDropped = counter(registry, "nic.sg_ingress_dropped", tags);
        noRouteDropped = counter(registry, "nic.no_route_dropped", tags);
        vniMismatchDropped = counter(registry, "nic.vni_mismatch_dropped", tags);
        rxNoBufferDropped = counter(registry, "nic.rx_no_buffer_dropped", tags);
        malformedDropped = counter(registry, "nic.malformed_dropped", tags);
        linkLocalFrames = counter(registry, "nic.linklocal.frames", tags);
    }

    private static AtomicCounter counter(final CounterRegistry registry, final String name, final MetricTags tags)
    {
        return registry == null ? CounterRegistry.unregistered() : registry.counter(name, tags);
    }

    public String instanceId()
    {
        return instanceId;
    }

    public String eniId()
    {
        return eniId;
    }

    /** ENA ENI statistic {@code index} in GET_STATS order (0 bw_in .. 4 linklocal). */
    public long enaStat(final int index)
    {
        switch (index)
        {
            case 0:
                return bwInAllowanceExceeded.get();
            case 1:
                return bwOutAllowanceExceeded.get();
            case 2:
                return ppsAllowanceExceeded.get();
            case 3:
                return conntrackAllowanceExceeded.get();
            case 4:
                return linklocalAllowanceExceeded.get();
            default:
                throw new IllegalArgumentException("ENA ENI statistic " + index + " out of range, accepted 0..4");
        }
    }
}
