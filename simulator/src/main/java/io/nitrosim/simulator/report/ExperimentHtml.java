package io.nitrosim.simulator.report;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.nitrosim.simulator.results.ExpectationResult;
import io.nitrosim.simulator.results.ExperimentMetric;
import io.nitrosim.simulator.results.ExperimentPoint;
import io.nitrosim.simulator.results.ExperimentResults;
import io.nitrosim.simulator.results.TimeSeries;

/**
 * experiment.html: one self-contained page (see {@link HtmlPage}). In order: the verdict; the points table (one
 * row per point, its parameters as columns, the expectation outcomes); one table per subject and quantity, per
 * workload and per volume with the figures derived from each point's time series; the run averages against
 * their caps; every expectation at every point; charts of each figure that changes from point to point against
 * the first parameter (one line per value of the others); each time-series metric that moved, every point
 * overlaid; and the run averages against caps as bars. Metrics that never moved at any point are left out of the
 * tables and charts (they stay in experiment.csv and experiment.json). Every figure carries the JSON Pointer of its
 * value in experiment.json ({@code data-json}).
 */
final class ExperimentHtml
{
    private ExperimentHtml()
    {
    }

    static String render(final ExperimentResults r, final List<TimeSeries> series)
    {
        final StringBuilder body = new StringBuilder(256 * 1024);
        body.append("<h1>nitro-sim experiment: ").append(Html.escape(r.experiment())).append("</h1>\n");
        final List<String> verdict = ExperimentReport.verdict(r);
        body.append("<p id=\"verdict\" class=\"verdict ").append(r.expectationsPassed() ? "pass" : "fail").append("\">")
            .append(Html.escape(verdict.get(0))).append("</p>\n");
        for (int i = 1; i < verdict.size(); i++)
        {
            body.append("<p class=\"note\">").append(Html.escape(verdict.get(i))).append("</p>\n");
        }
        body.append("<p>Scenario <span data-json=\"/scenario\">").append(Html.escape(r.scenario()))
            .append("</span>, ").append(r.points().size()).append(" points over ")
            .append(Html.escape(describeParameters(r))).append(".</p>\n");
        body.append("<h2>Points</h2>\n");
        HtmlPage.table(pointsTable(r), body);
        final Map<String, List<ExperimentMetric>> groups = groups(r);
        final List<Table> derived = new ArrayList<>();
        for (final Map.Entry<String, List<ExperimentMetric>> g : groups.entrySet())
        {
            if (!g.getKey().equals(ExperimentMetric.AVERAGES))
            {
                derived.add(groupTable(r, g.getKey(), g.getValue()));
            }
        }
        if (!derived.isEmpty())
        {
            body.append("<h2>Derived figures</h2>\n<p class=\"note\">From each point's time series: the rate held "
                + "while bursting (mean over the burst), how long the burst lasted (interpolated within the sample "
                + "where the rate fell), the rate after it, when the credits ran dry (projected from the spend so "
                + "far when the run ended first), the credits left, the share held back by the cap; per workload "
                + "its throughput, loss and latency percentiles. \"-\" where a figure does not apply.</p>\n");
            for (final Table t : derived)
            {
                HtmlPage.table(t, body);
            }
        }
        final List<ExperimentMetric> averages = moved(r, groups.getOrDefault(ExperimentMetric.AVERAGES, List.of()));
        if (!averages.isEmpty())
        {
            body.append("<h2>Run averages against caps</h2>\n");
            HtmlPage.table(averagesTable(r, averages), body);
        }
        final Table expectations = expectationsTable(r);
        if (!expectations.rows().isEmpty())
        {
            body.append("<h2>Expectations</h2>\n");
            HtmlPage.table(expectations, body);
        }
        final List<ChartImage> figures = ExperimentCharts.figureCharts(r, groups);
        if (!figures.isEmpty())
        {
            body.append("<h2>Figures against ").append(Html.escape(r.parameters().get(0))).append("</h2>\n");
            figures.forEach(c -> HtmlPage.figure(c, body));
        }
        final List<ChartImage> overlays = ExperimentCharts.overlayCharts(r, series);
        if (!overlays.isEmpty())
        {
            body.append("<h2>Time series, every point</h2>\n");
            overlays.forEach(c -> HtmlPage.figure(c, body));
        }
        final List<ChartImage> bars = ExperimentCharts.averageCharts(r, averages);
        if (!bars.isEmpty())
        {
            body.append("<h2>Run averages against caps, per point</h2>\n");
            bars.forEach(c -> HtmlPage.figure(c, body));
        }
        return HtmlPage.page("nitro-sim experiment: " + r.experiment(), body);
    }

