package io.nitrosim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.simulator.results.FioJobResult;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioBuilder;

/**
 * EBS counts physically contiguous I/Os as one operation up to 256 KiB (SSD) or 1 MiB (HDD), so sequential small
 * I/O reaches a volume's throughput while random small I/O stays at its IOPS (EC2 User Guide, "Amazon EBS I/O
 * characteristics and monitoring"). Through the whole simulator: guest fio, NVMe driver, card, shaping.
 */
class EbsIoMergeTest
{
    private static final double MIB = 1024 * 1024;

    @TempDir
    Path work;

    private FioJobResult fio(final String type, final long sizeGiB, final String rw, final String bs)
    {
        final Scenario scenario = ScenarioBuilder.named("merge").duration("4s").seed(7)
            .instance("db", "c5.xlarge")
            .volume("db", "data", type, sizeGiB, 0, 0)
            .fio("job", "data", rw, bs, 32)
            .build();
        final RunResults results;
        try (Simulation simulation = Simulation.prepare(scenario, work))
        {
            results = simulation.run(null);
        }
        return results.fioJobs().stream().filter(j -> j.job().equals("total")).findFirst().orElseThrow();
    }

    @Test
    void shouldReachGp3ThroughputWithSequential16KiBWrites()
    {
        final FioJobResult job = fio("gp3", 100, "write", "16k");
        assertEquals(125.0, job.bandwidthMBps(), 1.25, "within 1 % of gp3's 125 MiB/s (was 3000 x 16 KiB = 46.88)");
    }

    @Test
    void shouldHoldGp3AtItsIopsWithRandom16KiBWrites()
    {
        final FioJobResult job = fio("gp3", 100, "randwrite", "16k");
        assertEquals(3000.0, job.iops(), 30.0, "random I/Os each count one operation");
        assertEquals(3000 * 16 * 1024 / MIB, job.bandwidthMBps(), 0.47);
    }

    @Test
    void shouldReachSt1BurstThroughputWithSequential256KiBReads()
    {
        final FioJobResult job = fio("st1", 1024, "read", "256k");
        assertEquals(250.0, job.bandwidthMBps(), 2.5, "within 1 % of a 1 TiB st1's 250 MiB/s burst (was 125)");
    }

    @Test
    void shouldReachSt1BurstThroughputWithSequential1MiBReads()
    {
        final FioJobResult job = fio("st1", 1024, "read", "1m");
        assertEquals(1024 * 1024, job.blockSizeBytes());
        assertEquals(250.0, job.bandwidthMBps(), 2.5, "within 1 % of a 1 TiB st1's 250 MiB/s burst");
        assertEquals(250.0, job.iops(), 2.5, "one fio I/O of 1 MiB is four NVMe commands merged into one EBS op");
    }

    @Test
    void shouldReachSc1BurstThroughputWithSequential256KiBReads()
    {
        final FioJobResult job = fio("sc1", 1024, "read", "256k");
        assertEquals(80.0, job.bandwidthMBps(), 0.8, "within 1 % of a 1 TiB sc1's 80 MiB/s burst (was 62.5)");
    }
}
