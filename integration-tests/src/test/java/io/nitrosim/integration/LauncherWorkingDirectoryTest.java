package io.nitrosim.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, "First use": the {@code ./nitro-sim} launcher run from another directory resolves every relative path
 * (a scenario, a sweep, {@code --out}, the default {@code nitro-sim-out/}, {@code --secret-file}) against that
 * directory, as the user's shell does, never against the checkout. Runs the launcher itself with
 * {@code NITRO_SIM_SKIP_BUILD=1} on the cli jar this build just packaged (so it never starts Maven).
 */
class LauncherWorkingDirectoryTest
{
    private static final Path REPO = locateRepository();
    private static final Path LAUNCHER = REPO.resolve("nitro-sim");
    private static final String SCENARIO = """
        name: %s
        duration: 200ms
        sampleInterval: 100ms
        instances:
          - {name: a, type: c5.large}
          - {name: b, type: c5.large}
        workloads:
          - {name: bulk, kind: iperf, from: a, to: b, streams: 1, frameBytes: 9001}
        """;

    @TempDir
    Path work;

    @BeforeAll
    static void launcherIsBuilt()
    {
        // The cli module's package phase writes both; a plain 'mvn test' does not get that far.
        assumeTrue(Files.isRegularFile(REPO.resolve("cli/target/classpath.txt"))
            && Files.isRegularFile(REPO.resolve("cli/target/cli-0.1.0-SNAPSHOT.jar")),
            "the cli jar is packaged (mvn verify)");
    }

    @Test
    @Timeout(120)
    void shouldResolveScenarioAndOutAgainstTheCallersDirectory() throws Exception
    {
        Files.writeString(work.resolve("rel.yaml"), SCENARIO.formatted("launcher-rel"));

        final Result explicitOut = launch("run", "rel.yaml", "--out", "relout", "--quiet");
        assertEquals(0, explicitOut.exit(), explicitOut.output());
        assertTrue(Files.isRegularFile(work.resolve("relout/results.json")), explicitOut.output());
        assertFalse(Files.exists(REPO.resolve("relout")), "nothing written into the checkout");
    }

    @Test
    @Timeout(120)
    void shouldWriteTheDefaultOutputDirectoryInTheCallersDirectory() throws Exception
    {
        final String name = "launcher-default-out-" + ProcessHandle.current().pid();
        Files.writeString(work.resolve("default.yaml"), SCENARIO.formatted(name));

        final Result run = launch("run", "default.yaml", "--quiet");
        assertEquals(0, run.exit(), run.output());
        assertTrue(Files.isRegularFile(work.resolve("nitro-sim-out").resolve(name).resolve("results.json")),
            run.output());
        assertFalse(Files.exists(REPO.resolve("nitro-sim-out").resolve(name)), "nothing written into the checkout");
    }

    @Test
    @Timeout(180)
    void shouldResolveASweepAndItsScenarioAgainstTheCallersDirectory() throws Exception
    {
        Files.createDirectories(work.resolve("sweeps"));
        Files.writeString(work.resolve("sweeps/base.yaml"), SCENARIO.formatted("launcher-sweep-base"));
        Files.writeString(work.resolve("sweeps/sweep.yaml"), """
            name: launcher-sweep
            scenario: base.yaml
            parameters:
              workloads[0].streams: [1]
            """);

        final Result sweep = launch("experiment", "sweeps/sweep.yaml", "--out", "sweep-out", "--threads", "1");
        assertEquals(0, sweep.exit(), sweep.output());
        assertTrue(Files.isRegularFile(work.resolve("sweep-out/experiment.csv")), sweep.output());
    }

    @Test
    @Timeout(120)
    void shouldServeARelativeScenarioAndReadARelativeSecretFile() throws Exception
    {
        // A real-time run on a busy machine may fall behind: that is not what this test is about.
        Files.writeString(work.resolve("serve.yaml"), SCENARIO.formatted("launcher-serve") + "allowedLag: unlimited\n");
        final Result serve = launch("serve", "serve.yaml", "--port", "0");
        assertEquals(0, serve.exit(), serve.output());
        assertTrue(serve.output().contains("scenario ended after"), serve.output());

        // A secret too short to use: refused for its length, which proves the relative file was read (before,
        // the launcher looked for it in the checkout: "cannot read it (...NoSuchFileException...)").
        Files.writeString(work.resolve("secret"), "short\n");
        final Result worker = launch("worker", "--cluster", "127.0.0.1:5701", "--secret-file", "secret");
        assertEquals(2, worker.exit(), worker.output());
        assertEquals("nitro-sim: the cluster secret must have at least 8 characters (--secret TEXT or --secret-file "
            + "FILE)", worker.output().strip());
    }

    /** The demo's scenario is built in: it runs from any directory and writes nitro-sim-out/demo there. */
    @Test
    @Tag("slow")
    @Timeout(600)
    void shouldRunTheDemoFromAnotherDirectory() throws Exception
    {
        final Result demo = launch("demo", "--quiet");
        assertEquals(0, demo.exit(), demo.output());
        assertTrue(Files.isRegularFile(work.resolve("nitro-sim-out/demo/report.html")), demo.output());
    }

    private record Result(int exit, String output)
    {
    }

    /** Runs the launcher in {@link #work} with this JVM's java first on the PATH. */
    private Result launch(final String... args) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
        final Path javaBin = Path.of(System.getProperty("java.home"), "bin");
        builder.environment().put("PATH", javaBin + java.io.File.pathSeparator + System.getenv("PATH"));
        builder.environment().put("NITRO_SIM_SKIP_BUILD", "1");
        builder.environment().remove("NITRO_SIM_JAVA_OPTS");
        final Process process = builder.start();
        process.getOutputStream().close();
        final byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the launcher ended");
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static Path locateRepository()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("nitro-sim")))
        {
            dir = dir.getParent();
        }
        if (dir == null)
        {
            throw new IllegalStateException("cannot find the repository root (a folder with the nitro-sim launcher) "
                + "above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
