package io.nitrosim.nic.ena;

import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.nic.shaping.EniCounters;

/**
 * The counters of one ENA function (tags {@code instance}, {@code eni}), and the ENI counters of its card port it
 * reports to the driver (GET_STATS, keep-alive events): one place for all of them, shared by the function's parts.
 */
final class EnaDeviceMeters
{
    final AtomicCounter txFrames;
    final AtomicCounter txBytes;
    final AtomicCounter txErrors;
    final AtomicCounter txBlocked;
    final AtomicCounter rxFrames;
    final AtomicCounter rxBytes;
    final AtomicCounter rxOverruns;
    final AtomicCounter fatalErrors;
    final AtomicCounter aenqDropped;
    final AtomicCounter adminCommands;
    private final EniCounters eni;

    EnaDeviceMeters(final CounterRegistry registry, final MetricTags tags, final EniCounters eni)
    {
        this.eni = eni;
        txFrames = counter(registry, "ena.tx.frames", tags);
        txBytes = counter(registry, "ena.tx.bytes", tags);
        txErrors = counter(registry, "ena.tx.errors", tags);
        txBlocked = counter(registry, "ena.tx.blocked", tags);
        rxFrames = counter(registry, "ena.rx.frames", tags);
        rxBytes = counter(registry, "ena.rx.bytes", tags);
        rxOverruns = counter(registry, "ena.rx.overruns", tags);
        fatalErrors = counter(registry, "ena.fatal_errors", tags);
        aenqDropped = counter(registry, "ena.aenq.dropped", tags);
        adminCommands = counter(registry, "ena.admin.commands", tags);
    }

    private static AtomicCounter counter(final CounterRegistry registry, final String name, final MetricTags tags)
    {
        return registry == null ? CounterRegistry.unregistered() : registry.counter(name, tags);
    }

    /** A received frame no posted buffer could take (the ENI's {@code nic.rx_no_buffer_dropped}). */
    void countRxDrop()
    {
        eni.rxNoBufferDropped.increment();
    }

    /** GET_STATS rx_drops and the keep-alive's rx_drops. */
    long rxDrops()
    {
        return eni.rxNoBufferDropped.get();
    }

    /** ENI allowance statistic {@code index} in ENA's order (GET_STATS ENI). */
    long eniStat(final int index)
    {
        return eni.enaStat(index);
    }
}
