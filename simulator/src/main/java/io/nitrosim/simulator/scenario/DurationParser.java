package io.nitrosim.simulator.scenario;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations with units ("90s", "7m", "1h30m", "250ms", "25us", "100ns", "0") into nanoseconds. */
public final class DurationParser
{
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|ms|s|m|h)");
    public static final String ACCEPTED = "a duration like 90s, 7m, 1h30m, 250ms, 25us or 0";

    private DurationParser()
    {
    }

    /** @return nanoseconds, or -1 if the text is not a valid non-negative duration. */
    public static long parseNs(final String text)
    {
        if (text == null)
        {
            return -1;
        }
        final String s = text.trim();
        if (s.equals("0"))
        {
            return 0;
        }
        final Matcher m = PART.matcher(s);
        long totalNs = 0;
        int end = 0;
        while (m.find())
        {
            if (m.start() != end)
            {
                return -1;
            }
            end = m.end();
            final double value = Double.parseDouble(m.group(1));
            final double ns = value * unitNs(m.group(2));
            if (ns > Long.MAX_VALUE / 2.0)
            {
                return -1;
            }
            totalNs += Math.round(ns);
        }
        return end == s.length() && end > 0 ? totalNs : -1;
    }

    private static long unitNs(final String unit)
    {
        switch (unit)
        {
            case "ns":
                return 1L;
            case "us":
                return 1_000L;
            case "ms":
                return 1_000_000L;
            case "s":
                return 1_000_000_000L;
            case "m":
                return 60_000_000_000L;
            default:
                return 3_600_000_000_000L;
        }
    }

    /** Formats nanoseconds for messages and reports ("7m", "420s", "1.5ms"). */
    public static String format(final long ns)
    {
        if (ns % 60_000_000_000L == 0 && ns != 0)
        {
            return ns / 60_000_000_000L + "m";
        }
        if (ns % 1_000_000_000L == 0)
        {
            return ns / 1_000_000_000L + "s";
        }
        if (ns % 1_000_000L == 0)
        {
            return ns / 1_000_000L + "ms";
        }
        if (ns % 1_000L == 0)
        {
            return ns / 1_000L + "us";
        }
        return ns + "ns";
    }
}
