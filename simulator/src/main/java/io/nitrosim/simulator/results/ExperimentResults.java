package io.nitrosim.simulator.results;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The outcome of an experiment: one {@link ExperimentPoint} per combination of the swept parameters.
 * Every point carries exactly the declared parameters and a value for declared metrics only (a metric may lack
 * a value at some points); caps are optional.
 *
 * @param experiment                name of the sweep.
 * @param scenario                  the scenario swept.
 * @param parameters                the swept parameter names, in sweep order.
 * @param metrics                   the compared metrics, in column order.
 * @param points                    the points, in sweep order.
 * @param scenarioExpectationsGate  whether the scenario's expectations gate the sweep (otherwise only reported).
 * @param wallSeconds               wall time of the whole sweep.
 */
public record ExperimentResults(
    String experiment,
    String scenario,
    List<String> parameters,
    List<ExperimentMetric> metrics,
    List<ExperimentPoint> points,
    boolean scenarioExpectationsGate,
    double wallSeconds)
{
    public ExperimentResults
    {
        Checks.text("experiment", experiment);
        Checks.text("scenario", scenario);
        parameters = Checks.list("parameters", parameters);
        metrics = Checks.list("metrics", metrics);
        points = Checks.list("points", points);
        Checks.nonNegative("wallSeconds", wallSeconds);
        final Set<String> metricKeys = new HashSet<>();
        for (final ExperimentMetric m : metrics)
        {
            if (!metricKeys.add(m.key()))
            {
                throw new IllegalArgumentException("duplicate experiment metric '" + m.key() + "'");
            }
        }
        for (int i = 0; i < points.size(); i++)
        {
            final ExperimentPoint p = points.get(i);
            if (!List.copyOf(p.parameters().keySet()).equals(parameters))
            {
                throw new IllegalArgumentException("point " + i + " has parameters " + p.parameters().keySet()
                    + ", expected " + parameters);
            }
            if (!metricKeys.containsAll(p.metrics().keySet()))
            {
                throw new IllegalArgumentException("point " + i + " has metrics " + p.metrics().keySet()
                    + " that are not all declared " + metricKeys);
            }
            if (!metricKeys.containsAll(p.caps().keySet()))
            {
                throw new IllegalArgumentException("point " + i + " has caps " + p.caps().keySet()
                    + " for metrics that are not declared " + metricKeys);
            }
        }
    }

    /** Results whose scenario expectations are reported only, with no wall time recorded. */
    public ExperimentResults(
        final String experiment, final String scenario, final List<String> parameters,
        final List<ExperimentMetric> metrics, final List<ExperimentPoint> points)
    {
        this(experiment, scenario, parameters, metrics, points, false, 0);
    }

    /** Whether every point passed its gating expectations. */
    public boolean expectationsPassed()
    {
        for (final ExperimentPoint p : points)
        {
            if (!p.expectationsPassed())
            {
                return false;
            }
        }
        return true;
    }

    /** Whether any point has a cap for this metric. */
    public boolean hasCap(final String metricKey)
    {
        for (final ExperimentPoint p : points)
        {
            if (p.caps().containsKey(metricKey))
            {
                return true;
            }
        }
        return false;
    }
}
