package io.nitrosim.simulator.experiment;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.nitrosim.simulator.analysis.DerivedMetric;
import io.nitrosim.simulator.scenario.ExpectationMetric;

/**
 * One expectation of a sweep file: a scenario expectation ({@link ExpectationMetric}) or a derived figure
 * ({@link DerivedMetric}), whose {@code min} and {@code max} may be {@link BoundExpression}s over the point's
 * parameters and its subject's caps and catalog values.
 *
 * @param index        position in the sweep file's list.
 * @param name         the name given, or null.
 * @param metric       the metric as written.
 * @param standard     the scenario metric, or null for a derived one.
 * @param derived      the derived metric, or null for a scenario one.
 * @param subjectField instance, volume or workload.
 * @param subject      the subject's name.
 * @param from         window start as written (windowed scenario metrics), or null.
 * @param to           window end as written, or null.
 * @param min          lower bound, or null.
 * @param max          upper bound, or null.
 */
public record SweepExpectation(
    int index,
    String name,
    String metric,
    ExpectationMetric standard,
    DerivedMetric derived,
    String subjectField,
    String subject,
    String from,
    String to,
    Bound min,
    Bound max)
{
    /** Significant digits a computed bound keeps (rounded outward, so the bound only ever widens). */
    static final int BOUND_DIGITS = 6;

    /** A bound: a number, or an expression evaluated at each point. */
    public record Bound(Double constant, BoundExpression expression)
    {
        double evaluate(final BoundExpression.Names names)
        {
            return constant != null ? constant : expression.evaluate(names);
        }

        @Override
        public String toString()
        {
            return constant != null ? constant.toString() : expression.toString();
        }
    }

    /** The quantity whose caps {@code peak}, {@code baseline} and {@code burst} name, or null. */
    public String quantity()
    {
        if (derived != null)
        {
            return derived.quantity();
        }
        switch (standard)
        {
            case NET_IN_GBPS:
                return "net-in";
            case NET_OUT_GBPS:
                return "net-out";
            case EBS_MBPS:
                return "ebs-mbps";
            case EBS_IOPS:
                return "ebs-iops";
            case VOLUME_IOPS:
                return "volume-iops";
            case VOLUME_MIBPS:
                return "volume-mibps";
            default:
                return null;
        }
    }

    /**
     * Reads one entry; the message of an IllegalArgumentException starts with the offending field
     * ("metric: unknown metric 'x'; ...").
     */
    static SweepExpectation of(final int index, final JsonNode e)
    {
        final String metric = text(e, "metric");
        if (metric == null)
        {
            throw new IllegalArgumentException("metric: missing; accepted: the scenario metrics ("
                + String.join(", ", ExpectationMetric.keys()) + ") or a derived figure <quantity>-<figure> with "
                + "quantity " + String.join(", ", DerivedMetric.QUANTITIES) + " and figure " + figures());
        }
        final ExpectationMetric standard = ExpectationMetric.fromKey(metric);
        final DerivedMetric derived = standard == null ? DerivedMetric.parse(metric) : null;
        if (standard == null && derived == null)
        {
            throw new IllegalArgumentException("metric: unknown metric '" + metric + "'; accepted: the scenario "
                + "metrics (" + String.join(", ", ExpectationMetric.keys()) + ") or a derived figure "
                + "<quantity>-<figure> with quantity " + String.join(", ", DerivedMetric.QUANTITIES) + " and figure "
                + figures());
        }
        final String subjectField;
        if (derived != null)
        {
            subjectField = derived.ofVolume() ? "volume" : "instance";
            if (e.has("from") || e.has("to"))
            {
                throw new IllegalArgumentException((e.has("from") ? "from" : "to") + ": does not apply to " + metric
                    + " (a derived figure covers the whole run)");
            }
        }
        else
        {
            subjectField = standard.subjectKind().name().toLowerCase(java.util.Locale.ROOT);
        }
        for (final String field : new String[] {"instance", "volume", "workload"})
        {
            if (!field.equals(subjectField) && e.has(field))
            {
                throw new IllegalArgumentException(field + ": does not apply to " + metric + " (its subject is a "
                    + subjectField + ")");
            }
        }
        final String subject = text(e, subjectField);
        if (subject == null)
        {
            throw new IllegalArgumentException(subjectField + ": missing; " + metric + " needs the " + subjectField
                + " it is about");
        }
        final Bound min = bound(e, "min");
        final Bound max = bound(e, "max");
        if (min == null && max == null)
        {
            throw new IllegalArgumentException("min: needs min, max or both");
        }
        return new SweepExpectation(index, text(e, "name"), metric, standard, derived, subjectField, subject,
            text(e, "from"), text(e, "to"), min, max);
    }

    /** The scenario expectation this one becomes at a point with these bounds (for scenario metrics). */
    ObjectNode toScenarioExpectation(final Double minValue, final Double maxValue)
    {
        final ObjectNode node = JsonNodeFactory.instance.objectNode();
        if (name != null)
        {
            node.put("name", name);
        }
        node.put("metric", metric);
        node.put(subjectField, subject);
        if (from != null)
        {
            node.put("from", from);
        }
        if (to != null)
        {
            node.put("to", to);
        }
        if (minValue != null)
        {
            node.put("min", minValue);
        }
        if (maxValue != null)
        {
            node.put("max", maxValue);
        }
        return node;
    }

    /** A computed lower bound rounded down (an upper bound up) to {@link #BOUND_DIGITS} significant digits. */
    static double roundOutward(final double value, final boolean lower)
    {
        if (value == 0 || !Double.isFinite(value))
        {
            return value;
        }
        final RoundingMode mode = lower ? RoundingMode.FLOOR : RoundingMode.CEILING;
        // From the shortest decimal that reads back as the value, so 4.95 stays 4.95 rather than becoming 4.95001.
        return new BigDecimal(Double.toString(value)).round(new MathContext(BOUND_DIGITS, mode)).doubleValue();
    }

    private static Bound bound(final JsonNode e, final String field)
    {
        final JsonNode v = e.get(field);
        if (v == null || v.isNull())
        {
            return null;
        }
        if (v.isNumber())
        {
            return new Bound(v.doubleValue(), null);
        }
        if (v.isTextual())
        {
            try
            {
                return new Bound(null, BoundExpression.parse(v.asText()));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException(field + ": " + ex.getMessage());
            }
        }
        throw new IllegalArgumentException(field + ": a number or an expression in quotes, not " + v);
    }

    private static String text(final JsonNode e, final String field)
    {
        final JsonNode v = e.get(field);
        if (v == null || v.isNull())
        {
            return null;
        }
        if (!v.isValueNode())
        {
            throw new IllegalArgumentException(field + ": a text value, not " + v);
        }
        return v.asText();
    }

    private static String figures()
    {
        final StringBuilder sb = new StringBuilder();
        for (final DerivedMetric.Figure f : DerivedMetric.Figure.values())
        {
            sb.append(sb.length() == 0 ? "" : ", ").append(f.key());
        }
        return sb.toString();
    }
}
