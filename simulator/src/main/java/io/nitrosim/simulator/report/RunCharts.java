package io.nitrosim.simulator.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jfree.chart.JFreeChart;
import org.jfree.data.category.DefaultCategoryDataset;

import io.nitrosim.simulator.results.Column;
import io.nitrosim.simulator.results.FaultResult;
import io.nitrosim.simulator.results.FioJobResult;
import io.nitrosim.simulator.results.InstanceResult;
import io.nitrosim.simulator.results.LatencySummary;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.SeriesKind;
import io.nitrosim.simulator.results.StreamResult;
import io.nitrosim.simulator.results.TimeSeries;
import io.nitrosim.simulator.results.VolumeResult;

/**
 * The charts of a run report.
 * <p>
 * Over time (from the {@link TimeSeries}), one chart per instance and group: network throughput per direction
 * with the peak and baseline lines and the credit balance on a right axis ({@code chart-net-<instance>-<dir>}),
 * EBS IOPS and EBS bandwidth with the instance and volume cap lines ({@code chart-ebs-iops-<instance>},
 * {@code chart-ebs-throughput-<instance>}), EBS balances ({@code chart-ebs-credits-<instance>}), latency
 * ({@code chart-latency-<instance>}) and the cumulative allowance counters ({@code chart-allowance-<instance>}).
 * When one instance has columns of a kind in several units, each unit gets its own chart with the unit
 * appended to the id. From the results: latency percentiles per volume, stream and fio job (bar charts) and
 * achieved against caps per instance and volume.
 */
final class RunCharts
{
    private RunCharts()
    {
    }

    private record Group(SeriesKind kind, String instance, String direction, String unit, List<Integer> columns)
    {
    }

    static List<ChartImage> of(final RunResults results, final TimeSeries ts)
    {
        final ChartIds ids = new ChartIds();
        final List<ChartImage> charts = new ArrayList<>();
        timeCharts(ts, results.faults(), ids, charts);
        summaryCharts(results, ids, charts);
        latencyCharts(results, ids, charts);
        return charts;
    }

    private static void timeCharts(
        final TimeSeries ts, final List<FaultResult> faults, final ChartIds ids, final List<ChartImage> charts)
    {
        final List<Column> columns = ts.columns();
        final Map<String, Group> groups = new LinkedHashMap<>();
        final Map<String, Integer> instanceOrder = new LinkedHashMap<>();
        for (int c = 0; c < columns.size(); c++)
        {
            final Column col = columns.get(c);
            instanceOrder.putIfAbsent(col.instance(), instanceOrder.size());
            final String direction = isNet(col.kind()) ? col.direction() : null;
            final String key = col.kind() + "|" + col.instance() + "|" + direction + "|" + col.unit();
            groups.computeIfAbsent(key, k -> new Group(col.kind(), col.instance(), direction, col.unit(),
                new ArrayList<>())).columns().add(c);
        }
        final List<Group> ordered = new ArrayList<>(groups.values());
        ordered.sort(Comparator.comparingInt((Group g) -> instanceOrder.get(g.instance()))
            .thenComparingInt(g -> g.kind().ordinal()));

        final Map<String, Integer> unitsPerChart = new LinkedHashMap<>();
        for (final Group g : ordered)
        {
            unitsPerChart.merge(chartKey(g), 1, Integer::sum);
        }
        // Each throughput chart carries the credit balance of the same instance and direction on a right axis.
        final Map<Group, Group> creditsOf = new LinkedHashMap<>();
        final Set<Group> paired = new HashSet<>();
        for (final Group g : ordered)
        {
            if (g.kind() != SeriesKind.NET_THROUGHPUT)
            {
                continue;
            }
            for (final Group other : ordered)
            {
                if (other.kind() == SeriesKind.NET_CREDITS && !paired.contains(other)
                    && other.instance().equals(g.instance()) && Objects.equals(other.direction(), g.direction()))
                {
                    paired.add(other);
                    creditsOf.put(g, other);
                    break;
                }
            }
        }
        for (final Group g : ordered)
        {
            if (!paired.contains(g))
            {
                charts.add(timeChart(ts, g, creditsOf.get(g), unitsPerChart.get(chartKey(g)) > 1, faults, ids));
            }
        }
    }

