package io.nitrosim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.nitrosim.simulator.report.RunReport;

/** Issue 14, "CLI": bad --out refused before the run, atomic outputs, no temporary files left, one-line errors. */
class CliRobustnessTest extends CliTestBase
{
    @Test
    @Timeout(20)
    void shouldRefuseABadOutBeforeRunningAnything() throws Exception
    {
        final Path file = write("README.md", "not a directory");
        assertEquals(2, run("demo", "--out", file.toString()));
        assertEquals("nitro-sim: --out " + file + ": exists and is not a directory; give a directory for the results",
            err.toString().trim());
        assertEquals("", out.toString(), "nothing ran");

        err.getBuffer().setLength(0);
        assertEquals(2, run("demo", "--out", ""));
        assertEquals("nitro-sim: --out '': empty; give a directory for the results", err.toString().trim());

        err.getBuffer().setLength(0);
        final Path under = file.resolve("results");
        assertEquals(2, run("run", write("s.yaml", SMALL).toString(), "--out", under.toString()));
        assertTrue(err.toString().startsWith("nitro-sim: --out " + under + ": cannot create the directory ("),
            err.toString());

        err.getBuffer().setLength(0);
        final Path outDir = dir.resolve("out");
        Files.createDirectories(outDir.resolve(RunReport.TIMESERIES_CSV));
        assertEquals(2, run("run", dir.resolve("s.yaml").toString(), "--out", outDir.toString()));
        assertEquals("nitro-sim: --out " + outDir + ": timeseries.csv exists and is not a regular file; it would not be "
            + "replaced by the results", err.toString().trim());
        assertFalse(Files.exists(outDir.resolve(RunReport.RESULTS_JSON)), "no half-done result");
        assertEquals("", out.toString(), "nothing ran");
    }

    @Test
    void shouldLeaveNoHalfWrittenOutputWhenAWriteFails() throws Exception
    {
        final Path outDir = dir.resolve("out");
        Files.createDirectories(outDir);
        Files.writeString(outDir.resolve(RunReport.RESULTS_JSON), "previous");
        final OutputDirectory outputs = OutputDirectory.prepare(outDir, ScenarioRunner.OUTPUT_FILES);
        final IOException failure = assertThrows(IOException.class, () -> outputs.write(staging ->
        {
            Files.writeString(staging.resolve(RunReport.RESULTS_JSON), "{\"half\":");
            throw new IOException("disk full");
        }));
        assertEquals("disk full", failure.getMessage());
        assertEquals("previous", Files.readString(outDir.resolve(RunReport.RESULTS_JSON)));
        try (Stream<Path> files = Files.list(outDir))
        {
            assertEquals(List.of(outDir.resolve(RunReport.RESULTS_JSON)), files.toList(), "no staging left");
        }
    }

    @Test
    void shouldWriteOutputsAndRemoveItsTemporaryDirectories() throws Exception
    {
        final Path outDir = dir.resolve("out");
        assertEquals(0, run("run", write("s.yaml", SMALL).toString(), "--out", outDir.toString(), "--quiet"),
            err.toString());
        try (Stream<Path> files = Files.list(outDir))
        {
            assertEquals(List.of("report.html", "results.json", "timeseries.csv"),
                files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(List.of(), TempDirectories.live(), "every temporary directory was removed");
    }

    @Test
    void shouldReportAnInternalErrorOnOneLineWithTheLogOfItsTrace() throws Exception
    {
        final StringWriter console = new StringWriter();
        assertEquals(1, NitroSim.internalError(new OutOfMemoryError("Java heap space"), new PrintWriter(console)));
        final List<String> lines = console.toString().lines().toList();
        assertEquals(1, lines.size(), console.toString());
        assertTrue(lines.get(0).startsWith("nitro-sim: out of memory (Java heap space) with a heap limit of "),
            lines.get(0));
        final Path log = Path.of(lines.get(0).substring(lines.get(0).indexOf("the details are in ") + 19));
        assertTrue(Files.readString(log).contains("at io.nitrosim.cli.CliRobustnessTest"), Files.readString(log));
        Files.delete(log);
    }

    @Test
    void shouldNameThePortServeCannotListenOn() throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            final int port = taken.getLocalPort();
            assertEquals(2, run("serve", write("s.yaml", SMALL).toString(), "--port", String.valueOf(port)));
            final String message = err.toString().trim();
            assertTrue(message.startsWith("nitro-sim: --port " + port + ": cannot listen on 127.0.0.1:" + port + " ("),
                message);
            assertTrue(message.endsWith("); choose another port, or 0 for a free one"), message);
            assertEquals(1, message.lines().count());
        }
        assertEquals(List.of(), TempDirectories.live());
    }

    @Test
    @Tag("slow") // two child JVMs, each building a full-payload simulation
    @Timeout(300)
    void shouldRemoveTemporaryFilesWhenStoppedBySigterm() throws Exception
    {
        for (final String command : List.of("run", "serve", "up"))
        {
            final Path tmp = Files.createDirectories(dir.resolve("tmp-" + command));
            final Path scenario = write("long.yaml", SMALL.replace("duration: 3s", "duration: 600s")
                .replace("instances:", "payload: full\ninstances:").replace("streams: 2}", "streams: 2}\n"
                    + "  - {name: w, kind: fio, volume: v, rw: randwrite, bs: 64k, iodepth: 8}")
                .replace("{name: a, type: c5.large}", "{name: a, type: c5.large, volumes: [{name: v, sizeGiB: 8}]}"));
            final List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
            cmd.addAll(List.of(System.getProperty("nitro.jvm.flags", "").trim().split("\\s+")));
            cmd.addAll(List.of("-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                NitroSim.class.getName(), command));
            cmd.addAll(switch (command)
            {
                case "run" -> List.of(scenario.toString(), "--out", dir.resolve("out").toString());
                case "serve" -> List.of(scenario.toString(), "--port", "0");
                default -> List.of("--port", "0", "--metrics-port", "0"); // up: the region's volumes go to tmp
            });
            final Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            final BufferedReader console = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
            final String expected = switch (command)
            {
                case "run" -> "simulated";
                case "serve" -> "serving http://127.0.0.1:";
                default -> "stop with Ctrl-C";
            };
            String line;
            final StringBuilder seen = new StringBuilder();
            while ((line = console.readLine()) != null && !line.contains(expected))
            {
                seen.append(line).append('\n');
            }
            assertTrue(line != null, command + " started: " + seen);
            assertTrue(hasFiles(tmp), command + " has its work files while it runs");
            process.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its output)
            final StringBuilder rest = new StringBuilder();
            while ((line = console.readLine()) != null)
            {
                rest.append(line).append('\n');
            }
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), command + " stopped");
            assertEquals(143, process.exitValue(), rest.toString()); // 128 + SIGTERM, set by the JVM
            try (Stream<Path> left = Files.list(tmp))
            {
                assertEquals(List.of(), left.toList(), command + " left temporary files: " + rest);
            }
            assertFalse(Files.exists(dir.resolve("out").resolve(RunReport.RESULTS_JSON)), "nothing written");
        }
    }

    private static boolean hasFiles(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.findAny().isPresent();
        }
    }
}
