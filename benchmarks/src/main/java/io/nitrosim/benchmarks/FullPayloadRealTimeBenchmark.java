package io.nitrosim.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
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

import io.nitrosim.simulator.results.InstanceResult;
import io.nitrosim.simulator.results.RealTimeResult;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.scenario.Scenario;

/**
 * Issue 10's combined real-time case: {@link FullPayloadRunBenchmark}'s scenario (two c5.18xlarge on two hosts, 8
 * UDP streams of 9001 B frames at the 25 Gbps cap, every byte written and checked) and, at the same time, the
 * sender writing to EBS at its 9000 Mbps cap (two gp3 volumes of 1000 MiB/s, since one volume of any type stops
 * at 1000 MiB/s, 8389 Mbps; per volume one fio job of 256 KiB sequential writes, iodepth 16, with verify's
 * pattern in every block), {@code clock: real}, {@code payload: full}, {@code allowedLag: unlimited}, on
 * {@code threads} workers ({@code 1}: the one-thread paced runtime). Building the simulation is not timed.
 * {@code clock=virtual} runs the same scenario unpaced on one thread (its "real-time factor" is then simulated
 * seconds per wall second): the cost of the work itself, and the run to profile.
 * <p>
 * Per iteration: the simulated network and EBS rates, the real-time factor (what the wall clock saw is the
 * simulated rate times it), the largest lag, the process CPU time (every thread: workers, GC, JIT) and the
 * payload bytes moved (delivered to the receiving guest plus written to EBS); {@link BenchmarkMain} divides
 * those by the wall time and by the frame {@code memcpy} of {@link PayloadPatternBenchmark} in the same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class FullPayloadRealTimeBenchmark
{
    /** The network cap of a c5.18xlarge and the line rate of its host's port. */
    static final double NETWORK_CAP_GBPS = 25;
    /** The EBS bandwidth cap of a c5.18xlarge (baseline = peak). */
    static final double EBS_CAP_MBPS = 9000;
    static final String VOLUMES = ", volumes: [{name: d1, type: gp3, sizeGiB: 100, iops: 4000, throughputMiBps: 1000},"
        + " {name: d2, type: gp3, sizeGiB: 100, iops: 4000, throughputMiBps: 1000}]";
    static final String FIO = "  - {name: w1, kind: fio, volume: d1, rw: write, bs: 256k, iodepth: 16, verify: true}\n"
        + "  - {name: w2, kind: fio, volume: d2, rw: write, bs: 256k, iodepth: 16, verify: true}\n";

    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean();

    @Param({"1", "2"})
    public int threads;

    @Param({"3s"})
    public String simulated;

    @Param({"real"})
    public String clock;

    private SimulationRun prepared;

    static Scenario scenario(final String duration, final String clock, final int threads)
    {
        return SimulationRun.scenario("issue-10-real-time", FullPayloadRunBenchmark.yaml(duration,
            "clock: " + clock + "\npayload: full\nallowedLag: unlimited\nthreads: " + threads + "\n", VOLUMES, FIO));
    }

    @Setup(Level.Iteration)
    public void prepare() throws IOException
    {
        prepared = SimulationRun.prepare(scenario(simulated, clock, threads));
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException
    {
        prepared.close();
    }

    @Benchmark
    public RunResults run(final RealTimeFigures figures)
    {
        final long cpuStartNs = OS.getProcessCpuTime();
        final RunResults results = prepared.simulation().run(null);
        figures.processCpuNs = OS.getProcessCpuTime() - cpuStartNs;
        final double simulatedSeconds = results.simulatedSeconds();
        figures.simulatedNs = Math.round(simulatedSeconds * 1e9);
        final RealTimeResult realTime = results.realTime();
        figures.maxLagUs = realTime == null ? 0 : Math.round(realTime.maxLagMs() * 1e3);
        figures.realTimeFactorPpm = Math.round((realTime == null ? simulatedSeconds / results.wallSeconds() :
            realTime.realTimeFactor()) * 1e6);
        final InstanceResult receiver = results.instances().get(1);
        final InstanceResult sender = results.instances().get(0);
        figures.networkBytes = receiver.netIn().bytes();
        figures.ebsBytes = Math.round(sender.ebs().averageMbps() * 1e6 / 8 * simulatedSeconds);
        return results;
    }

    /** What the run did (one run per iteration: these are that run's values). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class RealTimeFigures
    {
        public long processCpuNs;
        public long simulatedNs;
        public long maxLagUs;
        public long realTimeFactorPpm;
        /** Payload bytes the receiving guest took (the frames' L2 bytes, as netIn counts them). */
        public long networkBytes;
        /** Bytes the sender's fio jobs wrote, from its simulated EBS rate. */
        public long ebsBytes;

        @Setup(Level.Iteration)
        public void reset()
        {
            processCpuNs = 0;
            simulatedNs = 0;
            maxLagUs = 0;
            realTimeFactorPpm = 0;
            networkBytes = 0;
            ebsBytes = 0;
        }
    }
}