    private static String describeParameters(final ExperimentResults r)
    {
        final StringBuilder sb = new StringBuilder();
        for (final String p : r.parameters())
        {
            final Set<String> values = new HashSet<>();
            r.points().forEach(point -> values.add(point.parameters().get(p)));
            sb.append(sb.length() == 0 ? "" : " x ").append(p).append(" (").append(values.size()).append(" values)");
        }
        return sb.toString();
    }

    private static Table pointsTable(final ExperimentResults r)
    {
        final List<String> headers = new ArrayList<>(List.of("#"));
        headers.addAll(r.parameters());
        headers.add("sweep expectations");
        headers.add("scenario expectations");
        headers.add("wall s");
        final List<List<Cell>> rows = new ArrayList<>();
        for (int i = 0; i < r.points().size(); i++)
        {
            final ExperimentPoint p = r.points().get(i);
            final String pp = "/points/" + i;
            final List<Cell> row = parameterCells(r, i);
            row.add(Cell.passFail(p.expectationsPassed(), pp + "/expectationsPassed"));
            row.add(Cell.label(heldOf(p.scenarioExpectations())));
            row.add(Cell.number(p.wallSeconds(), Figures.SECONDS_DECIMALS, pp + "/wallSeconds"));
            rows.add(row);
        }
        return new Table("table-points", "One row per point", headers, rows);
    }

    /** The point number and its parameter values, each value tagged with its pointer. */
    private static List<Cell> parameterCells(final ExperimentResults r, final int i)
    {
        final List<Cell> row = new ArrayList<>();
        row.add(Cell.label(Integer.toString(i + 1)));
        for (final Map.Entry<String, String> e : r.points().get(i).parameters().entrySet())
        {
            row.add(Cell.text(e.getValue(), "/points/" + i + "/parameters/" + pointerToken(e.getKey())));
        }
        return row;
    }

    private static String heldOf(final List<ExpectationResult> expectations)
    {
        if (expectations.isEmpty())
        {
            return "none";
        }
        int held = 0;
        for (final ExpectationResult e : expectations)
        {
            held += e.passed() ? 1 : 0;
        }
        return held + " of " + expectations.size() + " held";
    }

    private static Table groupTable(final ExperimentResults r, final String group, final List<ExperimentMetric> metrics)
    {
        final List<String> headers = new ArrayList<>(List.of("#"));
        headers.addAll(r.parameters());
        for (final ExperimentMetric m : metrics)
        {
            headers.add(shortLabel(m) + (m.unit().equals("flag") ? "" : " (" + m.unit() + ")"));
        }
        final List<List<Cell>> rows = new ArrayList<>();
        for (int i = 0; i < r.points().size(); i++)
        {
            final ExperimentPoint p = r.points().get(i);
            final List<Cell> row = parameterCells(r, i);
            for (final ExperimentMetric m : metrics)
            {
                final Double value = p.metrics().get(m.key());
                if (m.unit().equals("flag"))
                {
                    row.add(Cell.label(value == null ? Cell.ABSENT : value != 0 ? "yes" : "no"));
                }
                else
                {
                    row.add(Cell.optionalNumber(value, Figures.rateDecimals(m.unit()),
                        "/points/" + i + "/metrics/" + pointerToken(m.key())));
                }
            }
            rows.add(row);
        }
        return new Table("table-" + Charts.slug(group), group, headers, rows);
    }

    private static Table averagesTable(final ExperimentResults r, final List<ExperimentMetric> metrics)
    {
        final List<String> headers = new ArrayList<>(List.of("#"));
        headers.addAll(r.parameters());
        for (final ExperimentMetric m : metrics)
        {
            headers.add(m.label() + " (" + m.unit() + ")");
            if (r.hasCap(m.key()))
            {
                headers.add("cap (" + m.unit() + ")");
                headers.add("% of cap");
            }
        }
        final List<List<Cell>> rows = new ArrayList<>();
        for (int i = 0; i < r.points().size(); i++)
        {
            final ExperimentPoint p = r.points().get(i);
            final String pp = "/points/" + i;
            final List<Cell> row = parameterCells(r, i);
            for (final ExperimentMetric m : metrics)
            {
                final Double achieved = p.metrics().get(m.key());
                row.add(Cell.optionalNumber(achieved, Figures.METRIC_DECIMALS, pp + "/metrics/" + pointerToken(m.key())));
                if (r.hasCap(m.key()))
                {
                    final Double cap = p.caps().get(m.key());
                    row.add(cap == null ? Cell.label("") :
                        Cell.number(cap, Figures.METRIC_DECIMALS, pp + "/caps/" + pointerToken(m.key())));
                    row.add(Cell.derivedNumber(cap != null && cap > 0 && achieved != null ?
                        Figures.fixed(100.0 * achieved / cap, Figures.PERCENT_DECIMALS) : ""));
                }
            }
            rows.add(row);
        }
        return new Table("table-averages", "Run averages against the caps of the types", headers, rows);
    }

