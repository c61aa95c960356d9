package io.nitrosim.nic.ena;

import io.nitrosim.metrics.MeterDescriptor;
import io.nitrosim.metrics.MeterSpec;

/** The ENA device's own counters (tags {@code instance, eni}); its PCI function's are {@code PciMeter}. */
public enum EnaMeter implements MeterDescriptor
{
    TX_FRAMES(counter("ena.tx.frames", "Frames the device took from the guest's TX queues")),
    TX_BYTES(counter("ena.tx.bytes", "Bytes of the frames the device took from the guest's TX queues")),
    TX_ERRORS(counter("ena.tx.errors", "TX frames completed with an error status (ENA tx_drops)")),
    TX_BLOCKED(counter("ena.tx.blocked", "Times a TX SQ found its card queue full and stopped (back-pressure)")),
    RX_FRAMES(counter("ena.rx.frames", "Frames the device wrote to the guest's RX buffers")),
    RX_BYTES(counter("ena.rx.bytes", "Bytes of the frames the device wrote to the guest's RX buffers")),
    RX_OVERRUNS(counter("ena.rx.overruns", "Frames dropped because the posted RX buffers were too small")),
    FATAL_ERRORS(counter("ena.fatal_errors", "Times the device entered its fatal state (the driver must reset it)")),
    AENQ_DROPPED(counter("ena.aenq.dropped",
        "Asynchronous events lost because the driver had not handed entries back")),
    ADMIN_COMMANDS(counter("ena.admin.commands", "Admin queue commands executed")),
    LINK_DROPPED(counter("ena.link.dropped", "Frames the card delivered while the ENI's link was down (dropped)"));

    private final MeterSpec spec;

    EnaMeter(final MeterSpec spec)
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
