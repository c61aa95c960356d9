package io.nitrosim.nic.ena;

import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.nic.shaping.EniCounters;
import io.nitrosim.nic.shaping.EniMeter;

/**
 * The counters of one ENA function (its {@link EnaMeter}s, tags {@code instance}, {@code eni}), and the ENI counters
 * of its card port it reports to the driver (GET_STATS, keep-alive events): one place for all of them, shared by the
 * function's parts.
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
    final AtomicCounter linkDropped;
    private final EniCounters eni;

    EnaDeviceMeters(final CounterRegistry registry, final MetricTags tags, final EniCounters eni)
    {
        this.eni = eni;
        txFrames = EnaMeter.TX_FRAMES.newCounter(registry, tags);
        txBytes = EnaMeter.TX_BYTES.newCounter(registry, tags);
        txErrors = EnaMeter.TX_ERRORS.newCounter(registry, tags);
        txBlocked = EnaMeter.TX_BLOCKED.newCounter(registry, tags);
        rxFrames = EnaMeter.RX_FRAMES.newCounter(registry, tags);
        rxBytes = EnaMeter.RX_BYTES.newCounter(registry, tags);
        rxOverruns = EnaMeter.RX_OVERRUNS.newCounter(registry, tags);
        fatalErrors = EnaMeter.FATAL_ERRORS.newCounter(registry, tags);
        aenqDropped = EnaMeter.AENQ_DROPPED.newCounter(registry, tags);
        adminCommands = EnaMeter.ADMIN_COMMANDS.newCounter(registry, tags);
        linkDropped = EnaMeter.LINK_DROPPED.newCounter(registry, tags);
    }

    /** A received frame no posted buffer could take (the ENI's {@code nic.rx_no_buffer_dropped}). */
    void countRxDrop()
    {
        eni.increment(EniMeter.RX_NO_BUFFER_DROPPED);
    }

    /** GET_STATS rx_drops and the keep-alive's rx_drops. */
    long rxDrops()
    {
        return eni.get(EniMeter.RX_NO_BUFFER_DROPPED);
    }

    /** ENI allowance statistic {@code index} in ENA's order (GET_STATS ENI). */
    long eniStat(final int index)
    {
        return eni.enaStat(index);
    }
}
