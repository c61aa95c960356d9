package io.nitrosim.simulator.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.AbstractCategoryItemRenderer;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import io.nitrosim.simulator.results.TimeSeries;

/** JFreeChart plumbing shared by the run and experiment reports: line charts over time, bar charts, PNG. */
final class Charts
{
    static final int WIDTH = 900;
    static final int HEIGHT = 380;
    /** More samples than this per series are reduced to each bucket's minimum and maximum. */
    static final int MAX_CHART_POINTS = 2000;

    static final Color PEAK_COLOR = new Color(0xC0, 0x39, 0x2B);
    static final Color BASELINE_COLOR = new Color(0x1F, 0x61, 0x8D);
    static final Color CREDIT_COLOR = new Color(0x27, 0xAE, 0x60);
    /** Data series colours: none close to the reference-line or credit colours. */
    static final Color[] SERIES_COLORS = {
        new Color(0x2C, 0x3E, 0x50), new Color(0x8E, 0x44, 0xAD), new Color(0xE6, 0x7E, 0x22),
        new Color(0x17, 0xA2, 0xB8), new Color(0x8D, 0x6E, 0x63), new Color(0xE8, 0x43, 0x93),
        new Color(0x7F, 0x8C, 0x8D), new Color(0xB7, 0x95, 0x0B)};

    static
    {
        // Reports are rendered off-screen; never try to reach a display.
        System.setProperty("java.awt.headless", "true");
    }

    private Charts()
    {
    }

    /** A horizontal reference line. */
    record Line(double value, String label, boolean peak)
    {
    }

    /** One line series: a label and the index of its column in the time series. */
    record Series(String label, int column)
    {
    }

    /** One line of an overlay: a label, a time series and the index of the column drawn from it. */
    record Trace(String label, TimeSeries series, int column)
    {
    }

    static JFreeChart timeChart(
        final String title,
        final TimeSeries ts,
        final List<Series> primary,
        final String yLabel,
        final List<Line> lines,
        final List<Series> secondary,
        final String y2Label)
    {
        final XYSeriesCollection dataset = dataset(ts, primary);
        final JFreeChart chart = ChartFactory.createXYLineChart(
            title, "simulated time (s)", yLabel, dataset, PlotOrientation.VERTICAL, true, false, false);
        style(chart);
        final XYPlot plot = chart.getXYPlot();
        final XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer)plot.getRenderer();
        for (int i = 0; i < primary.size(); i++)
        {
            renderer.setSeriesPaint(i, SERIES_COLORS[i % SERIES_COLORS.length]);
            renderer.setSeriesStroke(i, new BasicStroke(2.0f));
        }
        double max = maxY(dataset);
        for (final Line line : lines)
        {
            final ValueMarker marker = new ValueMarker(line.value(), line.peak() ? PEAK_COLOR : BASELINE_COLOR,
                new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            marker.setLabel(line.label());
            marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            marker.setLabelPaint(line.peak() ? PEAK_COLOR : BASELINE_COLOR);
            marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            marker.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
            plot.addRangeMarker(marker);
            max = Math.max(max, line.value());
        }
        // Markers do not take part in auto-ranging: make room for them explicitly.
        plot.getRangeAxis().setRange(0, max > 0 ? max * 1.12 : 1);
        if (!secondary.isEmpty())
        {
            final NumberAxis axis2 = new NumberAxis(y2Label);
            axis2.setRange(0, 105);
            plot.setRangeAxis(1, axis2);
            plot.setDataset(1, dataset(ts, secondary));
            plot.mapDatasetToRangeAxis(1, 1);
            final XYLineAndShapeRenderer renderer2 = new XYLineAndShapeRenderer(true, false);
            for (int i = 0; i < secondary.size(); i++)
            {
                renderer2.setSeriesPaint(i, i == 0 ? CREDIT_COLOR : CREDIT_COLOR.darker());
                renderer2.setSeriesStroke(i, new BasicStroke(1.5f));
            }
            plot.setRenderer(1, renderer2);
        }
        return chart;
    }

    private static XYSeriesCollection dataset(final TimeSeries ts, final List<Series> series)
    {
        final List<Trace> traces = new ArrayList<>();
        for (final Series s : series)
        {
            traces.add(new Trace(s.label(), ts, s.column()));
        }
        return dataset(traces);
    }

    private static XYSeriesCollection dataset(final List<Trace> traces)
    {
        final XYSeriesCollection dataset = new XYSeriesCollection();
        for (final Trace t : traces)
        {
            final XYSeries xy = new XYSeries(t.label(), false, true);
            for (final int i : pointsToDraw(t.series(), t.column(), MAX_CHART_POINTS))
            {
                xy.add(t.series().timeNs(i) / 1e9, t.series().value(t.column(), i), false);
            }
            dataset.addSeries(xy);
        }
        return dataset;
    }

