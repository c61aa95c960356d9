package io.nitrosim.ebs.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.ebs.volume.VolumeId;

/**
 * Kills a storage server process (kill -9) {@value #KILLS} times at seeded random points of a mixed write/trim
 * workload, and after every kill restarts it and checks every block: each holds what was last acknowledged, or
 * what a request in flight at the kill would have made it (never anything else, never a torn or mixed block).
 * <p>
 * The kill points rotate through three kinds: anywhere in the workload; right after the server reports the start
 * of a checkpoint (frequent checkpoints); and, after a workload kill with rare checkpoints, during the next start's
 * journal replay (a random time within the last replay's duration after "replay start"). Where each kill landed
 * is read back from the server's output ({@code --log-progress}: a "checkpoint start" without its "done", a
 * "replay start" without its "done") and printed.
 */
@Tag("slow")
class StorageServerCrashTest
{
    private static final VolumeId VOL = VolumeId.parse("vol-0c0ffee0000000001");
    private static final int BLOCK = 16 * 1024; // spans four pages: a torn block-file write is possible
    private static final int BLOCKS = 256;
    private static final int QUEUE_DEPTH = 32;
    private static final int KILLS = Integer.getInteger("crash.kills", 20);
    private static final long TIMEOUT_MS = 120_000; // generous: the machine may be shared and loaded

    private enum Kind
    {
        WORKLOAD, CHECKPOINT, REPLAY
    }

    @TempDir
    Path dir;

    private final long[] acked = new long[BLOCKS];      // generation last acknowledged (0 = zeros)
    private final long[] pending = new long[BLOCKS];    // what an unacknowledged request would leave
    private final boolean[] busy = new boolean[BLOCKS]; // a request in flight, or lost in a kill
    private long nextGeneration = 1;

    /** Block content for (lba, generation): header (lba, generation) then pseudo-random bytes; 0 = zeros. */
    static byte[] content(final int lba, final long generation)
    {
        final byte[] bytes = new byte[BLOCK];
        if (generation == 0)
        {
            return bytes;
        }
        final ByteBuffer b = ByteBuffer.wrap(bytes);
        b.putLong(0, lba).putLong(8, generation);
        long x = (lba + 1) * 0x9E3779B97F4A7C15L ^ generation * 0xC2B2AE3D27D4EB4FL;
        for (int i = 16; i < BLOCK; i += 8)
        {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b.putLong(i, x);
        }
        return bytes;
    }

    @Test
    void shouldKeepEveryAcknowledgedBlockAcrossKillsInWorkloadCheckpointAndReplay() throws Exception
    {
        final long startNs = System.nanoTime();
        final SplittableRandom random = new SplittableRandom(20171107);
        final Path data = Files.createDirectories(dir.resolve("data"));
        int kills = 0;
        int round = 0;
        int inCheckpoint = 0;
        int inReplay = 0;
        long totalAcked = 0;
        long totalLost = 0;
        long replayMs = 200;
        Server server = Server.start(data, dir, Kind.WORKLOAD);
        try
        {
            createVolume(server);
            while (kills < KILLS)
            {
                final Kind kind = Kind.values()[round % 3];
                // --- workload, then kill -9 at a random point (or just after a checkpoint begins)
                final Workload w = workload(server, random, kind);
                kills++;
                totalAcked += w.acked;
                totalLost += w.lost;
                final String where;
                if (kind == Kind.CHECKPOINT)
                {
                    final boolean landed = server.lastCheckpointUnfinished();
                    inCheckpoint += landed ? 1 : 0;
                    where = landed ? "inside a checkpoint" : "just after a checkpoint";
                }
                else
                {
                    where = "in the workload";
                }
                System.out.printf("kill %2d: %s after %d acknowledged (%d in flight)%n", kills, where, w.acked, w.lost);

                // --- a kill during the next start's replay
                if (kind == Kind.REPLAY && kills < KILLS)
                {
                    server = Server.start(data, dir, Kind.REPLAY);
                    server.await("replay start");
                    final long delayMs = random.nextLong(Math.max(1, replayMs));
                    Thread.sleep(delayMs);
                    server.kill();
                    kills++;
                    final boolean landed = !server.printed("replay done");
                    inReplay += landed ? 1 : 0;
                    System.out.printf("kill %2d: %s the start's replay (%d ms after it began)%n", kills,
                        landed ? "during" : "after", delayMs);
                }

                // --- restart (replays the journal) and check every block
                round++;
                server = Server.start(data, dir, Kind.values()[round % 3]);
                final long replayStartNs = server.await("replay start");
                final long replayDoneNs = server.await("replay done");
                server.await("recovered");
                replayMs = Math.max(10, TimeUnit.NANOSECONDS.toMillis(replayDoneNs - replayStartNs));
                System.out.println("restart: " + server.lines.get(server.lines.size() - 1));
                verify(server, kills);
            }
        }
        finally
        {
            server.kill();
        }
        System.out.printf("crash suite: %d kills (%d inside a checkpoint, %d during replay), %d acknowledged writes"
            + " and trims, %d in flight at kills, every block checked after every kill, %.1f s%n", kills, inCheckpoint,
            inReplay, totalAcked, totalLost, (System.nanoTime() - startNs) / 1e9);
        assertEquals(KILLS, kills);
        assertTrue(inCheckpoint + inReplay > 0, "at least one kill landed inside a checkpoint or a replay");
    }

