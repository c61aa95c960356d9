package io.nitrosim.simulator.results;

import java.util.Objects;

/**
 * One time-series column.
 *
 * @param key       stable machine name, the CSV header (letters, digits and {@code . _ - : /} only), e.g.
 *                  {@code web-1.net.out.gbps}.
 * @param label     human label for legends, e.g. "web-1 out".
 * @param unit      unit of the values, e.g. Gbps, Mbps, MiB/s, IOPS, %, ms, count.
 * @param instance  the instance it belongs to.
 * @param subject   what inside the instance it measures (an ENI or volume name), or the instance name itself.
 * @param direction in, out, read or write; null when not directional.
 * @param kind      chart group.
 * @param peak      optional reference line: the peak cap in the column's unit, or null.
 * @param baseline  optional reference line: the baseline cap in the column's unit, or null.
 */
public record Column(
    String key,
    String label,
    String unit,
    String instance,
    String subject,
    String direction,
    SeriesKind kind,
    Double peak,
    Double baseline)
{
    public Column
    {
        Checks.key("column key", key);
        Checks.text("label", label);
        Checks.text("unit", unit);
        Checks.text("instance", instance);
        Checks.text("subject", subject);
        Objects.requireNonNull(kind, "kind must not be null");
        if (peak != null)
        {
            Checks.nonNegative(key + " peak", peak);
        }
        if (baseline != null)
        {
            Checks.nonNegative(key + " baseline", baseline);
        }
    }

    /** A column without reference lines. */
    public static Column of(
        final String key,
        final String label,
        final String unit,
        final String instance,
        final String subject,
        final String direction,
        final SeriesKind kind)
    {
        return new Column(key, label, unit, instance, subject, direction, kind, null, null);
    }

    /** This column with peak and baseline reference lines (either may be null). */
    public Column withReferenceLines(final Double peak, final Double baseline)
    {
        return new Column(key, label, unit, instance, subject, direction, kind, peak, baseline);
    }
}
