package io.nitrosim.simulator.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.nitrosim.simulator.scenario.ScenarioException;
import io.nitrosim.simulator.scenario.ScenarioLoader;

/**
 * A sweep file as written: a name, the scenario it sweeps, the parameters (each a path in the scenario and its
 * values; the points are every combination), its own expectations, and whether the scenario's expectations gate
 * the sweep or are only reported. Everything that can be checked without a point is checked here, each problem
 * one line naming the file and the field.
 *
 * @param source                   the sweep file, for messages.
 * @param name                     the experiment's name (default output folder).
 * @param description              free text.
 * @param scenario                 the scenario reference as written (relative to the sweep file).
 * @param scenarioFile             the scenario file resolved.
 * @param parameters               the swept parameters, in the file's order.
 * @param expectations             the sweep's own expectations, in the file's order.
 * @param scenarioExpectationsGate whether the scenario's expectations gate the sweep too (default: reported only).
 */
public record SweepFile(
    String source,
    String name,
    String description,
    String scenario,
    Path scenarioFile,
    List<Parameter> parameters,
    List<SweepExpectation> expectations,
    boolean scenarioExpectationsGate)
{
    static final List<String> FIELDS =
        List.of("name", "description", "scenario", "parameters", "expectations", "scenarioExpectations");
    private static final List<String> EXPECTATION_FIELDS =
        List.of("name", "metric", "instance", "volume", "workload", "from", "to", "min", "max");

    /**
     * One swept parameter.
     *
     * @param name   its label in tables and charts: the path as written, or the name given to it.
     * @param path   where its values go in the scenario.
     * @param values the values, in the file's order.
     */
    public record Parameter(String name, ParameterPath path, List<JsonNode> values)
    {
    }

    /** Reads and checks a sweep file. @throws ScenarioException one line naming the file, the field and the problem. */
    public static SweepFile load(final Path file)
    {
        final String source = file.toString();
        if (!Files.exists(file))
        {
            throw new ScenarioException(source + ": no such file");
        }
        final JsonNode sweep = ScenarioLoader.readTree(file);
        if (!sweep.isObject())
        {
            throw new ScenarioException(source + ": a sweep file is a mapping with the fields " + String.join(", ", FIELDS));
        }
        final Iterator<String> fields = sweep.fieldNames();
        while (fields.hasNext())
        {
            final String f = fields.next();
            if (!FIELDS.contains(f))
            {
                throw new ScenarioException(source + ": unknown field '" + f + "'; accepted: " + String.join(", ", FIELDS));
            }
        }
        final String name = text(sweep, "name", source, true);
        if (!name.matches("[A-Za-z0-9._-]+"))
        {
            throw new ScenarioException(source + ": name: '" + name + "' may hold only letters, digits, '.', '_' and '-'");
        }
        final String description = text(sweep, "description", source, false);
        final String scenario = text(sweep, "scenario", source, true);
        final Path scenarioFile = file.toAbsolutePath().getParent().resolve(scenario);
        final String gate = text(sweep, "scenarioExpectations", source, false);
        if (gate != null && !gate.equals("report") && !gate.equals("gate"))
        {
            throw new ScenarioException(source + ": scenarioExpectations: '" + gate + "' is not accepted; accepted: "
                + "report (the default: shown, never failing the sweep) or gate");
        }
        return new SweepFile(source, name, description == null ? "" : description, scenario, scenarioFile,
            parameters(sweep.get("parameters"), source), expectations(sweep.get("expectations"), source),
            "gate".equals(gate));
    }

    private static List<Parameter> parameters(final JsonNode params, final String source)
    {
        if (params == null || !params.isObject() || params.isEmpty())
        {
            throw new ScenarioException(source + ": parameters: needs at least one 'path: [values]' entry, e.g. "
                + "'instances[0].type: [c5.large, c5.xlarge]'");
        }
        final List<Parameter> result = new ArrayList<>();
        final Map<String, String> pointers = new LinkedHashMap<>();
        for (final Map.Entry<String, JsonNode> e : params.properties())
        {
            final String where = source + ": parameters." + e.getKey();
            final String pathText;
            final JsonNode values;
            if (e.getValue().isObject())
            {
                final JsonNode path = e.getValue().get("path");
                values = e.getValue().get("values");
                if (path == null || !path.isTextual() || e.getValue().size() != 2 || values == null)
                {
                    throw new ScenarioException(where + ": a named parameter has exactly the fields path and values");
                }
                pathText = path.asText();
            }
            else
            {
                pathText = e.getKey();
                values = e.getValue();
            }
            if (!values.isArray() || values.isEmpty())
            {
                throw new ScenarioException(where + ": needs a non-empty list of values");
            }
            final ParameterPath path;
            try
            {
                path = ParameterPath.parse(pathText);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ScenarioException(where + ": " + ex.getMessage());
            }
            final String earlier = pointers.put(path.pointer().toString(), e.getKey());
            if (earlier != null)
            {
                throw new ScenarioException(where + ": sets the same place as parameters." + earlier);
            }
            final List<JsonNode> list = new ArrayList<>();
            for (final JsonNode v : values)
            {
                if (!v.isValueNode() || v.isNull())
                {
                    throw new ScenarioException(where + ": values are numbers, text or true/false, not " + v);
                }
                list.add(v);
            }
            result.add(new Parameter(e.getKey(), path, List.copyOf(list)));
        }
        return List.copyOf(result);
    }

    private static List<SweepExpectation> expectations(final JsonNode list, final String source)
    {
        if (list == null)
        {
            return List.of();
        }
        if (!list.isArray())
        {
            throw new ScenarioException(source + ": expectations: a list of expectations, as in a scenario");
        }
        final List<SweepExpectation> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i++)
        {
            final JsonNode e = list.get(i);
            final String where = source + ": expectations[" + i + "]";
            if (!e.isObject())
            {
                throw new ScenarioException(where + ": an expectation is a mapping with the fields "
                    + String.join(", ", EXPECTATION_FIELDS));
            }
            final Iterator<String> fields = e.fieldNames();
            while (fields.hasNext())
            {
                final String f = fields.next();
                if (!EXPECTATION_FIELDS.contains(f))
                {
                    throw new ScenarioException(where + ": unknown field '" + f + "'; accepted: "
                        + String.join(", ", EXPECTATION_FIELDS));
                }
            }
            try
            {
                result.add(SweepExpectation.of(i, e));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ScenarioException(where + "." + ex.getMessage());
            }
        }
        return List.copyOf(result);
    }

    private static String text(final JsonNode node, final String field, final String source, final boolean required)
    {
        final JsonNode value = node.get(field);
        if (value == null && !required)
        {
            return null;
        }
        if (value == null || !value.isTextual() || value.asText().isEmpty())
        {
            throw new ScenarioException(source + ": " + field + ": missing or not a text value");
        }
        return value.asText();
    }
}
