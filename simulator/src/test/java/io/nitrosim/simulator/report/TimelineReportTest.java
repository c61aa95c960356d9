package io.nitrosim.simulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.simulator.engine.Simulation;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioBuilder;
import io.nitrosim.simulator.trace.TraceFilter;
import io.nitrosim.simulator.trace.TraceReader;
import io.nitrosim.simulator.trace.TraceStats;

class TimelineReportTest
{
    @TempDir
    Path dir;

    /** a streams to b and writes 16 KiB blocks 8 deep to a 3000-IOPS volume (throttled at the volume's gate). */
    private static Scenario scenario(final boolean traced)
    {
        final ScenarioBuilder b = ScenarioBuilder.named("queues").duration("100ms").seed(2).sampleInterval("10ms")
            .instance("a", "c5.large").instance("b", "c5.large")
            .volume("a", "data", "gp3", 100, 3000, 0)
            .iperf("stream", "a", "b", 1)
            .fio("writes", "data", "randwrite", "16k", 8);
        return traced ? b.trace(List.of("all"), List.of("a")).build() : b.build();
    }

    @Test
    void shouldLinkATimelineWithARowPerTracedQueueFromATracedRunsReport() throws Exception
    {
        final RunResults results;
        final Path trace = dir.resolve("trace");
        final RunReport.OutputFiles files;
        try (Simulation simulation = Simulation.prepare(scenario(true), dir.resolve("work"), trace))
        {
            results = simulation.run(null);
            files = RunReport.writeAll(results, simulation.timeSeries(), trace, dir.resolve("out"));
        }
        final String report = Files.readString(files.reportHtml(), StandardCharsets.UTF_8);
        assertTrue(report.contains("<a href=\"timeline.html\">"), "report links the timeline");
        final Path timelineFile = dir.resolve("out").resolve(TimelineHtml.FILE);
        final String page = Files.readString(timelineFile, StandardCharsets.UTF_8);

        // The SVG is well-formed XML, one <g class="row"> per row, labelled and counting its events.
        final String svg = page.substring(page.indexOf("<svg"), page.indexOf("</svg>") + 6);
        final Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        final List<String> labels = new ArrayList<>();
        long drawn = 0;
        final NodeList groups = doc.getElementsByTagName("g");
        for (int i = 0; i < groups.getLength(); i++)
        {
            final Element g = (Element)groups.item(i);
            labels.add(g.getElementsByTagName("text").item(0).getTextContent());
            drawn += Long.parseLong(g.getAttribute("data-events"));
        }
        // the volume's admin and I/O queues, the ENI's TX queue, the functions' own rows and a's vCPU (a receives
        // nothing: no RX or ingress rows); b is not traced
        for (final String expected : List.of("a/data registers, DMA", "a/data q0", "a/data q1", "a/a-eth0 registers, DMA",
            "a/a-eth0 q0", "a vCPU (APIC 0)"))
        {
            assertTrue(labels.contains(expected), expected + " not in " + labels);
        }
        assertTrue(labels.stream().noneMatch(l -> l.startsWith("b")), labels.toString());

        final TraceStats stats;
        try (TraceReader reader = TraceReader.open(trace))
        {
            stats = TraceStats.of(reader, TraceFilter.all());
        }
        // every record but the credit samples and DMA data is drawn once: a device's on its function's row, the
        // hypervisor's vCPU records on the vCPU's row
        assertEquals(stats.total() - stats.count(TraceKind.CREDIT) - stats.count(TraceKind.DMA_DATA), drawn);
        assertEquals(stats.count(TraceKind.VCPU_INTERRUPT) + stats.count(TraceKind.VCPU_STATE),
            eventsOf(doc, "a vCPU (APIC 0)"));
        assertTrue(stats.count(TraceKind.SHAPING_THROTTLED) > 0, "the volume gate throttled");
        assertTrue(svg.contains("stroke=\"#d62728\""), "throttled decisions are marked");
        assertTrue(svg.contains("class=\"marker\""), "the controller's state changes are marked");
        assertTrue(Files.size(timelineFile) < 200_000, "a small page: " + Files.size(timelineFile));
    }

    @Test
    void shouldNeitherWriteNorLinkATimelineForAnUntracedRun() throws Exception
    {
        final RunReport.OutputFiles files;
        try (Simulation simulation = Simulation.prepare(scenario(false), dir.resolve("work")))
        {
            files = RunReport.writeAll(simulation.run(null), simulation.timeSeries(), dir.resolve("out"));
        }
        final String report = Files.readString(files.reportHtml(), StandardCharsets.UTF_8);
        assertFalse(report.contains("timeline"), "no link to a timeline");
        assertTrue(report.contains("<h2>Charts</h2>"), "the rest of the report is there");
        assertFalse(Files.exists(dir.resolve("out").resolve(TimelineHtml.FILE)));
    }

    private static long eventsOf(final Document doc, final String label)
    {
        final NodeList groups = doc.getElementsByTagName("g");
        for (int i = 0; i < groups.getLength(); i++)
        {
            final Element g = (Element)groups.item(i);
            if (g.getElementsByTagName("text").item(0).getTextContent().equals(label))
            {
                return Long.parseLong(g.getAttribute("data-events"));
            }
        }
        throw new AssertionError("no row " + label);
    }
}
