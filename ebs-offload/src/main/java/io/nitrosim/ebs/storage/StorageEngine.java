package io.nitrosim.ebs.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

import io.nitrosim.ebs.volume.VolumeId;

/**
 * The storage server's durable core: volumes in a {@link BlockStore} (sparse block files), every mutation first
 * appended to the write-ahead {@link Journal} (records in the {@link JournalRecord} layout), checkpoints and replay.
 * <p>
 * <b>Write path.</b> Every mutation (create, write, trim) is first appended to the journal; the call returns
 * (and the caller acknowledges) only after the append returned, and the block file is updated after the append.
 * An append lives in a memory-mapped file, so it survives the process being killed (kill -9) as soon as it
 * returns; with {@link Context#syncJournal(boolean)} each append is also msync'ed (power loss). A create makes
 * the full-size block file before journaling and moves it into place after, so a failed create leaves nothing.
 * <p>
 * <b>Checkpoint.</b> Every {@code checkpointEveryBytes} / {@code checkpointEveryRecords} (and on close): force
 * the block files, write the journal index of the last applied record to the {@link Checkpoint} file (temp +
 * rename), then roll the journal to a new cycle file and delete the files the checkpoint covers.
 * <p>
 * <b>Start.</b> Replays every record past the checkpoint into the block files, then checkpoints. Replay
 * rewrites whole records, so a block-file write torn by a crash is repaired; a write whose append did not
 * return was never acknowledged and may be lost, but cannot appear partly (Chronicle exposes complete
 * records only, and each record carries a CRC32C that replay checks).
 * <p>
 * <b>Limits.</b> At most {@code maxVolumes} volumes of at most {@code maxVolumeSizeBytes} each (refused with
 * {@link StorageStatus#LIMIT_EXCEEDED} / {@link StorageStatus#OUT_OF_RANGE} before anything is journaled), at most
 * {@code maxOpenFiles} block files open at a time.
 * <p>
 * Not thread-safe: one thread at a time (the server's I/O thread, or callers serialising on the engine).
 */
public final class StorageEngine implements AutoCloseable
{
    /** Logical sector: volume sizes are multiples of it. */
    public static final int SECTOR_BYTES = 512;
    /** The largest EBS volume (io2 Block Express, 64 TiB): the default volume size limit. */
    public static final long DEFAULT_MAX_VOLUME_SIZE_BYTES = 64L << 40;
    public static final int DEFAULT_MAX_VOLUMES = 1024;
    public static final int DEFAULT_MAX_OPEN_FILES = 256;
    /** Largest accepted {@code maxVolumes}. */
    public static final int MAX_VOLUMES_LIMIT = 1_000_000;
    /** Largest accepted {@code maxVolumeSizeBytes}: 1 PiB. */
    public static final long MAX_VOLUME_SIZE_LIMIT = 1L << 50;
    /** Largest accepted {@code maxOpenFiles}. */
    public static final int MAX_OPEN_FILES_LIMIT = 65_536;

    static
    {
        // Chronicle's usage analytics stay off even in a JVM started without the project's flags.
        if (System.getProperty("chronicle.analytics.disable") == null)
        {
            System.setProperty("chronicle.analytics.disable", "true");
        }
    }

    static final String VOLUMES_DIR = "volumes";
    static final String JOURNAL_DIR = "journal";

    /** Told when replay and checkpoints start and end (diagnostics and crash tests; on the engine's thread). */
    public interface ProgressListener
    {
        /** Replay of the records past {@code journalIndex} (start), or up to it (done). */
        default void onReplay(final boolean done, final long journalIndex)
        {
        }

        /** A checkpoint covering the journal up to {@code journalIndex} starts, or is done. */
        default void onCheckpoint(final boolean done, final long journalIndex)
        {
        }
    }

    private final Path dir;
    private final long checkpointEveryBytes;
    private final long checkpointEveryRecords;
    private final int maxIoBytes;
    private final long maxTrimBytes;
    private final int maxVolumes;
    private final long maxVolumeSizeBytes;
    private final ProgressListener listener;
    private final BlockStore blocks;
    private final Journal journal;
    private final JournalRecord record = new JournalRecord();
    private final ByteBuffer replayData;

