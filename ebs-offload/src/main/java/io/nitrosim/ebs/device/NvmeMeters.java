package io.nitrosim.ebs.device;

import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;

/** The counters of one NVMe controller (tags {@code instance}, {@code volume}), shared by its parts. */
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
        readOps = counter(registry, "ebs.read.ops", tags);
        readBytes = counter(registry, "ebs.read.bytes", tags);
        writeOps = counter(registry, "ebs.write.ops", tags);
        writeBytes = counter(registry, "ebs.write.bytes", tags);
        flushOps = counter(registry, "ebs.flush.ops", tags);
        trimOps = counter(registry, "ebs.trim.ops", tags);
        ioErrors = counter(registry, "ebs.io.errors", tags);
        adminCommands = counter(registry, "ebs.admin.commands", tags);
        invalidDoorbells = counter(registry, "ebs.doorbell.invalid", tags);
        fatalErrors = counter(registry, "ebs.controller.fatal", tags);
    }

    private static AtomicCounter counter(final CounterRegistry registry, final String name, final MetricTags tags)
    {
        return registry == null ? CounterRegistry.unregistered() : registry.counter(name, tags);
    }
}
