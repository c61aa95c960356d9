package io.nitrosim.benchmarks;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

import io.nitrosim.time.WallClock;

/**
 * Builds, runs and closes {@link RealTimeHostBenchmark}'s full host (36 c5.large, timing-only) {@code rounds} times in
 * one JVM and prints, per round, the process CPU seconds per simulated second (with the system part, the running
 * thread's part, and the JIT's and GC's time) and, after the simulation is closed and a full GC, what it left behind:
 * heap used, live threads, direct and mapped buffers, open file descriptors, loaded classes. A cost that moves from
 * round to round while those stay flat is not a leak of the simulator. Direct buffers are freed by the GC's cleaner
 * after the collection, so their count may still include the last round's.
 * <p>
 * Usage: {@code java <nitro.jvm.flags> -cp benchmarks/target/benchmarks.jar io.nitrosim.benchmarks.RepeatedRuns
 * [duration=2s] [rounds=5] [clock=virtual|real] [threads=1]}
 */
public final class RepeatedRuns
{
    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    /** USER_HZ of /proc/self/stat: 100 on every Linux this runs on. */
    private static final double TICKS_PER_S = 100.0;

    private RepeatedRuns()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final String duration = args.length > 0 ? args[0] : "2s";
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        final boolean real = args.length > 2 && "real".equals(args[2]);
        final int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        System.out.printf(Locale.ROOT, "before:  %s%n", leftovers());
        for (int round = 0; round < rounds; round++)
        {
            final String cost = round(duration, threads, real);
            // measured here, where nothing of the round is on the stack any more
            System.out.printf(Locale.ROOT, "round %d: %s; after close: %s%n", round, cost, leftovers());
        }
    }

    /** Builds, runs and closes the host once: its process CPU and wall seconds per simulated second. */
    private static String round(final String duration, final int threads, final boolean real) throws Exception
    {
        try (SimulationRun run = SimulationRun.prepare(RealTimeHostBenchmark.scenario(duration, threads, real)))
        {
            final long[] stat0 = procStat();
            final JvmWork jvm0 = JvmWork.now();
            final long thread0 = THREADS.getCurrentThreadCpuTime();
            final long cpu0 = OS.getProcessCpuTime();
            final long wall0 = WallClock.nanoTime();
            final double simS = run.simulation().run(null).simulatedSeconds();
            final long cpuNs = OS.getProcessCpuTime() - cpu0;
            final long wallNs = WallClock.nanoTime() - wall0;
            final long threadNs = THREADS.getCurrentThreadCpuTime() - thread0;
            final JvmWork jvm = JvmWork.now().minus(jvm0);
            final long[] stat1 = procStat();
            return String.format(Locale.ROOT, "%.2f cpu-s/sim-s (sys %.2f; this thread %.2f; jit %d ms, gc %d ms), "
                + "%.2f wall-s/sim-s, %d minor faults/sim-s", cpuNs / 1e9 / simS,
                (stat1[1] - stat0[1]) / TICKS_PER_S / simS, threadNs / 1e9 / simS, jvm.jitMs(), jvm.gcMs(),
                wallNs / 1e9 / simS, Math.round((stat1[0] - stat0[0]) / simS));
        }
    }

    /** Minor page faults and system CPU ticks of this process (/proc/self/stat; zeros elsewhere). */
    private static long[] procStat() throws Exception
    {
        final Path stat = Path.of("/proc/self/stat");
        if (!Files.isReadable(stat))
        {
            return new long[2];
        }
        final String text = Files.readString(stat);
        // the fields after the command name (in parentheses, which may hold spaces): state is field 3
        final String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[10 - 3]), Long.parseLong(f[15 - 3])};
    }

    /** What is alive after a full GC: heap used, threads, direct and mapped buffers, open file descriptors. */
    static String leftovers() throws Exception
    {
        System.gc();
        final StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "heap %d MiB, threads %d",
            MEMORY.getHeapMemoryUsage().getUsed() >> 20, THREADS.getThreadCount()));
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
        {
            out.append(String.format(Locale.ROOT, ", %s %d (%d MiB)", pool.getName(), pool.getCount(),
                pool.getMemoryUsed() >> 20));
        }
        final Path fds = Path.of("/proc/self/fd");
        if (Files.isDirectory(fds))
        {
            try (Stream<Path> open = Files.list(fds))
            {
                out.append(", fds ").append(open.count());
            }
        }
        return out.append(", classes ").append(ManagementFactory.getClassLoadingMXBean().getLoadedClassCount())
            .toString();
    }
}
