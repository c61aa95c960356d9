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
import java.util.List;
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
 * Kills a storage server process (kill -9) in the middle of a verified write workload, restarts it and checks
 * that every acknowledged write survived and that no block is torn or mixed.
 */
@Tag("slow")
class StorageServerCrashTest
{
    private static final VolumeId VOL = VolumeId.parse("vol-0c0ffee0000000001");
    private static final int BLOCK = 16 * 1024; // spans four pages: a torn block-file write is possible
    private static final int BLOCKS = 256;
    private static final int QUEUE_DEPTH = 32;
    private static final long TIMEOUT_MS = 20_000;

    @TempDir
    Path dir;

    /** Block content for (lba, generation): header (lba, generation) then pseudo-random bytes; 0 = never written. */
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
    void shouldKeepEveryAcknowledgedWriteAndNoTornBlockAcrossKillMinus9() throws Exception
    {
        final SplittableRandom random = new SplittableRandom(20171107);
        final long[] acked = new long[BLOCKS];
        final long[] inFlight = new long[BLOCKS];
        final long[] generation = new long[BLOCKS];
        final Path data = Files.createDirectories(dir.resolve("data"));

        Process server = startServer(data);
        long ackedWrites = 0;
        long lostInFlight = 0;
        try
        {
            try (RemoteStorageBackend client = RemoteStorageBackend.context(port(server))
                .maxIoBytes(BLOCK).maxInFlight(QUEUE_DEPTH + 1).connect())
            {
                final Completions setup = new Completions();
                assertTrue(client.submitCreateVolume(-1, VOL, (long)BLOCKS * BLOCK));
                setup.awaitCount(client, 1, TIMEOUT_MS);
                assertEquals(StorageStatus.OK, setup.received.get(0).status());

                final long killAfter = 1_500 + random.nextInt(1_000);
                final WriteTracker tracker = new WriteTracker(acked, inFlight);
                final UnsafeBuffer src = new UnsafeBuffer(new byte[BLOCK]);
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
                    // Keep the queue full (one write in flight per block at most)...
                    for (int attempt = 0; attempt < 2 * QUEUE_DEPTH && client.inFlight() < QUEUE_DEPTH; attempt++)
                    {
                        final int lba = random.nextInt(BLOCKS);
                        if (inFlight[lba] != 0)
                        {
                            continue;
                        }
                        final long gen = generation[lba] + 1;
                        src.putBytes(0, content(lba, gen));
                        if (!client.submitWrite(((long)lba << 32) | gen, VOL, (long)lba * BLOCK, src, 0, BLOCK))
                        {
                            break;
                        }
                        generation[lba] = gen;
                        inFlight[lba] = gen;
                    }
                    // ...so that the kill -9 lands with writes in flight.
                    if (tracker.acked >= killAfter)
                    {
                        server.destroyForcibly();
                        killed = true;
                        tracker.killed = true;
                    }
                }
                assertTrue(killed, "the workload reached the kill point: " + tracker.acked + " of " + killAfter
                    + " acknowledged, in flight " + client.inFlight() + ", server stderr: " + stderr());
                assertEquals(0, client.inFlight(), "every request completed (OK or DISCONNECTED)");
                ackedWrites = tracker.acked;
                lostInFlight = tracker.disconnected;
            }
            assertTrue(server.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS));

