package io.nitrosim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.simulator.report.TimelineHtml;
import io.nitrosim.simulator.scenario.MessageText;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.trace.TraceDiff;
import io.nitrosim.simulator.trace.TraceMeta;
import io.nitrosim.simulator.trace.TraceReader;

/**
 * A run's trace options: {@code --trace DIR} (where the trace goes) and {@code --golden TRACE} (a stored trace the
 * run's must equal). Both are checked before the run. The run records into its work directory; the trace is
 * copied into place only when the run completes, so a stopped run leaves no partial trace.
 */
final class TraceOutput
{
    /** Where a scenario's trace section puts the trace when no {@code --trace} is given: {@code <out>/trace/}. */
    static final String OUT_SUBDIRECTORY = "trace/";

    private final Path directory;
    private final Path golden;
    private final TraceMeta goldenMeta;
    private final boolean replayable;

    private TraceOutput(final Path directory, final Path golden, final TraceMeta goldenMeta, final boolean replayable)
    {
        this.directory = directory;
        this.golden = golden;
        this.goldenMeta = goldenMeta;
        this.replayable = replayable;
    }

    static final TraceOutput NONE = new TraceOutput(null, null, null, false);

    static TraceOutput of(final Path directory, final Path golden)
    {
        return of(directory, golden, false);
    }

    /** Checks the options: a bad directory or golden trace is a {@link BadInputException} before anything runs. */
    static TraceOutput of(final Path directory, final Path golden, final boolean replayable)
    {
        if (replayable && directory == null)
        {
            throw new BadInputException("--replayable: records what 'trace replay' needs into a trace; give --trace DIR");
        }
        if (directory != null)
        {
            final String shown = "--trace " + MessageText.value(directory);
            if (Files.exists(directory) && !Files.isDirectory(directory))
            {
                throw new BadInputException(shown + ": exists and is not a directory; give a directory for the trace");
            }
            if (Files.isDirectory(directory) && !isEmpty(directory)
                && !Files.isRegularFile(directory.resolve(TraceMeta.FILE)))
            {
                throw new BadInputException(shown + ": exists, is not empty and holds no trace; give a new or empty "
                    + "directory (a previous trace there is replaced)");
            }
        }
        TraceMeta meta = null;
        if (golden != null)
        {
            try (TraceReader reader = TraceReader.open(golden))
            {
                meta = reader.meta();
            }
        }
        return new TraceOutput(directory, golden, meta, replayable);
    }

    private static boolean isEmpty(final Path dir)
    {
        try (Stream<Path> entries = Files.list(dir))
        {
            return entries.findAny().isEmpty();
        }
        catch (final IOException ex)
        {
            throw new BadInputException("--trace " + dir + ": cannot be read (" + ex.getMessage() + ")");
        }
    }

    /**
     * The scenario as run: with {@code --trace} or {@code --golden} and no trace section of its own, it records
     * the golden trace's kinds and functions, or every kind of every function; {@code --replayable} adds
     * {@code dma-data}.
     */
    Scenario apply(final Scenario scenario)
    {
        final Scenario traced = applyKinds(scenario);
        if (!replayable || traced.trace().events().contains(TraceKind.name(TraceKind.DMA_DATA)))
        {
            return traced;
        }
        final List<String> events = new ArrayList<>(traced.trace().events());
        events.add(TraceKind.name(TraceKind.DMA_DATA));
        return traced.withTrace(new Scenario.Trace(TraceKind.mask(events), events, traced.trace().functions()));
    }

    private Scenario applyKinds(final Scenario scenario)
    {
        if (scenario.trace().enabled() || (directory == null && golden == null))
        {
            return scenario;
        }
        if (goldenMeta != null)
        {
            final List<String> functions = new ArrayList<>();
            goldenMeta.functions().forEach(f -> functions.add(f.name()));
            final List<String> events = goldenMeta.events();
            return scenario.withTrace(new Scenario.Trace(TraceKind.mask(events), events, functions));
        }
        return scenario.withTrace(new Scenario.Trace(TraceKind.ALL, List.of("all"), List.of()));
    }

    /** Whether the trace goes into the results directory ({@value #OUT_SUBDIRECTORY}) rather than {@code --trace}. */
    boolean intoResults(final Scenario applied)
    {
        return applied.trace().enabled() && directory == null;
    }

    /** The output names of a run: the results, the timeline page of a traced run, and the trace directory when it goes there. */
    List<String> outputNames(final Scenario applied, final List<String> results)
    {
        final List<String> names = new ArrayList<>(results);
        if (applied.trace().enabled())
        {
            names.add(TimelineHtml.FILE); // the report's timeline of the traced events
        }
        if (intoResults(applied))
        {
            names.add(OUT_SUBDIRECTORY);
        }
        return names;
    }

    /** Copies the recorded trace to {@code --trace DIR} (replacing a previous trace there). @return where it is */
    Path install(final Path recorded) throws IOException
    {
        if (directory == null)
        {
            return null;
        }
        final Path parent = directory.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        final Path staging = Files.createTempDirectory(parent, ".nitro-sim-trace-");
        try
        {
            copy(recorded, staging);
            TempDirectories.deleteRecursively(directory);
            Files.move(staging, directory);
        }
        finally
        {
            TempDirectories.deleteRecursively(staging);
        }
        return directory;
    }

    /** Copies a trace directory's files (a trace has no subdirectories). */
    static void copy(final Path from, final Path to) throws IOException
    {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from))
        {
            for (final Path f : (Iterable<Path>)files::iterator)
            {
                if (Files.isRegularFile(f))
                {
                    Files.copy(f, to.resolve(f.getFileName().toString()));
                }
            }
        }
    }

    /**
     * Compares the run's trace with {@code --golden}, printing the first divergence.
     *
     * @return true when there is no golden trace or the traces are identical
     */
    boolean matchesGolden(final Path recorded, final PrintWriter console)
    {
        if (golden == null)
        {
            return true;
        }
        final TraceDiff.Result result;
        try (TraceReader expected = TraceReader.open(golden); TraceReader actual = TraceReader.open(recorded))
        {
            result = TraceDiff.diff(expected, actual, TraceDiff.DEFAULT_CONTEXT);
        }
        if (result.identical())
        {
            console.println("trace matches the golden trace " + golden + " (" + result.recordsA() + " records)");
        }
        else
        {
            console.println("trace differs from the golden trace " + golden + ":");
            result.lines("golden", "this run").forEach(console::println);
        }
        return result.identical();
    }
}