    private static boolean isNet(final SeriesKind kind)
    {
        return kind == SeriesKind.NET_THROUGHPUT || kind == SeriesKind.NET_CREDITS;
    }

    private static String chartKey(final Group g)
    {
        return g.kind() + "|" + g.instance() + "|" + g.direction();
    }

    private static ChartImage timeChart(
        final TimeSeries ts, final Group g, final Group credits, final boolean unitInId, final List<FaultResult> faults,
        final ChartIds ids)
    {
        final List<Column> columns = ts.columns();
        final List<Charts.Series> primary = new ArrayList<>();
        for (final int c : g.columns())
        {
            primary.add(new Charts.Series(columns.get(c).label(), c));
        }
        final List<Charts.Series> secondary = new ArrayList<>();
        if (credits != null)
        {
            for (final int c : credits.columns())
            {
                secondary.add(new Charts.Series(columns.get(c).label() + " (right axis)", c));
            }
        }
        final List<Charts.Line> lines = referenceLines(columns, g);
        final String what = describe(g);
        final String title = g.instance() + ": " + what
            + (lines.isEmpty() ? "" : " vs caps")
            + (credits != null ? ", with credit balance" : "");
        final StringBuilder alt = new StringBuilder();
        alt.append(what).append(" of ").append(g.instance()).append(" over simulated time in ").append(g.unit());
        if (!lines.isEmpty())
        {
            alt.append("; reference lines: ");
            for (int i = 0; i < lines.size(); i++)
            {
                alt.append(i == 0 ? "" : ", ").append(lines.get(i).label());
            }
        }
        if (credits != null)
        {
            alt.append("; credit balance (%) on the right axis");
        }
        String id = "chart-" + kindSlug(g.kind()) + "-" + Charts.slug(g.instance());
        if (g.direction() != null)
        {
            id += "-" + Charts.slug(g.direction());
        }
        if (unitInId)
        {
            id += "-" + Charts.slug(g.unit().toLowerCase(Locale.ROOT));
        }
        id = ids.allocate(id);
        alt.append(FaultMarkers.describe(faults));
        final JFreeChart chart = Charts.timeChart(title, ts, primary, axisLabel(g), lines, secondary,
            credits == null ? null : "credit balance (%)");
        FaultMarkers.mark(chart, faults);
        final byte[] png = Charts.png(chart, Charts.WIDTH, Charts.HEIGHT);
        return new ChartImage(id, title, alt.toString(), png);
    }

    private static List<Charts.Line> referenceLines(final List<Column> columns, final Group g)
    {
        // Lines at the same value share one marker with a combined label (all columns of a group share a unit).
        final Map<String, List<String>> namesByValue = new LinkedHashMap<>();
        final Map<String, Charts.Line> lineByValue = new LinkedHashMap<>();
        for (final int c : g.columns())
        {
            final Column col = columns.get(c);
            if (col.peak() != null && col.peak().equals(col.baseline()))
            {
                addLine(namesByValue, lineByValue, col.peak(), col.label() + " cap", true);
                continue;
            }
            if (col.peak() != null)
            {
                addLine(namesByValue, lineByValue, col.peak(), col.label() + " peak", true);
            }
            if (col.baseline() != null)
            {
                addLine(namesByValue, lineByValue, col.baseline(), col.label() + " baseline", false);
            }
        }
        final List<Charts.Line> lines = new ArrayList<>();
        for (final Map.Entry<String, Charts.Line> e : lineByValue.entrySet())
        {
            final String label = String.join(", ", namesByValue.get(e.getKey())) + " " + e.getKey() + " " + g.unit();
            lines.add(new Charts.Line(e.getValue().value(), label, e.getValue().peak()));
        }
        return lines;
    }

