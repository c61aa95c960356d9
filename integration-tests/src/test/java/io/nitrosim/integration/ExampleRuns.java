package io.nitrosim.integration;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.nitrosim.cli.NitroSim;

/**
 * Each shipped example run once per test JVM through the command line and shared by the tests that read its
 * outputs (the golden comparison, the report checks), so a long sweep is not run twice.
 */
final class ExampleRuns
{
    /** A finished run: its exit code, what it printed and where it wrote. */
    record Run(int exit, String console, Path out)
    {
    }

    private static final Map<Path, Run> RUNS = new HashMap<>();

    private ExampleRuns()
    {
    }

    /** Runs {@code file} (a scenario, or a sweep when it has a "parameters:" line) unless it already ran. */
    static synchronized Run of(final Path file)
    {
        return RUNS.computeIfAbsent(file.toAbsolutePath().normalize(), ExampleRuns::run);
    }

    private static Run run(final Path file)
    {
        try
        {
            final boolean sweep = Files.readString(file).lines().anyMatch(l -> l.startsWith("parameters:"));
            // Under target/, so 'mvn clean' removes it; one folder per example.
            final Path out = Path.of("target", "example-runs", file.getFileName().toString().replaceFirst("\\.[a-z]+$", ""));
            final StringWriter console = new StringWriter();
            final String[] args = sweep ? new String[] {"experiment", file.toString(), "--out", out.toString()}
                : new String[] {"run", file.toString(), "--out", out.toString(), "--quiet"};
            final int exit = NitroSim.execute(args, new PrintWriter(console, true), new PrintWriter(console, true));
            return new Run(exit, console.toString(), out);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
