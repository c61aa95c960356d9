package io.nitrosim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.hazelcast.core.HazelcastInstance;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.simulator.experiment.ClusterSettings;
import io.nitrosim.simulator.experiment.SweepCluster;

/**
 * Sweeps on worker processes: three {@code nitro-sim worker} JVMs on 127.0.0.1 (started with the project's JVM
 * flags) give the same results as the sweep run in one process, value for value; so they do when one worker is
 * killed with SIGKILL in the middle of the sweep (slow: a second sweep); a member or a coordinator with another
 * secret is refused.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterExperimentTest
{
    private static final String SECRET = "correct horse battery staple";
    private static final String SCENARIO = "name: small\nduration: 2s\nseed: 5\nsampleInterval: 250ms\n"
        + "overrides:\n  instanceTypes:\n    c5.large: {networkBurstSeconds: 1}\n"
        + "instances:\n  - {name: a, type: c5.large}\n  - {name: b, type: c5.xlarge}\n"
        + "workloads:\n  - {name: bulk, kind: iperf, from: a, to: b, streams: 2, frameBytes: 9001}\n";
    private static final String SWEEP = "name: cluster\nscenario: s.yaml\nparameters:\n"
        + "  instances[0].type: [c5.large, c5.xlarge]\n  workloads[0].streams: [1, 4]\n"
        + "expectations:\n  - metric: net-out-peak-held\n    instance: a\n"
        + "    min: \"0.99 * min(peak, flowLimit * ${workloads[0].streams})\"\n";
    private static final Pattern WORKER = Pattern.compile("worker (127\\.0\\.0\\.1:\\d+) of cluster");
    private static final Pattern FIRST_DONE = Pattern.compile(" on (127\\.0\\.0\\.1:\\d+) \\[1/4\\]");
    private static final long START_TIMEOUT_MS = 120_000;

    /** The worker the slow test killed (-1 if none): the last test asks one that is still running. */
    private static int killed = -1;

    @TempDir
    static Path dir;

    private static Path sweep;
    private static Path secretFile;
    private static Path local;
    private static final List<Process> workers = new ArrayList<>();
    private static final List<String> addresses = new ArrayList<>();

    @BeforeAll
    static void startWorkersAndRunTheSweepLocally() throws Exception
    {
        Files.writeString(dir.resolve("s.yaml"), SCENARIO);
        sweep = dir.resolve("sweep.yaml");
        Files.writeString(sweep, SWEEP);
        secretFile = dir.resolve("secret");
        Files.writeString(secretFile, SECRET + "\n");
        final int first = freePort();
        workers.add(startWorker(first, "127.0.0.1:" + first, 0));
        addresses.add(awaitAddress(0));
        for (int i = 1; i < 3; i++)
        {
            workers.add(startWorker(0, addresses.get(0), i));
        }
        local = dir.resolve("local");
        final StringWriter out = new StringWriter();
        assertEquals(0, NitroSim.execute(new String[] {"experiment", sweep.toString(), "--out", local.toString()},
            new PrintWriter(out, true), new PrintWriter(out, true)), out.toString());
        for (int i = 1; i < 3; i++)
        {
            addresses.add(awaitAddress(i));
        }
    }

    @AfterAll
    static void stopWorkers()
    {
        workers.forEach(Process::destroyForcibly);
    }

    @Test
    @Order(1)
    void shouldGiveOnThreeWorkerProcessesTheResultsOfALocalRun() throws Exception
    {
        final Path out = dir.resolve("three");
        final StringWriter console = new StringWriter();
        assertEquals(0, coordinate(out, SECRET, console, 60), console.toString());

        assertTrue(console.toString().contains("running on 3 worker(s) of cluster 'nitro-sim'"), console.toString());
        for (final String address : addresses)
        {
            assertTrue(console.toString().contains(" on " + address + " ["), address + " ran a point: " + console);
        }
        assertSameResults(local, out);
    }

    @Test
    @Order(2)
    @Tag("slow")
    void shouldRunAKilledWorkersPointsAgainElsewhereWithTheSameResults() throws Exception
    {
        final Path out = dir.resolve("killed");
        final StringWriter console = new StringWriter();
        final CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> coordinate(out, SECRET, console, 60));
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (!console.toString().contains("[1/4]") && !exit.isDone() && System.nanoTime() < deadline)
        {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertTrue(console.toString().contains("[1/4]"), "a first point finished: " + console);
        // The worker that finished first is the one with a free slot: the coordinator hands it the fourth point
        // at once, so killing it (and not a worker that may already be done) leaves a point unfinished.
        final Matcher first = FIRST_DONE.matcher(console.toString());
        assertTrue(first.find(), console.toString());
        killed = addresses.indexOf(first.group(1));
        assertTrue(killed >= 0, first.group(1) + " is one of " + addresses);
        TimeUnit.MILLISECONDS.sleep(200); // the hand-off of the fourth point, well inside its run of a second or more
        workers.get(killed).destroyForcibly(); // SIGKILL: no goodbye to the cluster
        assertEquals(0, exit.get(START_TIMEOUT_MS, TimeUnit.MILLISECONDS), console.toString());

        assertTrue(console.toString().contains("worker " + addresses.get(killed) + " left the cluster; its unfinished "
            + "points "), console.toString());
        assertTrue(console.toString().contains(" run again on the others"), console.toString());
        assertSameResults(local, out);
    }

    @Test
    @Order(3)
    void shouldRefuseAMemberOrACoordinatorWithAnotherSecret() throws Exception
    {
        final int alive = killed == 0 ? 1 : 0;
        final String good = addresses.get(alive);
        final ClusterSettings wrong = new ClusterSettings(List.of(good), "127.0.0.1", 0, false,
            ClusterSettings.DEFAULT_CLUSTER_NAME, "not the secret at all", 5);
        final HazelcastInstance intruder = SweepCluster.startWorker(wrong, 1, line -> { });
        final int intruderPort = intruder.getCluster().getLocalMember().getAddress().getPort();
        try
        {
            assertEquals(1, intruder.getCluster().getMembers().size(), "formed a cluster of its own");
        }
        finally
        {
            intruder.getLifecycleService().terminate();
        }
        final Path wrongSecret = dir.resolve("wrong-secret");
        Files.writeString(wrongSecret, "not the secret at all\n");
        final StringWriter console = new StringWriter();
        final StringWriter err = new StringWriter();
        assertEquals(2, NitroSim.execute(new String[] {"experiment", sweep.toString(), "--out",
            dir.resolve("refused").toString(), "--cluster", good, "--secret-file", wrongSecret.toString(),
            "--join-timeout", "3"}, new PrintWriter(console, true), new PrintWriter(err, true)));
        assertEquals("nitro-sim: no worker of cluster 'nitro-sim' answered at " + good + " within 3 s: are the "
            + "workers running, with the same cluster name and secret?", err.toString().trim());
        assertFalse(Files.exists(dir.resolve("refused")), "nothing was run or written");
        assertFalse(workerOutput(alive).contains("member joined: 127.0.0.1:" + intruderPort + " "), workerOutput(alive));
    }

    private static int coordinate(final Path out, final String secret, final StringWriter console, final int timeout)
    {
        final PrintWriter writer = new PrintWriter(console, true);
        return NitroSim.execute(new String[] {"experiment", sweep.toString(), "--out", out.toString(),
            "--cluster", String.join(",", addresses), "--secret", secret, "--join-timeout", String.valueOf(timeout)},
            writer, writer);
    }

    /** experiment.json and .csv and every point's results.json are equal, the wall-clock figures aside. */
    private static void assertSameResults(final Path expected, final Path actual) throws IOException
    {
        for (final String file : List.of("experiment.json", "experiment.csv"))
        {
            assertEquals(withoutWallClock(expected.resolve(file)), withoutWallClock(actual.resolve(file)), file);
        }
        try (Stream<Path> points = Files.list(expected.resolve("points")))
        {
            final List<Path> dirs = points.sorted().toList();
            assertEquals(4, dirs.size());
            for (final Path p : dirs)
            {
                final Path other = actual.resolve("points").resolve(p.getFileName());
                assertEquals(withoutWallClock(p.resolve("results.json")), withoutWallClock(other.resolve("results.json")),
                    p.toString());
                assertEquals(Files.readString(p.resolve("timeseries.csv")), Files.readString(other.resolve("timeseries.csv")));
            }
        }
    }

    private static String withoutWallClock(final Path file) throws IOException
    {
        final StringBuilder kept = new StringBuilder();
        for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
        {
            if (!line.trim().startsWith("\"wall"))
            {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }

    private static Process startWorker(final int port, final String members, final int n) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(System.getProperty("nitro.jvm.flags", "").trim().split("\\s+")));
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(NitroSim.class.getName());
        command.addAll(List.of("worker", "--cluster", members, "--port", String.valueOf(port), "--secret-file",
            secretFile.toString(), "--threads", "1"));
        command.removeIf(String::isEmpty);
        return new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(dir.resolve("worker-" + n + ".txt").toFile()).start();
    }

    private static String workerOutput(final int n) throws IOException
    {
        final Path file = dir.resolve("worker-" + n + ".txt");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    /** Waits (bounded) for the worker's "worker 127.0.0.1:PORT of cluster ..." line. */
    private static String awaitAddress(final int n) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (System.nanoTime() < deadline && workers.get(n).isAlive())
        {
            final Matcher m = WORKER.matcher(workerOutput(n));
            if (m.find())
            {
                return m.group(1);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("worker " + n + " did not start: " + workerOutput(n));
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return probe.getLocalPort();
        }
    }
}
