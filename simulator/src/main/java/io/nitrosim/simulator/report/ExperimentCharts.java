package io.nitrosim.simulator.report;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jfree.data.category.DefaultCategoryDataset;

import io.nitrosim.simulator.results.Column;
import io.nitrosim.simulator.results.ExperimentMetric;
import io.nitrosim.simulator.results.ExperimentPoint;
import io.nitrosim.simulator.results.ExperimentResults;
import io.nitrosim.simulator.results.TimeSeries;

/**
 * The charts of experiment.html:
 * <ul>
 * <li>{@code chart-figure-<key>}: a derived figure, workload or volume metric that changes from point to point,
 * against the first parameter, one line per combination of the other parameters;</li>
 * <li>{@code chart-series-<key>}: a time-series column that moved, every point's series overlaid;</li>
 * <li>{@code chart-metric-<key>}: a run average that is not zero everywhere, next to its cap, per point.</li>
 * </ul>
 * Points are labelled by their parameter values; the axis title names the parameters.
 */
final class ExperimentCharts
{
    private ExperimentCharts()
    {
    }

    static List<ChartImage> figureCharts(final ExperimentResults r, final Map<String, List<ExperimentMetric>> groups)
    {
        final ChartIds ids = new ChartIds();
        final List<ChartImage> charts = new ArrayList<>();
        final String x = r.parameters().get(0);
        final List<String> others = r.parameters().subList(1, r.parameters().size());
        for (final Map.Entry<String, List<ExperimentMetric>> g : groups.entrySet())
        {
            if (g.getKey().equals(ExperimentMetric.AVERAGES))
            {
                continue;
            }
            for (final ExperimentMetric m : g.getValue())
            {
                if (m.unit().equals("flag") || !varies(r, m))
                {
                    continue;
                }
                final DefaultCategoryDataset ds = new DefaultCategoryDataset();
                for (final ExperimentPoint p : r.points())
                {
                    final String line = others.isEmpty() ? m.label() : otherValues(p, others);
                    // addValue with a null value keeps the category and leaves a gap in the line.
                    ds.addValue(p.metrics().get(m.key()), line, p.parameters().get(x));
                }
                final String title = m.label() + " (" + m.unit() + ") against " + x;
                final String alt = m.label() + " in " + m.unit() + " for each value of " + x
                    + (others.isEmpty() ? "" : ", one line per value of " + String.join(", ", others));
                final byte[] png = Charts.png(Charts.categoryLineChart(title, x, m.unit(), ds),
                    Charts.barChartWidth(ds.getColumnCount(), 2), Charts.HEIGHT);
                charts.add(new ChartImage(ids.allocate("chart-figure-" + Charts.slug(m.key())), title, alt, png));
            }
        }
        return charts;
    }

    static List<ChartImage> overlayCharts(final ExperimentResults r, final List<TimeSeries> series)
    {
        final ChartIds ids = new ChartIds();
        final List<ChartImage> charts = new ArrayList<>();
        final Map<String, Column> columns = new LinkedHashMap<>();
        for (final TimeSeries ts : series)
        {
            ts.columns().forEach(c -> columns.putIfAbsent(c.key(), c));
        }
        final String parameters = String.join(" / ", r.parameters());
        for (final Column c : columns.values())
        {
            if (!moved(series, c.key()))
            {
                continue;
            }
            final List<Charts.Trace> traces = new ArrayList<>();
            for (int i = 0; i < series.size() && i < r.points().size(); i++)
            {
                final int column = series.get(i).columnIndex(c.key());
                if (column >= 0)
                {
                    traces.add(new Charts.Trace(ExperimentHtml.valueLabel(r.points().get(i)), series.get(i), column));
                }
            }
            final String title = c.label() + " (" + c.unit() + ") at every point (" + parameters + ")";
            final String alt = c.label() + " in " + c.unit() + " over simulated time, one line per point, labelled "
                + parameters;
            final byte[] png = Charts.png(Charts.overlayChart(title, traces, c.label() + " (" + c.unit() + ")"),
                Charts.WIDTH, Charts.HEIGHT + 60);
            charts.add(new ChartImage(ids.allocate("chart-series-" + Charts.slug(c.key())), title, alt, png));
        }
        return charts;
    }

    static List<ChartImage> averageCharts(final ExperimentResults r, final List<ExperimentMetric> metrics)
    {
        final ChartIds ids = new ChartIds();
        final List<ChartImage> charts = new ArrayList<>();
        final String parameters = String.join(" / ", r.parameters());
        for (final ExperimentMetric m : metrics)
        {
            final DefaultCategoryDataset ds = new DefaultCategoryDataset();
            final boolean hasCap = r.hasCap(m.key());
            for (final ExperimentPoint p : r.points())
            {
                final String category = ExperimentHtml.valueLabel(p);
                ds.addValue(p.metrics().get(m.key()), "achieved", category);
                if (hasCap)
                {
                    ds.addValue(p.caps().get(m.key()), "cap", category);
                }
            }
            final String title = m.label() + (hasCap ? ": achieved vs cap" : "") + " per point";
            final String alt = m.label() + " in " + m.unit() + (hasCap ? " achieved next to its cap" : "")
                + " for each point of the sweep over " + String.join(", ", r.parameters());
            final int width = Charts.barChartWidth(ds.getColumnCount(), hasCap ? 2 : 1);
            final byte[] png = Charts.png(Charts.barChart(title, parameters, m.label() + " (" + m.unit() + ")", ds),
                width, Charts.HEIGHT);
            charts.add(new ChartImage(ids.allocate("chart-metric-" + Charts.slug(m.key())), title, alt, png));
        }
        return charts;
    }

    /** At least two different values among the points. */
    private static boolean varies(final ExperimentResults r, final ExperimentMetric m)
    {
        final Set<Double> values = new HashSet<>();
        for (final ExperimentPoint p : r.points())
        {
            final Double v = p.metrics().get(m.key());
            if (v != null)
            {
                values.add(v);
            }
        }
        return values.size() > 1;
    }

    /** A column moved when some sample of some point differs from the first sample seen. */
    private static boolean moved(final List<TimeSeries> series, final String key)
    {
        Double first = null;
        for (final TimeSeries ts : series)
        {
            final int c = ts.columnIndex(key);
            for (int i = 0; c >= 0 && i < ts.sampleCount(); i++)
            {
                final double v = ts.value(c, i);
                if (first == null)
                {
                    first = v;
                }
                else if (v != first)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static String otherValues(final ExperimentPoint p, final List<String> others)
    {
        final StringBuilder sb = new StringBuilder();
        for (final String o : others)
        {
            sb.append(sb.length() == 0 ? "" : ", ").append(o).append('=').append(p.parameters().get(o));
        }
        return sb.toString();
    }
}
