package io.nitrosim.nic.driver;

import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MeterDescriptor;
import io.nitrosim.metrics.MeterSpec;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.nic.ena.EnaResetReason;

/**
 * The reference ENA driver's meters (tags {@code instance, eni}, and {@code reason} for resets: the ENA reset
 * reason's name). Gauges read from plain fields of the guest's driver when sampled or exported (the guest owns them);
 * every one only grows.
 */
public enum EnaDriverMeter implements MeterDescriptor
{
    RESETS(MeterSpec.gauge("ena.driver.resets",
        "Device resets the guest's ENA driver made to recover, by ENA reset reason", "instance", "eni", "reason")),
    RESET_LOST_FRAMES(MeterSpec.gauge("ena.driver.reset_lost_frames",
        "Frames posted for transmission and lost because the device was reset under them", "instance", "eni")),
    RX_CSUM_BAD(MeterSpec.gauge("ena.driver.rx_csum_bad",
        "Received frames dropped because the device flagged an IPv4 header or TCP/UDP checksum error", "instance",
        "eni"));

    private final MeterSpec spec;

    EnaDriverMeter(final MeterSpec spec)
    {
        this.spec = spec;
    }

    @Override
    public MeterSpec spec()
    {
        return spec;
    }

    /**
     * Registers {@code driver}'s meters with {@code eniTags} (instance, eni): one resets gauge per reset reason
     * ENA defines up to RX_DESCRIPTOR_MALFORMED.
     */
    public static void register(final CounterRegistry registry, final MetricTags eniTags, final EnaDriver driver)
    {
        for (int reason = EnaResetReason.NORMAL; reason <= EnaResetReason.RX_DESCRIPTOR_MALFORMED; reason++)
        {
            final int r = reason;
            RESETS.newGauge(registry, eniTags.and("reason", EnaResetReason.name(r)), () -> driver.resets(r));
        }
        RESET_LOST_FRAMES.newGauge(registry, eniTags, driver::framesLostToResets);
        RX_CSUM_BAD.newGauge(registry, eniTags, driver::rxCsumBad);
    }
}
