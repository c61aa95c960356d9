package io.nitrosim.benchmarks;

import io.nitrosim.time.WallClock;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Reports how much of each iteration's wall time the JMH worker threads were on a CPU. On a machine shared
 * with other work a throughput score is depressed by the time the worker waited for a core; dividing the
 * score by this utilization gives operations per CPU second, which such sharing disturbs far less.
 * {@link BenchmarkMain} adds it to every run and prints both figures.
 */
public final class WorkerCpuProfiler implements InternalProfiler
{
    static final String LABEL = "worker.cpu.utilization";
    private static final String WORKER_THREAD_MARK = "jmh-worker";

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> cpuNsAtStart = new TreeMap<>();
    private long wallStartNs;

    @Override
    public String getDescription()
    {
        return "CPU time of the JMH worker threads over wall time, per iteration";
    }

    @Override
    public void beforeIteration(final BenchmarkParams benchmarkParams, final IterationParams iterationParams)
    {
        cpuNsAtStart.clear();
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.getName().contains(WORKER_THREAD_MARK))
            {
                cpuNsAtStart.put(thread.getId(), Math.max(0, threads.getThreadCpuTime(thread.getId())));
            }
        }
        wallStartNs = WallClock.nanoTime();
    }

    @Override
    public Collection<? extends Result<?>> afterIteration(
        final BenchmarkParams benchmarkParams, final IterationParams iterationParams, final IterationResult result)
    {
        final long wallNs = WallClock.nanoTime() - wallStartNs;
        long cpuNs = 0;
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.getName().contains(WORKER_THREAD_MARK))
            {
                final long nowNs = threads.getThreadCpuTime(thread.getId());
                if (nowNs > 0)
                {
                    cpuNs += nowNs - cpuNsAtStart.getOrDefault(thread.getId(), 0L);
                }
            }
        }
        return List.of(new ScalarResult(LABEL, wallNs > 0 ? (double)cpuNs / wallNs : Double.NaN, "ratio",
            AggregationPolicy.AVG));
    }
}
