package io.nitrosim.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.ListStatistics;
import org.openjdk.jmh.util.Statistics;

/**
 * JMH's command line plus a summary of the project's figures after the run: messages/s, GB/s and the
 * shaped/raw ratio per record size, simulated seconds per wall second (median over iterations), the payload
 * workloads' ns per frame or block against the memcpy of the same run, and the full-payload run's delivered
 * bytes per wall second against that memcpy.
 * Listing and help go straight to {@link org.openjdk.jmh.Main}.
 * <p>
 * One extra option, {@value #QUICK}: 1 fork, 2 warmup and 3 measurement iterations of 1 s, each of which an
 * explicit JMH option ({@code -f}, {@code -wi}, {@code -i}, {@code -w}, {@code -r}) overrides.
 */
public final class BenchmarkMain
{
    static final String QUICK = "--quick";
    static final double SHAPED_TO_RAW_TARGET = 0.80;
    static final double SIM_SECONDS_PER_WALL_SECOND_TARGET = 50.0;
    private static final String RAW = "raw";
    private static final String RAW_FORMAT = "rawFmt";
    private static final String SHAPED = "shaped";
    private static final Comparator<String> RING_ORDER =
        Comparator.comparingInt(ring -> List.of(RAW, RAW_FORMAT, SHAPED).indexOf(ring));
    private static final String THROUGHPUT = ShapedRingThroughputBenchmark.class.getSimpleName();
    private static final String VIRTUAL_TIME = VirtualTimeFlowBenchmark.class.getSimpleName();
    private static final String FRAMES = PayloadPatternBenchmark.class.getSimpleName();
    private static final String BLOCKS = BlockPatternBenchmark.class.getSimpleName();
    private static final String FULL_RUN = FullPayloadRunBenchmark.class.getSimpleName();
    private static final String TRACE_OVERHEAD = TraceOverheadBenchmark.class.getSimpleName();
    private static final String HOST = RealTimeHostBenchmark.class.getSimpleName();
    private static final String LATENCY = RealTimeLatencyBenchmark.class.getSimpleName();
    static final double TRACED_TO_UNTRACED_TARGET = 2.0;
    private static final String MEMCPY = "memcpy";
    private static final String GC_ALLOC_NORM = "gc.alloc.rate.norm";

