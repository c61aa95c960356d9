package io.nitrosim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.simulator.results.FaultResult;
import io.nitrosim.simulator.results.FioJobResult;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.TimeSeries;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioBuilder;
import io.nitrosim.simulator.scenario.ScenarioException;
import io.nitrosim.simulator.scenario.ScenarioSpec;

/**
 * The NVMe function faults of a volume in virtual time, through the guest's fio, NVMe driver, controller and EBS
 * card with full payload: after a function level reset the driver times out, resets and resubmits; under a DMA
 * fault the refused commands are retried after the controller's retry delay until the page is back. I/O resumes,
 * and every acknowledged write reads back intact.
 */
class NvmeFaultTest
{
    private static final String IOPS = "db.vol.data.iops";
    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    @TempDir
    Path work;

    private static ScenarioBuilder base(final String name, final String rw, final int iodepth)
    {
        return ScenarioBuilder.named(name).duration("3s").seed(11).payload("full").sampleInterval("100ms")
            .instance("db", "c5.large")
            .volume("db", "data", "gp3", 100, 3000, 125)
            .ebs(new ScenarioSpec.EbsOverride(null, null, "100ms"))
            .workload(new ScenarioSpec.WorkloadSpec("io", "fio", null, null, null, "data", rw, "16k", iodepth, null,
                "4m", null, rw.contains("write") ? true : null, null, null, null, null, null, null, null));
    }

    @Test
    void shouldResetAndResubmitAfterAFunctionLevelResetWithNothingLost()
    {
        final Scenario scenario = base("flr", "randwrite", 8).fault("1s", "function-reset", "data", "1ms", null).build();
        try (Simulation simulation = Simulation.prepare(scenario, work))
        {
            final RunResults results = simulation.run(null);
            final TimeSeries series = simulation.timeSeries();
            final FaultResult fault = results.faults().get(0);
            assertEquals("function-reset", fault.kind());
            assertEquals("data", fault.target());
            // the 8 writes in the controller were lost; the first to time out (100 ms) found CSTS all ones: one
            // reset, no Abort, the 8 submitted again, none failed
            assertEquals(Map.of("commandsLostInController", 8L, "timeouts", 1L, "abortsSent", 0L,
                "controllerResets", 1L, "commandsResubmitted", 8L, "commandsRetried", 0L, "commandsFailed", 0L,
                "ioErrors", 0L), fault.counters());
            assertTrue(fault.recoverySeconds() >= 0.095 && fault.recoverySeconds() <= 0.105,
                "I/O resumed one I/O timeout after the reset (less the I/Os' age), then a bring-up: "
                    + fault.recoverySeconds());
            final double during = SeriesMath.average(series, IOPS, S, 1_100_000_000L);
            assertTrue(during < 1000.0, "the 100 ms after the reset are mostly the driver's timeout: " + during);
            final double before = SeriesMath.average(series, IOPS, 0, S);
            final double after = SeriesMath.average(series, IOPS, 2 * S, 3 * S);
            assertEquals(3000.0, before, 45.0, "gp3's 3000 IOPS before the reset");
            assertEquals(before, after, before * 0.01, "and again after it");
            final FioJobResult fio = results.fioJobs().get(0);
            assertEquals(0, fio.verifyErrors(), "every acknowledged write reads back intact");
        }
    }

    @Test
    void shouldRetryTheCommandsOfAnUnmappedPageUntilItIsMappedBack()
    {
        final Scenario scenario = base("dma", "randwrite", 8).fault("1s", "dma-fault", "data", "250ms", null).build();
        try (Simulation simulation = Simulation.prepare(scenario, work))
        {
            final RunResults results = simulation.run(null);
            final FaultResult fault = results.faults().get(0);
            assertEquals("dma-fault", fault.kind());
            final Map<String, Long> c = fault.counters();
            assertEquals(1L, c.get("pagesUnmapped"));
            // a write that reuses the buffer is refused at fetch (Data Transfer Error, CRD 1): retried every 100 ms
            // (CRDT1), at 100 and 200 ms still refused, through after the remap at 250 ms; no command failed
            assertEquals(3L, c.get("dmaRefused"));
            assertEquals(3L, c.get("commandsRetried"));
            assertEquals(3L, c.get("ioErrors"));
            assertEquals(0L, c.get("commandsFailed"));
            assertEquals(0L, c.get("timeouts"));
            assertEquals(0L, c.get("controllerResets"));
            assertEquals(0.0, fault.recoverySeconds(), 0.01, "the other buffers' I/O never stopped");
            final FioJobResult fio = results.fioJobs().get(0);
            assertEquals(0, fio.verifyErrors(), "every acknowledged write reads back intact");
            final double after = SeriesMath.average(simulation.timeSeries(), IOPS, 2 * S, 3 * S);
            assertEquals(3000.0, after, 45.0, "I/O at the volume's rate after the fault");
        }
    }

    @Test
    void shouldRefuseADmaFaultInATimingOnlyRun()
    {
        final Scenario scenario = base("dma-timing", "randread", 8).payload("timing-only")
            .fault("1s", "dma-fault", "data", "250ms", null).build();
        final ScenarioException ex = org.junit.jupiter.api.Assertions.assertThrows(ScenarioException.class,
            () -> Simulation.prepare(scenario, work).close());
        assertTrue(ex.getMessage().endsWith("faults: dma-fault on volume data needs 'payload: full' (a timing-only "
            + "run moves no data by DMA)"), ex.getMessage());
    }
}
