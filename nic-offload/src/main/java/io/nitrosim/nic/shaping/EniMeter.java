package io.nitrosim.nic.shaping;

import java.util.List;

import io.nitrosim.metrics.MeterDescriptor;
import io.nitrosim.metrics.MeterSpec;

/**
 * The counters the VPC card keeps per ENI (tags {@code instance, eni}): ENA's five ENI allowance counters under
 * their ENA names, in the order GET_STATS type ENI returns them ({@link #ENA_ENI_STATS}), then the card's own.
 * The allowance counters count packets as ENA does (AWS, "Monitor network performance for ENA settings on your
 * EC2 instance"; Linux {@code ena_admin_defs.h}).
 */
public enum EniMeter implements MeterDescriptor
{
    BW_IN_ALLOWANCE_EXCEEDED(counter("bw_in_allowance_exceeded",
        "Packets queued or dropped because the inbound aggregate bandwidth exceeded the instance's maximum")),
    BW_OUT_ALLOWANCE_EXCEEDED(counter("bw_out_allowance_exceeded",
        "Packets queued or dropped because the outbound aggregate bandwidth exceeded the instance's maximum")),
    PPS_ALLOWANCE_EXCEEDED(counter("pps_allowance_exceeded",
        "Packets queued or dropped because the bidirectional packet rate exceeded the instance's maximum")),
    CONNTRACK_ALLOWANCE_EXCEEDED(counter("conntrack_allowance_exceeded",
        "Packets dropped because connection tracking exceeded the instance's maximum")),
    LINKLOCAL_ALLOWANCE_EXCEEDED(counter("linklocal_allowance_exceeded",
        "Packets dropped because link-local traffic (DNS, metadata, time) exceeded its packets/s per interface")),
    FLOW_ALLOWANCE_EXCEEDED(counter("nic.flow_allowance_exceeded",
        "Frames that waited for their flow's bucket (5 Gbps, 10 Gbps in a cluster placement group), once per frame")),
    TX_FRAMES(counter("nic.tx.frames", "Frames the card sent to the fabric")),
    TX_BYTES(counter("nic.tx.bytes", "Bytes (frame lengths) the card sent to the fabric")),
    RX_FRAMES(counter("nic.rx.frames", "Frames the card delivered to the ENI after ingress shaping")),
    RX_BYTES(counter("nic.rx.bytes", "Bytes (frame lengths) the card delivered to the ENI")),
    SPOOF_DROPPED(counter("nic.spoof_dropped", "Egress frames dropped: source MAC or IP not the ENI's")),
    SG_EGRESS_DROPPED(counter("nic.sg_egress_dropped", "Egress frames no outbound security group rule allowed")),
    SG_INGRESS_DROPPED(counter("nic.sg_ingress_dropped", "Ingress frames no inbound security group rule allowed")),
    NO_ROUTE_DROPPED(counter("nic.no_route_dropped",
        "Egress frames with no destination in the ENI's VPC or a peered one (VPC isolation), or detached")),
    VNI_MISMATCH_DROPPED(counter("nic.vni_mismatch_dropped",
        "Ingress frames whose VNI is neither the ENI's VPC nor a peer's")),
    RX_NO_BUFFER_DROPPED(counter("nic.rx_no_buffer_dropped", "Ingress frames the receiver had no buffer for")),
    MALFORMED_DROPPED(counter("nic.malformed_dropped", "Frames the card could not parse")),
    LINKLOCAL_FRAMES(counter("nic.linklocal.frames", "Link-local frames admitted to the card's local services"));

    /** The ENA GET_STATS (type ENI) order. */
    public static final List<EniMeter> ENA_ENI_STATS = List.of(BW_IN_ALLOWANCE_EXCEEDED, BW_OUT_ALLOWANCE_EXCEEDED,
        PPS_ALLOWANCE_EXCEEDED, CONNTRACK_ALLOWANCE_EXCEEDED, LINKLOCAL_ALLOWANCE_EXCEEDED);

    private final MeterSpec spec;

    EniMeter(final MeterSpec spec)
    {
        this.spec = spec;
    }

    private static MeterSpec counter(final String name, final String help)
    {
        return MeterSpec.counter(name, help, "instance", "eni");
    }

    @Override
    public MeterSpec spec()
    {
        return spec;
    }
}
