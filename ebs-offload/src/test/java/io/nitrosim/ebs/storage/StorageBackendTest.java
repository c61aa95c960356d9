package io.nitrosim.ebs.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.ebs.volume.VolumeId;

class StorageBackendTest
{
    private static final VolumeId VOL = VolumeId.parse("vol-0123456789abcdef0");
    private static final VolumeId MISSING = VolumeId.parse("vol-1000000000000000f");
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    /** The same request sequence against either backend; returns the completions in arrival order. */
    private static Completions exercise(final StorageBackend backend)
    {
        final Completions completions = new Completions();
        final UnsafeBuffer src = new UnsafeBuffer(new byte[2 * BLOCK]);
        src.putBytes(0, StorageEngineTest.block(1, 1));
        src.putBytes(BLOCK, StorageEngineTest.block(2, 1));

        assertTrue(backend.submitCreateVolume(1, VOL, 1 << 20));
        assertTrue(backend.submitWrite(2, VOL, BLOCK, src, 0, 2 * BLOCK));
        assertTrue(backend.submitRead(3, VOL, BLOCK, 2 * BLOCK));
        assertTrue(backend.submitTrim(4, VOL, BLOCK, BLOCK));
        assertTrue(backend.submitRead(5, VOL, BLOCK, BLOCK));
        assertTrue(backend.submitFlush(6, VOL));
        assertTrue(backend.submitRead(7, MISSING, 0, BLOCK));
        assertTrue(backend.submitRead(8, VOL, (1 << 20) - 100, 512));
        assertTrue(backend.submitStatus(9));
        completions.awaitCount(backend, 9, 10_000);
        assertEquals(0, backend.inFlight());
        return completions;
    }

    private static void check(final Completions c)
    {
        for (int i = 0; i < 9; i++)
        {
            assertEquals(i + 1, c.received.get(i).requestId(), "completions arrive in submission order");
        }
        assertEquals(StorageStatus.OK, c.byId(1).status());
        assertEquals(1, c.byId(1).value());
        assertEquals(StorageStatus.OK, c.byId(2).status());
        assertEquals(2, c.byId(2).value());
        final byte[] both = new byte[2 * BLOCK];
        System.arraycopy(StorageEngineTest.block(1, 1), 0, both, 0, BLOCK);
        System.arraycopy(StorageEngineTest.block(2, 1), 0, both, BLOCK, BLOCK);
        assertEquals(StorageOp.READ, c.byId(3).op());
        assertArrayEquals(both, c.byId(3).data());
        assertEquals(StorageStatus.OK, c.byId(4).status());
        assertEquals(3, c.byId(4).value());
        assertArrayEquals(new byte[BLOCK], c.byId(5).data());
        assertEquals(StorageStatus.OK, c.byId(6).status());
        assertEquals(StorageStatus.UNKNOWN_VOLUME, c.byId(7).status());
        assertEquals(0, c.byId(7).data().length);
        assertEquals(StorageStatus.OUT_OF_RANGE, c.byId(8).status());
        final UnsafeBuffer status = new UnsafeBuffer(c.byId(9).data());
        assertEquals(StorageProtocol.STATUS_LENGTH, status.capacity());
        assertEquals(1, StorageProtocol.statusField(status, 0, StorageProtocol.STATUS_VOLUME_COUNT_OFFSET));
        assertEquals(3, StorageProtocol.statusField(status, 0, StorageProtocol.STATUS_LAST_SEQUENCE_OFFSET));
    }

    @Test
    void shouldServeRequestsThroughTheEmbeddedBackend()
    {
        try (EmbeddedStorageBackend backend =
            new EmbeddedStorageBackend(StorageEngine.context(dir).open(), true, 64))
        {
            check(exercise(backend));
        }
    }

    @Test
    void shouldJournalAndStoreWritesFromRecordsWithinDirectBuffers() throws Exception
    {
        // Two rings' buffers, one wrapped at an offset into its ByteBuffer, as a card's request records are: the
        // backend hands the engine views of them, alternating between the two.
        final UnsafeBuffer ringA = new UnsafeBuffer(ByteBuffer.allocateDirect(64 + 4 * BLOCK), 64, 4 * BLOCK);
        final UnsafeBuffer ringB = new UnsafeBuffer(ByteBuffer.allocateDirect(4 * BLOCK));
        final byte[] expected = new byte[4 * BLOCK];
        final StorageEngine engine = StorageEngine.context(dir).open();
        try (EmbeddedStorageBackend backend = new EmbeddedStorageBackend(engine, false, 64))
        {
            final Completions c = new Completions();
            assertTrue(backend.submitCreateVolume(1, VOL, 1 << 20));
            for (int i = 0; i < 4; i++)
            {
                final UnsafeBuffer ring = i % 2 == 0 ? ringA : ringB;
                ring.putBytes(i * BLOCK, StorageEngineTest.block(i, 1));
                assertTrue(backend.submitWrite(2 + i, VOL, (long)i * BLOCK, ring, i * BLOCK, BLOCK));
                ring.setMemory(0, 4 * BLOCK, (byte)0); // stored, not referenced
                System.arraycopy(StorageEngineTest.block(i, 1), 0, expected, i * BLOCK, BLOCK);
            }
            assertTrue(backend.submitRead(6, VOL, 0, 4 * BLOCK));
            c.awaitCount(backend, 6, 10_000);
            for (int i = 0; i < 4; i++)
            {
                assertEquals(StorageStatus.OK, c.byId(2 + i).status());
            }
            assertArrayEquals(expected, c.byId(6).data());
        }
        engine.closeWithoutCheckpoint();
        // Lose the block file's writes: the journal alone must hold the same bytes (each record's CRC covers them).
        try (RandomAccessFile file = new RandomAccessFile(
            dir.resolve("volumes").resolve(VOL + ".blk").toFile(), "rw"))
        {
            file.write(new byte[4 * BLOCK]);
        }
        try (StorageEngine reopened = StorageEngine.context(dir).open())
        {
            assertEquals(5, reopened.replayedRecords());
            assertEquals(0, reopened.rejectedRecords());
            final ByteBuffer back = ByteBuffer.allocate(4 * BLOCK);
            assertEquals(StorageStatus.OK, reopened.read(VOL.high(), VOL.low(), 0, back));
            assertArrayEquals(expected, back.array());
        }
    }

