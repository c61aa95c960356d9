package io.nitrosim.simulator.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.nitrosim.pci.trace.CreditBucket;
import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.pci.trace.TraceRecord;

/** Counts and rates of a trace's records per kind and per queue (of a function), over the simulated time spanned. */
public final class TraceStats
{
    /** A row: what it counts, how many, and per simulated second. */
    public record Row(String what, long count, double perSecond)
    {
    }

    /** A credit bucket's recorded balances: how many samples, the first, lowest and last balance in %. */
    public record CreditRow(String what, long samples, double firstPct, double minPct, double lastPct)
    {
    }

    private final Map<Long, long[]> credits = new TreeMap<>();
    private final long[] perKind = new long[TraceKind.COUNT + 1];
    private final Map<Long, long[]> perQueue = new TreeMap<>();
    private long total;
    private long firstNs = -1;
    private long lastNs;

    /** Counts every record of {@code reader} that {@code filter} accepts. */
    public static TraceStats of(final TraceReader reader, final TraceFilter filter)
    {
        final TraceStats stats = new TraceStats();
        while (reader.next())
        {
            final TraceRecord r = reader.record();
            if (filter.matches(r))
            {
                stats.add(r);
            }
        }
        return stats;
    }

    void add(final TraceRecord r)
    {
        final int kind = r.kind();
        perKind[kind >= 0 && kind < TraceKind.COUNT ? kind : TraceKind.COUNT]++;
        final long key = ((long)(r.instance() & 0xFFFF) << 48) | ((long)(r.function() & 0xFFFF) << 32)
            | (r.queue() & 0xFFFF_FFFFL);
        final long[] counts = perQueue.computeIfAbsent(key, k -> new long[TraceKind.COUNT + 1]);
        counts[kind >= 0 && kind < TraceKind.COUNT ? kind : TraceKind.COUNT]++;
        if (kind == TraceKind.CREDIT)
        {
            final long creditKey = ((long)(r.instance() & 0xFFFF) << 48) | ((long)(r.function() & 0xFFFF) << 32)
                | (r.arg0() & 0xFFFF_FFFFL);
            final long[] c = credits.computeIfAbsent(creditKey, k -> new long[] {0, r.arg1(), Long.MAX_VALUE, 0});
            c[0]++;
            c[2] = Math.min(c[2], r.arg1());
            c[3] = r.arg1();
        }
        if (firstNs < 0)
        {
            firstNs = r.timeNs();
        }
        lastNs = r.timeNs();
        total++;
    }

    public long total()
    {
        return total;
    }

    /** Simulated seconds between the first and last record counted. */
    public double spanSeconds()
    {
        return firstNs < 0 ? 0 : (lastNs - firstNs) / 1e9;
    }

    public long count(final int kind)
    {
        return perKind[kind];
    }

    public List<Row> kinds()
    {
        final List<Row> rows = new ArrayList<>();
        for (int k = 0; k <= TraceKind.COUNT; k++)
        {
            if (perKind[k] > 0)
            {
                rows.add(new Row(k == TraceKind.COUNT ? "unknown" : TraceKind.name(k), perKind[k], rate(perKind[k])));
            }
        }
        return rows;
    }

    /** One row per (instance, function, queue) and kind: "a/a-eth0 q0 descriptor-fetch". */
    public List<Row> queues(final TraceMeta meta)
    {
        final List<Row> rows = new ArrayList<>();
        for (final Map.Entry<Long, long[]> e : perQueue.entrySet())
        {
            final long key = e.getKey();
            final int instance = (short)(key >>> 48);
            final int function = (short)(key >>> 32);
            final int queue = (int)key;
            final String where = meta.where(instance, function) + " " + (queue < 0 ? "-" : "q" + queue);
            final long[] counts = e.getValue();
            for (int k = 0; k <= TraceKind.COUNT; k++)
            {
                if (counts[k] > 0)
                {
                    rows.add(new Row(where + " " + (k == TraceKind.COUNT ? "unknown" : TraceKind.name(k)), counts[k],
                        rate(counts[k])));
                }
            }
        }
        return rows;
    }

    /** One row per recorded credit bucket: "a/a-ingress net-in". */
    public List<CreditRow> credits(final TraceMeta meta)
    {
        final List<CreditRow> rows = new ArrayList<>();
        for (final Map.Entry<Long, long[]> e : credits.entrySet())
        {
            final long key = e.getKey();
            final long[] c = e.getValue();
            rows.add(new CreditRow(meta.where((short)(key >>> 48), (short)(key >>> 32)) + " "
                + CreditBucket.name((int)key), c[0], c[1] / 10_000.0, c[2] / 10_000.0, c[3] / 10_000.0));
        }
        return rows;
    }

    private double rate(final long count)
    {
        final double span = spanSeconds();
        return span <= 0 ? 0 : count / span;
    }
}
