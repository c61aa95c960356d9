package io.nitrosim.simulator.report;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

import io.nitrosim.simulator.results.ExpectationResult;
import io.nitrosim.simulator.results.RealTimeResult;
import io.nitrosim.simulator.results.RunResults;

/**
 * The end-of-run summary for a terminal: the same tables and figures as report.html, as aligned plain text,
 * followed by a verdict line naming any failed expectation and, for a real-time run, a line saying whether it
 * kept pace with the wall clock.
 */
public final class ConsoleSummary
{
    private static final String COLUMN_GAP = "  ";

    private ConsoleSummary()
    {
    }

    public static void print(final RunResults results, final PrintWriter out)
    {
        out.print(render(results));
        out.flush();
    }

    /** The summary as text, lines ending in '\n'. */
    public static String render(final RunResults results)
    {
        final StringBuilder sb = new StringBuilder();
        for (final Table table : SummaryTables.of(results))
        {
            renderTable(table, sb);
            sb.append('\n');
        }
        sb.append(verdict(results)).append('\n');
        final String pace = paceVerdict(results);
        if (pace != null)
        {
            sb.append(pace).append('\n');
        }
        return sb.toString();
    }

    /**
     * One line for a real-time run (null for a virtual one): it kept pace, or by how much it fell behind the wall
     * clock and which agent was busiest.
     */
    public static String paceVerdict(final RunResults results)
    {
        final RealTimeResult rt = results.realTime();
        if (rt == null)
        {
            return null;
        }
        final String allowed = rt.allowedLagMs() == null ? "any lag allowed" :
            String.format(Locale.ROOT, "allowed %.1f ms", rt.allowedLagMs());
        if (rt.keptPace())
        {
            return String.format(Locale.ROOT, "Real time kept: largest lag %.1f ms (%s), real-time factor %.3f.",
                rt.maxLagMs(), allowed, rt.realTimeFactor());
        }
        final RealTimeResult.AgentBusy busiest = rt.busiest();
        return String.format(Locale.ROOT, "Real time NOT KEPT: fell %.1f ms behind the wall clock (%s), real-time "
            + "factor %.3f; busiest agent %s.", rt.maxLagMs(), allowed, rt.realTimeFactor(), busiest == null ? "none"
            : String.format(Locale.ROOT, "%s, busy %.1f %% of the wall time", busiest.agent(), busiest.busyPercent()));
    }

    /** One line: all expectations passed, or which failed. */
    public static String verdict(final RunResults results)
    {
        final List<ExpectationResult> expectations = results.expectations();
        if (expectations.isEmpty())
        {
            return "No expectations.";
        }
        final int failed = results.failedExpectations();
        if (failed == 0)
        {
            return "All " + expectations.size() + " expectations passed.";
        }
        final StringBuilder sb = new StringBuilder();
        sb.append(failed).append(" of ").append(expectations.size()).append(" expectations FAILED:");
        String separator = " ";
        for (final ExpectationResult e : expectations)
        {
            if (!e.passed())
            {
                sb.append(separator).append(e.description()).append(" (expected ").append(e.expected())
                    .append(", actual ").append(e.actual()).append(')');
                separator = "; ";
            }
        }
        return sb.toString();
    }

    static void renderTable(final Table table, final StringBuilder sb)
    {
        final List<String> headers = table.headers();
        final int[] widths = new int[headers.size()];
        for (int c = 0; c < widths.length; c++)
        {
            widths[c] = headers.get(c).length();
        }
        for (final List<Cell> row : table.rows())
        {
            for (int c = 0; c < widths.length; c++)
            {
                widths[c] = Math.max(widths[c], row.get(c).text().length());
            }
        }
        final boolean[] numeric = numericColumns(table);
        sb.append(table.title()).append('\n');
        final boolean showHeader = headers.stream().anyMatch(h -> !h.isEmpty());
        if (showHeader)
        {
            appendRow(sb, headers, widths, numeric);
            int total = 0;
            for (final int w : widths)
            {
                total += w;
            }
            sb.append("-".repeat(total + COLUMN_GAP.length() * (widths.length - 1))).append('\n');
        }
        for (final List<Cell> row : table.rows())
        {
            appendRow(sb, row.stream().map(Cell::text).toList(), widths, numeric);
        }
    }

    private static boolean[] numericColumns(final Table table)
    {
        final boolean[] numeric = new boolean[table.headers().size()];
        for (int c = 0; c < numeric.length; c++)
        {
            boolean allNumeric = !table.rows().isEmpty();
            for (final List<Cell> row : table.rows())
            {
                allNumeric &= row.get(c).numeric();
            }
            numeric[c] = allNumeric;
        }
        return numeric;
    }

    private static void appendRow(
        final StringBuilder sb, final List<String> texts, final int[] widths, final boolean[] numeric)
    {
        final StringBuilder line = new StringBuilder();
        for (int c = 0; c < widths.length; c++)
        {
            if (c > 0)
            {
                line.append(COLUMN_GAP);
            }
            final String text = texts.get(c);
            final String pad = " ".repeat(widths[c] - text.length());
            if (numeric[c])
            {
                line.append(pad).append(text);
            }
            else
            {
                line.append(text).append(pad);
            }
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }
}
