package io.nitrosim.simulator.trace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;

import io.nitrosim.pci.trace.TraceBuffer;
import io.nitrosim.pci.trace.TraceRecord;
import io.nitrosim.pci.trace.TraceSink;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Records a run's trace into a directory: a Chronicle Queue whose excerpts are blocks of whole
 * {@link TraceRecord}s (up to {@value #BATCH_RECORDS} per excerpt, in event order), plus {@link TraceMeta#FILE}.
 * <p>
 * The queue's clock is fixed at the epoch, so every run writes the same file names, and the records carry
 * simulated time only: the same scenario and seed give the same records, byte for byte. One thread (the run's).
 */
public final class TraceRecorder implements TraceBuffer.BatchWriter, AutoCloseable
{
    /** Records per excerpt: 1024 x 56 B = 56 KiB, small against Chronicle's blocks, large against its overhead. */
    public static final int BATCH_RECORDS = 1024;

    /** Chronicle grows its file by blocks of this size (its default, 64 MiB, would make every small trace that big). */
    static final long BLOCK_BYTES = 1 << 20;

    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private final TraceBuffer buffer;
    private boolean closed;

    private TraceRecorder(final Path dir, final NanoClock clock)
    {
        this.queue = queue(dir);
        this.appender = queue.createAppender();
        this.buffer = new TraceBuffer(clock, BATCH_RECORDS, this);
    }

    /** Creates {@code dir} (which must not hold a queue yet) and starts recording into it. */
    public static TraceRecorder create(final Path dir, final NanoClock clock, final TraceMeta meta) throws IOException
    {
        Files.createDirectories(dir);
        meta.write(dir);
        return new TraceRecorder(dir, clock);
    }

    static SingleChronicleQueue queue(final Path dir)
    {
        return SingleChronicleQueueBuilder.binary(dir).rollCycle(RollCycles.FAST_DAILY).timeProvider(() -> 0L)
            .blockSize(BLOCK_BYTES).build();
    }

    /** Where components' tracers send their events. */
    public TraceSink sink()
    {
        return buffer;
    }

    public long recordedCount()
    {
        return buffer.recordedCount();
    }

    @Override
    public void write(final DirectBuffer records, final int length)
    {
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.write(records.byteArray(), 0, length);
        }
    }

    /** Writes the last records and closes the queue. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            buffer.flush();
        }
        finally
        {
            appender.close();
            queue.close();
            // Chronicle closes the files on its background releaser thread: wait, so a closed trace holds none open
            BackgroundResourceReleaser.releasePendingResources();
        }
    }
}
