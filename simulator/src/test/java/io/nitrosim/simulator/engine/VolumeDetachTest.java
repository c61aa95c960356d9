package io.nitrosim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.simulator.scenario.FaultKind;

import io.nitrosim.ebs.fio.FioResult;
import io.nitrosim.simulator.results.FaultResult;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.TimeSeries;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioBuilder;
import io.nitrosim.simulator.scenario.ScenarioSpec;

/**
 * A volume detached with fio writes in flight and attached again, in virtual time with full payload: the writes in
 * flight fail (fio counts them as errors and goes on), nothing completes while the volume is away, a fresh NVMe driver
 * brings the plugged-back function up and the writes resume; fio then reads back every block whose write was
 * acknowledged and finds each intact.
 */
class VolumeDetachTest
{
    private static final String IOPS = "db.vol.data.iops";
    private static final long S = 1_000_000_000L;

    @TempDir
    Path work;

    private static Scenario scenario()
    {
        return builder().build();
    }

    private static ScenarioBuilder builder()
    {
        return ScenarioBuilder.named("detach").duration("3s").seed(11).payload("full").sampleInterval("100ms")
            .instance("db", "c5.large")
            .volume("db", "data", "gp3", 100, 3000, 125)
            .workload(new ScenarioSpec.WorkloadSpec("io", "fio", null, "2500ms", null, "data", "randwrite", "16k", 8,
                null, "4m", null, true, null, null, null, null, null, null, null))
            .fault("1s", "volume-detach", "data", "500ms", null);
    }

    @Test
    void shouldFailTheIoInFlightPauseAndResumeOnAFreshDriverWithNothingAcknowledgedLost()
    {
        final FaultResult fault;
        try (Simulation simulation = Simulation.prepare(scenario(), work.resolve("a")))
        {
            final RunResults results = simulation.run(null);
            final TimeSeries series = simulation.timeSeries();
            fault = results.faults().get(0);
            assertEquals("volume-detach", fault.kind());
            assertEquals("data", fault.target());
            assertEquals(8L, fault.counters().get("commandsInFlightAtDetach"));
            assertEquals(8L, fault.counters().get("iosFailedByDetach"));
            assertEquals(0L, fault.counters().get("iosCompletedDuringFault"));
            assertEquals(0.0, SeriesMath.average(series, IOPS, 1_100_000_000L, 1_400_000_000L));
            assertEquals(3000.0, SeriesMath.average(series, IOPS, 0, S), 45.0, "gp3's 3000 IOPS before the detach");
            assertEquals(3000.0, SeriesMath.average(series, IOPS, 1_600_000_000L, 2_400_000_000L), 45.0, "and after");
            assertNotNull(fault.recoverySeconds(), "I/O resumed after the attach");
            assertTrue(fault.recoverySeconds() > 0 && fault.recoverySeconds() < 0.05,
                "a fresh driver's bring-up, then the first write: " + fault.recoverySeconds());
            final FioResult fio = simulation.fioTotal("data");
            assertEquals(8, fio.errors(), "the 8 writes in flight at the detach, and no other");
            assertTrue(fio.verifiedBlocks() > 200, "fio read back the blocks it wrote: " + fio.verifiedBlocks());
            assertEquals(0, fio.verifyErrors(), "every acknowledged write reads back intact");
        }
        final Scenario traced = builder().trace(java.util.List.of("fault"), java.util.List.of())
            .build();
        try (Simulation again = Simulation.prepare(traced, work.resolve("b"), work.resolve("trace")))
        {
            assertEquals(fault, again.run(null).faults().get(0), "same scenario and seed, same fault and recovery");
        }
        final long code = FaultKind.VOLUME_DETACH.ordinal();
        assertEquals(java.util.List.of(java.util.List.of(S, code, 0L, 0L, 500_000_000L),
            java.util.List.of(1_500_000_000L, code, 1L, 0L, 500_000_000L)),
            StorageRestartTest.faultEvents(work.resolve("trace")),
            "the detach and the attach on the volume's controller, at their exact times");
    }
}
