package io.nitrosim.ebs.storage;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.zip.CRC32C;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import io.nitrosim.ebs.volume.VolumeId;

/**
 * The storage server's durable core (DESIGN.md section 8): volumes as sparse block files, a write-ahead journal
 * in Chronicle Queue, checkpoints and replay.
 * <p>
 * <b>Write path.</b> Every mutation (create, write, trim) is first appended to the journal; the call returns
 * (and the caller acknowledges) only after the append returned, and the block file is updated after the append.
 * An append lives in a memory-mapped file, so it survives the process being killed (kill -9) as soon as it
 * returns; with {@link Context#syncJournal(boolean)} each append is also msync'ed (power loss).
 * <p>
 * <b>Checkpoint.</b> Every {@code checkpointEveryBytes} / {@code checkpointEveryRecords} (and on close): force
 * the block files, then write the journal index of the last applied record to the checkpoint file (temp +
 * rename), then roll the journal to a new cycle file and delete the files of older cycles, which the checkpoint
 * covers.
 * The journal's clock is logical ({@link JournalClock}): one cycle per checkpoint, no wall-clock time.
 * <p>
 * <b>Start.</b> Replays every record past the checkpoint into the block files, then checkpoints. Replay
 * rewrites whole records, so a block-file write torn by a crash is repaired; a write whose append did not
 * return was never acknowledged and may be lost, but cannot appear partly (Chronicle exposes complete
 * records only, and each record carries a CRC32C that replay checks).
 * <p>
 * Journal record (after Chronicle's own header), little-endian:
 * <pre>
 *   0  type      u8   1 CREATE, 3 WRITE, 5 TRIM (the {@link StorageOp} codes)
 *   1  reserved  3 B
 *   4  volHigh   i32  first hex digit of the volume id
 *   8  volLow    i64  last 16 hex digits of the volume id
 *  16  sequence  i64  monotonic per engine, survives restarts
 *  24  offset    i64  byte offset (CREATE: volume size in bytes)
 *  32  length    i64  bytes written or trimmed (0 for CREATE)
 *  40  crc       i32  CRC32C of bytes 0..39 and the data
 *  44  reserved  i32
 *  48  data      length bytes (WRITE only)
 * </pre>
 * Not thread-safe: one thread at a time (the server's event loop, or callers serialising on the engine).
 */
public final class StorageEngine implements AutoCloseable
{
    public static final int TYPE_OFFSET = 0;
    public static final int VOL_HIGH_OFFSET = 4;
    public static final int VOL_LOW_OFFSET = 8;
    public static final int SEQUENCE_OFFSET = 16;
    public static final int OFFSET_OFFSET = 24;
    public static final int LENGTH_OFFSET = 32;
    public static final int CRC_OFFSET = 40;
    public static final int RECORD_HEADER_LENGTH = 48;
    /** Logical sector: volume sizes are multiples of it. */
    public static final int SECTOR_BYTES = 512;

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
    static final String BLOCK_FILE_SUFFIX = ".blk";
    /** One journal file per cycle; the clock moves one cycle (one "day") per checkpoint. */
    private static final RollCycle ROLL_CYCLE = RollCycles.FAST_DAILY;
    private static final String JOURNAL_FILE_SUFFIX = ".cq4";
    private static final DateTimeFormatter CYCLE_FILE_NAME = DateTimeFormatter.ofPattern(ROLL_CYCLE.format());

