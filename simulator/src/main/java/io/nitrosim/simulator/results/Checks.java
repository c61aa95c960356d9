package io.nitrosim.simulator.results;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** Validation shared by the result records: one-line messages naming the field and the value. */
final class Checks
{
    private Checks()
    {
    }

    static String text(final String field, final String value)
    {
        return Objects.requireNonNull(value, field + " must not be null");
    }

    /** A stable key: non-empty, letters, digits and {@code . _ - : /} only (safe as a CSV header and an id). */
    static String key(final String field, final String key)
    {
        Objects.requireNonNull(key, field + " must not be null");
        if (key.isEmpty() || !key.chars().allMatch(Checks::isKeyChar))
        {
            throw new IllegalArgumentException(field + " '" + key
                + "' must be non-empty and use only letters, digits and . _ - : /");
        }
        return key;
    }

    private static boolean isKeyChar(final int c)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '.' || c == '_' || c == '-' || c == ':' || c == '/';
    }

    static double finite(final String field, final double value)
    {
        if (!Double.isFinite(value))
        {
            throw new IllegalArgumentException(field + " must be a finite number, got " + value);
        }
        return value;
    }

    static double nonNegative(final String field, final double value)
    {
        if (!(value >= 0) || Double.isInfinite(value))
        {
            throw new IllegalArgumentException(field + " must be a finite number >= 0, got " + value);
        }
        return value;
    }

    static long nonNegative(final String field, final long value)
    {
        if (value < 0)
        {
            throw new IllegalArgumentException(field + " must be >= 0, got " + value);
        }
        return value;
    }

    static double percent(final String field, final double value)
    {
        if (!(value >= 0 && value <= 100))
        {
            throw new IllegalArgumentException(field + " must be a percentage in [0, 100], got " + value);
        }
        return value;
    }

    /** An unmodifiable copy that keeps order and rejects null elements; null means empty. */
    static <T> List<T> list(final String field, final List<T> values)
    {
        if (values == null)
        {
            return List.of();
        }
        final List<T> copy = new ArrayList<>(values.size());
        for (final T v : values)
        {
            copy.add(Objects.requireNonNull(v, field + " must not contain null"));
        }
        return Collections.unmodifiableList(copy);
    }
}
