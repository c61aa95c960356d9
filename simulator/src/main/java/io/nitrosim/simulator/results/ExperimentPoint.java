package io.nitrosim.simulator.results;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One point of a parameter sweep.
 *
 * @param parameters           the swept parameters' values at this point, in the experiment's parameter order
 *                             (e.g. instanceType=c5.large, blockSize=4096).
 * @param metrics              value per metric key; a metric without a value at this point (a burst that never
 *                             ended, a quantity that carried nothing) is absent.
 * @param caps                 the cap per metric key where one applies (a metric without a cap is absent).
 * @param expectationsPassed   whether every expectation that gates the sweep held at this point (the sweep's
 *                             own, and the scenario's when the sweep says they gate).
 * @param expectations         the sweep's own expectations at this point, in the sweep file's order.
 * @param scenarioExpectations the base scenario's expectations at this point.
 * @param wallSeconds          wall time the point took where it ran (the only figure two runs differ in).
 */
public record ExperimentPoint(
    Map<String, String> parameters,
    Map<String, Double> metrics,
    Map<String, Double> caps,
    boolean expectationsPassed,
    List<ExpectationResult> expectations,
    List<ExpectationResult> scenarioExpectations,
    double wallSeconds)
{
    public ExperimentPoint
    {
        parameters = ordered("parameters", parameters);
        metrics = finiteValues("metrics", metrics);
        caps = finiteValues("caps", caps);
        expectations = Checks.list("expectations", expectations);
        scenarioExpectations = Checks.list("scenarioExpectations", scenarioExpectations);
        Checks.nonNegative("wallSeconds", wallSeconds);
    }

    /** A point with no expectation outcomes recorded. */
    public ExperimentPoint(
        final Map<String, String> parameters, final Map<String, Double> metrics, final Map<String, Double> caps,
        final boolean expectationsPassed)
    {
        this(parameters, metrics, caps, expectationsPassed, List.of(), List.of(), 0);
    }

    /** Whether every scenario expectation held at this point. */
    public boolean scenarioExpectationsPassed()
    {
        for (final ExpectationResult e : scenarioExpectations)
        {
            if (!e.passed())
            {
                return false;
            }
        }
        return true;
    }

    private static <V> Map<String, V> ordered(final String field, final Map<String, V> map)
    {
        final Map<String, V> copy = new LinkedHashMap<>();
        if (map != null)
        {
            for (final Map.Entry<String, V> e : map.entrySet())
            {
                copy.put(Objects.requireNonNull(e.getKey(), field + " key"),
                    Objects.requireNonNull(e.getValue(), field + " value of " + e.getKey()));
            }
        }
        return Collections.unmodifiableMap(copy);
    }

    private static Map<String, Double> finiteValues(final String field, final Map<String, Double> map)
    {
        final Map<String, Double> copy = ordered(field, map);
        for (final Map.Entry<String, Double> e : copy.entrySet())
        {
            Checks.finite(field + "." + e.getKey(), e.getValue());
        }
        return copy;
    }
}
