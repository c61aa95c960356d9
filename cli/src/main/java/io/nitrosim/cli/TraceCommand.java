package io.nitrosim.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.nitrosim.simulator.scenario.DurationParser;
import io.nitrosim.simulator.trace.PerfettoExport;
import io.nitrosim.simulator.trace.TraceDiff;
import io.nitrosim.simulator.trace.TraceFilter;
import io.nitrosim.simulator.trace.TraceReader;
import io.nitrosim.simulator.trace.TraceStats;
import io.nitrosim.simulator.trace.TraceText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nitro-sim trace dump|stats|export|diff|replay}: read (and replay) the traces that {@code run --trace DIR} records. */
@Command(name = "trace", mixinStandardHelpOptions = true,
    description = {"Read a device-level trace recorded by 'run --trace DIR' (or a scenario's trace section).",
        "Exit codes: 0 done (diff, replay: identical), 3 diff, replay: the traces differ, 2 bad input."},
    subcommands = {TraceCommand.Dump.class, TraceCommand.Stats.class, TraceCommand.Export.class,
        TraceCommand.Diff.class, TraceReplayCommand.class})
public final class TraceCommand implements Runnable
{
    @Spec
    CommandSpec spec;

    @Override
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code trace dump TRACE}: one line per record. */
    @Command(name = "dump", mixinStandardHelpOptions = true,
        description = "Print the trace's records as text: time (s), instance/function, queue, kind, arguments.")
    static final class Dump implements Callable<Integer>
    {
        @Parameters(index = "0", paramLabel = "TRACE", description = "A trace directory.")
        Path trace;

        @Mixin
        TraceFilterOptions filters;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "-1",
            description = "Print at most N records (default: all).")
        long limit;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call()
        {
            final PrintWriter out = spec.commandLine().getOut();
            try (TraceReader reader = TraceReader.open(trace))
            {
                final TraceFilter filter = filters.filter(reader.meta());
                long printed = 0;
                while ((limit < 0 || printed < limit) && reader.next())
                {
                    if (filter.matches(reader.record()))
                    {
                        out.println(TraceText.line(reader.meta(), reader.record()));
                        printed++;
                    }
                }
            }
            out.flush();
            return NitroSim.EXIT_OK;
        }
    }

    /** {@code trace stats TRACE}: counts and rates. */
    @Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Counts and rates (per simulated second) of the trace's records per kind and per queue.")
    static final class Stats implements Callable<Integer>
    {
        @Parameters(index = "0", paramLabel = "TRACE", description = "A trace directory.")
        Path trace;

        @Mixin
        TraceFilterOptions filters;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call()
        {
            final PrintWriter out = spec.commandLine().getOut();
            try (TraceReader reader = TraceReader.open(trace))
            {
                final TraceStats stats = TraceStats.of(reader, filters.filter(reader.meta()));
                out.printf(Locale.ROOT, "trace of '%s' (seed %d): %d records over %.6f simulated s%n",
                    reader.meta().scenario(), reader.meta().seed(), stats.total(), stats.spanSeconds());
                out.printf(Locale.ROOT, "%n%-48s %14s %16s%n", "kind", "records", "per second");
                stats.kinds().forEach(r -> out.printf(Locale.ROOT, "%-48s %14d %16.1f%n", r.what(), r.count(),
                    r.perSecond()));
                out.printf(Locale.ROOT, "%n%-48s %14s %16s%n", "instance/function queue kind", "records", "per second");
                stats.queues(reader.meta()).forEach(r -> out.printf(Locale.ROOT, "%-48s %14d %16.1f%n", r.what(),
                    r.count(), r.perSecond()));
                final List<TraceStats.CreditRow> credits = stats.credits(reader.meta());
                if (!credits.isEmpty())
                {
                    out.printf(Locale.ROOT, "%n%-48s %8s %10s %10s %10s%n", "credit balance", "samples", "first %",
                        "lowest %", "last %");
                    credits.forEach(c -> out.printf(Locale.ROOT, "%-48s %8d %10.4f %10.4f %10.4f%n", c.what(),
                        c.samples(), c.firstPct(), c.minPct(), c.lastPct()));
                }
            }
            out.flush();
            return NitroSim.EXIT_OK;
        }
    }

    /** {@code trace export TRACE --perfetto FILE}. */
    @Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write the trace in the Chrome JSON trace event format, which ui.perfetto.dev and",
            "chrome://tracing open: a track per function, queue and vCPU, slices for commands, counters."})
    static final class Export implements Callable<Integer>
    {
        @Parameters(index = "0", paramLabel = "TRACE", description = "A trace directory.")
        Path trace;

        @Option(names = "--perfetto", paramLabel = "FILE", required = true,
            description = "The JSON file to write (.json).")
        Path file;

        @Option(names = "--counter-window", paramLabel = "TIME", defaultValue = "1ms",
            description = "Window of the shaping counters (default: ${DEFAULT-VALUE}).")
        String counterWindow;

        @Mixin
        TraceFilterOptions filters;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException
        {
            final long windowNs = DurationParser.parseNs(counterWindow.trim());
            if (windowNs <= 0)
            {
                throw new BadInputException("--counter-window '" + counterWindow + "': not accepted; a positive "
                    + DurationParser.ACCEPTED.replace(" or 0", ""));
            }
            if (Files.isDirectory(file))
            {
                throw new BadInputException("--perfetto " + file + ": is a directory; give a file name (trace.json)");
            }
            try (TraceReader reader = TraceReader.open(trace))
            {
                final TraceFilter filter = filters.filter(reader.meta());
                final Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".perfetto-", ".json");
                final PerfettoExport.Summary summary;
                try
                {
                    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))
                    {
                        summary = PerfettoExport.write(reader, filter, windowNs, out);
                    }
                    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                finally
                {
                    Files.deleteIfExists(tmp);
                }
                spec.commandLine().getOut().printf(Locale.ROOT,
                    "wrote %s: %d records, %d command slices, %d processes, %d threads (open it in ui.perfetto.dev)%n",
                    file, summary.records(), summary.slices(), summary.processes(), summary.threads());
            }
            spec.commandLine().getOut().flush();
            return NitroSim.EXIT_OK;
        }
    }

    /** {@code trace diff A B}: exit 0 identical, 3 not. */
    @Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compare two traces record by record: the first divergence with the records around it, then",
            "the counts per kind that differ. Exit 0 when identical, 3 when not."})
    static final class Diff implements Callable<Integer>
    {
        @Parameters(index = "0", paramLabel = "A", description = "A trace directory (e.g. the golden one).")
        Path a;

        @Parameters(index = "1", paramLabel = "B", description = "Another trace directory.")
        Path b;

        @Option(names = "--context", paramLabel = "N", defaultValue = "5",
            description = "Records shown before and after the first divergence (default: ${DEFAULT-VALUE}).")
        int context;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call()
        {
            if (context < 0 || context > 1000)
            {
                throw new BadInputException("--context " + context + ": accepted 0..1000");
            }
            final TraceDiff.Result result;
            try (TraceReader readerA = TraceReader.open(a); TraceReader readerB = TraceReader.open(b))
            {
                result = TraceDiff.diff(readerA, readerB, context);
            }
            final PrintWriter out = spec.commandLine().getOut();
            result.lines(a.toString(), b.toString()).forEach(out::println);
            out.flush();
            return result.identical() ? NitroSim.EXIT_OK : NitroSim.EXIT_EXPECTATION_FAILED;
        }
    }
}
