package io.nitrosim.simulator.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.pci.trace.TraceRecord;

/**
 * Compares two traces record by record (all 56 bytes): the first record where they differ, with the records
 * around it in each, then the count of every kind in each where the counts differ.
 */
public final class TraceDiff
{
    /** Records shown before and after the first divergence. */
    public static final int DEFAULT_CONTEXT = 5;

    /** A kind whose counts differ. */
    public record KindCount(String kind, long a, long b)
    {
    }

    /**
     * @param firstDivergence the index of the first differing record (-1 when identical)
     * @param contextA        lines around it in A: the records before it, then ">" marks the differing one
     */
    public record Result(long recordsA, long recordsB, long firstDivergence, List<String> contextA,
        List<String> contextB, List<KindCount> differingCounts)
    {
        public boolean identical()
        {
            return firstDivergence < 0;
        }

        /** The report a user reads: nothing but "identical" when they are. */
        public List<String> lines(final String nameA, final String nameB)
        {
            final List<String> lines = new ArrayList<>();
            if (identical())
            {
                lines.add("identical: " + recordsA + " records");
                return lines;
            }
            lines.add("first divergence at record " + firstDivergence + " (A " + nameA + ": " + recordsA
                + " records, B " + nameB + ": " + recordsB + ")");
            lines.add("A:");
            contextA.forEach(l -> lines.add("  " + l));
            lines.add("B:");
            contextB.forEach(l -> lines.add("  " + l));
            if (differingCounts.isEmpty())
            {
                lines.add("counts per kind: the same in A and B");
            }
            else
            {
                lines.add("counts per kind that differ (A -> B):");
                for (final KindCount k : differingCounts)
                {
                    lines.add(String.format(java.util.Locale.ROOT, "  %-20s %12d -> %12d (%+d)", k.kind(), k.a(), k.b(),
                        k.b() - k.a()));
                }
            }
            return lines;
        }
    }

    private TraceDiff()
    {
    }

    public static Result diff(final TraceReader a, final TraceReader b, final int context)
    {
        final Window windowA = new Window(context);
        final Window windowB = new Window(context);
        final long[] countsA = new long[TraceKind.COUNT + 1];
        final long[] countsB = new long[TraceKind.COUNT + 1];
        final byte[] recordA = new byte[TraceRecord.LENGTH];
        final byte[] recordB = new byte[TraceRecord.LENGTH];
        long divergence = -1;
        long index = 0;
        boolean moreA = a.next();
        boolean moreB = b.next();
        while (moreA || moreB)
        {
            if (moreA)
            {
                count(countsA, a.record());
                a.copyRecord(recordA, 0);
            }
            if (moreB)
            {
                count(countsB, b.record());
                b.copyRecord(recordB, 0);
            }
            if (divergence < 0 && (moreA != moreB || !Arrays.equals(recordA, recordB)))
            {
                divergence = index;
                windowA.mark(a.meta(), moreA ? recordA : null);
                windowB.mark(b.meta(), moreB ? recordB : null);
            }
            else if (divergence < 0)
            {
                windowA.remember(recordA);
                windowB.remember(recordB);
            }
            else
            {
                windowA.after(a.meta(), moreA ? recordA : null);
                windowB.after(b.meta(), moreB ? recordB : null);
            }
            moreA = moreA && a.next();
            moreB = moreB && b.next();
            index++;
        }
        final long recordsA = sum(countsA);
        final long recordsB = sum(countsB);
        final List<KindCount> differing = new ArrayList<>();
        for (int k = 0; k <= TraceKind.COUNT; k++)
        {
            if (countsA[k] != countsB[k])
            {
                differing.add(new KindCount(k == TraceKind.COUNT ? "unknown" : TraceKind.name(k), countsA[k],
                    countsB[k]));
            }
        }
        return new Result(recordsA, recordsB, divergence, windowA.lines, windowB.lines, differing);
    }

    private static void count(final long[] counts, final TraceRecord r)
    {
        final int kind = r.kind();
        counts[kind >= 0 && kind < TraceKind.COUNT ? kind : TraceKind.COUNT]++;
    }

    private static long sum(final long[] counts)
    {
        long total = 0;
        for (final long c : counts)
        {
            total += c;
        }
        return total;
    }

    /** The last {@code context} records before the divergence, then the divergence and {@code context} after. */
    private static final class Window
    {
        final int context;
        final byte[][] before;
        int seen;
        int afterLeft;
        final List<String> lines = new ArrayList<>();
        final TraceRecord flyweight = new TraceRecord();

        Window(final int context)
        {
            this.context = context;
            this.before = new byte[Math.max(1, context)][TraceRecord.LENGTH];
        }

        void remember(final byte[] record)
        {
            if (context > 0)
            {
                System.arraycopy(record, 0, before[seen % context], 0, TraceRecord.LENGTH);
            }
            seen++;
        }

        void mark(final TraceMeta meta, final byte[] record)
        {
            final int kept = Math.min(seen, context);
            for (int i = seen - kept; i < seen; i++)
            {
                lines.add("  " + text(meta, before[i % context]));
            }
            lines.add("> " + (record == null ? "(end of trace)" : text(meta, record)));
            afterLeft = context;
        }

        void after(final TraceMeta meta, final byte[] record)
        {
            if (afterLeft > 0 && record != null)
            {
                lines.add("  " + text(meta, record));
                afterLeft--;
            }
        }

        private String text(final TraceMeta meta, final byte[] record)
        {
            return TraceText.line(meta, flyweight.wrap(new UnsafeBuffer(record), 0));
        }
    }
}