    @Test
    void shouldRoundTripRequestsOverNetty()
    {
        try (StorageEngine engine = StorageEngine.context(dir).open();
            StorageServer server = StorageServer.start(engine, "127.0.0.1", 0);
            RemoteStorageBackend client = RemoteStorageBackend.context(server.port()).accessTokenFrom(dir).connect())
        {
            check(exercise(client));
        }
    }

    @Test
    void shouldStreamMoreThanTheRingsHoldOverNetty()
    {
        final int block = 16 * 1024;
        final int writes = 1200; // ~19 MiB through 4 MiB request and completion rings: both wrap several times
        try (StorageEngine engine = StorageEngine.context(dir).open();
            StorageServer server = StorageServer.start(engine, "127.0.0.1", 0);
            RemoteStorageBackend client = RemoteStorageBackend.context(server.port()).maxIoBytes(block)
                .maxInFlight(32).accessTokenFrom(dir).connect())
        {
            final Completions c = new Completions();
            assertTrue(client.submitCreateVolume(-1, VOL, 64L * block));
            c.awaitCount(client, 1, 10_000);
            final UnsafeBuffer src = new UnsafeBuffer(new byte[block]);
            int submitted = 0;
            final long deadline = System.nanoTime() + 30_000_000_000L;
            while (submitted < writes && System.nanoTime() < deadline)
            {
                src.putInt(0, submitted);
                if (client.submitWrite(submitted, VOL, (long)(submitted % 64) * block, src, 0, block))
                {
                    submitted++;
                }
                else
                {
                    client.poll(c, 64);
                }
            }
            c.awaitCount(client, 1 + writes, 30_000);
            for (int i = 0; i < writes; i++)
            {
                assertEquals(StorageStatus.OK, c.byId(i).status());
                assertEquals(i + 2, c.byId(i).value()); // journal sequence: create was 1
            }
            assertTrue(client.submitRead(writes, VOL, 63L * block, block));
            c.awaitCount(client, 2 + writes, 10_000);
            assertEquals(1151, new UnsafeBuffer(c.byId(writes).data()).getInt(0)); // last i < 1200 with i % 64 == 63
        }
    }

    @Test
    void shouldRefuseSubmissionsBeyondMaxInFlightUntilPolled()
    {
        try (EmbeddedStorageBackend backend =
            new EmbeddedStorageBackend(StorageEngine.context(dir).open(), true, 2))
        {
            assertTrue(backend.submitCreateVolume(1, VOL, 1 << 20));
            assertTrue(backend.submitFlush(2, VOL));
            assertFalse(backend.submitFlush(3, VOL));
            final Completions c = new Completions();
            assertEquals(2, backend.poll(c, 10));
            assertTrue(backend.submitFlush(3, VOL));
            assertEquals(1, backend.poll(c, 10));
            assertEquals(StorageStatus.OK, c.byId(3).status());
        }
    }

    @Test
    void shouldCompleteInFlightRequestsAsDisconnectedWhenTheServerGoes()
    {
        final StorageEngine engine = StorageEngine.context(dir).open();
        final StorageServer server = StorageServer.start(engine, "127.0.0.1", 0);
        try (RemoteStorageBackend client = RemoteStorageBackend.context(server.port()).accessTokenFrom(dir).connect())
        {
            final Completions c = new Completions();
            assertTrue(client.submitCreateVolume(1, VOL, 1 << 20));
            c.awaitCount(client, 1, 10_000);
            server.close();
            engine.close();
            assertTrue(client.submitFlush(2, VOL));
            c.awaitCount(client, 2, 10_000);
            assertEquals(StorageStatus.DISCONNECTED, c.byId(2).status());
            assertEquals(0, client.inFlight());
        }
    }

    @Test
    void shouldRefuseIoLargerThanTheBackendMaximum()
    {
        try (EmbeddedStorageBackend backend =
            new EmbeddedStorageBackend(StorageEngine.context(dir).maxIoBytes(8192).open(), true, 4))
        {
            final IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> backend.submitRead(1, VOL, 0, 8193));
            assertEquals("I/O length 8193 B is out of range: accepted 0..8192 B (the backend's maximum I/O)",
                ex.getMessage());
        }
    }
}