    private void createVolume(final Server server) throws InterruptedException
    {
        try (RemoteStorageBackend client = server.client(2))
        {
            final Completions c = new Completions();
            assertTrue(client.submitCreateVolume(-1, VOL, (long)BLOCKS * BLOCK));
            c.awaitCount(client, 1, TIMEOUT_MS);
            assertEquals(StorageStatus.OK, c.received.get(0).status());
        }
    }

    private record Workload(long acked, long lost)
    {
    }

    /** Keeps QUEUE_DEPTH writes and trims in flight until the kill point, kills, and waits for every completion. */
    private Workload workload(final Server server, final SplittableRandom random, final Kind kind) throws Exception
    {
        final Map<Long, long[]> requests = new HashMap<>(); // id -> {firstLba, count, value}
        final Tracker tracker = new Tracker(requests);
        final long killAfter = 100 + random.nextInt(kind == Kind.REPLAY ? 1200 : 500);
        final UnsafeBuffer src = new UnsafeBuffer(new byte[BLOCK]);
        long nextId = 0;
        try (RemoteStorageBackend client = server.client(QUEUE_DEPTH + 1))
        {
            final long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000L;
            boolean killed = false;
            while (System.nanoTime() < deadline)
            {
                client.poll(tracker, 64);
                if (killed)
                {
                    if (client.inFlight() == 0)
                    {
                        break;
                    }
                    Thread.yield();
                    continue;
                }
                for (int attempt = 0; attempt < 2 * QUEUE_DEPTH && client.inFlight() < QUEUE_DEPTH; attempt++)
                {
                    final boolean trim = random.nextInt(5) == 0;
                    final int count = trim ? 1 + random.nextInt(16) : 1;
                    final int first = random.nextInt(BLOCKS - count + 1);
                    if (anyBusy(first, count))
                    {
                        continue;
                    }
                    final long id = nextId++;
                    final long value = trim ? 0 : nextGeneration++;
                    final boolean submitted;
                    if (trim)
                    {
                        submitted = client.submitTrim(id, VOL, (long)first * BLOCK, (long)count * BLOCK);
                    }
                    else
                    {
                        src.putBytes(0, content(first, value));
                        submitted = client.submitWrite(id, VOL, (long)first * BLOCK, src, 0, BLOCK);
                    }
                    if (!submitted)
                    {
                        break;
                    }
                    requests.put(id, new long[] {first, count, value});
                    for (int lba = first; lba < first + count; lba++)
                    {
                        busy[lba] = true;
                        pending[lba] = value;
                    }
                }
                final boolean killNow = kind == Kind.CHECKPOINT
                    ? tracker.acked >= killAfter / 4 && server.checkpointStarted()
                    : tracker.acked >= killAfter;
                if (killNow)
                {
                    if (kind == Kind.CHECKPOINT)
                    {
                        spinMicros(random.nextInt(3_000));
                    }
                    server.kill();
                    killed = true;
                    tracker.killed = true;
                }
            }
            assertTrue(killed, "the workload reached the kill point: " + tracker.acked + " acknowledged, server "
                + "output " + server.lines);
            assertEquals(0, client.inFlight(), "every request completed (OK or DISCONNECTED)");
        }
        return new Workload(tracker.acked, tracker.disconnected);
    }