    private static Table expectationsTable(final ExperimentResults r)
    {
        final List<List<Cell>> rows = new ArrayList<>();
        for (int i = 0; i < r.points().size(); i++)
        {
            final ExperimentPoint p = r.points().get(i);
            addExpectations(rows, i, "sweep", p.expectations(), "/points/" + i + "/expectations/");
            addExpectations(rows, i, r.scenarioExpectationsGate() ? "scenario" : "scenario (reported)",
                p.scenarioExpectations(), "/points/" + i + "/scenarioExpectations/");
        }
        return new Table("table-expectations", "Every expectation at every point",
            List.of("#", "from", "result", "expectation", "expected", "actual"), rows);
    }

    private static void addExpectations(
        final List<List<Cell>> rows, final int point, final String from, final List<ExpectationResult> list,
        final String pointer)
    {
        for (int j = 0; j < list.size(); j++)
        {
            final ExpectationResult e = list.get(j);
            final String p = pointer + j;
            rows.add(List.of(Cell.label(Integer.toString(point + 1)), Cell.label(from),
                Cell.passFail(e.passed(), p + "/passed"), Cell.text(e.description(), p + "/description"),
                Cell.text(e.expected(), p + "/expected"), Cell.text(e.actual(), p + "/actual")));
        }
    }

    /** Metrics by group, in metric order; groups without any value at any point are left out. */
    static Map<String, List<ExperimentMetric>> groups(final ExperimentResults r)
    {
        final Map<String, List<ExperimentMetric>> groups = new LinkedHashMap<>();
        for (final ExperimentMetric m : r.metrics())
        {
            groups.computeIfAbsent(m.group(), g -> new ArrayList<>()).add(m);
        }
        groups.entrySet().removeIf(e -> !e.getKey().equals(ExperimentMetric.AVERAGES) && e.getValue().stream()
            .allMatch(m -> r.points().stream().noneMatch(p -> p.metrics().containsKey(m.key()))));
        return groups;
    }

    /** The metrics with a value other than 0 at some point. */
    static List<ExperimentMetric> moved(final ExperimentResults r, final List<ExperimentMetric> metrics)
    {
        final List<ExperimentMetric> moved = new ArrayList<>();
        for (final ExperimentMetric m : metrics)
        {
            for (final ExperimentPoint p : r.points())
            {
                final Double v = p.metrics().get(m.key());
                if (v != null && v != 0)
                {
                    moved.add(m);
                    break;
                }
            }
        }
        return moved;
    }

    /** A metric's label without its group's subject ("web-1 net-out burst" in group "web-1 net-out": "burst"). */
    static String shortLabel(final ExperimentMetric m)
    {
        if (m.label().startsWith(m.group() + " "))
        {
            return m.label().substring(m.group().length() + 1);
        }
        final int space = m.group().indexOf(' ');
        final String subject = space < 0 ? m.group() : m.group().substring(0, space);
        return m.label().startsWith(subject + " ") ? m.label().substring(subject.length() + 1) : m.label();
    }

    /** "name=value, name=value" per point (the value alone for a one-parameter sweep), made unique with "#n". */
    static List<String> pointLabels(final ExperimentResults r)
    {
        final List<String> labels = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        for (int i = 0; i < r.points().size(); i++)
        {
            final Map<String, String> params = r.points().get(i).parameters();
            final StringBuilder sb = new StringBuilder();
            for (final Map.Entry<String, String> e : params.entrySet())
            {
                sb.append(sb.length() == 0 ? "" : ", ").append(params.size() == 1 ? e.getValue() :
                    e.getKey() + "=" + e.getValue());
            }
            String label = sb.length() == 0 ? "#" + (i + 1) : sb.toString();
            if (!seen.add(label))
            {
                label = label + " #" + (i + 1);
                seen.add(label);
            }
            labels.add(label);
        }
        return labels;
    }

    /** The point's values only ("c5.large / 1"), for chart axes and legends whose title names the parameters. */
    static String valueLabel(final ExperimentPoint p)
    {
        return String.join(" / ", p.parameters().values());
    }

    /** JSON Pointer escaping of one reference token (RFC 6901). */
    static String pointerToken(final String key)
    {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
