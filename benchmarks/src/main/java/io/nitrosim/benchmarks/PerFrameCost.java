package io.nitrosim.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

import io.nitrosim.simulator.results.FioJobResult;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.StreamResult;
import io.nitrosim.simulator.scenario.Scenario;

/**
 * CPU per simulated frame and per simulated block on the full device path, in virtual time: {@code instances}
 * c5.large (each with a gp3 volume), each sending UDP 9001 B frames at 0.75 Gbps to the next one (timing-only:
 * guest workload, driver, PCI function, card, fabric, peer card, RX, interrupt, vCPU, driver, workload) and/or
 * writing 256 KiB blocks at iodepth 8 (EBS baseline 525 Mbps). Three modes: {@code n} (network only), {@code e}
 * (EBS only), {@code ne} (both).
 * <p>
 * Prints, per mode and round, the CPU seconds of the running thread, the frames delivered and blocks completed
 * (from the run's results: throughput x duration / frame size, IOPS x duration), CPU ns per frame (mode n), per
 * block (mode e), and per frame-or-block (mode ne). The first round is JIT warm-up; the best of the others is
 * printed last. Run an older jar alternately or side by side and compare the CPU figures.
 * <p>
 * Usage: {@code java <nitro.jvm.flags> -cp benchmarks/target/benchmarks.jar io.nitrosim.benchmarks.PerFrameCost
 * [instances=8] [seconds=4] [rounds=3] [modes=n,e,ne]}
 */
public final class PerFrameCost
{
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** The name of the row that sums a workload's streams or jobs in the results. */
    private static final String TOTAL = "total";

    private PerFrameCost()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int instances = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        final long seconds = args.length > 1 ? Long.parseLong(args[1]) : 4;
        final int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        final String[] modes = (args.length > 3 ? args[3] : "n,e,ne").split(",");
        if (instances < 2 || instances > 36 || seconds < 1 || rounds < 1)
        {
            throw new IllegalArgumentException("instances 2..36, seconds >= 1, rounds >= 1; got " + instances + ", "
                + seconds + ", " + rounds);
        }
        final double[] best = new double[modes.length];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        for (int round = 0; round < rounds; round++)
        {
            for (int m = 0; m < modes.length; m++)
            {
                final String mode = modes[m];
                final boolean net = mode.contains("n");
                final boolean ebs = mode.contains("e");
                if (!net && !ebs)
                {
                    throw new IllegalArgumentException("mode n, e or ne; got " + mode);
                }
                try (SimulationRun run = SimulationRun.prepare(scenario(seconds + "s", instances, net, ebs)))
                {
                    final long cpu0 = THREADS.getCurrentThreadCpuTime();
                    final RunResults r = run.simulation().run(null);
                    final long cpuNs = THREADS.getCurrentThreadCpuTime() - cpu0;
                    double frames = 0;
                    for (final StreamResult s : r.streams())
                    {
                        if (!TOTAL.equals(s.stream()))
                        {
                            continue; // each workload's streams and then their total: count the total only
                        }
                        frames += s.throughputGbps() * 1e9 * seconds / 8.0 / s.frameBytes();
                    }
                    double blocks = 0;
                    for (final FioJobResult f : r.fioJobs())
                    {
                        if (!TOTAL.equals(f.job()))
                        {
                            continue;
                        }
                        blocks += f.iops() * seconds;
                    }
                    final double perUnit = cpuNs / (frames + blocks);
                    System.out.printf(Locale.ROOT, "round %d mode %-2s %2d c5.large %d sim-s: %7.3f cpu-s, %8.0f "
                        + "frames, %8.0f blocks, %7.0f cpu-ns per %s%n", round, mode, instances, seconds, cpuNs / 1e9,
                        frames, blocks, perUnit, net && ebs ? "frame or block" : net ? "frame" : "block");
                    if (round > 0 || rounds == 1)
                    {
                        best[m] = Math.min(best[m], perUnit);
                    }
                }
            }
        }
        for (int m = 0; m < modes.length; m++)
        {
            System.out.printf(Locale.ROOT, "best: %d c5.large mode %-2s %7.0f cpu-ns per %s%n", instances, modes[m],
                best[m], modes[m].equals("n") ? "frame" : modes[m].equals("e") ? "block" : "frame or block");
        }
    }

    /** {@code instances} c5.large with a gp3 volume each, every one streaming to the next and/or writing. */
    static Scenario scenario(final String duration, final int instances, final boolean net, final boolean ebs)
    {
        return RealTimeHostBenchmark.host(duration, instances, instances, 0, net, ebs);
    }
}
