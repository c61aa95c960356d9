package io.nitrosim.simulator.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.nitrosim.simulator.analysis.DerivedMetric;
import io.nitrosim.simulator.engine.Simulation;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioException;
import io.nitrosim.simulator.scenario.ScenarioLoader;

/**
 * A sweep made ready to run: every point of the grid is the base scenario with the point's parameter values set
 * at their paths and the sweep's expectations resolved for the point, validated and assembled once (and
 * discarded) so that nothing runs unless every point can. A point travels as its scenario tree in JSON, so any
 * member of a cluster can run it.
 * <p>
 * Sweep expectations on scenario metrics are appended to the point scenario's own expectations with their bounds
 * computed (the simulation evaluates them); those on derived figures are checked against the point's results by
 * {@link ExperimentGatherer}.
 *
 * @param sweep  the sweep file.
 * @param points the grid, first parameter slowest.
 */
public record ExperimentPlan(SweepFile sweep, List<PlannedPoint> points)
{
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One point.
     *
     * @param index                    0-based position in the grid.
     * @param parameters               parameter name to the value's text, in the sweep's order.
     * @param source                   how messages name the point.
     * @param scenarioJson             the point's scenario tree.
     * @param scenarioExpectationCount how many of the run's expectations are the base scenario's (they come first).
     * @param checks                   the sweep's expectations at this point, in the sweep file's order.
     */
    public record PlannedPoint(
        int index, Map<String, String> parameters, String source, String scenarioJson, int scenarioExpectationCount,
        List<Check> checks)
    {
        /** "name=value, name=value". */
        public String label()
        {
            final StringBuilder sb = new StringBuilder();
            parameters.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(v));
            return sb.toString();
        }
    }

    /**
     * A sweep expectation at one point: either the run's expectation at {@code resultIndex} (scenario metrics),
     * or a derived figure with computed bounds.
     */
    public record Check(
        SweepExpectation expectation, int resultIndex, DerivedMetric derived, String subject, Double min, Double max)
    {
        boolean isDerived()
        {
            return derived != null;
        }
    }

    /**
     * Reads the sweep and its scenario and builds every point.
     *
     * @throws ScenarioException one line naming the file, the field or the point, and the problem.
     */
    public static ExperimentPlan load(final Path sweepFile)
    {
        final SweepFile sweep = SweepFile.load(sweepFile);
        if (!Files.exists(sweep.scenarioFile()))
        {
            throw new ScenarioException(sweep.source() + ": scenario: " + sweep.scenarioFile() + ": no such file");
        }
        final JsonNode base = ScenarioLoader.readTree(sweep.scenarioFile());
        ScenarioLoader.load(sweep.scenarioFile()); // the base scenario itself must be valid, with line and column
        final List<PlannedPoint> points = new ArrayList<>();
        grid(sweep, base, 0, new LinkedHashMap<>(), points);
        return new ExperimentPlan(sweep, List.copyOf(points));
    }

    private static void grid(
        final SweepFile sweep, final JsonNode base, final int depth, final Map<SweepFile.Parameter, JsonNode> chosen,
        final List<PlannedPoint> points)
    {
        if (depth == sweep.parameters().size())
        {
            points.add(point(sweep, base, chosen, points.size()));
            return;
        }
        final SweepFile.Parameter parameter = sweep.parameters().get(depth);
        for (final JsonNode v : parameter.values())
        {
            chosen.put(parameter, v);
            grid(sweep, base, depth + 1, chosen, points);
        }
        chosen.remove(parameter);
    }

    private static PlannedPoint point(
        final SweepFile sweep, final JsonNode base, final Map<SweepFile.Parameter, JsonNode> chosen, final int index)
    {
        final ObjectNode tree = base.deepCopy();
        final Map<String, String> labels = new LinkedHashMap<>();
        final Map<String, JsonNode> byName = new LinkedHashMap<>();
        for (final Map.Entry<SweepFile.Parameter, JsonNode> e : chosen.entrySet())
        {
            final SweepFile.Parameter p = e.getKey();
            try
            {
                p.path().set(tree, e.getValue());
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ScenarioException(sweep.source() + ": parameters." + p.name() + ": " + ex.getMessage());
            }
            labels.put(p.name(), e.getValue().asText());
            byName.put(p.name(), e.getValue());
            byName.putIfAbsent(p.path().text(), e.getValue());
        }
        final String source = sweep.source() + " point " + (index + 1) + " " + labels;
        final Scenario scenario = ScenarioLoader.fromTree(source, tree);
        final int baseCount = scenario.expectations().size();
        final List<Check> checks = new ArrayList<>();
        ArrayNode expectations = null;
        int injected = 0;
        for (final SweepExpectation e : sweep.expectations())
        {
            final String where = source + ": expectations[" + e.index() + "]";
            final PointNames names = new PointNames(scenario, byName, e.quantity(),
                PointNames.typeOf(scenario, e.subjectField(), e.subject()));
            final Double min;
            final Double max;
            try
            {
                min = e.min() == null ? null : SweepExpectation.roundOutward(e.min().evaluate(names), true);
                max = e.max() == null ? null : SweepExpectation.roundOutward(e.max().evaluate(names), false);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ScenarioException(where + ": " + ex.getMessage());
            }
            if (min != null && max != null && min > max)
            {
                throw new ScenarioException(where + ": min " + min + " is above max " + max + " here");
            }
            if (e.derived() != null)
            {
                requireSubject(scenario, e, where);
                checks.add(new Check(e, -1, e.derived(), e.subject(), min, max));
            }
            else
            {
                if (expectations == null)
                {
                    expectations = tree.has("expectations") && tree.get("expectations").isArray() ?
                        (ArrayNode)tree.get("expectations") : tree.putArray("expectations");
                }
                checks.add(new Check(e, baseCount + injected++, null, e.subject(), min, max));
                expectations.add(e.toScenarioExpectation(min, max));
            }
        }
        final Scenario checked = expectations == null ? scenario : ScenarioLoader.fromTree(source, tree);
        checkAssembly(checked);
        return new PlannedPoint(index, labels, source, json(tree), baseCount, List.copyOf(checks));
    }

    private static void requireSubject(final Scenario scenario, final SweepExpectation e, final String where)
    {
        boolean found = false;
        for (final Scenario.Instance i : scenario.instances())
        {
            found |= e.subjectField().equals("instance") && i.name().equals(e.subject());
            for (final Scenario.Volume v : i.volumes())
            {
                found |= e.subjectField().equals("volume") && v.name().equals(e.subject());
            }
        }
        if (!found)
        {
            throw new ScenarioException(where + "." + e.subjectField() + ": the scenario has no " + e.subjectField()
                + " '" + e.subject() + "'");
        }
    }

    /** Builds (and discards) the point's simulation, so capacity and card limits fail before anything runs. */
    private static void checkAssembly(final Scenario scenario)
    {
        final Path work = PointRunner.createWorkDirectory("nitro-sim-check");
        try
        {
            Simulation.prepare(scenario, work).close();
        }
        finally
        {
            PointRunner.deleteQuietly(work);
        }
    }

    private static String json(final JsonNode tree)
    {
        try
        {
            return JSON.writeValueAsString(tree);
        }
        catch (final JsonProcessingException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** The tree of a point's scenario JSON. */
    static JsonNode tree(final String json)
    {
        try
        {
            return JSON.readTree(json);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
