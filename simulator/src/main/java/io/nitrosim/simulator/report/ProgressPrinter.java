package io.nitrosim.simulator.report;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

import io.nitrosim.time.PacedRuntime;

/**
 * The progress line of a long run: simulated time, percent done and a caller-supplied detail (current
 * throughput). On a terminal it rewrites one line with '\r' (padding over a longer previous line); otherwise it
 * prints whole lines, so logs stay readable. Either way it prints at most when the run advanced by
 * {@code minPercentStep} percent or {@code minWallIntervalNs} of wall time passed since the last line.
 * <p>
 * Wall time comes from the injected {@code wallClockNs} (the CLI passes {@code System::nanoTime}); the
 * simulation never reads it. Not thread-safe: call from one thread.
 */
public final class ProgressPrinter
{
    private final PrintWriter out;
    private final boolean terminal;
    private final LongSupplier wallClockNs;
    private final double minPercentStep;
    private final long minWallIntervalNs;

    private boolean printedAny;
    private double lastPercent;
    private long lastWallNs;
    private int lastLength;
    private boolean lineOpen;

    /**
     * @param out               where to print.
     * @param terminal          whether {@code out} is a terminal (rewrite one line) or a log (whole lines).
     * @param wallClockNs       wall clock in ns.
     * @param minPercentStep    percent of the run between lines, in (0, 100].
     * @param minWallIntervalNs wall time between lines, > 0.
     */
    public ProgressPrinter(
        final PrintWriter out,
        final boolean terminal,
        final LongSupplier wallClockNs,
        final double minPercentStep,
        final long minWallIntervalNs)
    {
        this.out = Objects.requireNonNull(out, "out");
        this.terminal = terminal;
        this.wallClockNs = Objects.requireNonNull(wallClockNs, "wallClockNs");
        if (!(minPercentStep > 0 && minPercentStep <= 100))
        {
            throw new IllegalArgumentException("minPercentStep must be in (0, 100], got " + minPercentStep);
        }
        if (minWallIntervalNs <= 0)
        {
            throw new IllegalArgumentException("minWallIntervalNs must be > 0, got " + minWallIntervalNs);
        }
        this.minPercentStep = minPercentStep;
        this.minWallIntervalNs = minWallIntervalNs;
    }

    /** For a terminal: one rewritten line, every 1 % or 250 ms of wall time. */
    public static ProgressPrinter forTerminal(final PrintWriter out, final LongSupplier wallClockNs)
    {
        return new ProgressPrinter(out, true, wallClockNs, 1.0, 250_000_000L);
    }

    /** For a log or pipe: a whole line every 10 % or 10 s of wall time. */
    public static ProgressPrinter forLog(final PrintWriter out, final LongSupplier wallClockNs)
    {
        return new ProgressPrinter(out, false, wallClockNs, 10.0, 10_000_000_000L);
    }

    /**
     * Reports progress; prints if this is the first report or enough progress or wall time passed.
     *
     * @param simulatedNs simulated time reached.
     * @param durationNs  the run's simulated duration, or <= 0 when open-ended (no percent shown).
     * @param detail      shown after the time, e.g. "web-1 out 9.950 Gbps"; may be empty.
     * @return whether a line was printed.
     */
    public boolean update(final long simulatedNs, final long durationNs, final String detail)
    {
        final double percent = percent(simulatedNs, durationNs);
        final long nowWallNs = wallClockNs.getAsLong();
        if (printedAny && percent - lastPercent < minPercentStep && nowWallNs - lastWallNs < minWallIntervalNs)
        {
            return false;
        }
        print(line(simulatedNs, durationNs, detail));
        printedAny = true;
        lastPercent = percent;
        lastWallNs = nowWallNs;
        return true;
    }

    /** Prints the final state unconditionally and ends the line. */
    public void finish(final long simulatedNs, final long durationNs, final String detail)
    {
        print(line(simulatedNs, durationNs, detail));
        if (terminal && lineOpen)
        {
            out.print('\n');
            lineOpen = false;
        }
        lastLength = 0;
        out.flush();
    }

    private void print(final String line)
    {
        if (terminal)
        {
            out.print('\r');
            out.print(line);
            if (line.length() < lastLength)
            {
                out.print(" ".repeat(lastLength - line.length()));
            }
            // The terminal still shows the widest line since the last newline: keep padding over all of it.
            lastLength = Math.max(lastLength, line.length());
            lineOpen = true;
        }
        else
        {
            out.print(line);
            out.print('\n');
        }
        out.flush();
    }

    /**
     * What to add to a real-time run's progress detail: "behind by 12.3 ms" when the run lags the wall clock by more
     * than 1 ms, else nothing.
     */
    public static String lagText(final long lagNs)
    {
        return lagNs > PacedRuntime.BEHIND_THRESHOLD_NS ? String.format(Locale.ROOT, "  behind by %.1f ms", lagNs / 1e6)
            : "";
    }

    /** The text of one progress line. */
    public static String line(final long simulatedNs, final long durationNs, final String detail)
    {
        final String time;
        if (durationNs > 0)
        {
            time = String.format(Locale.ROOT, "simulated %.1f s of %.1f s (%.1f%%)",
                simulatedNs / 1e9, durationNs / 1e9, percent(simulatedNs, durationNs));
        }
        else
        {
            time = String.format(Locale.ROOT, "simulated %.1f s", simulatedNs / 1e9);
        }
        return detail == null || detail.isEmpty() ? time : time + "  " + detail;
    }

    private static double percent(final long simulatedNs, final long durationNs)
    {
        if (durationNs <= 0)
        {
            return 0;
        }
        return Math.min(100.0, Math.max(0.0, 100.0 * simulatedNs / durationNs));
    }
}
