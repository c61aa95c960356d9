package io.nitrosim.nic.card;

import io.nitrosim.metrics.MeterDescriptor;
import io.nitrosim.metrics.MeterSpec;

/**
 * The VPC card's own meters: per host (its fabric link) and per instance (the network credit balances). The per
 * ENI counters are {@link io.nitrosim.nic.shaping.EniMeter}.
 */
public enum VpcCardMeter implements MeterDescriptor
{
    FABRIC_MALFORMED_DROPPED(MeterSpec.counter("nic.fabric.malformed_dropped",
        "Fabric records dropped because their encapsulation header is invalid", "host")),
    FABRIC_MISROUTED_DROPPED(MeterSpec.counter("nic.fabric.misrouted_dropped",
        "Fabric records for an ENI or address this host does not serve", "host")),
    FABRIC_STALLS(MeterSpec.counter("nic.fabric.stalls",
        "Admitted frames that found their fabric link full and waited in their queue, once per frame", "host")),
    CREDIT_BALANCE(MeterSpec.gauge("nic.credit_balance.ppm",
        "Network I/O credit balance in parts per million of the bucket (1000000 for fixed-rate types)",
        "instance", "direction"));

    private final MeterSpec spec;

    VpcCardMeter(final MeterSpec spec)
    {
        this.spec = spec;
    }

    @Override
    public MeterSpec spec()
    {
        return spec;
    }
}
