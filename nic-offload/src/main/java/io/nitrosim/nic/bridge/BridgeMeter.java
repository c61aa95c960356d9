package io.nitrosim.nic.bridge;

import io.nitrosim.metrics.MeterDescriptor;
import io.nitrosim.metrics.MeterSpec;

/**
 * An ENI port bridge's meters (tags {@code instance, eni}: the primary ENI it runs on). All are gauges read from
 * plain fields of the guest's bridge when sampled or exported (the guest owns them), though every one but
 * {@code bridge.connections} only grows.
 */
public enum BridgeMeter implements MeterDescriptor
{
    CONNECTIONS(gauge("bridge.connections", "Bridged TCP connections open now")),
    CONNECTIONS_OPENED(gauge("bridge.connections.opened",
        "Bridged TCP connections this instance opened for local programs")),
    CONNECTIONS_ACCEPTED(gauge("bridge.connections.accepted", "Bridged TCP connections peers opened to a served port")),
    CONNECTIONS_REFUSED(gauge("bridge.connections.refused",
        "Bridged TCP connections refused: by the peer's target port, or for want of room in the bridge")),
    CONNECTIONS_RESET(gauge("bridge.connections.reset", "Bridged TCP connections reset by either end")),
    RETRANSMITS(gauge("bridge.retransmits", "Segments the bridged TCP streams sent again")),
    TIMEOUTS(gauge("bridge.timeouts", "Retransmission timeouts of the bridged TCP streams")),
    LOSS_EVENTS(gauge("bridge.loss_events", "Loss episodes (fast retransmits) of the bridged TCP streams")),
    DATAGRAMS_SENT(gauge("bridge.datagrams.sent", "Bridged UDP datagrams sent as frames")),
    DATAGRAMS_RECEIVED(gauge("bridge.datagrams.received", "Bridged UDP datagrams received as frames")),
    DATAGRAMS_DROPPED(gauge("bridge.datagrams.dropped",
        "Bridged UDP datagrams dropped: a full flow ring, or more flows than the bridge takes"));

    private final MeterSpec spec;

    BridgeMeter(final MeterSpec spec)
    {
        this.spec = spec;
    }

    private static MeterSpec gauge(final String name, final String help)
    {
        return MeterSpec.gauge(name, help, "instance", "eni");
    }

    @Override
    public MeterSpec spec()
    {
        return spec;
    }
}
