package io.nitrosim.ebs.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.ebs.volume.VolumeId;

class StorageEngineTest
{
    private static final VolumeId VOL = VolumeId.parse("vol-0123456789abcdef0");
    private static final VolumeId OTHER = VolumeId.parse("vol-f00000000000000ff");
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    static byte[] block(final long lba, final long generation)
    {
        final byte[] bytes = new byte[BLOCK];
        long x = lba * 0x9E3779B97F4A7C15L + generation;
        for (int i = 0; i < BLOCK; i += 8)
        {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            ByteBuffer.wrap(bytes, i, 8).putLong(x);
        }
        return bytes;
    }

    private static byte[] read(final StorageEngine engine, final VolumeId volume, final long offset, final int length)
    {
        final ByteBuffer dst = ByteBuffer.allocateDirect(length);
        assertEquals(StorageStatus.OK, engine.read(volume, offset, dst));
        dst.flip();
        final byte[] bytes = new byte[length];
        dst.get(bytes);
        return bytes;
    }

    private static int write(final StorageEngine engine, final VolumeId volume, final long offset, final byte[] data)
    {
        final ByteBuffer src = ByteBuffer.allocateDirect(data.length);
        src.put(data).flip();
        return engine.write(volume, offset, src);
    }

    @Test
    void shouldReadBackWritesAndReadZerosElsewhere()
    {
        try (StorageEngine engine = StorageEngine.context(dir).open())
        {
            assertEquals(StorageStatus.OK, engine.createVolume(VOL, 1 << 20));
            assertEquals(StorageStatus.OK, write(engine, VOL, 3 * BLOCK, block(3, 1)));
            assertArrayEquals(block(3, 1), read(engine, VOL, 3 * BLOCK, BLOCK));
            assertArrayEquals(new byte[BLOCK], read(engine, VOL, 4 * BLOCK, BLOCK));
            assertEquals(2, engine.lastSequence());
        }
    }

    @Test
    void shouldRefuseBadRequestsWithStatusCodes()
    {
        try (StorageEngine engine = StorageEngine.context(dir).maxIoBytes(8192).open())
        {
            assertEquals(StorageStatus.OK, engine.createVolume(VOL, 65536));
            assertEquals(StorageStatus.OK, engine.createVolume(VOL, 65536));
            assertEquals(StorageStatus.VOLUME_SIZE_MISMATCH, engine.createVolume(VOL, 131072));
            assertEquals(StorageStatus.OUT_OF_RANGE, engine.createVolume(OTHER, 1000));
            assertEquals(StorageStatus.UNKNOWN_VOLUME, write(engine, OTHER, 0, block(0, 0)));
            assertEquals(StorageStatus.OUT_OF_RANGE, write(engine, VOL, 65536 - 100, block(0, 0)));
            assertEquals(StorageStatus.OUT_OF_RANGE, write(engine, VOL, -1, block(0, 0)));
            assertEquals(StorageStatus.TOO_LARGE, write(engine, VOL, 0, new byte[16384]));
            assertEquals(StorageStatus.UNKNOWN_VOLUME, engine.flush(OTHER));
            assertEquals(StorageStatus.OK, engine.flush(VOL));
            assertEquals(1, engine.lastSequence());
        }
    }

    @Test
    void shouldReplayJournalAfterCrashWithoutCheckpoint() throws Exception
    {
        final StorageEngine engine = StorageEngine.context(dir).open();
        engine.createVolume(VOL, 1 << 20);
        for (int lba = 0; lba < 10; lba++)
        {
            assertEquals(StorageStatus.OK, write(engine, VOL, (long)lba * BLOCK, block(lba, 7)));
        }
        engine.closeWithoutCheckpoint();
        // The crash also lost (or tore) the block-file writes: wipe them.
        try (RandomAccessFile file = new RandomAccessFile(
            dir.resolve("volumes").resolve(VOL + ".blk").toFile(), "rw"))
        {
            file.seek(0);
            file.write(new byte[10 * BLOCK]);
            file.seek(5L * BLOCK + 1000); // a torn write: half old, half new
            file.write(block(99, 99), 0, 2000);
        }

        try (StorageEngine reopened = StorageEngine.context(dir).open())
        {
            assertEquals(11, reopened.replayedRecords());
            assertEquals(0, reopened.rejectedRecords());
            assertEquals(11, reopened.lastSequence());
            for (int lba = 0; lba < 10; lba++)
            {
                assertArrayEquals(block(lba, 7), read(reopened, VOL, (long)lba * BLOCK, BLOCK), "lba " + lba);
            }
            assertEquals(StorageStatus.OK, write(reopened, VOL, 0, block(0, 8)));
            assertEquals(12, reopened.lastSequence());
        }
    }

