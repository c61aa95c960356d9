package io.nitrosim.simulator.scenario;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks every section of a scenario shares, each bound to a field path ("instances[1].volumes[0].iops"):
 * a failed check is a {@link ScenarioException} naming the source, the line and column of the path (or of its
 * nearest ancestor in the file), the path, the offending value (cut and escaped by {@link MessageText}) and what
 * is accepted.
 */
final class FieldChecks
{
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})([kKmMgG]?)");

    private final String source;
    private final LocationIndex locations;

    FieldChecks(final String source, final LocationIndex locations)
    {
        this.source = source;
        this.locations = locations;
    }

    String source()
    {
        return source;
    }

    ScenarioException error(final String path, final String problem)
    {
        return new ScenarioException(source + locations.where(path) + ": " + path + ": " + problem);
    }

    /** A list entry that must be present: a bare "-" (or a JSON null) is an empty entry. */
    <T> T entry(final String path, final T value, final String expected)
    {
        if (value == null)
        {
            throw error(path, "empty list entry; expected " + expected);
        }
        return value;
    }

    /** The list, or an empty one, with at most {@code max} entries. */
    <T> List<T> list(final String path, final List<T> values, final int max)
    {
        if (values == null)
        {
            return List.of();
        }
        if (values.size() > max)
        {
            throw error(path, values.size() + " entries, accepted at most " + max);
        }
        return values;
    }

    String name(final String path, final String name)
    {
        if (name == null)
        {
            throw error(path, "missing");
        }
        if (!NAME.matcher(name).matches())
        {
            throw error(path, MessageText.quoted(name) + " is not a valid name (letters, digits, '.', '_', '-'; up to 64)");
        }
        return name;
    }

    String oneOf(final String path, final String value, final String defaultValue, final List<String> accepted)
    {
        if (value == null)
        {
            if (defaultValue == null)
            {
                throw error(path, "missing; accepted: " + String.join(", ", accepted));
            }
            return defaultValue;
        }
        if (!accepted.contains(value))
        {
            throw error(path, MessageText.quoted(value) + " is not accepted; accepted: " + String.join(", ", accepted));
        }
        return value;
    }

    String reference(final String path, final String name, final Collection<String> known, final String what)
    {
        if (name == null)
        {
            throw error(path, "missing: the name of a " + what + known(known));
        }
        if (!known.contains(name))
        {
            throw error(path, "unknown " + what + " " + MessageText.quoted(name) + known(known));
        }
        return name;
    }

    List<String> references(
        final String path, final List<String> names, final Collection<String> known, final String what, final int max)
    {
        final List<String> result = new ArrayList<>();
        for (int i = 0; i < list(path, names, max).size(); i++)
        {
            final String name = reference(path + "[" + i + "]", names.get(i), known, what);
            if (result.contains(name))
            {
                throw error(path + "[" + i + "]", what + " " + MessageText.quoted(name) + " is named twice");
            }
            result.add(name);
        }
        return List.copyOf(result);
    }

    private static String known(final Collection<String> known)
    {
        return known.isEmpty() ? " (none is defined)" : "; defined: " + MessageText.list(known);
    }

    void notFor(final String path, final String what, final String field, final Object value)
    {
        if (value != null)
        {
            throw error(path + "." + field, "does not apply to " + what);
        }
    }

    /** A duration in 0..maxNs ({@code defaultNs} when absent). */
    long duration(final String path, final String text, final long defaultNs, final long maxNs)
    {
        if (text == null)
        {
            if (defaultNs < 0)
            {
                throw error(path, "missing; accepted: " + DurationParser.ACCEPTED);
            }
            return defaultNs;
        }
        final long ns = DurationParser.parseNs(text);
        if (ns == DurationParser.INVALID)
        {
            throw error(path, MessageText.quoted(text) + " is not " + DurationParser.ACCEPTED
                + (text.trim().startsWith("-") ? " (negative durations are not accepted)" : ""));
        }
        if (ns == DurationParser.TOO_LONG || ns > maxNs)
        {
            throw error(path, MessageText.quoted(text) + " is too long, accepted at most " + DurationParser.format(maxNs));
        }
        return ns;
    }

    /** A duration in 1ns..maxNs. */
    long positiveDuration(final String path, final String text, final long defaultNs, final long maxNs)
    {
        final long ns = duration(path, text, defaultNs, maxNs);
        if (ns == 0)
        {
            throw error(path, MessageText.quoted(text) + " must be longer than 0");
        }
        return ns;
    }

    int range(final String path, final Integer value, final int defaultValue, final int min, final int max)
    {
        final int v = value == null ? defaultValue : value;
        if (v < min || v > max)
        {
            throw error(path, v + " is out of range, accepted " + min + ".." + max);
        }
        return v;
    }

    long range(final String path, final Long value, final long defaultValue, final long min, final long max)
    {
        final long v = value == null ? defaultValue : value;
        if (v < min || v > max)
        {
            throw error(path, v + " is out of range, accepted " + min + ".." + max);
        }
        return v;
    }

    /** A size with an optional k/m/g suffix (powers of 1024), in minBytes..maxBytes. */
    long bytes(final String path, final String text, final long minBytes, final long maxBytes, final String example)
    {
        final Matcher m = SIZE.matcher(text.trim());
        if (!m.matches())
        {
            throw error(path, MessageText.quoted(text) + " is not a size like " + example);
        }
        final long bytes;
        try
        {
            bytes = Math.multiplyExact(Long.parseLong(m.group(1)), unit(m.group(2)));
        }
        catch (final ArithmeticException ex)
        {
            throw error(path, MessageText.quoted(text) + " is out of range, accepted " + formatBytes(minBytes) + ".."
                + formatBytes(maxBytes));
        }
        if (bytes < minBytes || bytes > maxBytes)
        {
            throw error(path, MessageText.quoted(text) + " is out of range, accepted " + formatBytes(minBytes) + ".."
                + formatBytes(maxBytes));
        }
        return bytes;
    }

    private static long unit(final String suffix)
    {
        switch (suffix)
        {
            case "k":
            case "K":
                return 1L << 10;
            case "m":
            case "M":
                return 1L << 20;
            case "g":
            case "G":
                return 1L << 30;
            default:
                return 1L;
        }
    }

    /** "512 B", "256 KiB", "1 GiB": exact binary units where the value allows. */
    static String formatBytes(final long bytes)
    {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0)
        {
            return (bytes >> 30) + " GiB";
        }
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0)
        {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0)
        {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " B";
    }
}
