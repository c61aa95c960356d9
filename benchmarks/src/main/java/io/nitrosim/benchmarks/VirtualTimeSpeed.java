package io.nitrosim.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.nitrosim.time.WallClock;

/**
 * Quick probe of virtual-time speed outside JMH, for before/after comparisons in one session: the demo (trace
 * off) for its first {@code demoSeconds} simulated seconds, and one c5.large timing-only flow ({@link
 * VirtualTimeFlow}, batched producer) for {@code flowSeconds}. Prints simulated seconds per wall second and per
 * CPU second of the running thread (CPU time is less disturbed by other work on a shared machine). Each run is
 * repeated {@code rounds} times; the first is JIT warm-up and the best of the rest is printed. The flow's CPU time per
 * record is split by running its parts without the runtime ({@link VirtualTimeFlowParts}): runtime (passes, deadline
 * scans, time jumps), hand-off (claim, commit, read, the ring's bookkeeping) and gate arithmetic.
 * <p>
 * Usage: {@code java <nitro.jvm.flags> -cp benchmarks/target/benchmarks.jar io.nitrosim.benchmarks.VirtualTimeSpeed
 * [demoSeconds=20] [flowSeconds=20] [rounds=3]}
 */
public final class VirtualTimeSpeed
{
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private VirtualTimeSpeed()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final long demoSeconds = args.length > 0 ? Long.parseLong(args[0]) : 20;
        final long flowSeconds = args.length > 1 ? Long.parseLong(args[1]) : 20;
        final int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        double demoWall = 0;
        double demoCpu = 0;
        double flowWall = 0;
        double flowCpu = 0;
        double flowNsPerRecord = Double.MAX_VALUE;
        double ringAndGateNsPerRecord = Double.MAX_VALUE;
        double gateNsPerRecord = Double.MAX_VALUE;
        for (int round = 0; round < rounds; round++)
        {
            try (SimulationRun run = SimulationRun.prepare(TraceOverheadBenchmark.demo(demoSeconds + "s", "off")))
            {
                final long cpu0 = THREADS.getCurrentThreadCpuTime();
                final long wall0 = WallClock.nanoTime();
                run.simulation().run(null);
                final double wallS = (WallClock.nanoTime() - wall0) / 1e9;
                final double cpuS = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e9;
                print("demo", round, demoSeconds, wallS, cpuS);
                if (round > 0 || rounds == 1)
                {
                    demoWall = Math.max(demoWall, demoSeconds / wallS);
                    demoCpu = Math.max(demoCpu, demoSeconds / cpuS);
                }
            }
            try (VirtualTimeFlow flow = new VirtualTimeFlow(VirtualTimeFlow.Producer.BATCHED))
            {
                final long cpu0 = THREADS.getCurrentThreadCpuTime();
                final long wall0 = WallClock.nanoTime();
                final VirtualTimeFlow.Result result = flow.runFor(TimeUnit.SECONDS.toNanos(flowSeconds));
                final double wallS = (WallClock.nanoTime() - wall0) / 1e9;
                final double cpuS = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e9;
                print("flow " + String.format(Locale.ROOT, "%.3f Gbps", result.achievedGbps()), round, flowSeconds,
                    wallS, cpuS);
                if (round > 0 || rounds == 1)
                {
                    flowWall = Math.max(flowWall, flowSeconds / wallS);
                    flowCpu = Math.max(flowCpu, flowSeconds / cpuS);
                    flowNsPerRecord = Math.min(flowNsPerRecord, cpuS * 1e9 / result.recordsAdmitted());
                }
            }
            final long flowNs = TimeUnit.SECONDS.toNanos(flowSeconds);
            final double ringAndGateNs = cpuNsPerRecord(() -> VirtualTimeFlowParts.ringAndGate(flowNs));
            final double gateNs = cpuNsPerRecord(() -> VirtualTimeFlowParts.gate(flowNs));
            System.out.printf(Locale.ROOT, "round %d flow parts without the runtime: ring + gate %.1f ns/record, "
                + "gate alone %.1f ns/record (CPU)%n", round, ringAndGateNs, gateNs);
            if (round > 0 || rounds == 1)
            {
                ringAndGateNsPerRecord = Math.min(ringAndGateNsPerRecord, ringAndGateNs);
                gateNsPerRecord = Math.min(gateNsPerRecord, gateNs);
            }
        }
        System.out.printf(Locale.ROOT, "best: demo %.1f sim-s/wall-s (%.1f sim-s/cpu-s), c5.large flow %.1f "
            + "sim-s/wall-s (%.1f sim-s/cpu-s)%n", demoWall, demoCpu, flowWall, flowCpu);
        System.out.printf(Locale.ROOT, "flow per record (CPU, best of each): %.1f ns = runtime %.1f + hand-off %.1f + "
            + "gate %.1f%n", flowNsPerRecord, flowNsPerRecord - ringAndGateNsPerRecord,
            ringAndGateNsPerRecord - gateNsPerRecord, gateNsPerRecord);
    }

    /** CPU ns of this thread per record admitted by {@code run}. */
    private static double cpuNsPerRecord(final LongSupplier run)
    {
        final long cpu0 = THREADS.getCurrentThreadCpuTime();
        final long records = run.getAsLong();
        return (THREADS.getCurrentThreadCpuTime() - cpu0) / (double)records;
    }

    private static void print(final String what, final int round, final long simS, final double wallS,
        final double cpuS)
    {
        System.out.printf(Locale.ROOT, "round %d %-22s %4d sim-s in %7.3f wall-s, %7.3f cpu-s: %6.1f sim-s/wall-s, "
            + "%6.1f sim-s/cpu-s%n", round, what, simS, wallS, cpuS, simS / wallS, simS / cpuS);
    }
}
