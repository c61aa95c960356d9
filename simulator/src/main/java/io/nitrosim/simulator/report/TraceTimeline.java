package io.nitrosim.simulator.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.nitrosim.pci.MsixTable;
import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.pci.trace.TraceRecord;
import io.nitrosim.simulator.trace.TraceMeta;
import io.nitrosim.simulator.trace.TraceReader;

/**
 * A trace reduced to what a timeline draws: one row per queue of each traced function (its descriptors, shaping
 * decisions, frames, storage operations), one per function for its queue-less events (registers, DMA, MSI-X,
 * resets, state), and one per vCPU: the hypervisor's interrupt and state records, or in traces without them, the
 * MSI-X messages delivered (by the message address's destination APIC id). Each row counts its events in {@code buckets} equal slices of the run, so the drawing's size depends on the
 * number of rows and buckets, never on the number of events; throttled shaping decisions are counted apart, and
 * resets and state changes are kept as instants (at most {@value #MAX_MARKERS} per row).
 */
public final class TraceTimeline
{
    static final int MAX_MARKERS = 64;
    /** The row of a function's queue-less events sorts before its queues. */
    private static final int FUNCTION_ROW = -1;
    /** vCPU rows sort after every function of their instance. */
    private static final int VCPU_FUNCTION = 1 << 20;

    /** One row: what it shows, its events and throttled decisions per bucket, its reset/state marks. */
    public record Row(String label, int[] events, int[] throttled, List<Marker> markers)
    {
        public long total()
        {
            long sum = 0;
            for (final int e : events)
            {
                sum += e;
            }
            return sum;
        }
    }

    /** A reset or state change at {@code timeNs}. */
    public record Marker(long timeNs, String text)
    {
    }

    private final long spanNs;
    private final int buckets;
    private final List<Row> rows;
    private final long records;

    private TraceTimeline(final long spanNs, final int buckets, final List<Row> rows, final long records)
    {
        this.spanNs = spanNs;
        this.buckets = buckets;
        this.rows = rows;
        this.records = records;
    }

    /** Reads every record of {@code reader} into {@code buckets} slices of {@code [0, spanNs)}. */
    public static TraceTimeline of(final TraceReader reader, final long spanNs, final int buckets)
    {
        if (spanNs <= 0 || buckets < 1)
        {
            throw new IllegalArgumentException("timeline span " + spanNs + " ns and " + buckets
                + " buckets must both be positive");
        }
        final TraceMeta meta = reader.meta();
        final Map<Long, Row> byKey = new TreeMap<>();
        final boolean hypervisorVcpus = meta.hasHypervisorVcpus();
        long records = 0;
        while (reader.next())
        {
            final TraceRecord r = reader.record();
            final int kind = r.kind();
            if (kind == TraceKind.CREDIT || kind == TraceKind.DMA_DATA)
            {
                continue; // a counter, drawn by the report's credit charts; the bytes behind a dma-read
            }
            records++;
            final int bucket = (int)Math.min(buckets - 1, Math.max(0, r.timeNs() * buckets / spanNs));
            final int instance = r.instance();
            final int function = r.function();
            final boolean vcpu = kind == TraceKind.VCPU_INTERRUPT || kind == TraceKind.VCPU_STATE;
            final Row row = vcpu ? row(byKey, meta, instance, VCPU_FUNCTION, r.queue(), buckets)
                : row(byKey, meta, instance, function, r.queue() < 0 ? FUNCTION_ROW : r.queue(), buckets);
            row.events()[bucket]++;
            if (kind == TraceKind.SHAPING_THROTTLED)
            {
                row.throttled()[bucket]++;
            }
            else if ((kind == TraceKind.RESET || kind == TraceKind.STATE) && row.markers().size() < MAX_MARKERS)
            {
                row.markers().add(new Marker(r.timeNs(), TraceKind.name(kind) + (kind == TraceKind.RESET
                    ? (r.arg0() == 0 ? " (function-level)" : " (device, reason " + r.arg1() + ")")
                    : " 0x" + Long.toHexString(r.arg0()))));
            }
            else if (!hypervisorVcpus && kind == TraceKind.MSIX && (r.arg1() & 0xFF) == MsixTable.DELIVERED)
            {
                final int apicId = (int)((r.arg2() >>> 12) & 0xFF); // MSI address bits 19:12: destination
                row(byKey, meta, instance, VCPU_FUNCTION, apicId, buckets).events()[bucket]++;
            }
        }
        return new TraceTimeline(spanNs, buckets, new ArrayList<>(byKey.values()), records);
    }

    private static Row row(final Map<Long, Row> byKey, final TraceMeta meta, final int instance, final int function,
        final int queue, final int buckets)
    {
        final long key = ((long)(instance & 0xFFFF) << 48) | ((long)(function & 0xFF_FFFF) << 24)
            | ((queue + 1) & 0xFF_FFFFL);
        Row row = byKey.get(key);
        if (row == null)
        {
            final String label;
            if (function == VCPU_FUNCTION)
            {
                label = meta.instanceName(instance) + " vCPU (APIC " + queue + ")";
            }
            else
            {
                label = meta.where(instance, function) + (queue == FUNCTION_ROW ? " registers, DMA" : " q" + queue);
            }
            row = new Row(label, new int[buckets], new int[buckets], new ArrayList<>());
            byKey.put(key, row);
        }
        return row;
    }

    public long spanNs()
    {
        return spanNs;
    }

    public int buckets()
    {
        return buckets;
    }

    /** Rows by instance, then function (its queue-less row first, then its queues), then the instance's vCPUs. */
    public List<Row> rows()
    {
        return rows;
    }

    /** The records drawn (every record but credit samples and DMA data). */
    public long records()
    {
        return records;
    }
}
