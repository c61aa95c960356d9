package io.nitrosim.simulator.scenario;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations with units ("90s", "7m", "1h30m", "250ms", "25us", "100ns", "0") into nanoseconds. */
public final class DurationParser
{
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|ms|s|m|h)");
    public static final String ACCEPTED = "a duration like 90s, 7m, 1h30m, 250ms, 25us or 0";
    /** {@link #parseNs} result for text that is not a duration. */
    public static final long INVALID = -1;
    /** {@link #parseNs} result for a duration beyond {@link #MAX_NS} (about 36 years: no overflow anywhere). */
    public static final long TOO_LONG = -2;
    public static final long MAX_NS = Long.MAX_VALUE / 8;

    private DurationParser()
    {
    }

    /**
     * @return nanoseconds; {@link #INVALID} if the text is not a valid non-negative duration, {@link #TOO_LONG}
     * if its parts add up to more than {@link #MAX_NS}.
     */
    public static long parseNs(final String text)
    {
        if (text == null)
        {
            return INVALID;
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
                return INVALID;
            }
            end = m.end();
            final double ns = Double.parseDouble(m.group(1)) * unitNs(m.group(2));
            if (!(ns <= MAX_NS))
            {
                return TOO_LONG;
            }
            totalNs += Math.round(ns); // each part and the sum stay below Long.MAX_VALUE / 8: no overflow
            if (totalNs > MAX_NS)
            {
                return TOO_LONG;
            }
        }
        return end == s.length() && end > 0 ? totalNs : INVALID;
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
    /**
     * A window as "from-to" with both ends in one unit (the largest that writes both exactly), so a window written
     * as 430s to 480s reads "430s-480s", not "430s-8m".
     */
    public static String formatRange(final long fromNs, final long toNs)
    {
        final long[] unitsNs = {60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L};
        final String[] suffixes = {"m", "s", "ms", "us", "ns"};
        for (int i = 0; i < unitsNs.length; i++)
        {
            final long unit = unitsNs[i];
            if (fromNs % unit == 0 && toNs % unit == 0 && (fromNs != 0 || toNs != 0 || unit == 1_000_000_000L))
            {
                return fromNs / unit + suffixes[i] + "-" + toNs / unit + suffixes[i];
            }
        }
        throw new AssertionError("1 ns divides every duration");
    }

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
