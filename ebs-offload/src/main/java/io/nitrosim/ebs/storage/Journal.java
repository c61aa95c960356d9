package io.nitrosim.ebs.storage;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The write-ahead journal: a Chronicle Queue of {@link JournalRecord}s (header + WRITE data) in one directory.
 * <p>
 * <b>Roll cycles.</b> Chronicle rolls to a new file when its clock enters a new cycle; we want one file per
 * checkpoint interval, so that every file older than the last checkpoint can be deleted whole. The queue's clock is
 * therefore logical ({@link JournalClock}): it stands still between checkpoints and {@link #roll()} moves it one
 * cycle ({@code FAST_DAILY}: one "day") forward. No wall-clock time enters the journal. On open, the clock starts at
 * the cycle the checkpoint recorded, or at the newest cycle on disk if that is later (never append into an older
 * cycle than one already written).
 * <p>
 * An append lives in a memory-mapped file, so it survives the process being killed as soon as it returns;
 * {@code sync} also msyncs it (power loss). Not thread-safe: the engine serialises.
 */
final class Journal implements AutoCloseable
{
    /** Receives each record past a journal index at replay; data holds a WRITE's bytes (empty otherwise). */
    interface ReplayHandler
    {
        /** @param complete false when the excerpt is shorter or longer than its header says (damaged). */
        void onRecord(long index, JournalRecord record, ByteBuffer data, boolean complete) throws IOException;
    }

    private static final RollCycle ROLL_CYCLE = RollCycles.FAST_DAILY;
    private static final String FILE_SUFFIX = ".cq4";
    private static final DateTimeFormatter CYCLE_FILE_NAME = DateTimeFormatter.ofPattern(ROLL_CYCLE.format());

    private final Path dir;
    private final boolean sync;
    private final JournalClock clock;
    private final SingleChronicleQueue queue;
    private ExcerptAppender appender;
    private long deletedFiles;

    /**
     * Opens (or creates) the journal in {@code dir}.
     *
     * @param firstCycle    the cycle the checkpoint says the next append goes to (at least 1).
     * @param lockTimeoutMs how long to wait for a write lock left by a dead process before taking it over.
     */
    Journal(final Path dir, final int firstCycle, final boolean sync, final long lockTimeoutMs)
    {
        this.dir = dir;
        this.sync = sync;
        this.clock = new JournalClock(ROLL_CYCLE.lengthInMillis(), Math.max(1, firstCycle));
        this.queue = SingleChronicleQueueBuilder.binary(dir)
            .rollCycle(ROLL_CYCLE)
            .timeProvider(clock)
            .timeoutMS(lockTimeoutMs)
            .build();
        final int lastCycle = queue.lastCycle();
        if (lastCycle > clock.cycle())
        {
            clock.cycle(lastCycle);
        }
    }

    /**
     * Hands every record with an index above {@code afterIndex} to the handler, in order.
     *
     * @param data scratch for WRITE data, at least the largest I/O; longer records are reported incomplete.
     * @return the index of the last record seen, or {@code afterIndex} when there was none.
     */
    long replay(final long afterIndex, final JournalRecord record, final ByteBuffer data, final ReplayHandler handler)
        throws IOException
    {
        long last = afterIndex;
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
                    if (index <= afterIndex)
                    {
                        continue;
                    }
                    final Bytes<?> bytes = dc.wire().bytes();
                    data.clear().limit(0);
                    boolean complete = bytes.readRemaining() >= JournalRecord.HEADER_LENGTH;
                    if (complete)
                    {
                        bytes.read(record.header());
                        final long dataLength = record.dataLength();
                        complete = dataLength >= 0 && dataLength <= data.capacity()
                            && bytes.readRemaining() == dataLength;
                        if (complete)
                        {
                            data.limit((int)dataLength);
                            bytes.read(data);
                            data.flip();
                        }
                    }
                    handler.onRecord(index, record, data, complete);
                    last = index;
                }
            }
        }
        return last;
    }

    /** Appends the record's header and {@code data}'s remaining bytes (position kept); returns the journal index. */
    long append(final JournalRecord record, final ByteBuffer data)
    {
        if (appender == null)
        {
            appender = queue.createAppender();
            appender.singleThreadedCheckDisabled(true); // callers serialise; the thread may change (server start)
        }
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> bytes = dc.wire().bytes();
            writeFully(bytes, record.header());
            if (data != null)
            {
                final int position = data.position();
                writeFully(bytes, data);
                data.position(position);
            }
        }
        if (sync)
        {
            appender.sync();
        }
        return appender.lastIndexAppended();
    }

    private static void writeFully(final Bytes<?> bytes, final ByteBuffer src)
    {
        while (src.hasRemaining())
        {
            bytes.writeSome(src);
        }
    }

    /** The cycle appends currently go to. */
    int cycle()
    {
        return clock.cycle();
    }

    /**
     * After a checkpoint that covers every record so far: moves appends to the next cycle (a new file) and deletes
     * the files of cycles before the one just checkpointed. The checkpointed cycle's own file is kept until the
     * next roll, as the appender may still hold it.
     */
    void roll() throws IOException
    {
        final int checkpointed = clock.cycle();
        clock.cycle(checkpointed + 1);
        deleteFilesBefore(checkpointed);
    }

    private void deleteFilesBefore(final int cycle) throws IOException
    {
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + FILE_SUFFIX))
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
                deletedFiles++;
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
        if (!fileName.endsWith(FILE_SUFFIX))
        {
            return -1;
        }
        try
        {
            final String stem = fileName.substring(0, fileName.length() - FILE_SUFFIX.length());
            return (int)LocalDate.parse(stem, CYCLE_FILE_NAME).toEpochDay();
        }
        catch (final DateTimeParseException ex)
        {
            return -1;
        }
    }

    long deletedFiles()
    {
        return deletedFiles;
    }

    /** Journal cycle files currently on disk. */
    int fileCount()
    {
        final File[] files = dir.toFile().listFiles((d, name) -> name.endsWith(FILE_SUFFIX));
        return files == null ? 0 : files.length;
    }

    @Override
    public void close()
    {
        if (appender != null)
        {
            appender.close();
        }
        queue.close();
        // Chronicle unmaps and closes the cycle and metadata files on its background releaser thread; wait for it, so
        // a closed journal holds no file open (a JVM that runs many simulations would otherwise keep deleted
        // journal files open, and their disk space taken, until the releaser gets to them)
        BackgroundResourceReleaser.releasePendingResources();
    }
}
