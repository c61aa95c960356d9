package io.nitrosim.simulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.ui.Layer;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;

import io.nitrosim.simulator.results.FaultResult;

/** Faults on a time chart's time axis: a line at each start, labelled, and a band over each duration. */
class FaultMarkersTest
{
    @Test
    void shouldMarkEachFaultsStartAndDurationOnTheTimeAxis()
    {
        final JFreeChart chart = ChartFactory.createXYLineChart("t", "s", "y", new XYSeriesCollection());
        final List<FaultResult> faults = List.of(
            new FaultResult("storage-stall", "data-1", 3.5, 1.0, Map.of(), "stalled", Map.of(), "first I/O", 0.0),
            new FaultResult("link-down", "db-1-eth0", 5.5, 1.0, Map.of(), "down", Map.of(), "first frame", null));
        FaultMarkers.mark(chart, faults);
        final List<String> lines = new ArrayList<>();
        for (final Object m : chart.getXYPlot().getDomainMarkers(Layer.FOREGROUND))
        {
            lines.add(((ValueMarker)m).getValue() + " " + ((ValueMarker)m).getLabel());
        }
        assertEquals(List.of("3.5 storage-stall data-1", "5.5 link-down db-1-eth0"), lines);
        final List<String> bands = new ArrayList<>();
        for (final Object m : chart.getXYPlot().getDomainMarkers(Layer.BACKGROUND))
        {
            bands.add(((IntervalMarker)m).getStartValue() + "-" + ((IntervalMarker)m).getEndValue());
        }
        assertEquals(List.of("3.5-4.5", "5.5-6.5"), bands);
        assertEquals("; faults marked on the time axis: storage-stall data-1 at 3.5 s, link-down db-1-eth0 at 5.5 s",
            FaultMarkers.describe(faults));
        assertEquals("", FaultMarkers.describe(List.of()));
    }
}