            server = startServer(data);
            try (RemoteStorageBackend client = RemoteStorageBackend.context(port(server))
                .maxIoBytes(BLOCK).maxInFlight(BLOCKS + 1).connect())
            {
                final Completions reads = new Completions();
                int next = 0;
                final long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000L;
                while (next < BLOCKS && System.nanoTime() < deadline)
                {
                    // The completion queue holds a bounded number of reads: submit as room frees up.
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

                int newerThanAck = 0;
                for (int lba = 0; lba < BLOCKS; lba++)
                {
                    final Completions.Completion read = reads.byId(lba);
                    assertEquals(StorageStatus.OK, read.status());
                    final long found = ByteBuffer.wrap(read.data()).getLong(8);
                    final boolean isAcked = found == acked[lba];
                    final boolean isUnackedInFlight = inFlight[lba] != 0 && found == inFlight[lba];
                    assertTrue(isAcked || isUnackedInFlight, "lba " + lba + " holds generation " + found
                        + "; acknowledged " + acked[lba] + ", unacknowledged in flight " + inFlight[lba]);
                    // The whole block equals that one write's content: not torn, not mixed.
                    assertArrayEquals(content(lba, found), read.data(), "lba " + lba + " generation " + found);
                    if (isUnackedInFlight && !isAcked)
                    {
                        newerThanAck++;
                    }
                }
                final UnsafeBuffer status = new UnsafeBuffer(reads.byId(BLOCKS).data());
                System.out.printf("crash test: %d acknowledged writes, %d in flight at kill -9 (%d of them applied),"
                    + " %d records replayed at restart%n", ackedWrites, lostInFlight, newerThanAck,
                    StorageProtocol.statusField(status, 0, StorageProtocol.STATUS_REPLAYED_RECORDS_OFFSET));
                assertEquals(0, StorageProtocol.statusField(status, 0, StorageProtocol.STATUS_REJECTED_RECORDS_OFFSET));
            }
        }
        finally
        {
            server.destroyForcibly();
            server.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Acknowledged and unacknowledged writes, by block. */
    private static final class WriteTracker implements StorageCompletionHandler
    {
        private final long[] ackedGen;
        private final long[] inFlightGen;
        long acked;
        long disconnected;
        boolean killed;

        WriteTracker(final long[] ackedGen, final long[] inFlightGen)
        {
            this.ackedGen = ackedGen;
            this.inFlightGen = inFlightGen;
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
            final int lba = (int)(requestId >>> 32);
            final long gen = requestId & 0xFFFF_FFFFL;
            if (status == StorageStatus.OK)
            {
                ackedGen[lba] = gen;
                inFlightGen[lba] = 0;
                acked++;
            }
            else
            {
                assertTrue(killed && status == StorageStatus.DISCONNECTED,
                    "write " + requestId + " failed with " + StorageStatus.name(status) + " (killed " + killed + ")");
                disconnected++; // stays recorded in inFlightGen: it may or may not have been applied
            }
        }
    }

    private String stderr() throws IOException
    {
        final Path file = dir.resolve("server-stderr.txt");
        return Files.exists(file) ? Files.readString(file) : "(none)";
    }

    private Process startServer(final Path data) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(System.getProperty("nitro.jvm.flags", "").trim().split("\\s+")));
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StorageServerMain.class.getName());
        command.addAll(List.of("--dir", data.toString(), "--port", "0", "--max-io-bytes", String.valueOf(BLOCK),
            "--checkpoint-every-records", "400"));
        command.removeIf(String::isEmpty);
        return new ProcessBuilder(command)
            .redirectError(dir.resolve("server-stderr.txt").toFile())
            .start();
    }

    /** Waits (bounded) for "listening on 127.0.0.1:PORT" and returns the port. */
    private static int port(final Process server) throws InterruptedException
    {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)))
            {
                for (String line = in.readLine(); line != null; line = in.readLine())
                {
                    lines.add(line);
                }
            }
            catch (final IOException ignore)
            {
                // the process went away
            }
        }, "storage-server-stdout");
        reader.setDaemon(true);
        reader.start();
        final String prefix = "listening on 127.0.0.1:";
        final long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000L;
        while (System.nanoTime() < deadline)
        {
            final String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null && line.startsWith(prefix))
            {
                return Integer.parseInt(line.substring(prefix.length()).trim());
            }
            if (line == null && !server.isAlive())
            {
                break;
            }
        }
        throw new AssertionError("storage server did not report its port (alive=" + server.isAlive() + ")");
    }
}
