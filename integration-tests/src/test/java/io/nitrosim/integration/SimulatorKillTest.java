package io.nitrosim.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.cli.NitroSim;
import io.nitrosim.ebs.nbd.NbdTestClient;
import io.nitrosim.ebs.storage.StorageServerMain;

/**
 * kill -9 of a whole real-time simulator whose volume is kept by a storage server process (issue 14's crash
 * suite): `nitro-sim run` of a scenario with {@code storage: {server, tokenFile}} and an NBD export runs as a child
 * process; the project's NBD client writes blocks through the export (every block written once, so an
 * acknowledged block has exactly one right content) and records each write the simulator acknowledged; the
 * simulator is killed at a seeded random moment with writes in flight, started again against the same server,
 * and every acknowledged block is read back through its export. Nothing acknowledged may be lost.
 */
@Tag("slow")
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class SimulatorKillTest
{
    private static final int ROUNDS = 4;
    private static final int BLOCK = 4096;
    private static final int DEPTH = 16;
    private static final long START_TIMEOUT_MS = 60_000;
    private static final Pattern NBD = Pattern.compile("listening: nbd://127\\.0\\.0\\.1:(\\d+)/data");

    @TempDir
    Path dir;

    private static List<String> java(final String mainClass, final String heap)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(System.getProperty("nitro.jvm.flags", "").trim().split("\\s+")));
        command.add(heap);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.removeIf(String::isEmpty);
        return command;
    }

    /** Waits (bounded) until the process's output (a file) matches {@code pattern}; returns group 1. */
    private static String await(final Process p, final Path output, final Pattern pattern) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (System.nanoTime() < deadline)
        {
            final String text = Files.exists(output) ? Files.readString(output) : "";
            final Matcher m = pattern.matcher(text);
            if (m.find())
            {
                return m.group(1);
            }
            assertTrue(p.isAlive(), "exited early: " + text);
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("never printed " + pattern + ": " + Files.readString(output));
    }

    /** Block {@code n}'s content: its number, then bytes from a generator seeded by it. */
    private static byte[] content(final long n)
    {
        final byte[] b = new byte[BLOCK];
        new SplittableRandom(n * 0x9E3779B97F4A7C15L).nextBytes(b);
        ByteBuffer.wrap(b).putLong(n);
        return b;
    }

    private Process simulator(final Path scenario, final int run) throws IOException
    {
        final List<String> command = java(NitroSim.class.getName(), "-Xmx512m");
        command.addAll(List.of("run", scenario.toString(), "--quiet", "--out", dir.resolve("out-" + run).toString()));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(dir.resolve("sim-" + run + ".txt").toFile()).start();
    }

    @Test
    void shouldLoseNoAcknowledgedWriteWhenTheSimulatorIsKilled() throws Exception
    {
        final Path data = dir.resolve("server");
        final List<String> serverCommand = java(StorageServerMain.class.getName(), "-Xmx256m");
        serverCommand.addAll(List.of("--dir", data.toString(), "--port", "0"));
        final Process server = new ProcessBuilder(serverCommand).redirectErrorStream(true)
            .redirectOutput(dir.resolve("server.txt").toFile()).start();
        final ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
        try
        {
            final int serverPort = Integer.parseInt(await(server, dir.resolve("server.txt"),
                Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)")));
            final Path scenario = dir.resolve("kill.yaml");
            Files.writeString(scenario, """
                name: simulator-kill
                duration: 1h
                clock: real
                payload: full
                instances:
                  - name: db
                    type: c5.large
                    volumes:
                      - {name: data, type: gp3, sizeGiB: 1, device: /dev/sdf}
                exports:
                  - {volume: data, port: 0}
                storage:
                  server: 127.0.0.1:%d
                  tokenFile: %s
                """.formatted(serverPort, data.resolve("access-token")));

            final SplittableRandom random = new SplittableRandom(14);
            final Map<Long, Long> acknowledged = new HashMap<>(); // block -> offset
            long nextBlock = 0;
            int verifiedBlocks = 0;
            final long start = System.nanoTime();
            for (int round = 0; round <= ROUNDS; round++)
            {
                final Process sim = simulator(scenario, round);
                try
                {
                    final int port = Integer.parseInt(await(sim, dir.resolve("sim-" + round + ".txt"), NBD));
                    final InetSocketAddress nbd = new InetSocketAddress("127.0.0.1", port);
                    // everything acknowledged before every earlier kill is there
                    try (NbdTestClient reader = NbdTestClient.open(nbd, "data"))
                    {
                        for (final Map.Entry<Long, Long> e : acknowledged.entrySet())
                        {
                            final NbdTestClient.Reply r = reader.read(e.getValue(), BLOCK);
                            assertEquals(0, r.error(), "READ of block " + e.getKey());
                            assertArrayEquals(content(e.getKey()), r.data(), "block " + e.getKey() + " after round "
                                + round + " was acknowledged and lost");
                        }
                        verifiedBlocks = acknowledged.size();
                    }
                    if (round == ROUNDS)
                    {
                        break;
                    }
                    // write fresh blocks, DEPTH in flight, until the simulator is killed at a random moment
                    final long killAfterMs = 300 + random.nextLong(1200);
                    killer.schedule(sim::destroyForcibly, killAfterMs, TimeUnit.MILLISECONDS); // SIGKILL
                    final ArrayDeque<long[]> inFlight = new ArrayDeque<>();
                    final Map<Long, long[]> byCookie = new HashMap<>();
                    int acked = 0;
                    try (NbdTestClient writer = NbdTestClient.open(nbd, "data"))
                    {
                        while (true)
                        {
                            while (inFlight.size() < DEPTH)
                            {
                                final long block = nextBlock++;
                                final long offset = block * BLOCK;
                                final long cookie = writer.send(0, 1, offset, BLOCK, content(block));
                                final long[] w = {block, offset};
                                inFlight.add(w);
                                byCookie.put(cookie, w);
                            }
                            final NbdTestClient.Reply r = writer.readReply(0);
                            final long[] w = byCookie.remove(r.cookie());
                            inFlight.remove(w);
                            if (r.error() == 0)
                            {
                                acknowledged.put(w[0], w[1]);
                                acked++;
                            }
                        }
                    }
                    catch (final IOException killed)
                    {
                        // the simulator died: what it acknowledged is recorded, what was in flight is unknown
                    }
                    assertTrue(sim.waitFor(30, TimeUnit.SECONDS), "killed");
                    System.out.printf("round %d: killed after %d ms, %d writes acknowledged (%d in total), %d in flight%n",
                        round, killAfterMs, acked, acknowledged.size(), inFlight.size());
                    assertTrue(acked > 0, "round " + round + " acknowledged writes before the kill");
                }
                finally
                {
                    sim.destroyForcibly();
                    sim.waitFor(30, TimeUnit.SECONDS);
                }
            }
            System.out.printf("simulator kill -9: %d rounds, %d blocks acknowledged, %d read back, lost 0 (%.1f s)%n",
                ROUNDS, acknowledged.size(), verifiedBlocks, (System.nanoTime() - start) / 1e9);
            assertEquals(acknowledged.size(), verifiedBlocks);
        }
        finally
        {
            killer.shutdownNow();
            server.destroyForcibly();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
