package io.nitrosim.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.simulator.engine.Simulation;
import io.nitrosim.simulator.results.FioJobResult;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.StreamResult;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioBuilder;
import io.nitrosim.simulator.scenario.ScenarioSpec;

/**
 * A validation run that carries real bytes end to end: frames built by the guest, DMAed by the ENA devices,
 * carried by the VPC cards and checked by the receiving guest; blocks written by fio through the NVMe devices
 * into the journaled storage engine, read back and verified.
 */
class FullPayloadEndToEndTest
{
    @TempDir
    Path work;

    @Test
    void shouldCarryRealBytesThroughBothCardsAndVerifyThem()
    {
        final Scenario scenario = ScenarioBuilder.named("payload").duration("2s").seed(11).payload("full")
            .instance("a", "c5.large")
            .instance("b", "c5.large")
            .volume("b", "data", "gp3", 8, 3000, 125)
            .iperf("bulk", "a", "b", 2)
            .workload(new ScenarioSpec.WorkloadSpec("verify-writes", "fio", null, null, null, "data", "randwrite",
                "16k", 4, null, "4m", null, true, null, null, null, null, null, null, null))
            .expectBetween("workload-verify-errors", "verify-writes", null, null, 0.0, 0.0)
            .build();
        try (Simulation simulation = Simulation.prepare(scenario, work))
        {
            final RunResults results = simulation.run(null);
            assertTrue(results.expectationsPassed(), results.expectations().toString());

            final StreamResult bulk = results.streams().stream()
                .filter(s -> s.workload().equals("bulk") && s.stream().equals("total")).findFirst().orElseThrow();
            assertEquals(10.0, bulk.throughputGbps(), 0.2, "two 5 Gbps flows fill the c5.large's 10 Gbps");
            final StringBuilder drops = new StringBuilder();
            for (final var m : simulation.counters().meters())
            {
                if (m.value() != 0 && (m.name().contains("drop") || m.name().contains("overrun")
                    || m.name().contains("allowance") || m.name().contains("error")))
                {
                    drops.append(m.name()).append(m.tags()).append('=').append(m.value()).append(' ');
                }
            }
            // Loss here is the opening micro-burst the receiver's 1 MiB ingress buffer cannot hold (counted in
            // bw_in_allowance_exceeded) plus the frames still queued when the 2 s window closes.
            assertTrue(bulk.lossPercent() < 1.5, bulk.lossPercent() + " % lost; " + drops);

            final FioJobResult fio = results.fioJobs().stream()
                .filter(j -> j.workload().equals("verify-writes") && j.job().equals("total")).findFirst().orElseThrow();
            assertEquals(0, fio.verifyErrors());
            assertTrue(fio.iops() > 0, "fio completed I/O");
            assertEquals(1, results.volumes().size());
            assertTrue(results.volumes().get(0).writeIops() > 0);
        }
    }
}
