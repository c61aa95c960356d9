package io.nitrosim.simulator.results;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One point of a parameter sweep.
 *
 * @param parameters         the swept parameters' values at this point, in the experiment's parameter order
 *                           (e.g. instanceType=c5.large, blockSize=4096).
 * @param metrics            achieved value per metric key.
 * @param caps               the cap per metric key where one applies (a metric without a cap is absent).
 * @param expectationsPassed whether the point's scenario expectations all held.
 */
public record ExperimentPoint(
    Map<String, String> parameters,
    Map<String, Double> metrics,
    Map<String, Double> caps,
    boolean expectationsPassed)
{
    public ExperimentPoint
    {
        parameters = ordered("parameters", parameters);
        metrics = finiteValues("metrics", metrics);
        caps = finiteValues("caps", caps);
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
