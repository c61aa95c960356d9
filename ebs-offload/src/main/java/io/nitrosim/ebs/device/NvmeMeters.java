package io.nitrosim.ebs.device;

import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;

/** The counters of one NVMe controller (its {@link EbsMeter}s, tags {@code instance}, {@code volume}), shared by its parts. */
final class NvmeMeters
{
    final AtomicCounter readOps;
    final AtomicCounter readBytes;
    final AtomicCounter writeOps;
    final AtomicCounter writeBytes;
    final AtomicCounter flushOps;
    final AtomicCounter trimOps;
    final AtomicCounter ioErrors;
    final AtomicCounter adminCommands;
    final AtomicCounter invalidDoorbells;
    final AtomicCounter fatalErrors;

    NvmeMeters(final CounterRegistry registry, final MetricTags tags)
    {
        readOps = EbsMeter.READ_OPS.newCounter(registry, tags);
        readBytes = EbsMeter.READ_BYTES.newCounter(registry, tags);
        writeOps = EbsMeter.WRITE_OPS.newCounter(registry, tags);
        writeBytes = EbsMeter.WRITE_BYTES.newCounter(registry, tags);
        flushOps = EbsMeter.FLUSH_OPS.newCounter(registry, tags);
        trimOps = EbsMeter.TRIM_OPS.newCounter(registry, tags);
        ioErrors = EbsMeter.IO_ERRORS.newCounter(registry, tags);
        adminCommands = EbsMeter.ADMIN_COMMANDS.newCounter(registry, tags);
        invalidDoorbells = EbsMeter.DOORBELL_INVALID.newCounter(registry, tags);
        fatalErrors = EbsMeter.CONTROLLER_FATAL.newCounter(registry, tags);
    }
}
