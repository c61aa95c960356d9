package io.nitrosim.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.nitrosim.ebs.device.EbsMeter;
import io.nitrosim.ebs.nbd.NbdMeter;
import io.nitrosim.ebs.shaping.EbsShapingMeter;
import io.nitrosim.ec2api.service.Ec2ApiMeter;
import io.nitrosim.hypervisor.HostMeter;
import io.nitrosim.metrics.MeterDescriptor;
import io.nitrosim.nic.bridge.BridgeMeter;
import io.nitrosim.nic.card.VpcCardMeter;
import io.nitrosim.nic.driver.EnaDriverMeter;
import io.nitrosim.nic.ena.EnaMeter;
import io.nitrosim.nic.shaping.EniMeter;
import io.nitrosim.pci.PciMeter;
import io.nitrosim.shaping.RingMeter;
import io.nitrosim.simulator.region.RegionMeter;

/** docs/metrics.md lists exactly the declared meters of every module (the tools', region's and EC2 API's too). */
class MetricsDocumentTest
{
    /** Every module's meter declarations. */
    private static final List<MeterDescriptor> DECLARED = Stream.of(
        RingMeter.values(), PciMeter.values(), HostMeter.values(), EbsMeter.values(), EbsShapingMeter.values(),
        EniMeter.values(), EnaMeter.values(), EnaDriverMeter.values(), VpcCardMeter.values(), NbdMeter.values(), BridgeMeter.values(),
        RegionMeter.values(), Ec2ApiMeter.values())
        .flatMap(Stream::of).map(MeterDescriptor.class::cast).toList();

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
