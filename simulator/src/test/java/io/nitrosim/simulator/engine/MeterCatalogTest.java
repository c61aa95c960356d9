package io.nitrosim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.ebs.device.EbsMeter;
import io.nitrosim.ebs.nbd.NbdMeter;
import io.nitrosim.ebs.shaping.EbsShapingMeter;
import io.nitrosim.hypervisor.HostMeter;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MeterDescriptor;
import io.nitrosim.nic.bridge.BridgeMeter;
import io.nitrosim.nic.card.VpcCardMeter;
import io.nitrosim.nic.ena.EnaMeter;
import io.nitrosim.nic.shaping.EniMeter;
import io.nitrosim.pci.PciMeter;
import io.nitrosim.shaping.RingMeter;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioBuilder;

/** Every meter is declared once, and docs/metrics.md lists exactly the declared meters. */
class MeterCatalogTest
{
    /** Every module's meter declarations. */
    private static final List<MeterDescriptor> DECLARED = Stream.of(
        RingMeter.values(), PciMeter.values(), HostMeter.values(), EbsMeter.values(), EbsShapingMeter.values(),
        EniMeter.values(), EnaMeter.values(), VpcCardMeter.values(), NbdMeter.values(), BridgeMeter.values())
        .flatMap(Stream::of).map(MeterDescriptor.class::cast).toList();

    @TempDir
    Path work;

    @Test
    void shouldRegisterOnlyDeclaredMetersWithTheirDeclaredTags()
    {
        final Scenario scenario = ScenarioBuilder.named("meters").duration("1s").seed(3)
            .instance("web", "c5.large")
            .instance("db", "c5.xlarge")
            .volume("db", "data", "gp2", 100, 0, 0)
            .iperf("bulk", "web", "db", 1)
            .fio("w", "data", "write", "16k", 4)
            .build();
        try (Simulation simulation = Simulation.prepare(scenario, work))
        {
            final Set<MeterDescriptor> registered = new LinkedHashSet<>();
            for (final CounterRegistry.Meter meter : simulation.counters().meters())
            {
                assertTrue(DECLARED.contains(meter.descriptor()), meter.name() + " is declared in a listed module");
                assertTrue(meter.descriptor().accepts(meter.tags()), meter.name() + meter.tags());
                registered.add(meter.descriptor());
            }
            // A scenario with an ENI, an EBS volume and their devices registers every family.
            assertTrue(registered.containsAll(List.of(RingMeter.values())));
            assertTrue(registered.containsAll(List.of(EniMeter.values())));
            assertTrue(registered.containsAll(List.of(EbsShapingMeter.values())));
        }
    }

    @Test
    void shouldListEveryDeclaredMeterInTheMetricsDocument() throws IOException
    {
        final List<String> expected = new ArrayList<>();
        for (final MeterDescriptor d : DECLARED.stream()
            .sorted((a, b) -> a.meterName().compareTo(b.meterName())).toList())
        {
            expected.add("| `" + d.meterName() + "` | " + d.kind().name().toLowerCase(Locale.ROOT) + " | "
                + String.join(", ", d.tagKeys()).replace("|", " or ") + " | " + d.help() + " |");
        }
        final List<String> documented = new ArrayList<>();
        for (final String line : Files.readAllLines(repository().resolve("docs/metrics.md")))
        {
            if (line.startsWith("| `") && (line.contains(" | counter | ") || line.contains(" | gauge | ")))
            {
                documented.add(line);
            }
        }
        assertEquals(String.join("\n", expected), String.join("\n", documented),
            "docs/metrics.md's meter table must list every declared meter, sorted by name");
    }

    private static Path repository()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("docs/metrics.md")))
        {
            dir = dir.getParent();
        }
        if (dir == null)
        {
            throw new IllegalStateException("no docs/metrics.md above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