    private BenchmarkMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final String[] jmhArgs = Arrays.stream(args).filter(arg -> !QUICK.equals(arg)).toArray(String[]::new);
        final boolean quick = jmhArgs.length != args.length;
        final CommandLineOptions cli = new CommandLineOptions(jmhArgs);
        if (cli.shouldHelp() || cli.shouldList() || cli.shouldListWithParams() ||
            cli.shouldListProfilers() || cli.shouldListResultFormats())
        {
            org.openjdk.jmh.Main.main(jmhArgs);
            return;
        }
        final ChainedOptionsBuilder options = new OptionsBuilder().parent(cli).addProfiler(WorkerCpuProfiler.class);
        if (quick)
        {
            quick(cli, options);
        }
        final Collection<RunResult> results = new Runner(options.build()).run();
        printSummary(results, System.out);
    }

    /** Quick settings under whatever the command line says explicitly. */
    static void quick(final CommandLineOptions cli, final ChainedOptionsBuilder builder)
    {
        if (!cli.getForkCount().hasValue())
        {
            builder.forks(1);
        }
        if (!cli.getWarmupIterations().hasValue())
        {
            builder.warmupIterations(2);
        }
        if (!cli.getMeasurementIterations().hasValue())
        {
            builder.measurementIterations(3);
        }
        if (!cli.getWarmupTime().hasValue())
        {
            builder.warmupTime(TimeValue.seconds(1));
        }
        if (!cli.getMeasurementTime().hasValue())
        {
            builder.measurementTime(TimeValue.seconds(1));
        }
    }

    static void printSummary(final Collection<RunResult> results, final PrintStream out)
    {
        // scheme -> record bytes -> method -> result; TreeMaps keep the printout in a stable order.
        final Map<String, Map<Integer, Map<String, RunResult>>> throughput = new TreeMap<>();
        final List<RunResult> virtualTime = new ArrayList<>();
        final List<RunResult> frames = new ArrayList<>();
        final List<RunResult> blocks = new ArrayList<>();
        final List<RunResult> fullRuns = new ArrayList<>();
        final Map<String, RunResult> traceRuns = new TreeMap<>();
        final List<RunResult> hostRuns = new ArrayList<>();
        final List<RunResult> latencyRuns = new ArrayList<>();
        for (final RunResult result : results)
        {
            final String benchmark = result.getParams().getBenchmark();
            final String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            if (benchmark.contains(THROUGHPUT + '.'))
            {
                final String ring = method.startsWith(SHAPED) ? SHAPED : method.startsWith(RAW_FORMAT) ?
                    RAW_FORMAT : RAW;
                final String scheme = method.substring(ring.length()).toLowerCase(Locale.ROOT);
                final int recordBytes = Integer.parseInt(result.getParams().getParam("recordBytes"));
                throughput.computeIfAbsent(scheme, k -> new TreeMap<>())
                    .computeIfAbsent(recordBytes, k -> new TreeMap<>(RING_ORDER))
                    .put(ring, result);
            }
            else if (benchmark.contains(VIRTUAL_TIME + '.'))
            {
                virtualTime.add(result);
            }
            else if (benchmark.contains(FRAMES + '.'))
            {
                frames.add(result);
            }
            else if (benchmark.contains(BLOCKS + '.'))
            {
                blocks.add(result);
            }
            else if (benchmark.contains(FULL_RUN + '.'))
            {
                fullRuns.add(result);
            }
            else if (benchmark.contains(LATENCY + '.'))
            {
                latencyRuns.add(result);
            }
            else if (benchmark.contains(HOST + '.'))
            {
                hostRuns.add(result);
            }
            else if (benchmark.contains(TRACE_OVERHEAD + '.'))
            {
                traceRuns.put(result.getParams().getParam("trace"), result);
            }
        }
        out.println();
        out.println("==== nitro-sim benchmark summary ====");
        if (!throughput.isEmpty())
        {
            printThroughput(throughput, out);
        }
        for (final RunResult result : virtualTime)
        {
            printVirtualTime(result, out);
        }
        if (!frames.isEmpty())
        {
            out.println();
            out.println("iperf full payload per frame (PayloadPatternBenchmark): bytes = the fill after the 32 B stream"
                + " header;");
            printPayload(frames, "mtu", PayloadFigures::fillBytes, out);
        }
        if (!blocks.isEmpty())
        {
            out.println();
            out.println("fio verify per block (BlockPatternBenchmark): bytes = bs;");
            printPayload(blocks, "bs", bs -> bs, out);
        }
        for (final RunResult result : fullRuns)
        {
            printFullRun(result, memcpyBytesPerSecond(frames), out);
        }
        if (!traceRuns.isEmpty())
        {
            printTraceOverhead(traceRuns.get("off"), traceRuns.get("all"), out);
        }
        if (!hostRuns.isEmpty())
        {
            printHost(hostRuns, out);
        }
        if (!latencyRuns.isEmpty())
        {
            printLatency(latencyRuns, out);
        }
    }

    /** One-way latencies per iteration; mode virtual is the model's own latency, the reference of the same run. */
    static void printLatency(final List<RunResult> runs, final PrintStream out)
    {
        out.println();
        out.println("One-way latency (RealTimeLatencyBenchmark), us: stream = send -> peer's RX reap, 0.1 Gbps of 1500 B;"
            + " nvme = submit -> completion, 4 KiB writes at iodepth 1; virtual = the model's own latency");
        out.printf(Locale.ROOT, "%-8s %-5s %10s %10s %10s %10s %10s %10s %12s%n", "mode", "iter", "net p50",
            "net p99", "net p99.9", "nvme p50", "nvme p99", "nvme p99.9", "max lag ms");
        for (final RunResult result : runs)
        {
            int iteration = 0;
            for (final BenchmarkResult fork : result.getBenchmarkResults())
            {
                for (final IterationResult it : fork.getIterationResults())
                {
                    iteration++;
                    out.printf(Locale.ROOT, "%-8s %-5d %10.1f %10.1f %10.1f %10.1f %10.1f %10.1f %12.3f%n",
                        result.getParams().getParam("mode"), iteration, score(it, "netP50Ns") / 1e3,
                        score(it, "netP99Ns") / 1e3, score(it, "netP999Ns") / 1e3, score(it, "nvmeP50Ns") / 1e3,
                        score(it, "nvmeP99Ns") / 1e3, score(it, "nvmeP999Ns") / 1e3, score(it, "maxLagNs") / 1e6);
                }
            }
        }
    }

    /** The full host in real time, one row per iteration, threads=1 (the paced runtime) first as the reference. */
    static void printHost(final List<RunResult> runs, final PrintStream out)
    {
        out.println();
        out.printf(Locale.ROOT, "Full host in timing-only real time (RealTimeHostBenchmark): %d c5.large, 0.75 Gbps each"
            + " to a neighbour + gp3 writes at 525 Mbps; threads=1 is the one-thread paced runtime%n",
            RealTimeHostBenchmark.INSTANCES);
        out.printf(Locale.ROOT, "%-8s %-5s %10s %12s %10s %12s %14s %16s%n", "threads", "iter", "wall ms",
            "max lag ms", "rt factor", "sim Gbps", "cpu cores", "cores/sim Gbps");
        for (final RunResult result : runs)
        {
            final BenchmarkParams params = result.getParams();
            final double secondsPerUnit = params.getTimeUnit().toNanos(1) / 1e9;
            int iteration = 0;
            for (final BenchmarkResult fork : result.getBenchmarkResults())
            {
                for (final IterationResult it : fork.getIterationResults())
                {
                    iteration++;
                    final double wallSeconds = it.getPrimaryResult().getScore() * secondsPerUnit;
                    final double cores = score(it, "processCpuNs") / 1e9 / wallSeconds;
                    final double gbps = score(it, "simulatedMbps") / 1e3;
                    out.printf(Locale.ROOT, "%-8s %-5d %10.1f %12.3f %10.4f %12.3f %14.3f %16.4f%n",
                        params.getParam("threads"), iteration, wallSeconds * 1e3, score(it, "maxLagUs") / 1e3,
                        score(it, "realTimeFactorPpm") / 1e6, gbps, cores, cores / gbps);
                }
            }
        }
    }

    /** The demo's wall time untraced and with every event traced, their ratio, and the events recorded per second. */
    static void printTraceOverhead(final RunResult off, final RunResult all, final PrintStream out)
    {
        final RunResult any = all != null ? all : off;
        out.println();
        out.printf(Locale.ROOT, "Demo, first %s simulated, virtual time: wall time untraced and with every event kind "
            + "of every function traced (median of iterations)%n", any.getParams().getParam("simulated"));
        final double offMs = off == null ? Double.NaN : medianMs(off);
        final double allMs = all == null ? Double.NaN : medianMs(all);
        out.printf(Locale.ROOT, "%-10s %10s %14s %16s%n", "trace", "wall ms", "events", "events/wall-s");
        if (off != null)
        {
            out.printf(Locale.ROOT, "%-10s %10.1f %14s %16s%n", "off", offMs, "-", "-");
        }
        if (all != null)
        {
            final double events = score(all.getBenchmarkResults().iterator().next().getIterationResults().iterator()
                .next(), "events");
            out.printf(Locale.ROOT, "%-10s %10.1f %14.0f %16.0f%n", "all", allMs, events, events / (allMs / 1e3));
        }
        if (off != null && all != null)
        {
            final double ratio = allMs / offMs;
            out.printf(Locale.ROOT, "traced / untraced: %.2f x (target at most %.1f x): %s%n", ratio,
                TRACED_TO_UNTRACED_TARGET, ratio <= TRACED_TO_UNTRACED_TARGET ? "met" : "MISSED");
        }
    }

    private static double medianMs(final RunResult result)
    {
        final ListStatistics stats = new ListStatistics();
        final double msPerUnit = result.getParams().getTimeUnit().toNanos(1) / 1e6;
        for (final BenchmarkResult fork : result.getBenchmarkResults())
        {
            for (final IterationResult it : fork.getIterationResults())
            {
                stats.addValue(it.getPrimaryResult().getScore() * msPerUnit);
            }
        }
        return stats.getPercentile(50);
    }

    /** Rows of one payload benchmark: ns/op, bytes/s and its ratio to memcpy of the same parameters. */
    private static void printPayload(final List<RunResult> results, final String param,
        final java.util.function.IntUnaryOperator bytesPerOp, final PrintStream out)
    {
        out.println("ns/op: JMH score +- 99.9% error; cpu: worker CPU time / wall time; GB/s = bytes / ns/op;"
            + " x memcpy: GB/s over memcpy's in this run (by wall, by cpu); B/op alloc: with -prof gc");
        out.printf(Locale.ROOT, "%-8s %8s %-22s %5s %8s %9s %-15s %10s%n",
            "method", param, "ns/op", "cpu", "GB/s", "GB/cpu-s", "x memcpy", "B/op alloc");
        final Map<Integer, RunResult> memcpy = new TreeMap<>();
        for (final RunResult r : results)
        {
            if (method(r).equals(MEMCPY))
            {
                memcpy.put(Integer.parseInt(r.getParams().getParam(param)), r);
            }
        }
        final List<RunResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparingInt((RunResult r) -> Integer.parseInt(r.getParams().getParam(param)))
            .thenComparing(r -> method(r).equals(MEMCPY) ? "" : method(r)));
        for (final RunResult r : sorted)
        {
            final int value = Integer.parseInt(r.getParams().getParam(param));
            final double bytes = bytesPerOp.applyAsInt(value);
            final double ns = nsPerOp(r.getPrimaryResult().getScore(), r.getParams());
            final double cpu = score(r.getSecondaryResults().get(WorkerCpuProfiler.LABEL));
            final double gbps = bytes / ns;
            final RunResult reference = memcpy.get(value);
            String ratio = "";
            if (reference != null)
            {
                final double refNs = nsPerOp(reference.getPrimaryResult().getScore(), reference.getParams());
                final double refCpu = score(reference.getSecondaryResults().get(WorkerCpuProfiler.LABEL));
                ratio = String.format(Locale.ROOT, "%.2f, %.2f", refNs / ns, (refNs * refCpu) / (ns * cpu));
            }
            out.printf(Locale.ROOT, "%-8s %8d %-22s %5.2f %8.2f %9.2f %-15s %10s%n",
                method(r), value,
                String.format(Locale.ROOT, "%.1f +- %.1f", ns, nsPerOp(r.getPrimaryResult().getScoreError(),
                    r.getParams())),
                cpu, gbps, gbps / cpu, ratio, allocation(r));
        }
    }

    private static void printFullRun(final RunResult result, final double memcpyBytesPerSecond, final PrintStream out)
    {
        final BenchmarkParams params = result.getParams();
        final double secondsPerUnit = params.getTimeUnit().toNanos(1) / 1e9;
        out.println();
        out.printf(Locale.ROOT, "Issue 10 scenario, virtual time: two c5.18xlarge, 8 x 9001 B UDP at 25 Gbps, payload %s,"
            + " %s simulated%n", params.getParam("payload"), params.getParam("simulated"));
        out.printf(Locale.ROOT, "%-5s %10s %14s %10s %10s %12s %12s%n",
            "iter", "wall ms", "sim-s/wall-s", "cpu ms", "Gbps", "GB/wall-s", "x memcpy");
        int iteration = 0;
        for (final BenchmarkResult fork : result.getBenchmarkResults())
        {
            for (final IterationResult it : fork.getIterationResults())
            {
                iteration++;
                final double wallSeconds = it.getPrimaryResult().getScore() * secondsPerUnit;
                final double simulatedSeconds = score(it, "simulatedNs") / 1e9;
                final double bytes = score(it, "bytesDelivered");
                final double bytesPerWallSecond = bytes / wallSeconds;
                out.printf(Locale.ROOT, "%-5d %10.1f %14.3f %10.1f %10.3f %12.3f %12s%n",
                    iteration, wallSeconds * 1e3, simulatedSeconds / wallSeconds, score(it, "threadCpuNs") / 1e6,
                    bytes * 8 / simulatedSeconds / 1e9, bytesPerWallSecond / 1e9,
                    Double.isNaN(memcpyBytesPerSecond) ? "no memcpy run" :
                        String.format(Locale.ROOT, "%.3f", bytesPerWallSecond / memcpyBytesPerSecond));
            }
        }
    }

    /** The 9001-MTU frame memcpy of this run in bytes/s, or NaN if it did not run. */
    private static double memcpyBytesPerSecond(final List<RunResult> frames)
    {
        for (final RunResult r : frames)
        {
            if (method(r).equals(MEMCPY) && "9001".equals(r.getParams().getParam("mtu")))
            {
                return PayloadFigures.fillBytes(9001) / nsPerOp(r.getPrimaryResult().getScore(), r.getParams()) * 1e9;
            }
        }
        return Double.NaN;
    }

    private static String method(final RunResult result)
    {
        final String benchmark = result.getParams().getBenchmark();
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    private static double nsPerOp(final double timePerOp, final BenchmarkParams params)
    {
        return timePerOp * params.getTimeUnit().toNanos(1);
    }

    /** Bytes allocated per operation as JMH's gc profiler reports it, or "-" without it. */
    private static String allocation(final RunResult result)
    {
        for (final String label : result.getSecondaryResults().keySet())
        {
            if (label.endsWith(GC_ALLOC_NORM))
            {
                return String.format(Locale.ROOT, "%.3f", score(result.getSecondaryResults().get(label)));
            }
        }
        return "-";
    }

    private static void printThroughput(
        final Map<String, Map<Integer, Map<String, RunResult>>> throughput, final PrintStream out)
    {
        out.println();
        out.println("ShapedRing (ShapingGate.OPEN, readyAtNs 0) vs Agrona OneToOneRingBuffer, one thread, offer+poll.");
        out.println("raw: write + read. rawFmt: bare ring with ShapedRing's record format (tryClaim, 16 B header,");
        out.println("commit; controlledRead decoding it). raw->rawFmt = format cost, rawFmt->shaped = ShapedRing's logic.");
        out.println("msg/s: JMH score +- 99.9% error [iteration min..max]; cpu: worker CPU time / wall time;");
        out.println("msg/cpu-s: per-iteration score / cpu, the figure sharing the machine disturbs less;"
            + " GB/s = msg/s x record bytes / 1e9");
        out.printf(Locale.ROOT, "%-6s %5s %-7s %-42s %5s %-32s %8s %9s%n",
            "scheme", "bytes", "ring", "msg/s", "cpu", "msg/cpu-s", "GB/s", "GB/cpu-s");
        for (final Map.Entry<String, Map<Integer, Map<String, RunResult>>> scheme : throughput.entrySet())
        {
            for (final Map.Entry<Integer, Map<String, RunResult>> size : scheme.getValue().entrySet())
            {
                final int recordBytes = size.getKey();
                for (final Map.Entry<String, RunResult> ring : size.getValue().entrySet())
                {
                    printThroughputRow(scheme.getKey(), recordBytes, ring.getKey(), ring.getValue(), out);
                }
                final RunResult raw = size.getValue().get(RAW);
                final RunResult shaped = size.getValue().get(SHAPED);
                if (raw != null && shaped != null)
                {
                    final double wallRatio = opsPerSecond(shaped.getPrimaryResult().getScore(), shaped.getParams()) /
                        opsPerSecond(raw.getPrimaryResult().getScore(), raw.getParams());
                    final double cpuRatio = opsPerCpuSecond(shaped).getMean() / opsPerCpuSecond(raw).getMean();
                    // Judged by CPU seconds: raw and shaped run at different times, so on a shared machine
                    // their wall-clock scores see different amounts of competition.
                    out.printf(Locale.ROOT, "%-6s %5d shaped/raw %.3f by msg/s, %.3f by msg/cpu-s: %s%n",
                        scheme.getKey(), recordBytes, wallRatio, cpuRatio,
                        cpuRatio >= SHAPED_TO_RAW_TARGET ? "ok (>= 0.80)" : "BELOW 0.80");
                }
            }
        }
    }

    private static void printThroughputRow(
        final String scheme, final int recordBytes, final String ring, final RunResult result, final PrintStream out)
    {
        final BenchmarkParams params = result.getParams();
        final Result<?> primary = result.getPrimaryResult();
        final double perSec = opsPerSecond(primary.getScore(), params);
        final Statistics perCpuSec = opsPerCpuSecond(result);
        out.printf(Locale.ROOT, "%-6s %5d %-7s %-42s %5.2f %-32s %8.2f %9.2f%n",
            scheme,
            recordBytes,
            ring,
            String.format(Locale.ROOT, "%.3e +- %.1e [%.3e..%.3e]",
                perSec,
                opsPerSecond(primary.getScoreError(), params),
                opsPerSecond(primary.getStatistics().getMin(), params),
                opsPerSecond(primary.getStatistics().getMax(), params)),
            score(result.getSecondaryResults().get(WorkerCpuProfiler.LABEL)),
            String.format(Locale.ROOT, "%.3e [%.3e..%.3e]", perCpuSec.getMean(), perCpuSec.getMin(), perCpuSec.getMax()),
            perSec * recordBytes / 1e9,
            perCpuSec.getMean() * recordBytes / 1e9);
    }

    /** Per-iteration throughput divided by the worker threads' CPU utilization in that iteration. */
    private static Statistics opsPerCpuSecond(final RunResult result)
    {
        final ListStatistics statistics = new ListStatistics();
        for (final BenchmarkResult fork : result.getBenchmarkResults())
        {
            for (final IterationResult iteration : fork.getIterationResults())
            {
                final double utilization = score(iteration.getSecondaryResults().get(WorkerCpuProfiler.LABEL));
                statistics.addValue(opsPerSecond(iteration.getPrimaryResult().getScore(), result.getParams()) / utilization);
            }
        }
        return statistics;
    }

    /** A throughput score is ops per output time unit. */
    private static double opsPerSecond(final double opsPerUnit, final BenchmarkParams params)
    {
        return opsPerUnit * TimeUnit.SECONDS.toNanos(1) / params.getTimeUnit().toNanos(1);
    }

    private static void printVirtualTime(final RunResult result, final PrintStream out)
    {
        final BenchmarkParams params = result.getParams();
        final double secondsPerUnit = params.getTimeUnit().toNanos(1) / 1e9;
        final List<Double> speeds = new ArrayList<>();
        final List<Double> cpuSpeeds = new ArrayList<>();
        out.println();
        out.printf(Locale.ROOT, "Virtual time: %d simulated s of one c5.large flow at 10 Gbps, %d B timing-only records%n",
            VirtualTimeFlowBenchmark.SIMULATED_SECONDS, VirtualTimeFlow.RECORD_BYTES);
        out.printf(Locale.ROOT, "producer %s%n", params.getParam("producer"));
        out.printf(Locale.ROOT, "%-5s %-5s %10s %14s %10s %13s %12s %10s %12s%n",
            "fork", "iter", "wall ms", "sim-s/wall-s", "cpu ms", "sim-s/cpu-s", "records", "Gbps", "time jumps");
        int fork = 0;
        for (final BenchmarkResult forkResult : result.getBenchmarkResults())
        {
            fork++;
            int iteration = 0;
            for (final IterationResult iterationResult : forkResult.getIterationResults())
            {
                iteration++;
                final double wallSeconds = iterationResult.getPrimaryResult().getScore() * secondsPerUnit;
                final double speed = VirtualTimeFlowBenchmark.SIMULATED_SECONDS / wallSeconds;
                speeds.add(speed);
                final long records = (long)score(iterationResult, "recordsAdmitted");
                final double gbps = records * (double)VirtualTimeFlow.RECORD_BYTES * 8.0 /
                    VirtualTimeFlowBenchmark.SIMULATED_SECONDS / 1e9;
                final double cpuSeconds = score(iterationResult, "threadCpuNs") / 1e9;
                final double cpuSpeed = VirtualTimeFlowBenchmark.SIMULATED_SECONDS / cpuSeconds;
                cpuSpeeds.add(cpuSpeed);
                out.printf(Locale.ROOT, "%-5d %-5d %10.1f %14.1f %10.1f %13.1f %12d %10.4f %12d%n",
                    fork, iteration, wallSeconds * 1e3, speed, cpuSeconds * 1e3, cpuSpeed, records, gbps,
                    (long)score(iterationResult, "timeJumps"));
            }
        }
        if (speeds.isEmpty())
        {
            return;
        }
        final double[] sorted = speeds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        final double median = median(sorted);
        out.printf(Locale.ROOT, "median %.1f sim-s/wall-s over %d measured iterations (min %.1f, max %.1f): %s%n",
            median, sorted.length, sorted[0], sorted[sorted.length - 1],
            median >= SIM_SECONDS_PER_WALL_SECOND_TARGET ? "ok (>= 50)" : "BELOW 50");
        final double[] sortedCpu = cpuSpeeds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        out.printf(Locale.ROOT, "median %.1f sim-s/cpu-s (min %.1f, max %.1f)%n",
            median(sortedCpu), sortedCpu[0], sortedCpu[sortedCpu.length - 1]);
    }

    private static double score(final IterationResult iteration, final String label)
    {
        return score(iteration.getSecondaryResults().get(label));
    }

    /** JMH's secondary-result maps have raw {@link Result} values; take them as Object to stay lint-clean. */
    private static double score(final Object result)
    {
        return result == null ? Double.NaN : ((Result<?>)result).getScore();
    }

    static double median(final double[] sorted)
    {
        if (sorted.length == 0)
        {
            throw new IllegalArgumentException("median of no values");
        }
        final double[] values = Arrays.copyOf(sorted, sorted.length);
        Arrays.sort(values);
        final int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
