package io.nitrosim.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioLoader;

/**
 * The demo without its expectations (two instances streaming 4 x 9001 B each way and writing 256 KiB blocks to a gp3 volume each) for its
 * first {@code simulated} seconds, in their burst (the busiest part), with {@code trace=off} and with
 * {@code trace=all} (every event kind of every function recorded to a Chronicle Queue). Wall time of the run
 * (building is not timed; the traced run's time includes writing the trace). {@link BenchmarkMain} prints both,
 * their ratio (target: at most 2) and the events recorded per wall second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class TraceOverheadBenchmark
{
    static final String DEMO_RESOURCE = "/io/nitrosim/simulator/demo.yaml";

    @Param({"off", "all"})
    public String trace;

    @Param({"5s"})
    public String simulated;

    private SimulationRun prepared;

    /** The demo scenario for {@code duration}, traced ({@code all}) or not ({@code off}). */
    static Scenario demo(final String duration, final String trace)
    {
        try (InputStream in = TraceOverheadBenchmark.class.getResourceAsStream(DEMO_RESOURCE))
        {
            final String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                .replaceFirst("(?m)^duration: .*$", "duration: " + duration)
                .replaceFirst("(?s)\nexpectations:.*$", "\n"); // they look past a shortened run's end
            final Scenario scenario = ScenarioLoader.parse("demo (" + duration + ")",
                new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), false);
            return "all".equals(trace)
                ? scenario.withTrace(new Scenario.Trace(TraceKind.ALL, List.of("all"), List.of())) : scenario;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Setup(Level.Iteration)
    public void prepare() throws IOException
    {
        prepared = SimulationRun.prepare(demo(simulated, trace));
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException
    {
        prepared.close();
    }

    @Benchmark
    public RunResults run(final TraceFigures figures)
    {
        final RunResults results = prepared.simulation().run(null);
        figures.events = prepared.simulation().tracedEvents();
        return results;
    }

    /** Events the run recorded (one run per iteration). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class TraceFigures
    {
        public long events;

        @Setup(Level.Iteration)
        public void reset()
        {
            events = 0;
        }
    }
}