    @Test
    void shouldReplayOnlyRecordsPastTheCheckpoint() throws Exception
    {
        final StorageEngine engine = StorageEngine.context(dir).open();
        engine.createVolume(VOL, 1 << 20);
        for (int lba = 0; lba < 5; lba++)
        {
            write(engine, VOL, (long)lba * BLOCK, block(lba, 1));
        }
        engine.checkpoint();
        write(engine, VOL, 0, block(0, 2));
        write(engine, VOL, BLOCK, block(1, 2));
        engine.closeWithoutCheckpoint();

        try (StorageEngine reopened = StorageEngine.context(dir).open())
        {
            assertEquals(2, reopened.replayedRecords());
            assertArrayEquals(block(0, 2), read(reopened, VOL, 0, BLOCK));
            assertArrayEquals(block(1, 2), read(reopened, VOL, BLOCK, BLOCK));
            assertArrayEquals(block(2, 1), read(reopened, VOL, 2 * BLOCK, BLOCK));
        }
        try (StorageEngine again = StorageEngine.context(dir).open())
        {
            assertEquals(0, again.replayedRecords()); // the replay was checkpointed
            assertArrayEquals(block(0, 2), read(again, VOL, 0, BLOCK));
        }
    }

    @Test
    void shouldCheckpointPeriodicallyAndDeleteCoveredJournalFiles() throws Exception
    {
        try (StorageEngine engine = StorageEngine.context(dir).checkpointEveryRecords(4).open())
        {
            engine.createVolume(VOL, 1 << 20);
            for (int i = 0; i < 40; i++)
            {
                write(engine, VOL, (long)(i % 16) * BLOCK, block(i % 16, i));
            }
            assertEquals(10, engine.checkpoints()); // 41 mutations, every 4th
            assertEquals(1, engine.recordsSinceCheckpoint());
            // Cycle 10 holds records 37..40 (covered by the last checkpoint), cycle 11 record 41; 1..9 are gone.
            assertEquals(2, engine.journalFileCount());
            assertEquals(9, engine.deletedJournalFiles());
        }
        try (StorageEngine reopened = StorageEngine.context(dir).open())
        {
            assertEquals(0, reopened.replayedRecords());
            for (int lba = 0; lba < 16; lba++)
            {
                assertArrayEquals(block(lba, 32 + lba < 40 ? 32 + lba : 16 + lba), read(reopened, VOL, lba * BLOCK, BLOCK));
            }
        }
    }

    @Test
    void shouldTrimToZerosDurably() throws Exception
    {
        final StorageEngine engine = StorageEngine.context(dir).open();
        engine.createVolume(VOL, 1 << 20);
        write(engine, VOL, 0, block(0, 1));
        write(engine, VOL, BLOCK, block(1, 1));
        engine.checkpoint();
        assertEquals(StorageStatus.OK, engine.trim(VOL, 0, BLOCK));
        assertArrayEquals(new byte[BLOCK], read(engine, VOL, 0, BLOCK));
        engine.closeWithoutCheckpoint();
        try (StorageEngine reopened = StorageEngine.context(dir).open())
        {
            assertEquals(1, reopened.replayedRecords());
            assertArrayEquals(new byte[BLOCK], read(reopened, VOL, 0, BLOCK));
            assertArrayEquals(block(1, 1), read(reopened, VOL, BLOCK, BLOCK));
        }
    }

