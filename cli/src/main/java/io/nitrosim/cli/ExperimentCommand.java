package io.nitrosim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.nitrosim.simulator.engine.Simulation;
import io.nitrosim.simulator.report.ExperimentReport;
import io.nitrosim.simulator.results.ExperimentMetric;
import io.nitrosim.simulator.results.ExperimentPoint;
import io.nitrosim.simulator.results.ExperimentResults;
import io.nitrosim.simulator.results.InstanceResult;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioException;
import io.nitrosim.simulator.scenario.ScenarioLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nitro-sim experiment SWEEP [--out DIR]}: a scenario plus a parameter grid. Every point of the grid is a
 * copy of the scenario with the parameters set at their paths ("instances[0].type", "workloads[1].iodepth"),
 * validated before anything runs, then run on a pool of worker threads (one simulation per thread).
 */
@Command(name = "experiment", mixinStandardHelpOptions = true,
    description = {"Run a scenario over a parameter grid and write experiment.csv, experiment.json and",
        "experiment.html (achieved against cap per point). Exit codes as for run."})
public final class ExperimentCommand implements Callable<Integer>
{
    private static final Pattern SEGMENT = Pattern.compile("([A-Za-z][A-Za-z0-9]*)(?:\\[(\\d+)])?");

    @Parameters(index = "0", paramLabel = "SWEEP", description = "Sweep file (.yaml or .json): scenario + parameters.")
    Path sweepFile;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: nitro-sim-out/<sweep name>).")
    Path outDir;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "2",
        description = "Points run at once, 1..64 (default: ${DEFAULT-VALUE}, one per core of this machine).")
    int threads;

    @Spec
    CommandSpec spec;

    private record Point(Map<String, String> parameters, Scenario scenario)
    {
    }

    @Override
    public Integer call() throws IOException, InterruptedException
    {
        if (threads < 1 || threads > 64)
        {
            throw new BadInputException("--threads " + threads + " is out of range, accepted 1..64");
        }
        final String source = sweepFile.toString();
        final JsonNode sweep;
        try
        {
            sweep = ScenarioLoader.readTree(sweepFile);
        }
        catch (final ScenarioException ex)
        {
            throw new BadInputException(ex.getMessage());
        }
        final String name = text(sweep, "name", source);
        final String scenarioPath = text(sweep, "scenario", source);
        final Iterator<String> fields = sweep.fieldNames();
        while (fields.hasNext())
        {
            final String f = fields.next();
            if (!List.of("name", "scenario", "parameters").contains(f))
            {
                throw new BadInputException(source + ": unknown field '" + f + "'; accepted: name, scenario, parameters");
            }
        }
        final Path scenarioFile = sweepFile.toAbsolutePath().getParent().resolve(scenarioPath);
        final JsonNode base;
        try
        {
            base = ScenarioLoader.readTree(scenarioFile);
            ScenarioLoader.load(scenarioFile); // the base scenario itself must be valid
        }
        catch (final ScenarioException ex)
        {
            throw new BadInputException(ex.getMessage());
        }
        final JsonNode params = sweep.get("parameters");
        if (params == null || !params.isObject() || params.size() == 0)
        {
            throw new BadInputException(source + ": parameters: needs at least one 'path: [values]' entry, e.g. "
                + "'instances[0].type: [c5.large, c5.xlarge]'");
        }
        final List<String> names = new ArrayList<>();
        final List<List<JsonNode>> values = new ArrayList<>();
        params.properties().forEach(e ->
        {
            if (!e.getValue().isArray() || e.getValue().size() == 0)
            {
                throw new BadInputException(source + ": parameters." + e.getKey() + ": needs a non-empty list of values");
            }
            names.add(e.getKey());
            final List<JsonNode> list = new ArrayList<>();
            e.getValue().forEach(list::add);
            values.add(list);
        });

        final List<Point> points = new ArrayList<>();
        grid(names, values, 0, new LinkedHashMap<>(), base, source, points);
        final OutputDirectory outputs = OutputDirectory.prepare(outDir != null ? outDir : Path.of("nitro-sim-out", name),
            List.of(ExperimentReport.EXPERIMENT_CSV, ExperimentReport.EXPERIMENT_JSON, ExperimentReport.EXPERIMENT_HTML));
        final PrintWriter out = spec.commandLine().getOut();
        out.println("experiment '" + name + "': " + points.size() + " points of " + scenarioPath + " on " + threads
            + " thread(s)");
        out.flush();

        final List<RunResults> runs = runAll(points, out);
        final ExperimentResults results = toResults(name, scenarioPath, names, points, runs);
        outputs.write(dir -> ExperimentReport.writeAll(results, dir));
        final Path dir = outputs.path();
        final ExperimentReport.OutputFiles files = new ExperimentReport.OutputFiles(dir.resolve(
            ExperimentReport.EXPERIMENT_CSV), dir.resolve(ExperimentReport.EXPERIMENT_JSON),
            dir.resolve(ExperimentReport.EXPERIMENT_HTML));
        boolean allPassed = true;
        for (int i = 0; i < points.size(); i++)
        {
            allPassed &= runs.get(i).passed();
        }
        out.println("wrote " + files.csv() + ", " + files.json() + ", " + files.html());
        out.println(allPassed ? "every expectation holds at every point" : "an expectation failed at some point");
        out.flush();
        return allPassed ? NitroSim.EXIT_OK : NitroSim.EXIT_EXPECTATION_FAILED;
    }

    private static String text(final JsonNode node, final String field, final String source)
    {
        final JsonNode value = node.get(field);
        if (value == null || !value.isTextual())
        {
            throw new BadInputException(source + ": " + field + ": missing or not a text value");
        }
        return value.asText();
    }

    private static void grid(
        final List<String> names, final List<List<JsonNode>> values, final int depth,
        final Map<String, JsonNode> chosen, final JsonNode base, final String source, final List<Point> points)
    {
        if (depth == names.size())
        {
            final JsonNode copy = base.deepCopy();
            final Map<String, String> labels = new LinkedHashMap<>();
            for (final Map.Entry<String, JsonNode> e : chosen.entrySet())
            {
                set(copy, e.getKey(), e.getValue(), source);
                labels.put(e.getKey(), e.getValue().asText());
            }
            final String pointSource = source + " point " + (points.size() + 1) + " " + labels;
            try
            {
                final Scenario scenario = ScenarioLoader.fromTree(pointSource, copy);
                checkAssembly(scenario);
                points.add(new Point(labels, scenario));
            }
            catch (final ScenarioException ex)
            {
                throw new BadInputException(ex.getMessage());
            }
            return;
        }
        for (final JsonNode v : values.get(depth))
        {
            chosen.put(names.get(depth), v);
            grid(names, values, depth + 1, chosen, base, source, points);
        }
        chosen.remove(names.get(depth));
    }

    /** Builds (and discards) the point's simulation, so capacity and card limits fail before anything runs. */
    private static void checkAssembly(final Scenario scenario)
    {
        Path work = null;
        try
        {
            work = Files.createTempDirectory("nitro-sim-check");
            Simulation.prepare(scenario, work).close();
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
        finally
        {
            deleteQuietly(work);
        }
    }

    private static void deleteQuietly(final Path dir)
    {
        if (dir == null)
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException ex)
        {
            // a temp directory left behind is harmless
        }
    }

    /** Sets {@code path} ("a.b[2].c") in the tree; every segment but the last must exist. */
    private static void set(final JsonNode root, final String path, final JsonNode value, final String source)
    {
        final String[] segments = path.split("\\.");
        JsonNode node = root;
        for (int i = 0; i < segments.length; i++)
        {
            final Matcher m = SEGMENT.matcher(segments[i]);
            if (!m.matches())
            {
                throw new BadInputException(source + ": parameters." + path + ": '" + segments[i]
                    + "' is not a field name or name[index]");
            }
            final boolean last = i == segments.length - 1;
            final String field = m.group(1);
            if (!(node instanceof ObjectNode))
            {
                throw new BadInputException(source + ": parameters." + path + ": no such place in the scenario");
            }
            if (m.group(2) == null)
            {
                if (last)
                {
                    ((ObjectNode)node).set(field, value);
                    return;
                }
                if (node.get(field) == null)
                {
                    ((ObjectNode)node).putObject(field);
                }
                node = node.get(field);
            }
            else
            {
                final JsonNode array = node.get(field);
                final int index = Integer.parseInt(m.group(2));
                if (!(array instanceof ArrayNode) || index >= array.size())
                {
                    throw new BadInputException(source + ": parameters." + path + ": the scenario has no "
                        + field + "[" + index + "]");
                }
                if (last)
                {
                    ((ArrayNode)array).set(index, value);
                    return;
                }
                node = array.get(index);
            }
        }
    }

    private List<RunResults> runAll(final List<Point> points, final PrintWriter out) throws InterruptedException
    {
        final ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, points.size()));
        try
        {
            final List<Future<RunResults>> futures = new ArrayList<>();
            for (final Point p : points)
            {
                futures.add(pool.submit(() -> runPoint(p)));
            }
            final List<RunResults> runs = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++)
            {
                try
                {
                    final RunResults r = futures.get(i).get();
                    runs.add(r);
                    out.printf(Locale.ROOT, "point %d/%d %s: %s (%.1f s wall)%n", i + 1, points.size(),
                        points.get(i).parameters(), r.passed() ? "ok" : r.expectationsPassed() ? "fell behind the wall clock" : "expectation failed", r.wallSeconds());
                    out.flush();
                }
                catch (final ExecutionException ex)
                {
                    throw new IllegalStateException("point " + (i + 1) + " " + points.get(i).parameters() + " failed: "
                        + ex.getCause(), ex.getCause());
                }
            }
            return runs;
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    private static RunResults runPoint(final Point point) throws IOException
    {
        final Path work = Files.createTempDirectory("nitro-sim-point");
        try (Simulation simulation = Simulation.prepare(point.scenario(), work))
        {
            return simulation.run(null);
        }
        finally
        {
            deleteQuietly(work);
        }
    }

    private static ExperimentResults toResults(
        final String name, final String scenario, final List<String> parameters, final List<Point> points,
        final List<RunResults> runs)
    {
        final Map<String, ExperimentMetric> metrics = new LinkedHashMap<>();
        final List<ExperimentPoint> rows = new ArrayList<>();
        for (int i = 0; i < points.size(); i++)
        {
            final Map<String, Double> values = new LinkedHashMap<>();
            final Map<String, Double> caps = new LinkedHashMap<>();
            for (final InstanceResult r : runs.get(i).instances())
            {
                put(metrics, values, caps, r.name() + ".net_out_gbps", r.name() + " net out", "Gbps",
                    r.netOut().averageGbps(), r.netOut().peakGbps());
                put(metrics, values, caps, r.name() + ".net_in_gbps", r.name() + " net in", "Gbps",
                    r.netIn().averageGbps(), r.netIn().peakGbps());
                put(metrics, values, caps, r.name() + ".ebs_mbps", r.name() + " EBS", "Mbps",
                    r.ebs().averageMbps(), r.ebs().peakMbps());
                put(metrics, values, caps, r.name() + ".ebs_iops", r.name() + " EBS IOPS", "IOPS",
                    r.ebs().averageIops(), r.ebs().peakIops());
            }
            rows.add(new ExperimentPoint(points.get(i).parameters(), values, caps, runs.get(i).expectationsPassed()));
        }
        return new ExperimentResults(name, scenario, parameters, List.copyOf(metrics.values()), rows);
    }

    private static void put(
        final Map<String, ExperimentMetric> metrics, final Map<String, Double> values, final Map<String, Double> caps,
        final String key, final String label, final String unit, final double value, final double cap)
    {
        metrics.putIfAbsent(key, new ExperimentMetric(key, label, unit));
        values.put(key, value);
        caps.put(key, cap);
    }
}
