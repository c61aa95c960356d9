package io.nitrosim.simulator.analysis;

import java.util.ArrayList;
import java.util.List;

import io.nitrosim.simulator.results.BurstFigures;

/**
 * One derived figure of one quantity, named {@code <quantity>-<figure>} (e.g. {@code net-out-burst-seconds},
 * {@code volume-iops-drain-seconds}): the name a sweep expectation gates on and, after the subject
 * ({@code web-1.net-out-burst-seconds}), an experiment's metric key.
 *
 * @param quantity one of {@link #QUANTITIES}.
 * @param figure   the figure.
 */
public record DerivedMetric(String quantity, Figure figure)
{
    /** The quantities in {@link BurstFigures#quantity()}; the volume ones belong to a volume, the rest to an instance. */
    public static final List<String> QUANTITIES =
        List.of("net-out", "net-in", "ebs-mbps", "ebs-iops", "volume-iops", "volume-mibps");

    /** The figures of a quantity, with the unit of each ("rate" is the quantity's own unit). */
    public enum Figure
    {
        PEAK_HELD("peak-held", "held in burst", null),
        BURST_SECONDS("burst-seconds", "burst", "s"),
        BASELINE_AFTER("baseline-after", "after burst", null),
        DRAIN_SECONDS("drain-seconds", "credits drained", "s"),
        DRAIN_PROJECTED("drain-projected", "drain projected", "flag"),
        CREDITS_END_PERCENT("credits-end-percent", "credits at end", "%"),
        THROTTLED_FRACTION("throttled-fraction", "throttled", "fraction");

        private final String key;
        private final String label;
        private final String unit;

        Figure(final String key, final String label, final String unit)
        {
            this.key = key;
            this.label = label;
            this.unit = unit;
        }

        public String key()
        {
            return key;
        }

        public String label()
        {
            return label;
        }

        /** The unit, or null for the quantity's own rate unit. */
        public String unit()
        {
            return unit;
        }
    }

    public String key()
    {
        return quantity + "-" + figure.key;
    }

    /** Whether its subject is a volume (otherwise an instance). */
    public boolean ofVolume()
    {
        return quantity.startsWith("volume-");
    }

    /** The unit of the figure for a quantity measured in {@code rateUnit}. */
    public String unit(final String rateUnit)
    {
        return figure.unit == null ? rateUnit : figure.unit;
    }

    /** The figure's value, null where it does not apply; DRAIN_PROJECTED reads 1 or 0. */
    public Double value(final BurstFigures b)
    {
        switch (figure)
        {
            case PEAK_HELD:
                return b.peakHeld();
            case BURST_SECONDS:
                return b.burstSeconds();
            case BASELINE_AFTER:
                return b.baselineAfter();
            case DRAIN_SECONDS:
                return b.drainSeconds();
            case DRAIN_PROJECTED:
                return b.drainSeconds() == null ? null : b.drainProjected() ? 1.0 : 0.0;
            case CREDITS_END_PERCENT:
                return b.finalCreditsPercent();
            default:
                return b.throttledFraction();
        }
    }

    /** The metric named {@code key}, or null when it is not a derived metric. */
    public static DerivedMetric parse(final String key)
    {
        for (final String quantity : QUANTITIES)
        {
            if (key.startsWith(quantity + "-"))
            {
                final String rest = key.substring(quantity.length() + 1);
                for (final Figure f : Figure.values())
                {
                    if (f.key.equals(rest))
                    {
                        return new DerivedMetric(quantity, f);
                    }
                }
            }
        }
        return null;
    }

    /** Every derived metric name, quantity by quantity. */
    public static List<String> keys()
    {
        final List<String> keys = new ArrayList<>();
        for (final String q : QUANTITIES)
        {
            for (final Figure f : Figure.values())
            {
                keys.add(q + "-" + f.key);
            }
        }
        return keys;
    }

    /** The figures of {@code subject}'s {@code quantity}, or null when it carried no traffic. */
    public static BurstFigures find(final List<BurstFigures> derived, final String subject, final String quantity)
    {
        for (final BurstFigures b : derived)
        {
            if (b.subject().equals(subject) && b.quantity().equals(quantity))
            {
                return b;
            }
        }
        return null;
    }
}
