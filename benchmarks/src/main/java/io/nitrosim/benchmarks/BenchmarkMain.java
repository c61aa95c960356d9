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
 * shaped/raw ratio per record size, and simulated seconds per wall second (median over iterations).
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
