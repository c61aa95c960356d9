package io.nitrosim.benchmarks;

import java.io.IOException;
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

import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.scenario.Scenario;

/**
 * Issue 10's scenario end to end, in virtual time: two c5.18xlarge on two hosts, one sending to the other with 8
 * UDP streams of 9001-byte frames at the 25 Gbps cap, every byte written by the sending guest, carried through
 * both ENA devices and both VPC cards, and checked by the receiving guest. Wall time to simulate
 * {@code simulated} (building the simulation is not timed); {@link BenchmarkMain} prints simulated seconds per
 * wall second and the delivered bytes per wall second against the {@code memcpy} of
 * {@link PayloadPatternBenchmark} in the same run. {@code payload=timing-only} runs the same flows without
 * bytes, for comparison.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class FullPayloadRunBenchmark
{
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Param({"full"})
    public String payload;

    @Param({"500ms"})
    public String simulated;

    private SimulationRun prepared;

    /** The scenario of issue 10 for {@code duration} with the given payload mode. */
    static Scenario scenario(final String duration, final String payload)
    {
        return SimulationRun.scenario("issue-10", yaml(duration, "clock: virtual\npayload: " + payload + "\n", "", ""));
    }

    /**
     * The scenario's YAML: {@code settings} (clock, payload, ...: whole lines), {@code volumesOfA} (the sender's
     * {@code volumes:} entry after its host, e.g. {@code ", volumes: [...]"}) and {@code moreWorkloads} (whole
     * lines) added to the two instances and the 8-stream flow.
     */
    static String yaml(final String duration, final String settings, final String volumesOfA,
        final String moreWorkloads)
    {
        return "name: full-payload-25g\nduration: " + duration + "\nsampleInterval: " + duration + "\n"
            + settings + "hosts: [{name: host-1}, {name: host-2}]\n"
            + "instances:\n  - {name: a, type: c5.18xlarge, host: host-1" + volumesOfA + "}\n"
            + "  - {name: b, type: c5.18xlarge, host: host-2}\n"
            + "workloads:\n  - {name: bulk, kind: iperf, from: a, to: b, streams: 8, frameBytes: 9001}\n"
            + moreWorkloads;
    }

    @Setup(Level.Iteration)
    public void prepare() throws IOException
    {
        prepared = SimulationRun.prepare(scenario(simulated, payload));
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException
    {
        prepared.close();
    }

    @Benchmark
    public RunResults run(final RunFigures figures)
    {
        final long cpuStartNs = THREADS.getCurrentThreadCpuTime();
        final RunResults results = prepared.simulation().run(null);
        figures.threadCpuNs = THREADS.getCurrentThreadCpuTime() - cpuStartNs;
        figures.bytesDelivered = results.instances().get(1).netIn().bytes();
        figures.simulatedNs = Math.round(results.simulatedSeconds() * 1e9);
        return results;
    }

    /** What the run delivered (one run per iteration: these are that run's values). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class RunFigures
    {
        public long bytesDelivered;
        public long simulatedNs;
        public long threadCpuNs;

        @Setup(Level.Iteration)
        public void reset()
        {
            bytesDelivered = 0;
            simulatedNs = 0;
            threadCpuNs = 0;
        }
    }
}
