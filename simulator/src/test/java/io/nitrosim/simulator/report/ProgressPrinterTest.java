package io.nitrosim.simulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

class ProgressPrinterTest
{
    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    private final StringWriter text = new StringWriter();
    private final PrintWriter out = new PrintWriter(text);
    private final long[] wallNs = {0};

    @Test
    void shouldRewriteOneLineOnATerminalAndPadOverALongerOne()
    {
        final ProgressPrinter p = ProgressPrinter.forTerminal(out, () -> wallNs[0]);

        assertTrue(p.update(0, 100 * S, "web-1 out 10.000 Gbps"));
        assertFalse(p.update(500 * MS, 100 * S, "web-1 out 10.000 Gbps")); // 0.5 % and no wall time
        assertTrue(p.update(S, 100 * S, "web-1 out 9.000 Gbps")); // 1 %
        wallNs[0] = 300 * MS;
        assertTrue(p.update(1200 * MS, 100 * S, "")); // 0.2 % but 300 ms of wall time
        p.finish(100 * S, 100 * S, "done");
        // Every rewrite pads to the widest line shown (the first, 56 characters), so no stale tail remains.

        assertEquals("\rsimulated 0.0 s of 100.0 s (0.0%)  web-1 out 10.000 Gbps"
            + "\rsimulated 1.0 s of 100.0 s (1.0%)  web-1 out 9.000 Gbps "
            + "\rsimulated 1.2 s of 100.0 s (1.2%)" + " ".repeat(23)
            + "\rsimulated 100.0 s of 100.0 s (100.0%)  done" + " ".repeat(13) + "\n", text.toString());
    }

    @Test
    void shouldPrintWholeLinesToALogAtMostEveryTenPercentOrTenSeconds()
    {
        final ProgressPrinter p = ProgressPrinter.forLog(out, () -> wallNs[0]);
        int printed = 0;
        for (int percent = 0; percent <= 100; percent++)
        {
            wallNs[0] = percent * 100 * MS; // 0.1 s of wall time per percent
            printed += p.update(percent * S, 100 * S, null) ? 1 : 0;
        }
        assertEquals(11, printed);
        final String[] lines = text.toString().split("\n", -1);
        assertEquals(12, lines.length);
        assertEquals("simulated 0.0 s of 100.0 s (0.0%)", lines[0]);
        assertEquals("simulated 10.0 s of 100.0 s (10.0%)", lines[1]);
        assertEquals("simulated 100.0 s of 100.0 s (100.0%)", lines[10]);
        assertEquals("", lines[11]);
        assertFalse(text.toString().contains("\r"));

        wallNs[0] += 10 * S;
        assertTrue(p.update(100 * S, 100 * S, null)); // no progress, but ten seconds of wall time
    }

    @Test
    void shouldShowOnlySimulatedTimeWhenTheRunIsOpenEnded()
    {
        assertEquals("simulated 5.0 s  serving", ProgressPrinter.line(5 * S, 0, "serving"));
    }

    @Test
    void shouldShowTheLagOnlyWhenItExceedsOneMillisecond()
    {
        assertEquals("", ProgressPrinter.lagText(0));
        assertEquals("", ProgressPrinter.lagText(MS), "exactly 1 ms is not shown");
        assertEquals("  behind by 1.0 ms", ProgressPrinter.lagText(MS + 1));
        assertEquals("simulated 5.0 s of 10.0 s (50.0%)  net out 1.00 Gbps  behind by 812.3 ms",
            ProgressPrinter.line(5 * S, 10 * S, "net out 1.00 Gbps" + ProgressPrinter.lagText(812_345_678L)));
    }

    @Test
    void shouldRejectNonsensicalThrottles()
    {
        assertEquals("minPercentStep must be in (0, 100], got 0.0", assertThrows(IllegalArgumentException.class,
            () -> new ProgressPrinter(out, true, () -> 0, 0, 1)).getMessage());
        assertEquals("minWallIntervalNs must be > 0, got 0", assertThrows(IllegalArgumentException.class,
            () -> new ProgressPrinter(out, true, () -> 0, 1, 0)).getMessage());
    }
}