    private static void addLine(
        final Map<String, List<String>> namesByValue, final Map<String, Charts.Line> lineByValue,
        final double value, final String name, final boolean peak)
    {
        final String key = Figures.plain(value);
        lineByValue.putIfAbsent(key, new Charts.Line(value, "", peak));
        namesByValue.computeIfAbsent(key, k -> new ArrayList<>()).add(name);
    }

    private static String kindSlug(final SeriesKind kind)
    {
        switch (kind)
        {
            case NET_THROUGHPUT:
                return "net";
            case NET_CREDITS:
                return "net-credits";
            case EBS_THROUGHPUT:
                return "ebs-throughput";
            case EBS_IOPS:
                return "ebs-iops";
            case EBS_CREDITS:
                return "ebs-credits";
            case LATENCY:
                return "latency";
            default:
                return "allowance";
        }
    }

    private static String describe(final Group g)
    {
        switch (g.kind())
        {
            case NET_THROUGHPUT:
                return "network " + g.direction() + " throughput";
            case NET_CREDITS:
                return "network " + g.direction() + " credit balance";
            case EBS_THROUGHPUT:
                return "EBS bandwidth";
            case EBS_IOPS:
                return "EBS IOPS";
            case EBS_CREDITS:
                return "EBS balances";
            case LATENCY:
                return "latency";
            default:
                return "ENA allowance counters (cumulative)";
        }
    }

    private static String axisLabel(final Group g)
    {
        switch (g.kind())
        {
            case NET_THROUGHPUT:
                return "throughput (" + g.unit() + ")";
            case EBS_THROUGHPUT:
                return "bandwidth (" + g.unit() + ")";
            case EBS_IOPS:
                return "operations/s (" + g.unit() + ")";
            case NET_CREDITS:
            case EBS_CREDITS:
                return "balance (" + g.unit() + ")";
            case LATENCY:
                return "latency (" + g.unit() + ")";
            default:
                return "packets (" + g.unit() + ")";
        }
    }

    private static void summaryCharts(final RunResults r, final ChartIds ids, final List<ChartImage> charts)
    {
        if (!r.instances().isEmpty())
        {
            final DefaultCategoryDataset net = new DefaultCategoryDataset();
            final DefaultCategoryDataset ebsIops = new DefaultCategoryDataset();
            final DefaultCategoryDataset ebsMbps = new DefaultCategoryDataset();
            for (final InstanceResult in : r.instances())
            {
                net.addValue(in.netIn().averageGbps(), "average", in.name() + " in");
                net.addValue(in.netIn().peakGbps(), "peak", in.name() + " in");
                net.addValue(in.netIn().baselineGbps(), "baseline", in.name() + " in");
                net.addValue(in.netOut().averageGbps(), "average", in.name() + " out");
                net.addValue(in.netOut().peakGbps(), "peak", in.name() + " out");
                net.addValue(in.netOut().baselineGbps(), "baseline", in.name() + " out");
                ebsIops.addValue(in.ebs().averageIops(), "average", in.name());
                ebsIops.addValue(in.ebs().peakIops(), "peak", in.name());
                ebsIops.addValue(in.ebs().baselineIops(), "baseline", in.name());
                ebsMbps.addValue(in.ebs().averageMbps(), "average", in.name());
                ebsMbps.addValue(in.ebs().peakMbps(), "peak", in.name());
                ebsMbps.addValue(in.ebs().baselineMbps(), "baseline", in.name());
            }
            charts.add(bar(ids, "chart-summary-net", "Network: average vs peak and baseline per instance",
                "Average network throughput per instance and direction next to the instance type's peak and baseline",
                "instance and direction", "Gbps", net, 3));
            charts.add(bar(ids, "chart-summary-ebs-iops", "EBS IOPS: average vs peak and baseline per instance",
                "Average EBS IOPS per instance next to the instance type's EBS peak and baseline IOPS",
                "instance", "IOPS", ebsIops, 3));
            charts.add(bar(ids, "chart-summary-ebs-mbps", "EBS bandwidth: average vs peak and baseline per instance",
                "Average EBS bandwidth per instance next to the instance type's EBS peak and baseline Mbps",
                "instance", "Mbps", ebsMbps, 3));
        }
        if (!r.volumes().isEmpty())
        {
            final DefaultCategoryDataset iops = new DefaultCategoryDataset();
            final DefaultCategoryDataset mibps = new DefaultCategoryDataset();
            for (final VolumeResult v : r.volumes())
            {
                final String category = v.instance() + "/" + v.name();
                iops.addValue(v.readIops() + v.writeIops(), "read + write", category);
                iops.addValue(v.capIops(), "cap", category);
                mibps.addValue(v.readMBps() + v.writeMBps(), "read + write", category);
                mibps.addValue(v.capMBps(), "cap", category);
            }
            charts.add(bar(ids, "chart-summary-volume-iops", "EBS volumes: IOPS vs volume cap",
                "Average read plus write IOPS per volume next to the volume's IOPS cap", "volume", "IOPS", iops, 2));
            charts.add(bar(ids, "chart-summary-volume-mibps", "EBS volumes: bandwidth vs volume cap",
                "Average read plus write MiB/s per volume next to the volume's throughput cap", "volume", "MiB/s",
                mibps, 2));
        }
    }

