package io.nitrosim.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
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

import io.nitrosim.simulator.results.LatencySummary;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.scenario.Scenario;

/**
 * One-way latency through the devices, far below every cap: a c5.large sends 0.1 Gbps of 1500 B UDP frames to
 * another (link latency 0), and writes 4 KiB blocks one at a time (iodepth 1) to a gp3 volume. The stream's latency
 * runs from the sending guest's send (just before its TX doorbell) to the receiving guest's reap of the RX
 * completion; fio's from its NVMe submission to its completion. {@code mode} {@code virtual} is the reference of
 * the same run: the model's own latency (NVMe includes the volume's modelled service time); {@code 1} is real time
 * on one paced thread, {@code 2} the concurrent runtime on two workers with the default {@code idle: adaptive},
 * {@code 2spin} the same with {@code idle: spin} (workers that never park or yield): what they add is the
 * runtime's (thread hand-offs, idle back-off, the workers' clock skew, lag). {@code load} {@code idle} runs the same two instances with no workload: what an
 * idle simulator costs. Each iteration also reports the process's CPU time over the run (workers, run loop, GC,
 * JIT), per simulated second. {@code mode} {@code bare} is the machine's floor in the same run: no simulator, two
 * spinning threads handing a stamped record over an Agrona ring at the ping's frame rate ({@link
 * BareHandoffLatency}); its figures are reported as the net ones (the NVMe ones stay 0).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 2)
public class RealTimeLatencyBenchmark
{
    @Param({"virtual", "1", "2", "2spin", "bare"})
    public String mode;

    @Param({"3s"})
    public String simulated;

    @Param({"ping", "idle"})
    public String load;

    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean();

    /** The ping's frames per second: 0.1 Gbps of 1500 B frames. */
    private static final long PING_FRAMES_PER_SECOND = 100_000_000L / (1500 * 8);

    private SimulationRun prepared;

    /** The spin variant of a mode: {@code 2spin} is two workers with {@code idle: spin}. */
    private static final String SPIN_SUFFIX = "spin";

    static Scenario scenario(final String duration, final String mode, final String load)
    {
        final boolean virtual = mode.equals("virtual");
        final boolean spin = mode.endsWith(SPIN_SUFFIX);
        final String threads = spin ? mode.substring(0, mode.length() - SPIN_SUFFIX.length()) : mode;
        final String yaml = "name: latency\nduration: " + duration + "\nsampleInterval: " + duration + "\n"
            + "clock: " + (virtual ? "virtual" : "real") + "\nallowedLag: unlimited\nthreads: "
            + (virtual ? "1" : threads) + (spin ? "\nidle: spin" : "") + "\noverrides:\n  network: {linkLatency: 0s}\n"
            + "instances:\n  - {name: a, type: c5.large, volumes: [{name: data, type: gp3, sizeGiB: 100}]}\n"
            + "  - {name: b, type: c5.large}\n"
            + (load.equals("idle") ? "" : "workloads:\n"
                + "  - {name: ping, kind: iperf, from: a, to: b, protocol: udp, rateGbps: 0.1, frameBytes: 1500}\n"
                + "  - {name: sync-writes, kind: fio, volume: data, rw: write, bs: 4k, iodepth: 1}\n");
        return SimulationRun.scenario("latency", yaml);
    }

    @Setup(Level.Iteration)
    public void prepare() throws IOException
    {
        prepared = mode.equals("bare") ? null : SimulationRun.prepare(scenario(simulated, mode, load));
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException
    {
        if (prepared != null)
        {
            prepared.close();
        }
    }

    @Benchmark
    public Object run(final LatencyFigures figures) throws InterruptedException
    {
        if (prepared == null)
        {
            return bare(figures);
        }
        final long cpuStartNs = OS.getProcessCpuTime();
        final RunResults results = prepared.simulation().run(null);
        figures.processCpuNs = OS.getProcessCpuTime() - cpuStartNs;
        figures.simulatedNs = Math.round(results.simulatedSeconds() * 1e9);
        figures.maxLagNs = results.realTime() == null ? 0 : Math.round(results.realTime().maxLagMs() * 1e6);
        if (results.streams().isEmpty())
        {
            return results; // idle
        }
        final LatencySummary net = results.streams().get(results.streams().size() - 1).oneWayLatency();
        final LatencySummary nvme = results.fioJobs().get(results.fioJobs().size() - 1).latency();
        figures.netP50Ns = Math.round(net.p50Ms() * 1e6);
        figures.netP99Ns = Math.round(net.p99Ms() * 1e6);
        figures.netP999Ns = Math.round(net.p999Ms() * 1e6);
        figures.nvmeP50Ns = Math.round(nvme.p50Ms() * 1e6);
        figures.nvmeP99Ns = Math.round(nvme.p99Ms() * 1e6);
        figures.nvmeP999Ns = Math.round(nvme.p999Ms() * 1e6);
        return results;
    }

    private Histogram bare(final LatencyFigures figures) throws InterruptedException
    {
        final long durationNs = Duration.parse("PT" + simulated.toUpperCase(Locale.ROOT)).toNanos();
        final long cpuStartNs = OS.getProcessCpuTime();
        final Histogram oneWayNs = new BareHandoffLatency().measure(
            durationNs, load.equals("idle") ? 1 : PING_FRAMES_PER_SECOND);
        figures.processCpuNs = OS.getProcessCpuTime() - cpuStartNs;
        figures.simulatedNs = durationNs;
        figures.netP50Ns = oneWayNs.getValueAtPercentile(50);
        figures.netP99Ns = oneWayNs.getValueAtPercentile(99);
        figures.netP999Ns = oneWayNs.getValueAtPercentile(99.9);
        return oneWayNs;
    }

    /** The run's latency percentiles (one run per iteration: these are that run's values). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class LatencyFigures
    {
        public long netP50Ns;
        public long netP99Ns;
        public long netP999Ns;
        public long nvmeP50Ns;
        public long nvmeP99Ns;
        public long nvmeP999Ns;
        public long maxLagNs;
        public long processCpuNs;
        public long simulatedNs;

        @Setup(Level.Iteration)
        public void reset()
        {
            netP50Ns = 0;
            netP99Ns = 0;
            netP999Ns = 0;
            nvmeP50Ns = 0;
            nvmeP99Ns = 0;
            nvmeP999Ns = 0;
            maxLagNs = 0;
            processCpuNs = 0;
            simulatedNs = 0;
        }
    }
}