    @Test
    void shouldRefuseBadConfigurationInOneLine()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> StorageEngine.context(dir).maxIoBytes(100).open());
        assertEquals("maximum I/O 100 B is out of range: accepted 512..67108864 B", ex.getMessage());
    }

    @Test
    void shouldRefuseAVolumeAboveTheMaximumSizeAndLeaveNothingBehind() throws Exception
    {
        try (StorageEngine engine = StorageEngine.context(dir).open())
        {
            assertEquals(StorageStatus.OUT_OF_RANGE, engine.createVolume(VOL, 1L << 50)); // 1 PiB > 64 TiB default
            assertEquals(0, engine.lastSequence());
            assertEquals(List.of(), volumeFiles());
        }
        try (StorageEngine reopened = StorageEngine.context(dir).open())
        {
            assertEquals(0, reopened.volumeCount());
            assertEquals(StorageStatus.OK, reopened.createVolume(VOL, 1 << 20)); // the id is still free
        }
    }

    @Test
    void shouldLeaveNothingBehindWhenTheBlockFileCannotBeMade() throws Exception
    {
        try (StorageEngine engine = StorageEngine.context(dir).open())
        {
            // A directory where the temporary block file goes: opening it as a file fails (as a size the file
            // system refuses would).
            Files.createDirectory(dir.resolve("volumes").resolve(VOL + ".blk.tmp"));
            assertEquals(StorageStatus.IO_ERROR, engine.createVolume(VOL, 1 << 20));
            assertEquals(0, engine.lastSequence(), "nothing journaled");
            assertEquals(0, engine.volumeCount());
            assertEquals(List.of(), volumeFiles());
            assertEquals(StorageStatus.OK, engine.createVolume(VOL, 1 << 20));
            assertEquals(1, engine.lastSequence());
        }
        try (StorageEngine reopened = StorageEngine.context(dir).open())
        {
            assertEquals(1 << 20, reopened.volumeSizeBytes(VOL));
        }
    }

    @Test
    void shouldSkipAnEmptyBlockFileAndLetItsIdBeCreatedAgain() throws Exception
    {
        final Path volumes = Files.createDirectories(dir.resolve("volumes"));
        Files.createFile(volumes.resolve(VOL + ".blk")); // what an older version left after a failed create
        Files.createFile(volumes.resolve(OTHER + ".blk.tmp")); // a create interrupted by a crash
        try (StorageEngine engine = StorageEngine.context(dir).open())
        {
            assertEquals(1, engine.skippedVolumeFiles());
            assertEquals(0, engine.volumeCount());
            assertEquals(List.of(VOL + ".blk"), volumeFiles());
            assertEquals(StorageStatus.OK, engine.createVolume(VOL, 1 << 20));
            assertEquals(1 << 20, Files.size(volumes.resolve(VOL + ".blk")));
        }
    }

    @Test
    void shouldRefuseVolumesBeyondTheMaximumCount()
    {
        try (StorageEngine engine = StorageEngine.context(dir).maxVolumes(2).open())
        {
            assertEquals(StorageStatus.OK, engine.createVolume(VOL, 65536));
            assertEquals(StorageStatus.OK, engine.createVolume(OTHER, 65536));
            assertEquals(StorageStatus.LIMIT_EXCEEDED, engine.createVolume(VolumeId.of(1, 1), 65536));
            assertEquals(StorageStatus.OK, engine.createVolume(VOL, 65536)); // an existing one is still fine
            assertEquals(2, engine.lastSequence());
        }
    }

    @Test
    void shouldKeepAtMostMaxOpenFilesOpenAndLoseNothing() throws Exception
    {
        final int volumes = 40;
        final StorageEngine engine = StorageEngine.context(dir).maxOpenFiles(4).open();
        for (int v = 0; v < volumes; v++)
        {
            assertEquals(StorageStatus.OK, engine.createVolume(VolumeId.of(0, v), 1 << 20));
            assertEquals(StorageStatus.OK, write(engine, VolumeId.of(0, v), BLOCK, block(v, 1)));
            assertTrue(engine.openFiles() <= 4, "open files " + engine.openFiles());
        }
        for (int v = 0; v < volumes; v++)
        {
            assertArrayEquals(block(v, 1), read(engine, VolumeId.of(0, v), BLOCK, BLOCK), "volume " + v);
        }
        assertEquals(4, engine.openFiles());
        engine.checkpoint();
        for (int v = 0; v < volumes; v += 3)
        {
            assertEquals(StorageStatus.OK, write(engine, VolumeId.of(0, v), 0, block(v, 2)));
        }
        engine.closeWithoutCheckpoint();
        try (StorageEngine reopened = StorageEngine.context(dir).maxOpenFiles(4).open())
        {
            assertEquals(volumes, reopened.volumeCount());
            for (int v = 0; v < volumes; v++)
            {
                assertArrayEquals(v % 3 == 0 ? block(v, 2) : new byte[BLOCK], read(reopened, VolumeId.of(0, v), 0, BLOCK));
                assertArrayEquals(block(v, 1), read(reopened, VolumeId.of(0, v), BLOCK, BLOCK));
            }
            assertEquals(4, reopened.openFiles());
        }
    }

    @Test
    void shouldRefuseBadLimitsInOneLine()
    {
        assertEquals("maximum volumes 0 is out of range: accepted 1..1000000", assertThrows(
            IllegalArgumentException.class, () -> StorageEngine.context(dir).maxVolumes(0).validate()).getMessage());
        assertEquals("maximum volume size 1000 B is out of range: accepted a multiple of 512 B in 512..1125899906842624 B",
            assertThrows(IllegalArgumentException.class,
                () -> StorageEngine.context(dir).maxVolumeSizeBytes(1000).validate()).getMessage());
        assertEquals("maximum open block files 0 is out of range: accepted 1..65536", assertThrows(
            IllegalArgumentException.class, () -> StorageEngine.context(dir).maxOpenFiles(0).validate()).getMessage());
    }

    @Test
    void shouldRejectADamagedJournalRecordAtReplay() throws Exception
    {
        final StorageEngine engine = StorageEngine.context(dir).open();
        engine.createVolume(VOL, 1 << 20);
        engine.checkpoint();
        write(engine, VOL, 0, block(0, 1));
        write(engine, VOL, BLOCK, block(1, 1));
        engine.closeWithoutCheckpoint();
        // Flip one data byte of the second write inside the journal's memory-mapped file.
        final byte[] needle = java.util.Arrays.copyOfRange(block(1, 1), 100, 132);
        int flipped = 0;
        try (var files = Files.list(dir.resolve("journal")))
        {
            for (final Path file : (Iterable<Path>)files.filter(f -> f.toString().endsWith(".cq4"))::iterator)
            {
                final byte[] bytes = Files.readAllBytes(file);
                final int at = indexOf(bytes, needle);
                if (at >= 0)
                {
                    bytes[at] ^= 1;
                    Files.write(file, bytes);
                    flipped++;
                }
            }
        }
        assertEquals(1, flipped);
        try (RandomAccessFile file = new RandomAccessFile(dir.resolve("volumes").resolve(VOL + ".blk").toFile(), "rw"))
        {
            file.setLength(0);
            file.setLength(1 << 20); // the crash lost the block-file writes
        }
        try (StorageEngine reopened = StorageEngine.context(dir).open())
        {
            assertEquals(1, reopened.replayedRecords());
            assertEquals(1, reopened.rejectedRecords());
            assertArrayEquals(block(0, 1), read(reopened, VOL, 0, BLOCK));
            assertArrayEquals(new byte[BLOCK], read(reopened, VOL, BLOCK, BLOCK), "never applied in part");
        }
    }

    private static int indexOf(final byte[] haystack, final byte[] needle)
    {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (haystack[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private List<String> volumeFiles() throws Exception
    {
        final Path volumes = dir.resolve("volumes");
        if (!Files.exists(volumes))
        {
            return List.of();
        }
        try (var files = Files.list(volumes))
        {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
