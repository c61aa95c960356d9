package io.nitrosim.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Locale;
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
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.scenario.Scenario;

/**
 * A full host in timing-only real time: 36 c5.large (all 72 hardware threads of the host), each sending 0.75 Gbps
 * (its network baseline) to the next one and writing 256 KiB blocks to a gp3 volume at 525 Mbps (its EBS baseline:
 * the EBS burst is overridden to the baseline), with {@code threads} worker threads ({@code 1}: the one-thread
 * paced runtime, the reference of the same run). Per run: the largest lag, the real-time factor, the process
 * CPU time (every thread: workers, the run loop, GC and JIT) per simulated second, and per simulated second and
 * simulated Gbps moved (network delivered plus EBS written), and the JIT compilation and GC time within it.
 * <p>
 * Each measured run is the second simulation of a fresh JVM (three forks of one warm-up run and one measured run):
 * every figure then has the same JVM history behind it. Measured in one JVM, one run after another, the figures
 * moved with what the JIT did between them (the hot agents of the previous simulation deoptimise when the next one
 * brings its devices up, and recompile) and with the load of the machine, not with anything a closed simulation
 * left behind (see {@link RepeatedRuns} and benchmarks/README.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(3)
@Warmup(iterations = 1)
@Measurement(iterations = 1)
public class RealTimeHostBenchmark
{
    static final int INSTANCES = 36;

    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean();

    @Param({"1", "2"})
    public int threads;

    @Param({"5s"})
    public String simulated;

    private SimulationRun prepared;

    static Scenario scenario(final String duration, final int threads)
    {
        return scenario(duration, threads, true);
    }

    /** The same host in real time ({@code threads} workers) or in virtual time (one deterministic thread). */
    static Scenario scenario(final String duration, final int threads, final boolean realTime)
    {
        return host(duration, INSTANCES, INSTANCES, realTime ? threads : 0);
    }

    /**
     * {@code instances} c5.large with a gp3 volume each, of which the first {@code busy} stream to the next one and
     * write at their baselines; {@code threads} 0 runs it in virtual time, otherwise in real time on that many.
     */
    static Scenario host(final String duration, final int instances, final int busy, final int threads)
    {
        return host(duration, instances, busy, threads, true, true);
    }

    /** {@link #host(String, int, int, int)} with the busy instances' streams ({@code net}) and writers ({@code ebs}). */
    static Scenario host(final String duration, final int instances, final int busy, final int threads,
        final boolean net, final boolean ebs)
    {
        final StringBuilder yaml = new StringBuilder()
            .append("name: full-host-real-time\nduration: ").append(duration).append("\nsampleInterval: 1s\n")
            .append(threads > 0 ? "clock: real\nallowedLag: unlimited\nthreads: " + threads + "\n" : "")
            .append("overrides:\n  instanceTypes:\n    c5.large: {ebsPeakMbps: 525, ebsPeakIops: 4000, ebsBurstSeconds: 0}\n")
            .append("instances:\n");
        for (int i = 0; i < instances; i++)
        {
            yaml.append(String.format(Locale.ROOT, "  - {name: vm%02d, type: c5.large, volumes: [{name: data%02d, "
                + "type: gp3, sizeGiB: 100, iops: 3000, throughputMiBps: 125}]}%n", i, i));
        }
        yaml.append("workloads:\n");
        for (int i = 0; i < busy; i++)
        {
            if (net)
            {
                yaml.append(String.format(Locale.ROOT, "  - {name: net%02d, kind: iperf, from: vm%02d, to: vm%02d, "
                    + "protocol: udp, rateGbps: 0.75, frameBytes: 9001}%n", i, i, (i + 1) % instances));
            }
            if (ebs)
            {
                yaml.append(String.format(Locale.ROOT, "  - {name: ebs%02d, kind: fio, volume: data%02d, rw: write, "
                    + "bs: 256k, iodepth: 8}%n", i, i));
            }
        }
        return SimulationRun.scenario("full-host", yaml.toString());
    }

    @Setup(Level.Iteration)
    public void prepare() throws IOException
    {
        prepared = SimulationRun.prepare(scenario(simulated, threads));
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException
    {
        prepared.close();
    }

    @Benchmark
    public RunResults run(final HostFigures figures)
    {
        final JvmWork jvmStart = JvmWork.now();
        final long cpuStartNs = OS.getProcessCpuTime();
        final RunResults results = prepared.simulation().run(null);
        figures.processCpuNs = OS.getProcessCpuTime() - cpuStartNs;
        final JvmWork jvm = JvmWork.now().minus(jvmStart);
        figures.jitMs = jvm.jitMs();
        figures.gcMs = jvm.gcMs();
        figures.simulatedNs = Math.round(results.simulatedSeconds() * 1e9);
        figures.maxLagUs = Math.round(results.realTime().maxLagMs() * 1e3);
        figures.realTimeFactorPpm = Math.round(results.realTime().realTimeFactor() * 1e6);
        double gbps = 0;
        for (final InstanceResult instance : results.instances())
        {
            gbps += instance.netIn().averageGbps() + instance.ebs().averageMbps() / 1e3;
        }
        figures.simulatedMbps = Math.round(gbps * 1e3);
        return results;
    }

    /** What the run did (one run per iteration: these are that run's values). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class HostFigures
    {
        public long processCpuNs;
        public long simulatedNs;
        public long maxLagUs;
        public long realTimeFactorPpm;
        public long simulatedMbps;
        public long jitMs;
        public long gcMs;

        @Setup(Level.Iteration)
        public void reset()
        {
            processCpuNs = 0;
            simulatedNs = 0;
            maxLagUs = 0;
            realTimeFactorPpm = 0;
            simulatedMbps = 0;
            jitMs = 0;
            gcMs = 0;
        }
    }
}
