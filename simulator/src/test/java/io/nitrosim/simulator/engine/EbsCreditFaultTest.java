package io.nitrosim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.simulator.results.FaultResult;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.TimeSeries;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioBuilder;
import io.nitrosim.simulator.scenario.ScenarioSpec;

/**
 * EBS credits zeroed in virtual time under fio load that runs above the baseline: the instance's EBS burst credits
 * (c5.large: 2250 Mbps burst, 525 Mbps baseline) and a gp2 volume's burst balance (100 GiB: 3000 IOPS burst, 300
 * baseline). The rate falls to the baseline at the fault and stays there (the load keeps the balance at 0), which the
 * results report against the baseline.
 */
class EbsCreditFaultTest
{
    private static final long S = 1_000_000_000L;

    @TempDir
    Path work;

    private static ScenarioSpec.WorkloadSpec fio(final String rw, final String bs)
    {
        return new ScenarioSpec.WorkloadSpec("io", "fio", null, null, null, "data", rw, bs, 8, null, null, null, null,
            null, null, null, null, null, null, null);
    }

    @Test
    void shouldHoldTheInstanceToItsEbsBaselineFromTheInstantItsBurstCreditsAreZeroed()
    {
        final Scenario scenario = ScenarioBuilder.named("ebs-credits").duration("3s").seed(5).sampleInterval("100ms")
            .instance("db", "c5.large")
            .volume("db", "data", "gp3", 500, 16000, 1000)
            .workload(fio("write", "1m"))
            .creditsZeroed("1s", "db", "ebs", "1s")
            .build();
        try (Simulation simulation = Simulation.prepare(scenario, work))
        {
            final RunResults results = simulation.run(null);
            final TimeSeries series = simulation.timeSeries();
            final FaultResult fault = results.faults().get(0);
            assertEquals("credits-zeroed", fault.kind());
            assertEquals("db", fault.target());
            assertEquals(2250.0, SeriesMath.average(series, "db.ebs.mbps", 0, S), 2250 * 0.01, "the burst before");
            assertEquals(525.0, SeriesMath.average(series, "db.ebs.mbps", 1_100_000_000L, 2 * S), 525 * 0.01,
                "the 525 Mbps baseline once the credits are gone");
            assertEquals(525.0, SeriesMath.average(series, "db.ebs.mbps", 2 * S, 3 * S), 525 * 0.01, "and after");
            assertEquals(525.0, fault.parameters().get("baselineMbps"));
            assertEquals(4000.0, fault.parameters().get("baselineIops"));
            // the window also takes what the peak limiter held at the fault (its 5 ms of 2250 Mbps)
            assertEquals(525.0, fault.parameters().get("mbpsDuringFault"), 525 * 0.03);
            // the baseline's 65,625,000 B/s in 256 KiB commands (a 1 MiB write goes as four: the controller's MDTS)
            assertEquals(250.3, fault.parameters().get("iopsDuringFault"), 250 * 0.03);
            // full credits: (2250 - 525) Mbps x 1800 s = 388,125,000,000 B, less the first second's (1725 Mbps) drain
            assertEquals(388_125_000_000L - 215_625_000L, fault.counters().get("creditBytesBefore"), 2_000_000L);
            assertNull(fault.recoverySeconds(), "a load above the baseline earns no credits back");
        }
    }

    @Test
    void shouldHoldAGp2VolumeToItsBaselineIopsFromTheInstantItsBurstBalanceIsZeroed()
    {
        final Scenario scenario = ScenarioBuilder.named("burst-balance").duration("3s").seed(5).sampleInterval("100ms")
            .instance("db", "c5.large")
            .volume("db", "data", "gp2", 100, 0, 0)
            .workload(fio("randread", "16k"))
            .creditsZeroed("1s", "data", "volume", "1s")
            .build();
        try (Simulation simulation = Simulation.prepare(scenario, work))
        {
            final RunResults results = simulation.run(null);
            final TimeSeries series = simulation.timeSeries();
            final FaultResult fault = results.faults().get(0);
            assertEquals("data", fault.target());
            assertEquals(3000.0, SeriesMath.average(series, "db.vol.data.iops", 0, S), 30.0, "gp2's 3000 IOPS burst");
            assertEquals(300.0, SeriesMath.average(series, "db.vol.data.iops", 1_100_000_000L, 2 * S), 3.0,
                "its 300 IOPS baseline (3 IOPS/GiB) once the balance is gone");
            assertEquals(300.0, fault.parameters().get("baselineIops"));
            assertEquals(300.0, fault.parameters().get("iopsDuringFault"), 300 * 0.05);
            // 5,400,000 I/O credits less the first second's (3000 - 300) drain
            assertEquals(5_400_000L - 2_700L, fault.counters().get("creditOpsBefore"), 20L);
            assertNull(fault.recoverySeconds());
        }
    }
}
