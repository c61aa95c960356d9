package io.nitrosim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/** The command line run in-process with captured output, and a small scenario, for the CLI tests. */
abstract class CliTestBase
{
    static final String SMALL = "name: small\nduration: 3s\nseed: 2\n"
        + "instances:\n  - {name: a, type: c5.large}\n  - {name: b, type: c5.large}\n"
        + "workloads:\n  - {name: bulk, kind: iperf, from: a, to: b, streams: 2}\n";

    @TempDir
    Path dir;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(final String... args)
    {
        return NitroSim.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    Path write(final String name, final String text) throws IOException
    {
        final Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