    private static void latencyCharts(final RunResults r, final ChartIds ids, final List<ChartImage> charts)
    {
        if (!r.volumes().isEmpty())
        {
            final DefaultCategoryDataset ds = new DefaultCategoryDataset();
            for (final VolumeResult v : r.volumes())
            {
                addPercentiles(ds, v.latency(), v.instance() + "/" + v.name());
            }
            charts.add(bar(ids, "chart-volume-latency", "EBS volume latency percentiles",
                "Completion latency percentiles p50, p99, p99.9 and max in ms per volume", "volume", "latency (ms)",
                ds, 4));
        }
        if (!r.streams().isEmpty())
        {
            final DefaultCategoryDataset ds = new DefaultCategoryDataset();
            for (final StreamResult s : r.streams())
            {
                addPercentiles(ds, s.oneWayLatency(), s.workload() + "/" + s.stream());
            }
            charts.add(bar(ids, "chart-stream-latency", "Network stream one-way latency percentiles",
                "One-way latency percentiles p50, p99, p99.9 and max in ms per stream", "stream", "latency (ms)",
                ds, 4));
        }
        if (!r.fioJobs().isEmpty())
        {
            final DefaultCategoryDataset ds = new DefaultCategoryDataset();
            for (final FioJobResult f : r.fioJobs())
            {
                addPercentiles(ds, f.latency(), f.workload() + "/" + f.job());
            }
            charts.add(bar(ids, "chart-fio-latency", "EBS job latency percentiles",
                "Completion latency percentiles p50, p99, p99.9 and max in ms per fio-like job", "job", "latency (ms)",
                ds, 4));
        }
    }

    private static void addPercentiles(final DefaultCategoryDataset ds, final LatencySummary l, final String category)
    {
        ds.addValue(l.p50Ms(), "p50", category);
        ds.addValue(l.p99Ms(), "p99", category);
        ds.addValue(l.p999Ms(), "p99.9", category);
        ds.addValue(l.maxMs(), "max", category);
    }

    private static ChartImage bar(
        final ChartIds ids, final String id, final String title, final String alt, final String categoryLabel,
        final String valueLabel, final DefaultCategoryDataset ds, final int seriesPerCategory)
    {
        final int width = Charts.barChartWidth(ds.getColumnCount(), seriesPerCategory);
        final byte[] png = Charts.png(Charts.barChart(title, categoryLabel, valueLabel, ds), width, Charts.HEIGHT);
        return new ChartImage(ids.allocate(id), title, alt, png);
    }
}
