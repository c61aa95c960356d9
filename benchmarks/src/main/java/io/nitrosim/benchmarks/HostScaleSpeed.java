package io.nitrosim.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.time.WallClock;

/**
 * What skipping idle ownership groups saves, in virtual time, against the same run calling every agent in every
 * pass (the reference): a host of {@code instances} c5.large (each with a gp3 volume) of which the first {@code
 * busy} stream 0.75 Gbps of 9001 B UDP frames to the next one and write 256 KiB blocks at 525 Mbps; the others are
 * running and idle. Prints simulated seconds per CPU second of the running thread for both, their ratio, and
 * whether the two runs gave the same results (they must).
 * <p>
 * The host is {@link RealTimeHostBenchmark}'s with only some of it busy.
 * <p>
 * Usage: {@code java <nitro.jvm.flags> -cp benchmarks/target/benchmarks.jar io.nitrosim.benchmarks.HostScaleSpeed
 * [instances=36] [busy=2] [seconds=2] [rounds=3]}; rounds alternate the two modes, the first round is JIT warm-up,
 * the best of the rest is printed.
 */
public final class HostScaleSpeed
{
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private HostScaleSpeed()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int instances = args.length > 0 ? Integer.parseInt(args[0]) : 36;
        final int busy = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        final long seconds = args.length > 2 ? Long.parseLong(args[2]) : 2;
        final int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        if (instances < 2 || instances > 36 || busy < 1 || busy > instances || seconds < 1 || rounds < 1)
        {
            throw new IllegalArgumentException("instances 2..36, busy 1..instances, seconds >= 1, rounds >= 1; got "
                + instances + ", " + busy + ", " + seconds + ", " + rounds);
        }
        final Scenario scenario = RealTimeHostBenchmark.host(seconds + "s", instances, busy, 0);
        double skipping = 0;
        double everyPass = 0;
        boolean same = true;
        for (int round = 0; round < rounds; round++)
        {
            final RunResults[] results = new RunResults[2];
            for (int mode = 0; mode < 2; mode++)
            {
                final boolean skip = (round + mode) % 2 == 0; // alternate which goes first
                try (SimulationRun run = SimulationRun.prepare(scenario))
                {
                    if (!skip)
                    {
                        run.simulation().callEveryAgentEveryPass();
                    }
                    final long cpu0 = THREADS.getCurrentThreadCpuTime();
                    final long wall0 = WallClock.nanoTime();
                    final RunResults r = run.simulation().run(null);
                    final double wallS = (WallClock.nanoTime() - wall0) / 1e9;
                    final double cpuS = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e9;
                    results[skip ? 0 : 1] = r;
                    System.out.printf(Locale.ROOT, "round %d %-28s %3d sim-s in %7.3f wall-s, %7.3f cpu-s: %6.2f "
                        + "sim-s/cpu-s%n", round, skip ? "skipping idle groups" : "every agent every pass",
                        seconds, wallS, cpuS, seconds / cpuS);
                    if (round > 0 || rounds == 1)
                    {
                        if (skip)
                        {
                            skipping = Math.max(skipping, seconds / cpuS);
                        }
                        else
                        {
                            everyPass = Math.max(everyPass, seconds / cpuS);
                        }
                    }
                }
            }
            same &= sameFigures(results[0], results[1]);
        }
        System.out.printf(Locale.ROOT, "best: %d c5.large, %d busy: skipping %.2f sim-s/cpu-s, every pass %.2f "
            + "(x%.2f); results %s%n", instances, busy, skipping, everyPass, skipping / everyPass,
            same ? "identical" : "DIFFER (a bug: skipping must not change results)");
    }

    private static boolean sameFigures(final RunResults a, final RunResults b)
    {
        return a.instances().equals(b.instances()) && a.volumes().equals(b.volumes())
            && a.streams().equals(b.streams()) && a.fioJobs().equals(b.fioJobs());
    }
}
