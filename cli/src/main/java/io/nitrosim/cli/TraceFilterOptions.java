package io.nitrosim.cli;

import java.util.List;

import io.nitrosim.simulator.trace.TraceFilter;
import io.nitrosim.simulator.trace.TraceMeta;
import picocli.CommandLine.Option;

/** The record filters the trace commands share. */
final class TraceFilterOptions
{
    @Option(names = "--instance", paramLabel = "NAME", description = "Only this instance's records (scenario name).")
    String instance;

    @Option(names = "--function", paramLabel = "NAME", description = "Only this function's records (ENI or volume name).")
    String function;

    @Option(names = "--kind", paramLabel = "KIND", split = ",",
        description = "Only these event kinds (comma-separated: config-read, mmio-write, doorbell, dma-read, msix, "
            + "descriptor-fetch, shaping-throttled, frame-out, storage-op, ...; all).")
    List<String> kinds;

    @Option(names = "--from", paramLabel = "TIME", description = "Records at or after this simulated time (2s, 150ms).")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "Records before this simulated time.")
    String to;

    TraceFilter filter(final TraceMeta meta)
    {
        return TraceFilter.of(meta, instance, function, kinds, from, to);
    }
}
