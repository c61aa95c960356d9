package io.nitrosim.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Wall time to simulate {@value #SIMULATED_SECONDS} s of one c5.large flow at 10 Gbps ({@link VirtualTimeFlow}),
 * one fresh flow per iteration. Simulated seconds per wall second = {@value #SIMULATED_SECONDS} / score in s;
 * {@link BenchmarkMain} prints it with the median over iterations. The figures of the run itself (records
 * admitted, time jumps) come out as auxiliary counters, so a fast but wrong run shows, and so does the thread's
 * CPU time, which a machine shared with other work disturbs less than wall time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(2)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class VirtualTimeFlowBenchmark
{
    public static final long SIMULATED_SECONDS = 60;
    private static final long SIMULATED_NS = TimeUnit.SECONDS.toNanos(SIMULATED_SECONDS);

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Param({"BATCHED", "GREEDY"})
    public VirtualTimeFlow.Producer producer;

    private VirtualTimeFlow flow;

    @Setup(Level.Iteration)
    public void setUp()
    {
        JvmFlagsCheck.requireProjectJvmFlags();
        flow = new VirtualTimeFlow(producer);
    }

    @TearDown(Level.Iteration)
    public void tearDown()
    {
        flow.close();
    }

    @Benchmark
    public VirtualTimeFlow.Result c5LargeFlow60s(final FlowFigures figures)
    {
        // CPU time beside JMH's wall time: on a shared machine it shows what an idle one would do.
        final long cpuStartNs = THREADS.getCurrentThreadCpuTime();
        final VirtualTimeFlow.Result result = flow.runFor(SIMULATED_NS);
        figures.threadCpuNs = THREADS.getCurrentThreadCpuTime() - cpuStartNs;
        figures.recordsAdmitted = result.recordsAdmitted();
        figures.timeJumps = result.timeJumps();
        return result;
    }

    /**
     * What the simulated run achieved; one run per iteration, so these are that run's values (JMH's table sums
     * them over iterations). Only counts here: a rate would be summed too. {@link BenchmarkMain} derives Gbps.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class FlowFigures
    {
        public long recordsAdmitted;
        public long timeJumps;
        public long threadCpuNs;

        @Setup(Level.Iteration)
        public void reset()
        {
            recordsAdmitted = 0;
            timeJumps = 0;
            threadCpuNs = 0;
        }
    }
}
