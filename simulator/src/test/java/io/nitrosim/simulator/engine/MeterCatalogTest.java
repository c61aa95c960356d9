package io.nitrosim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
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
import io.nitrosim.nic.driver.EnaDriverMeter;
import io.nitrosim.nic.ena.EnaMeter;
import io.nitrosim.nic.shaping.EniMeter;
import io.nitrosim.pci.PciMeter;
import io.nitrosim.shaping.RingMeter;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioBuilder;

/**
 * A scenario registers only declared meters, with their declared tags. (That docs/metrics.md lists exactly the
 * declared meters, the region's and the EC2 API's included, is checked where every module is visible:
 * integration-tests' MetricsDocumentTest.)
 */
class MeterCatalogTest
{
    /** The data plane's meter declarations (what a scenario can register). */
    private static final List<MeterDescriptor> DECLARED = Stream.of(
        RingMeter.values(), PciMeter.values(), HostMeter.values(), EbsMeter.values(), EbsShapingMeter.values(),
        EniMeter.values(), EnaMeter.values(), EnaDriverMeter.values(), VpcCardMeter.values(), NbdMeter.values(), BridgeMeter.values())
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
}