    private boolean anyBusy(final int first, final int count)
    {
        for (int lba = first; lba < first + count; lba++)
        {
            if (busy[lba])
            {
                return true;
            }
        }
        return false;
    }

    private static void spinMicros(final long micros)
    {
        final long until = System.nanoTime() + micros * 1_000L;
        while (System.nanoTime() < until)
        {
            Thread.onSpinWait();
        }
    }

    /** Reads every block: acknowledged content or what a lost request would have left, nothing else. */
    private void verify(final Server server, final int kills) throws InterruptedException
    {
        try (RemoteStorageBackend client = server.client(BLOCKS + 1))
        {
            final Completions reads = new Completions();
            int next = 0;
            final long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000L;
            while (next < BLOCKS && System.nanoTime() < deadline)
            {
                if (client.submitRead(next, VOL, (long)next * BLOCK, BLOCK))
                {
                    next++;
                }
                else
                {
                    client.poll(reads, 64);
                }
            }
            assertTrue(client.submitStatus(BLOCKS));
            reads.awaitCount(client, BLOCKS + 1, TIMEOUT_MS);
            for (int lba = 0; lba < BLOCKS; lba++)
            {
                final Completions.Completion read = reads.byId(lba);
                assertEquals(StorageStatus.OK, read.status(), "after kill " + kills);
                final long found = ByteBuffer.wrap(read.data()).getLong(8);
                assertTrue(found == acked[lba] || busy[lba] && found == pending[lba], "after kill " + kills + ": lba "
                    + lba + " holds generation " + found + "; acknowledged " + acked[lba] + ", lost in flight "
                    + (busy[lba] ? pending[lba] : "none"));
                assertArrayEquals(content(lba, found), read.data(), "after kill " + kills + ": lba " + lba
                    + " generation " + found + " is whole");
                acked[lba] = found; // what the server now holds is acknowledged from here on
                busy[lba] = false;
            }
            final UnsafeBuffer status = new UnsafeBuffer(reads.byId(BLOCKS).data());
            assertEquals(0, StorageProtocol.statusField(status, 0, StorageProtocol.STATUS_REJECTED_RECORDS_OFFSET),
                "no damaged journal record after kill " + kills);
        }
    }

    /** Acknowledged writes and trims, by block. */
    private final class Tracker implements StorageCompletionHandler
    {
        private final Map<Long, long[]> requests;
        long acked;
        long disconnected;
        boolean killed;

        Tracker(final Map<Long, long[]> requests)
        {
            this.requests = requests;
        }

        @Override
        public void onCompletion(
            final long requestId,
            final int op,
            final int status,
            final long value,
            final DirectBuffer buffer,
            final int dataIndex,
            final int dataLength)
        {
            final long[] r = requests.remove(requestId);
            if (status == StorageStatus.OK)
            {
                for (int lba = (int)r[0]; lba < r[0] + r[1]; lba++)
                {
                    StorageServerCrashTest.this.acked[lba] = r[2];
                    busy[lba] = false;
                }
                acked++;
            }
            else
            {
                assertTrue(killed && status == StorageStatus.DISCONNECTED,
                    "request " + requestId + " failed with " + StorageStatus.name(status) + " (killed " + killed + ")");
                disconnected++; // its blocks stay busy: it may or may not have been applied, in part for a trim
            }
        }
    }

