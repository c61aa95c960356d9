package io.nitrosim.simulator.scenario;

import java.lang.management.ManagementFactory;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * The memory a run of a scenario will need, estimated before anything is built, so a scenario that would run
 * out of heap or direct memory is refused with the figure instead of failing after minutes.
 * <p>
 * The costs per element are measured on this simulator (heap and direct buffer pool after assembly and after a
 * run, docs/scenarios.md "Limits") and rounded up: a host's network card and fabric rings, an instance's ENA
 * and guest driver rings, a volume's NVMe queues and latency histogram, an iperf stream's buffers and
 * histograms, and 8 bytes per sample of each time series, held three times at the end of a run (recorder,
 * snapshot, report).
 *
 * @param heapBytes   estimated Java heap.
 * @param heapCause   the scenario field that contributes most to it, for the message.
 * @param directBytes estimated direct (off-heap buffer) memory.
 * @param directCause the scenario field that contributes most to it.
 */
public record RunFootprint(long heapBytes, String heapCause, long directBytes, String directCause)
{
    static final long BASE_HEAP_BYTES = 64L << 20;
    static final long BASE_DIRECT_BYTES = 16L << 20;
    static final long HOST_DIRECT_BYTES = 5L << 20;
    static final long INSTANCE_DIRECT_BYTES = 5L << 19;
    static final long ENI_DIRECT_BYTES = 1L << 20;
    static final long VOLUME_DIRECT_BYTES = 1L << 20;
    static final long INSTANCE_HEAP_BYTES = 1L << 20;
    static final long VOLUME_HEAP_BYTES = 2L << 20;
    static final long STREAM_HEAP_BYTES = 256L << 10;
    static final long FIO_JOB_HEAP_BYTES = 256L << 10;
    static final long SAMPLE_BYTES = 3 * Double.BYTES;
    /** Series per instance (network rates, credits, allowance counters) and per EBS card and volume. */
    static final int SERIES_PER_INSTANCE = 9;
    static final int SERIES_PER_EBS_CARD = 4;
    static final int SERIES_PER_VOLUME = 3;

    /** Estimates the footprint of a validated scenario. */
    public static RunFootprint of(final Scenario s)
    {
        long series = 0;
        long volumes = 0;
        long enis = 0;
        for (final Scenario.Instance i : s.instances())
        {
            series += SERIES_PER_INSTANCE + (i.volumes().isEmpty() ? 0 : SERIES_PER_EBS_CARD)
                + SERIES_PER_VOLUME * (long)i.volumes().size();
            volumes += i.volumes().size();
            enis += 1 + i.enis().size();
        }
        long streams = 0;
        long fioJobs = 0;
        for (final Scenario.Workload w : s.workloads())
        {
            if (w instanceof Scenario.IperfWorkload iperf)
            {
                streams += iperf.streams();
            }
            else if (w instanceof Scenario.FioWorkload fio)
            {
                fioJobs += fio.numjobs();
            }
        }
        final long samples = s.durationNs() / s.sampleIntervalNs() + 2;
        final long seriesBytes = samples * series * SAMPLE_BYTES;
        final long instanceHeap = s.instances().size() * INSTANCE_HEAP_BYTES + volumes * VOLUME_HEAP_BYTES
            + streams * STREAM_HEAP_BYTES + fioJobs * FIO_JOB_HEAP_BYTES;
        final long heap = BASE_HEAP_BYTES + seriesBytes + instanceHeap;
        final long direct = BASE_DIRECT_BYTES + s.hosts().size() * HOST_DIRECT_BYTES
            + s.instances().size() * INSTANCE_DIRECT_BYTES + enis * ENI_DIRECT_BYTES + volumes * VOLUME_DIRECT_BYTES;
        final String heapCause = seriesBytes >= instanceHeap ? "sampleInterval"
            : streams * STREAM_HEAP_BYTES >= instanceHeap / 2 ? "workloads" : "instances";
        final String directCause = s.hosts().size() * HOST_DIRECT_BYTES >= direct / 2 ? "hosts" : "instances";
        return new RunFootprint(heap, heapCause, direct, directCause);
    }

    /** This JVM's heap limit. */
    public static long maxHeapBytes()
    {
        return Runtime.getRuntime().maxMemory();
    }

    /** This JVM's direct memory limit (-XX:MaxDirectMemorySize, by default the heap limit). */
    public static long maxDirectBytes()
    {
        try
        {
            final HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            final long configured = Long.parseLong(hotspot.getVMOption("MaxDirectMemorySize").getValue());
            return configured > 0 ? configured : maxHeapBytes();
        }
        catch (final RuntimeException ex)
        {
            return maxHeapBytes(); // not a HotSpot JVM: its default is the heap limit too
        }
    }

    /** "1.9 GiB", "512 MiB". */
    static String format(final long bytes)
    {
        return bytes >= 1L << 30 ? String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double)(1L << 30)) :
            (bytes >> 20) + " MiB";
    }
}