    private long lastSequence;
    private long lastJournalIndex = -1;
    private long checkpointJournalIndex = -1;
    private long recordsSinceCheckpoint;
    private long bytesSinceCheckpoint;
    private long replayedRecords;
    private long rejectedRecords;
    private long checkpoints;
    private boolean closed;

    private StorageEngine(final Context ctx) throws IOException
    {
        this.dir = ctx.dir;
        this.checkpointEveryBytes = ctx.checkpointEveryBytes;
        this.checkpointEveryRecords = ctx.checkpointEveryRecords;
        this.maxIoBytes = ctx.maxIoBytes;
        this.maxTrimBytes = ctx.maxTrimBytes;
        this.maxVolumes = ctx.maxVolumes;
        this.maxVolumeSizeBytes = ctx.maxVolumeSizeBytes;
        this.listener = ctx.listener;
        this.replayData = ByteBuffer.allocateDirect(maxIoBytes);
        this.blocks = new BlockStore(dir.resolve(VOLUMES_DIR), ctx.maxOpenFiles);
        final Checkpoint checkpoint = Checkpoint.read(dir);
        checkpointJournalIndex = checkpoint.journalIndex();
        lastJournalIndex = checkpoint.journalIndex();
        lastSequence = checkpoint.sequence();
        Journal opened = null;
        try
        {
            opened = new Journal(dir.resolve(JOURNAL_DIR), checkpoint.nextCycle(), ctx.syncJournal,
                ctx.journalLockTimeoutMs);
            final Recovery recovery = new Recovery(blocks, lastSequence);
            listener.onReplay(false, checkpointJournalIndex);
            lastJournalIndex = opened.replay(checkpointJournalIndex, record, replayData, recovery);
            listener.onReplay(true, lastJournalIndex);
            lastSequence = recovery.lastSequence();
            replayedRecords = recovery.replayedRecords();
            rejectedRecords = recovery.rejectedRecords();
        }
        catch (final IOException | RuntimeException ex)
        {
            blocks.close();
            if (opened != null)
            {
                opened.close();
            }
            throw ex;
        }
        this.journal = opened;
        try
        {
            if (replayedRecords > 0)
            {
                checkpoint();
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            closeQuietly();
            throw ex;
        }
    }

    public static Context context(final Path dir)
    {
        return new Context(dir);
    }

    static boolean validVolumeSize(final long sizeBytes)
    {
        return sizeBytes >= SECTOR_BYTES && sizeBytes % SECTOR_BYTES == 0;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Operations: each returns a StorageStatus code.

    /**
     * Creates a volume, or checks that it exists with this size. OUT_OF_RANGE for a size that is not a positive
     * multiple of {@link #SECTOR_BYTES} or is above the maximum volume size, LIMIT_EXCEEDED at the maximum number
     * of volumes, IO_ERROR when the block file cannot be made (nothing is left behind then).
     */
    public int createVolume(final VolumeId volumeId, final long sizeBytes)
    {
        if (!validVolumeSize(sizeBytes) || sizeBytes > maxVolumeSizeBytes)
        {
            return StorageStatus.OUT_OF_RANGE;
        }
        final BlockStore.Volume existing = blocks.find(volumeId.high(), volumeId.low());
        if (existing != null)
        {
            return existing.sizeBytes == sizeBytes ? StorageStatus.OK : StorageStatus.VOLUME_SIZE_MISMATCH;
        }
        if (blocks.count() >= maxVolumes)
        {
            return StorageStatus.LIMIT_EXCEEDED;
        }
        final BlockStore.Volume prepared;
        try
        {
            prepared = blocks.prepare(volumeId, sizeBytes);
        }
        catch (final IOException | RuntimeException ex)
        {
            return StorageStatus.IO_ERROR;
        }
        try
        {
            append(StorageOp.CREATE, volumeId.high(), volumeId.low(), sizeBytes, 0, null);
        }
        catch (final RuntimeException ex)
        {
            try
            {
                blocks.discard(prepared);
            }
            catch (final IOException ignore)
            {
                // a leftover .tmp file is deleted at the next start
            }
            return StorageStatus.IO_ERROR;
        }
        try
        {
            blocks.commit(prepared);
            afterMutation(0);
            return StorageStatus.OK;
        }
        catch (final IOException | RuntimeException ex)
        {
            return StorageStatus.IO_ERROR; // journaled: replay completes the create at the next start
        }
    }

    /** Journals then applies {@code data.remaining()} bytes at {@code offsetBytes}; data's position is kept. */
    public int write(final int volHigh, final long volLow, final long offsetBytes, final ByteBuffer data)
    {
        final int length = data.remaining();
        final BlockStore.Volume volume = blocks.find(volHigh, volLow);
        final int status = check(volume, offsetBytes, length, maxIoBytes);
        if (status != StorageStatus.OK || length == 0)
        {
            return status;
        }
        try
        {
            append(StorageOp.WRITE, volHigh, volLow, offsetBytes, length, data);
            final int position = data.position();
            blocks.write(volume, offsetBytes, data);
            data.position(position);
            afterMutation(length);
            return StorageStatus.OK;
        }
        catch (final IOException | RuntimeException ex)
        {
            return StorageStatus.IO_ERROR;
        }
    }

    public int write(final VolumeId volumeId, final long offsetBytes, final ByteBuffer data)
    {
        return write(volumeId.high(), volumeId.low(), offsetBytes, data);
    }

    /** Reads {@code dst.remaining()} bytes at {@code offsetBytes} into dst (advancing its position). */
    public int read(final int volHigh, final long volLow, final long offsetBytes, final ByteBuffer dst)
    {
        final BlockStore.Volume volume = blocks.find(volHigh, volLow);
        final int status = check(volume, offsetBytes, dst.remaining(), maxIoBytes);
        if (status != StorageStatus.OK)
        {
            return status;
        }
        try
        {
            blocks.read(volume, offsetBytes, dst);
            return StorageStatus.OK;
        }
        catch (final IOException | RuntimeException ex)
        {
            return StorageStatus.IO_ERROR;
        }
    }

    public int read(final VolumeId volumeId, final long offsetBytes, final ByteBuffer dst)
    {
        return read(volumeId.high(), volumeId.low(), offsetBytes, dst);
    }

    /** Journals then zeroes a range (at most {@code maxTrimBytes}). */
    public int trim(final int volHigh, final long volLow, final long offsetBytes, final long lengthBytes)
    {
        final BlockStore.Volume volume = blocks.find(volHigh, volLow);
        final int status = check(volume, offsetBytes, lengthBytes, maxTrimBytes);
        if (status != StorageStatus.OK || lengthBytes == 0)
        {
            return status;
        }
        try
        {
            append(StorageOp.TRIM, volHigh, volLow, offsetBytes, lengthBytes, null);
            blocks.zero(volume, offsetBytes, lengthBytes);
            afterMutation(0);
            return StorageStatus.OK;
        }
        catch (final IOException | RuntimeException ex)
        {
            return StorageStatus.IO_ERROR;
        }
    }

    public int trim(final VolumeId volumeId, final long offsetBytes, final long lengthBytes)
    {
        return trim(volumeId.high(), volumeId.low(), offsetBytes, lengthBytes);
    }

    /**
     * The status {@link #trim} would return for this range, without doing it: lets a caller that trims a large
     * range in pieces refuse a bad one before applying any piece.
     */
    public int checkTrim(final int volHigh, final long volLow, final long offsetBytes, final long lengthBytes)
    {
        return check(blocks.find(volHigh, volLow), offsetBytes, lengthBytes, maxTrimBytes);
    }

    /** Acknowledged writes are already durable (journaled); flush only checks the volume exists. */
    public int flush(final int volHigh, final long volLow)
    {
        return blocks.find(volHigh, volLow) == null ? StorageStatus.UNKNOWN_VOLUME : StorageStatus.OK;
    }

    public int flush(final VolumeId volumeId)
    {
        return flush(volumeId.high(), volumeId.low());
    }

    private static int check(final BlockStore.Volume volume, final long offset, final long length, final long maxLength)
    {
        if (volume == null)
        {
            return StorageStatus.UNKNOWN_VOLUME;
        }
        if (length < 0 || length > maxLength)
        {
            return StorageStatus.TOO_LARGE;
        }
        if (offset < 0 || offset > volume.sizeBytes - length)
        {
            return StorageStatus.OUT_OF_RANGE;
        }
        return StorageStatus.OK;
    }

    private void append(
        final int type, final int volHigh, final long volLow, final long offset, final long length, final ByteBuffer data)
    {
        final long sequence = lastSequence + 1;
        record.set(type, volHigh, volLow, sequence, offset, length, data);
        lastJournalIndex = journal.append(record, data);
        lastSequence = sequence;
    }

    private void afterMutation(final long bytes) throws IOException
    {
        recordsSinceCheckpoint++;
        bytesSinceCheckpoint += bytes;
        if (recordsSinceCheckpoint >= checkpointEveryRecords || bytesSinceCheckpoint >= checkpointEveryBytes)
        {
            checkpoint();
        }
    }

    /**
     * Forces the block files, records the last applied journal index in the checkpoint file, rolls the journal to
     * a new cycle and deletes journal files the checkpoint covers. No-op when nothing changed since the last one.
     */
    public void checkpoint() throws IOException
    {
        if (lastJournalIndex == checkpointJournalIndex)
        {
            return;
        }
        listener.onCheckpoint(false, lastJournalIndex);
        blocks.forceAll();
        new Checkpoint(lastJournalIndex, lastSequence, journal.cycle() + 1).write(dir);
        checkpointJournalIndex = lastJournalIndex;
        recordsSinceCheckpoint = 0;
        bytesSinceCheckpoint = 0;
        checkpoints++;
        journal.roll();
        listener.onCheckpoint(true, lastJournalIndex);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Status

    public int maxIoBytes()
    {
        return maxIoBytes;
    }

    public int maxVolumes()
    {
        return maxVolumes;
    }

    public long maxVolumeSizeBytes()
    {
        return maxVolumeSizeBytes;
    }

    public int volumeCount()
    {
        return blocks.count();
    }

    /** Size of a volume in bytes, or -1 if unknown. */
    public long volumeSizeBytes(final VolumeId volumeId)
    {
        final BlockStore.Volume v = blocks.find(volumeId.high(), volumeId.low());
        return v == null ? -1 : v.sizeBytes;
    }

    /** Volume ids in order. */
    public List<VolumeId> volumeIds()
    {
        return blocks.ids();
    }

    /** Sequence number of the last journaled mutation. */
    public long lastSequence()
    {
        return lastSequence;
    }

    public long lastJournalIndex()
    {
        return lastJournalIndex;
    }

    public long checkpointJournalIndex()
    {
        return checkpointJournalIndex;
    }

    public long recordsSinceCheckpoint()
    {
        return recordsSinceCheckpoint;
    }

    /** Records replayed at start (those past the checkpoint). */
    public long replayedRecords()
    {
        return replayedRecords;
    }

    /** Records found damaged at replay and skipped. */
    public long rejectedRecords()
    {
        return rejectedRecords;
    }

    public long checkpoints()
    {
        return checkpoints;
    }

    public long deletedJournalFiles()
    {
        return journal.deletedFiles();
    }

    /** Journal cycle files currently on disk. */
    public int journalFileCount()
    {
        return journal.fileCount();
    }

    /** Block files open now (at most the configured maximum). */
    public int openFiles()
    {
        return blocks.openFiles();
    }

    /** Block files found at start that are not valid volumes (bad name, or a size that is no whole sector count). */
    public int skippedVolumeFiles()
    {
        return blocks.skippedFiles();
    }

    public Path dir()
    {
        return dir;
    }

    /** Checkpoints and closes. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        try
        {
            checkpoint();
        }
        catch (final IOException ex)
        {
            closeQuietly();
            throw new UncheckedIOException("checkpoint on close failed in " + dir, ex);
        }
        closeQuietly();
    }

    /**
     * Closes without a checkpoint, leaving the state a crash right after the last acknowledged write would
     * leave (the journal holds records past the checkpoint). For crash and replay tests.
     */
    public void closeWithoutCheckpoint()
    {
        closeQuietly();
    }

    private void closeQuietly()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        blocks.close();
        journal.close();
    }

    /** Engine configuration, validated in {@link #open()}. */
    public static final class Context
    {
        private final Path dir;
        private long checkpointEveryBytes = 64L * 1024 * 1024;
        private long checkpointEveryRecords = 65_536;
        private int maxIoBytes = 1024 * 1024;
        private long maxTrimBytes = 1L << 30;
        private boolean syncJournal;
        private long journalLockTimeoutMs = 2_000;
        private int maxVolumes = DEFAULT_MAX_VOLUMES;
        private long maxVolumeSizeBytes = DEFAULT_MAX_VOLUME_SIZE_BYTES;
        private int maxOpenFiles = DEFAULT_MAX_OPEN_FILES;
        private ProgressListener listener = new ProgressListener()
        {
        };

        private Context(final Path dir)
        {
            this.dir = dir;
        }

        /** Checkpoint after this many bytes written since the last one; default 64 MiB. */
        public Context checkpointEveryBytes(final long bytes)
        {
            this.checkpointEveryBytes = bytes;
            return this;
        }

        /** Checkpoint after this many journaled mutations since the last one; default 65536. */
        public Context checkpointEveryRecords(final long records)
        {
            this.checkpointEveryRecords = records;
            return this;
        }

        /** Largest read or write; default 1 MiB. */
        public Context maxIoBytes(final int bytes)
        {
            this.maxIoBytes = bytes;
            return this;
        }

        /** Largest trim; default 1 GiB. */
        public Context maxTrimBytes(final long bytes)
        {
            this.maxTrimBytes = bytes;
            return this;
        }

        /** msync every journal append (survives power loss, much slower); default off (survives kill -9). */
        public Context syncJournal(final boolean sync)
        {
            this.syncJournal = sync;
            return this;
        }

        /** How long to wait for a journal write lock left by a dead process before taking it over; default 2 s. */
        public Context journalLockTimeoutMs(final long ms)
        {
            this.journalLockTimeoutMs = ms;
            return this;
        }

        /** Volumes at most (a create beyond is LIMIT_EXCEEDED); default 1024. */
        public Context maxVolumes(final int maxVolumes)
        {
            this.maxVolumes = maxVolumes;
            return this;
        }

        /** Largest volume (a larger create is OUT_OF_RANGE); default 64 TiB. */
        public Context maxVolumeSizeBytes(final long bytes)
        {
            this.maxVolumeSizeBytes = bytes;
            return this;
        }

        /** Block files open at a time (least recently used closed first); default 256. */
        public Context maxOpenFiles(final int maxOpenFiles)
        {
            this.maxOpenFiles = maxOpenFiles;
            return this;
        }

        /** Told when replay and checkpoints start and end; default: nobody. */
        public Context progressListener(final ProgressListener listener)
        {
            this.listener = listener;
            return this;
        }

        /** Checks every setting (one-line messages naming the value and the accepted range); open() calls it. */
        public Context validate()
        {
            if (dir == null)
            {
                throw new IllegalArgumentException("storage directory is missing: accepted a writable directory path");
            }
            ConfigChecks.range("checkpoint interval", checkpointEveryBytes, 1, 1L << 40, " B");
            ConfigChecks.range("checkpoint interval", checkpointEveryRecords, 1, 1_000_000_000L, " records");
            ConfigChecks.range("maximum I/O", maxIoBytes, SECTOR_BYTES, 64 << 20, " B");
            ConfigChecks.range("maximum trim", maxTrimBytes, SECTOR_BYTES, 1L << 40, " B");
            ConfigChecks.range("journal lock timeout", journalLockTimeoutMs, 100, 60_000, " ms");
            checkLimits(maxVolumes, maxVolumeSizeBytes, maxOpenFiles);
            return this;
        }

        public StorageEngine open()
        {
            validate();
            try
            {
                return new StorageEngine(this);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot open storage in " + dir + ": " + ex.getMessage(), ex);
            }
        }
    }

    private static void checkLimits(final int maxVolumes, final long maxVolumeSizeBytes, final int maxOpenFiles)
    {
        ConfigChecks.range("maximum volumes", maxVolumes, 1, MAX_VOLUMES_LIMIT, "");
        if (maxVolumeSizeBytes < SECTOR_BYTES || maxVolumeSizeBytes > MAX_VOLUME_SIZE_LIMIT
            || maxVolumeSizeBytes % SECTOR_BYTES != 0)
        {
            throw new IllegalArgumentException("maximum volume size " + maxVolumeSizeBytes
                + " B is out of range: accepted a multiple of " + SECTOR_BYTES + " B in " + SECTOR_BYTES + ".."
                + MAX_VOLUME_SIZE_LIMIT + " B");
        }
        ConfigChecks.range("maximum open block files", maxOpenFiles, 1, MAX_OPEN_FILES_LIMIT, "");
    }
}