    /** A storage server process and its output lines (with arrival times). */
    private static final class Server
    {
        final Process process;
        final Path data;
        final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        final BlockingQueue<String> fresh = new LinkedBlockingQueue<>();
        final Thread reader;
        int port = -1;
        boolean checkpointSeen;

        private Server(final Process process, final Path data)
        {
            this.process = process;
            this.data = data;
            reader = new Thread(() ->
            {
                try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
                {
                    for (String line = in.readLine(); line != null; line = in.readLine())
                    {
                        lines.add(line);
                        fresh.add(System.nanoTime() + " " + line);
                    }
                }
                catch (final IOException ignore)
                {
                    // killed
                }
            }, "storage-server-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        static Server start(final Path data, final Path dir, final Kind kind) throws IOException
        {
            final List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(Arrays.asList(System.getProperty("nitro.jvm.flags", "").trim().split("\\s+")));
            command.add("-Xmx256m");
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(StorageServerMain.class.getName());
            command.addAll(List.of("--dir", data.toString(), "--port", "0", "--max-io-bytes", String.valueOf(BLOCK),
                "--trim-chunk-bytes", "64K", "--log-progress",
                "--checkpoint-every-records", kind == Kind.REPLAY ? "100000" : kind == Kind.CHECKPOINT ? "150" : "400",
                "--checkpoint-every-bytes", "1G"));
            command.removeIf(String::isEmpty);
            return new Server(new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("server-stderr.txt").toFile()))
                .start(), data);
        }

        /** Waits (bounded) for a line starting with {@code prefix}; returns its arrival time. */
        long await(final String prefix) throws InterruptedException
        {
            final long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000L;
            while (System.nanoTime() < deadline)
            {
                final String entry = fresh.poll(100, TimeUnit.MILLISECONDS);
                if (entry == null)
                {
                    if (!process.isAlive() && fresh.isEmpty())
                    {
                        break;
                    }
                    continue;
                }
                final int space = entry.indexOf(' ');
                final String line = entry.substring(space + 1);
                checkpointSeen |= line.startsWith("checkpoint start");
                if (line.startsWith("listening on 127.0.0.1:"))
                {
                    port = Integer.parseInt(line.substring("listening on 127.0.0.1:".length()).trim());
                }
                if (line.startsWith(prefix))
                {
                    return Long.parseLong(entry.substring(0, space));
                }
            }
            throw new AssertionError("storage server never printed \"" + prefix + "\" (alive " + process.isAlive()
                + ", output " + lines + ")");
        }

        /** Whether a checkpoint started since the workload began (non-blocking). */
        boolean checkpointStarted()
        {
            for (String entry = fresh.poll(); entry != null; entry = fresh.poll())
            {
                checkpointSeen |= entry.substring(entry.indexOf(' ') + 1).startsWith("checkpoint start");
            }
            return checkpointSeen;
        }

        RemoteStorageBackend client(final int maxInFlight) throws InterruptedException
        {
            if (port < 0)
            {
                await("listening on ");
            }
            checkpointSeen = false;
            fresh.clear();
            return RemoteStorageBackend.context(port).maxIoBytes(BLOCK).maxInFlight(maxInFlight)
                .accessTokenFrom(data).connectTimeoutMs((int)TIMEOUT_MS).connect();
        }

        void kill() throws InterruptedException
        {
            process.destroyForcibly(); // SIGKILL
            assertTrue(process.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            reader.join(TIMEOUT_MS);
        }

        boolean printed(final String prefix)
        {
            synchronized (lines)
            {
                return lines.stream().anyMatch(l -> l.startsWith(prefix));
            }
        }

        /** After a kill: whether the last checkpoint it printed a start for never printed its end. */
        boolean lastCheckpointUnfinished()
        {
            synchronized (lines)
            {
                for (int i = lines.size() - 1; i >= 0; i--)
                {
                    if (lines.get(i).startsWith("checkpoint done"))
                    {
                        return false;
                    }
                    if (lines.get(i).startsWith("checkpoint start"))
                    {
                        return true;
                    }
                }
                return false;
            }
        }
    }
}