    private final Path dir;
    private final Path volumesDir;
    private final Path journalDir;
    private final long checkpointEveryBytes;
    private final long checkpointEveryRecords;
    private final int maxIoBytes;
    private final long maxTrimBytes;
    private final boolean syncJournal;
    private final JournalClock clock;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private final List<Volume> volumes = new ArrayList<>();
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer header = ByteBuffer.allocateDirect(RECORD_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer replayData;

    private long lastSequence;
    private long lastJournalIndex = -1;
    private long checkpointJournalIndex = -1;
    private long recordsSinceCheckpoint;
    private long bytesSinceCheckpoint;
    private long replayedRecords;
    private long rejectedRecords;
    private long checkpoints;
    private long deletedJournalFiles;
    private boolean closed;

    private StorageEngine(final Context ctx) throws IOException
    {
        this.dir = ctx.dir;
        this.volumesDir = dir.resolve(VOLUMES_DIR);
        this.journalDir = dir.resolve(JOURNAL_DIR);
        this.checkpointEveryBytes = ctx.checkpointEveryBytes;
        this.checkpointEveryRecords = ctx.checkpointEveryRecords;
        this.maxIoBytes = ctx.maxIoBytes;
        this.maxTrimBytes = ctx.maxTrimBytes;
        this.syncJournal = ctx.syncJournal;
        this.replayData = ByteBuffer.allocateDirect(maxIoBytes);
        Files.createDirectories(volumesDir);
        final Checkpoint checkpoint = Checkpoint.read(dir);
        checkpointJournalIndex = checkpoint.journalIndex();
        lastJournalIndex = checkpoint.journalIndex();
        lastSequence = checkpoint.sequence();
        clock = new JournalClock(ROLL_CYCLE.lengthInMillis(), Math.max(1, checkpoint.nextCycle()));
        queue = SingleChronicleQueueBuilder.binary(journalDir)
            .rollCycle(ROLL_CYCLE)
            .timeProvider(clock)
            .timeoutMS(ctx.journalLockTimeoutMs)
            .build();
        try
        {
            final int lastCycle = queue.lastCycle();
            if (lastCycle > clock.cycle())
            {
                clock.cycle(lastCycle); // never append into a cycle older than what is on disk
            }
            loadVolumes();
            replay();
            appender = queue.createAppender();
            appender.singleThreadedCheckDisabled(true); // callers serialise; the thread may change (server start)
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

    private void loadVolumes() throws IOException
    {
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(volumesDir, "*" + BLOCK_FILE_SUFFIX))
        {
            stream.forEach(files::add);
        }
        files.sort(null); // deterministic order
        for (final Path file : files)
        {
            final String name = file.getFileName().toString();
            final String id = name.substring(0, name.length() - BLOCK_FILE_SUFFIX.length());
            if (VolumeId.isValid(id))
            {
                volumes.add(new Volume(VolumeId.parse(id), BlockFile.open(file)));
            }
        }
    }

    private void replay() throws IOException
    {
        try (ExcerptTailer tailer = queue.createTailer())
        {
            tailer.toStart();
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        break;
                    }
                    final long index = dc.index();
                    if (index <= checkpointJournalIndex)
                    {
                        continue;
                    }
                    applyReplayed(dc.wire().bytes());
                    lastJournalIndex = index;
                }
            }
        }
    }

    private void applyReplayed(final Bytes<?> bytes) throws IOException
    {
        if (bytes.readRemaining() < RECORD_HEADER_LENGTH)
        {
            rejectedRecords++;
            return;
        }
        header.clear();
        bytes.read(header);
        final int type = header.get(TYPE_OFFSET);
        final int volHigh = header.getInt(VOL_HIGH_OFFSET);
        final long volLow = header.getLong(VOL_LOW_OFFSET);
        final long sequence = header.getLong(SEQUENCE_OFFSET);
        final long offset = header.getLong(OFFSET_OFFSET);
        final long length = header.getLong(LENGTH_OFFSET);
        final int storedCrc = header.getInt(CRC_OFFSET);
        final long dataLength = type == StorageOp.WRITE ? length : 0;
        if (dataLength < 0 || dataLength > maxIoBytes || bytes.readRemaining() != dataLength)
        {
            rejectedRecords++;
            return;
        }
        replayData.clear().limit((int)dataLength);
        bytes.read(replayData);
        replayData.flip();
        if (checksum(header, replayData) != storedCrc)
        {
            rejectedRecords++; // damaged record: never apply partial or foreign data
            return;
        }
        replayData.position(0);
        lastSequence = Math.max(lastSequence, sequence);
        replayedRecords++;
        switch (type)
        {
            case StorageOp.CREATE:
                if (find(volHigh, volLow) == null && offset > 0)
                {
                    createFile(VolumeId.of(volHigh, volLow), offset);
                }
                break;
            case StorageOp.WRITE:
            {
                final Volume volume = find(volHigh, volLow);
                if (volume != null && offset >= 0 && offset <= volume.file.sizeBytes() - dataLength)
                {
                    volume.file.write(offset, replayData);
                }
                break;
            }
            case StorageOp.TRIM:
            {
                final Volume volume = find(volHigh, volLow);
                if (volume != null && offset >= 0 && length >= 0 && offset <= volume.file.sizeBytes() - length)
                {
                    volume.file.zero(offset, length);
                }
                break;
            }
            default:
                rejectedRecords++;
                break;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Operations: each returns a StorageStatus code.

    public int createVolume(final VolumeId volumeId, final long sizeBytes)
    {
        if (sizeBytes < SECTOR_BYTES || sizeBytes % SECTOR_BYTES != 0)
        {
            return StorageStatus.OUT_OF_RANGE;
        }
        final Volume existing = find(volumeId.high(), volumeId.low());
        if (existing != null)
        {
            return existing.file.sizeBytes() == sizeBytes ? StorageStatus.OK : StorageStatus.VOLUME_SIZE_MISMATCH;
        }
        try
        {
            append(StorageOp.CREATE, volumeId.high(), volumeId.low(), sizeBytes, 0, null);
            createFile(volumeId, sizeBytes);
            afterMutation(0);
            return StorageStatus.OK;
        }
        catch (final IOException | RuntimeException ex)
        {
            return StorageStatus.IO_ERROR;
        }
    }

    /** Journals then applies {@code data.remaining()} bytes at {@code offsetBytes}; data's position is kept. */
    public int write(final int volHigh, final long volLow, final long offsetBytes, final ByteBuffer data)
    {
        final int length = data.remaining();
        final Volume volume = find(volHigh, volLow);
        final int status = check(volume, offsetBytes, length, maxIoBytes);
        if (status != StorageStatus.OK || length == 0)
        {
            return status;
        }
        try
        {
            append(StorageOp.WRITE, volHigh, volLow, offsetBytes, length, data);
            final int position = data.position();
            volume.file.write(offsetBytes, data);
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
        final Volume volume = find(volHigh, volLow);
        final int status = check(volume, offsetBytes, dst.remaining(), maxIoBytes);
        if (status != StorageStatus.OK)
        {
            return status;
        }
        try
        {
            volume.file.read(offsetBytes, dst);
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
        final Volume volume = find(volHigh, volLow);
        final int status = check(volume, offsetBytes, lengthBytes, maxTrimBytes);
        if (status != StorageStatus.OK || lengthBytes == 0)
        {
            return status;
        }
        try
        {
            append(StorageOp.TRIM, volHigh, volLow, offsetBytes, lengthBytes, null);
            volume.file.zero(offsetBytes, lengthBytes);
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

    /** Acknowledged writes are already durable (journaled); flush only checks the volume exists. */
    public int flush(final int volHigh, final long volLow)
    {
        return find(volHigh, volLow) == null ? StorageStatus.UNKNOWN_VOLUME : StorageStatus.OK;
    }

    public int flush(final VolumeId volumeId)
    {
        return flush(volumeId.high(), volumeId.low());
    }

    private int check(final Volume volume, final long offset, final long length, final long maxLength)
    {
        if (volume == null)
        {
            return StorageStatus.UNKNOWN_VOLUME;
        }
        if (length < 0 || length > maxLength)
        {
            return StorageStatus.TOO_LARGE;
        }
        if (offset < 0 || offset > volume.file.sizeBytes() - length)
        {
            return StorageStatus.OUT_OF_RANGE;
        }
        return StorageStatus.OK;
    }

    private void append(
        final int type, final int volHigh, final long volLow, final long offset, final long length, final ByteBuffer data)
    {
        final long sequence = lastSequence + 1;
        header.clear();
        header.put(TYPE_OFFSET, (byte)type).put(1, (byte)0).put(2, (byte)0).put(3, (byte)0);
        header.putInt(VOL_HIGH_OFFSET, volHigh).putLong(VOL_LOW_OFFSET, volLow).putLong(SEQUENCE_OFFSET, sequence);
        header.putLong(OFFSET_OFFSET, offset).putLong(LENGTH_OFFSET, length).putInt(CRC_OFFSET, 0).putInt(44, 0);
        final int dataPosition = data == null ? 0 : data.position();
        header.putInt(CRC_OFFSET, checksum(header, data));
        if (data != null)
        {
            data.position(dataPosition);
        }
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> bytes = dc.wire().bytes();
            header.clear();
            writeFully(bytes, header);
            if (data != null)
            {
                writeFully(bytes, data);
                data.position(dataPosition);
            }
        }
        if (syncJournal)
        {
            appender.sync();
        }
        lastSequence = sequence;
        lastJournalIndex = appender.lastIndexAppended();
    }

    private static void writeFully(final Bytes<?> bytes, final ByteBuffer src)
    {
        while (src.hasRemaining())
        {
            bytes.writeSome(src);
        }
    }

    /** CRC32C of header bytes 0..39 and the remaining data (consumes data's position). */
    private int checksum(final ByteBuffer recordHeader, final ByteBuffer data)
    {
        crc.reset();
        recordHeader.clear().limit(CRC_OFFSET);
        crc.update(recordHeader);
        recordHeader.clear();
        if (data != null)
        {
            crc.update(data);
        }
        return (int)crc.getValue();
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

    private void createFile(final VolumeId volumeId, final long sizeBytes) throws IOException
    {
        final BlockFile file = BlockFile.create(volumesDir.resolve(volumeId + BLOCK_FILE_SUFFIX), sizeBytes);
        int i = 0;
        while (i < volumes.size() && volumes.get(i).id.compareTo(volumeId) < 0)
        {
            i++;
        }
        volumes.add(i, new Volume(volumeId, file));
    }

    private Volume find(final int volHigh, final long volLow)
    {
        for (int i = 0, n = volumes.size(); i < n; i++)
        {
            final Volume v = volumes.get(i);
            if (v.id.matches(volHigh, volLow))
            {
                return v;
            }
        }
        return null;
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
        for (final Volume volume : volumes)
        {
            volume.file.force();
        }
        final int nextCycle = clock.cycle() + 1;
        new Checkpoint(lastJournalIndex, lastSequence, nextCycle).write(dir);
        checkpointJournalIndex = lastJournalIndex;
        recordsSinceCheckpoint = 0;
        bytesSinceCheckpoint = 0;
        checkpoints++;
        final int checkpointedCycle = clock.cycle();
        clock.cycle(nextCycle); // the next append starts a new journal file
        deleteJournalFilesBefore(checkpointedCycle);
    }

    /**
     * Deletes journal files of cycles before {@code cycle}: all their records are at or before the checkpoint.
     * The checkpointed cycle's own file is kept until the next checkpoint, as the appender still holds it.
     */
    private void deleteJournalFilesBefore(final int cycle) throws IOException
    {
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(journalDir, "*" + JOURNAL_FILE_SUFFIX))
        {
            stream.forEach(files::add);
        }
        files.sort(null);
        boolean deleted = false;
        for (final Path file : files)
        {
            final int fileCycle = cycleOf(file.getFileName().toString());
            if (fileCycle >= 0 && fileCycle < cycle && Files.deleteIfExists(file))
            {
                deletedJournalFiles++;
                deleted = true;
            }
        }
        if (deleted)
        {
            queue.refreshDirectoryListing();
        }
    }

    /** The cycle a journal file name stands for (FAST_DAILY: days since the epoch), or -1. */
    static int cycleOf(final String fileName)
    {
        if (!fileName.endsWith(JOURNAL_FILE_SUFFIX))
        {
            return -1;
        }
        try
        {
            final String stem = fileName.substring(0, fileName.length() - JOURNAL_FILE_SUFFIX.length());
            return (int)LocalDate.parse(stem, CYCLE_FILE_NAME).toEpochDay();
        }
        catch (final DateTimeParseException ex)
        {
            return -1;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Status

    public int maxIoBytes()
    {
        return maxIoBytes;
    }

    public int volumeCount()
    {
        return volumes.size();
    }

    /** Size of a volume in bytes, or -1 if unknown. */
    public long volumeSizeBytes(final VolumeId volumeId)
    {
        final Volume v = find(volumeId.high(), volumeId.low());
        return v == null ? -1 : v.file.sizeBytes();
    }

    /** Volume ids in order. */
    public List<VolumeId> volumeIds()
    {
        final List<VolumeId> ids = new ArrayList<>();
        volumes.forEach(v -> ids.add(v.id));
        return ids;
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
        return deletedJournalFiles;
    }

    /** Journal cycle files currently on disk. */
    public int journalFileCount()
    {
        final File[] files = journalDir.toFile().listFiles((d, name) -> name.endsWith(JOURNAL_FILE_SUFFIX));
        return files == null ? 0 : files.length;
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
        for (final Volume volume : volumes)
        {
            try
            {
                volume.file.close();
            }
            catch (final IOException ignore)
            {
                // closing: nothing more to do
            }
        }
        if (appender != null)
        {
            appender.close();
        }
        queue.close();
    }

    private static final class Volume
    {
        final VolumeId id;
        final BlockFile file;

        Volume(final VolumeId id, final BlockFile file)
        {
            this.id = id;
            this.file = file;
        }
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

        public StorageEngine open()
        {
            if (dir == null)
            {
                throw new IllegalArgumentException("storage directory is missing: accepted a writable directory path");
            }
            if (checkpointEveryBytes < 1 || checkpointEveryBytes > (1L << 40))
            {
                throw new IllegalArgumentException("checkpoint interval " + checkpointEveryBytes
                    + " B is out of range: accepted 1.." + (1L << 40) + " B");
            }
            if (checkpointEveryRecords < 1 || checkpointEveryRecords > 1_000_000_000L)
            {
                throw new IllegalArgumentException("checkpoint interval " + checkpointEveryRecords
                    + " records is out of range: accepted 1..1000000000");
            }
            if (maxIoBytes < SECTOR_BYTES || maxIoBytes > (64 << 20))
            {
                throw new IllegalArgumentException("maximum I/O " + maxIoBytes + " B is out of range: accepted "
                    + SECTOR_BYTES + ".." + (64 << 20) + " B");
            }
            if (maxTrimBytes < SECTOR_BYTES || maxTrimBytes > (1L << 40))
            {
                throw new IllegalArgumentException("maximum trim " + maxTrimBytes + " B is out of range: accepted "
                    + SECTOR_BYTES + ".." + (1L << 40) + " B");
            }
            if (journalLockTimeoutMs < 100 || journalLockTimeoutMs > 60_000)
            {
                throw new IllegalArgumentException("journal lock timeout " + journalLockTimeoutMs
                    + " ms is out of range: accepted 100..60000 ms");
            }
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
}
