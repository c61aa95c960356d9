package io.nitrosim.simulator.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.List;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;

import io.nitrosim.simulator.results.FaultResult;

/**
 * Marks the run's faults on a time-series chart's time axis: a shaded band from each fault's start to its end and
 * a line at its start labelled with its kind and target, so every chart shows what the fault did to its series.
 */
final class FaultMarkers
{
    static final Color FAULT_COLOR = new Color(0x8E, 0x44, 0xAD);
    private static final Color BAND_COLOR = new Color(0x8E, 0x44, 0xAD, 0x28);

    private FaultMarkers()
    {
    }

    static void mark(final JFreeChart chart, final List<FaultResult> faults)
    {
        final XYPlot plot = chart.getXYPlot();
        for (final FaultResult f : faults)
        {
            if (f.durationSeconds() > 0)
            {
                plot.addDomainMarker(new IntervalMarker(f.atSeconds(), f.atSeconds() + f.durationSeconds(), BAND_COLOR),
                    Layer.BACKGROUND);
            }
            final ValueMarker start = new ValueMarker(f.atSeconds(), FAULT_COLOR, new BasicStroke(1.4f));
            start.setLabel(f.kind() + " " + f.target());
            start.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            start.setLabelPaint(FAULT_COLOR);
            start.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            start.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            plot.addDomainMarker(start, Layer.FOREGROUND);
        }
    }

    /** The alt text's sentence about the markers ("" without faults). */
    static String describe(final List<FaultResult> faults)
    {
        if (faults.isEmpty())
        {
            return "";
        }
        final StringBuilder sb = new StringBuilder("; faults marked on the time axis: ");
        for (int i = 0; i < faults.size(); i++)
        {
            final FaultResult f = faults.get(i);
            sb.append(i == 0 ? "" : ", ").append(f.kind()).append(' ').append(f.target()).append(" at ")
                .append(f.atSeconds()).append(" s");
        }
        return sb.toString();
    }
}
