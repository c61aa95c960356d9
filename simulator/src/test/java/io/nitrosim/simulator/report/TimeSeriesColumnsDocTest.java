package io.nitrosim.simulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.simulator.engine.Simulation;
import io.nitrosim.simulator.results.AllowanceCounters;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioBuilder;

/**
 * Issue 15, "First use": the columns of timeseries.csv are the ones docs/reports.md documents. Reads the doc's
 * column table, expands its placeholders for a scenario with an instance that has volumes and one that has none,
 * and compares with the header a run writes.
 */
class TimeSeriesColumnsDocTest
{
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| ([^|]+) \\| (.+) \\| ([^|]+) \\|$");
    private static final Pattern CODE = Pattern.compile("`([a-z_]+)`");

    @TempDir
    Path work;

    /** One documented column: its key pattern and which subjects have it. */
    private record DocColumn(String pattern, String what, String present)
    {
    }

    @Test
    void shouldWriteExactlyTheColumnsDocumentedInReportsMd() throws IOException
    {
        final List<DocColumn> documented = documentedColumns();
        final Scenario scenario = ScenarioBuilder.named("columns").duration("200ms").sampleInterval("100ms")
            .instance("db", "c5.large")
            .volume("db", "data", "gp3", 100, 3000, 125)
            .volume("db", "logs", "gp2", 100, 0, 0)
            .instance("web", "c5.xlarge")
            .iperf("bulk", "web", "db", 1)
            .fio("load", "data", "write", "16k", 4)
            .build();
        final List<String> header;
        try (Simulation simulation = Simulation.prepare(scenario, work))
        {
            simulation.run(null);
            final Path csv = work.resolve("timeseries.csv");
            TimeSeriesCsv.write(simulation.timeSeries(), csv);
            header = Arrays.asList(Files.readAllLines(csv, StandardCharsets.UTF_8).get(0).split(","));
        }

        assertEquals("time_s", header.get(0));
        final Map<String, List<String>> volumes = Map.of("db", List.of("data", "logs"), "web", List.of());
        final List<String> written = header.subList(1, header.size());
        int from = 0;
        for (final String instance : List.of("db", "web"))
        {
            final Set<String> expected = expand(documented, instance, volumes.get(instance));
            // An instance's columns come together, instances in scenario order.
            final Set<String> actual = new LinkedHashSet<>(written.subList(from, from + expected.size()));
            assertEquals(expected, actual, "columns of " + instance);
            from += expected.size();
        }
        assertEquals(written.size(), from, "no column beyond the documented ones: " + written.subList(from,
            written.size()));
    }

    /** Expands the documented patterns for one instance with the given volumes. */
    private static Set<String> expand(final List<DocColumn> documented, final String instance,
        final List<String> volumes)
    {
        final Set<String> keys = new LinkedHashSet<>();
        for (final DocColumn c : documented)
        {
            final boolean perVolume = c.pattern().contains("<volume>");
            if (c.present().equals("instances with volumes") && volumes.isEmpty())
            {
                continue;
            }
            List<String> expanded = List.of(c.pattern().replace("<instance>", instance));
            expanded = replaceEach(expanded, "<in|out>", List.of("in", "out"));
            expanded = replaceEach(expanded, "<volume>", perVolume ? volumes : List.of());
            if (c.pattern().contains("<ena counter>"))
            {
                final List<String> counters = new ArrayList<>();
                final Matcher m = CODE.matcher(c.what());
                while (m.find())
                {
                    counters.add(m.group(1));
                }
                assertEquals(AllowanceCounters.NAMES, counters, "the doc names ENA's five counters in ENA's order");
                expanded = replaceEach(expanded, "<ena counter>", counters);
            }
            for (final String key : expanded)
            {
                assertFalse(key.contains("<"), "unexpanded placeholder in " + key);
                keys.add(key);
            }
        }
        return keys;
    }

    private static List<String> replaceEach(final List<String> keys, final String placeholder,
        final List<String> values)
    {
        final List<String> out = new ArrayList<>();
        for (final String key : keys)
        {
            if (!key.contains(placeholder))
            {
                out.add(key);
                continue;
            }
            for (final String v : values)
            {
                out.add(key.replace(placeholder, v));
            }
        }
        return out;
    }

    /** The rows of the column table in docs/reports.md's "timeseries.csv" section. */
    private static List<DocColumn> documentedColumns() throws IOException
    {
        final List<String> lines = Files.readAllLines(repository().resolve("docs/reports.md"), StandardCharsets.UTF_8);
        final int section = lines.indexOf("## timeseries.csv");
        assertTrue(section >= 0, "docs/reports.md has a timeseries.csv section");
        final List<DocColumn> columns = new ArrayList<>();
        for (int i = section + 1; i < lines.size() && !lines.get(i).startsWith("#"); i++)
        {
            final Matcher m = ROW.matcher(lines.get(i).replace("\\|", "|"));
            if (lines.get(i).startsWith("| `") && m.matches())
            {
                columns.add(new DocColumn(m.group(1), m.group(3), m.group(4).strip()));
            }
        }
        assertEquals(10, columns.size(), "the doc's column table: " + columns);
        return columns;
    }

    private static Path repository()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("docs/reports.md")))
        {
            dir = dir.getParent();
        }
        assertTrue(dir != null, "docs/reports.md above " + Path.of("").toAbsolutePath());
        return dir;
    }
}