    /**
     * Several runs' series of one metric over time on one chart, one line per run: colours cycle through
     * {@link #SERIES_COLORS}, and each further cycle is dashed differently so no two lines look alike.
     */
    static JFreeChart overlayChart(final String title, final List<Trace> traces, final String yLabel)
    {
        final XYSeriesCollection dataset = dataset(traces);
        final JFreeChart chart = ChartFactory.createXYLineChart(
            title, "simulated time (s)", yLabel, dataset, PlotOrientation.VERTICAL, true, false, false);
        style(chart);
        final XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer)chart.getXYPlot().getRenderer();
        for (int i = 0; i < traces.size(); i++)
        {
            renderer.setSeriesPaint(i, SERIES_COLORS[i % SERIES_COLORS.length]);
            renderer.setSeriesStroke(i, stroke(i / SERIES_COLORS.length));
        }
        final double max = maxY(dataset);
        chart.getXYPlot().getRangeAxis().setRange(0, max > 0 ? max * 1.08 : 1);
        return chart;
    }

    /**
     * A figure against a parameter: the parameter's values along x (in sweep order), one line per value of the
     * other parameters; a missing value leaves a gap.
     */
    static JFreeChart categoryLineChart(
        final String title, final String categoryLabel, final String valueLabel, final DefaultCategoryDataset dataset)
    {
        final JFreeChart chart = ChartFactory.createLineChart(
            title, categoryLabel, valueLabel, dataset, PlotOrientation.VERTICAL, true, false, false);
        style(chart);
        final CategoryPlot plot = chart.getCategoryPlot();
        final LineAndShapeRenderer renderer = (LineAndShapeRenderer)plot.getRenderer();
        renderer.setDefaultShapesVisible(true);
        for (int i = 0; i < dataset.getRowCount(); i++)
        {
            renderer.setSeriesPaint(i, SERIES_COLORS[i % SERIES_COLORS.length]);
            renderer.setSeriesStroke(i, stroke(i / SERIES_COLORS.length));
        }
        valueLabels(renderer);
        readableCategories(plot.getDomainAxis(), dataset.getColumnCount());
        ((NumberAxis)plot.getRangeAxis()).setUpperMargin(0.15);
        return chart;
    }

    /** Each bar or point carries its value (up to three decimals). */
    private static void valueLabels(final AbstractCategoryItemRenderer renderer)
    {
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator(
            "{2}", new DecimalFormat("0.###", DecimalFormatSymbols.getInstance(Locale.ROOT))));
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    }

    /** Category labels wrap onto up to three lines, and turn 45 degrees when there are many. */
    static void readableCategories(final CategoryAxis axis, final int categories)
    {
        axis.setMaximumCategoryLabelLines(3);
        axis.setMaximumCategoryLabelWidthRatio(1.0f);
        if (categories > 6)
        {
            axis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
    }

    private static BasicStroke stroke(final int cycle)
    {
        if (cycle == 0)
        {
            return new BasicStroke(2.0f);
        }
        final float dash = 2f + 4f * cycle;
        return new BasicStroke(2.0f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {dash, 3f}, 0f);
    }

    /**
     * The sample indices to draw: all of them up to {@code maxPoints}; beyond that the minimum and the maximum
     * of each of {@code maxPoints / 2} equal buckets, in time order, so a long run draws quickly and keeps its
     * envelope (every peak and every dip still shows). The CSV keeps every sample.
     */
    static int[] pointsToDraw(final TimeSeries ts, final int column, final int maxPoints)
    {
        final int n = ts.sampleCount();
        if (n <= maxPoints)
        {
            final int[] all = new int[n];
            for (int i = 0; i < n; i++)
            {
                all[i] = i;
            }
            return all;
        }
        final int buckets = maxPoints / 2;
        final int[] picked = new int[buckets * 2];
        int count = 0;
        for (int b = 0; b < buckets; b++)
        {
            final int from = (int)((long)b * n / buckets);
            final int to = (int)((long)(b + 1) * n / buckets);
            int min = from;
            int max = from;
            for (int i = from + 1; i < to; i++)
            {
                final double v = ts.value(column, i);
                if (v < ts.value(column, min))
                {
                    min = i;
                }
                if (v > ts.value(column, max))
                {
                    max = i;
                }
            }
            picked[count++] = Math.min(min, max);
            if (min != max)
            {
                picked[count++] = Math.max(min, max);
            }
        }
        return Arrays.copyOf(picked, count);
    }

    private static double maxY(final XYSeriesCollection dataset)
    {
        double max = 0;
        for (int s = 0; s < dataset.getSeriesCount(); s++)
        {
            final XYSeries xy = dataset.getSeries(s);
            if (!xy.isEmpty())
            {
                max = Math.max(max, xy.getMaxY());
            }
        }
        return max;
    }

    /** A grouped bar chart: one group per category, one bar per series; values may be null (no bar). */
    static JFreeChart barChart(
        final String title, final String categoryLabel, final String valueLabel, final DefaultCategoryDataset dataset)
    {
        final JFreeChart chart = ChartFactory.createBarChart(
            title, categoryLabel, valueLabel, dataset, PlotOrientation.VERTICAL, true, false, false);
        style(chart);
        final CategoryPlot plot = chart.getCategoryPlot();
        final BarRenderer renderer = (BarRenderer)plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.05);
        for (int i = 0; i < dataset.getRowCount(); i++)
        {
            renderer.setSeriesPaint(i, SERIES_COLORS[i % SERIES_COLORS.length]);
        }
        valueLabels(renderer);
        readableCategories(plot.getDomainAxis(), dataset.getColumnCount());
        // Leave room above the tallest bar for its label.
        final NumberAxis range = (NumberAxis)plot.getRangeAxis();
        range.setUpperMargin(0.15);
        return chart;
    }

    private static void style(final JFreeChart chart)
    {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        chart.getPlot().setBackgroundPaint(new Color(0xFA, 0xFA, 0xFA));
    }

    /** A chart width that leaves each category room for its bars. */
    static int barChartWidth(final int categories, final int seriesPerCategory)
    {
        return Math.min(2400, Math.max(WIDTH, 120 + categories * Math.max(1, seriesPerCategory) * 28));
    }

    static byte[] png(final JFreeChart chart, final int width, final int height)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try
        {
            ChartUtils.writeChartAsPNG(out, chart, width, height);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex); // only a ByteArrayOutputStream: cannot happen
        }
        return out.toByteArray();
    }

    /** An id fragment: letters, digits, '-' and '_' kept, anything else becomes '-'. */
    static String slug(final String s)
    {
        final StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            final boolean keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_';
            sb.append(keep ? c : '-');
        }
        return sb.toString();
    }
}
