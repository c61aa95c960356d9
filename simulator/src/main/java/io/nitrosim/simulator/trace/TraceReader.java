package io.nitrosim.simulator.trace;

import java.nio.file.Files;
import java.nio.file.Path;

import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.pci.trace.TraceRecord;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads a trace directory's records in order: {@link #next()} moves the {@link #record()} flyweight to the next
 * one. A damaged excerpt (not a whole number of records) is a {@link TraceException}.
 */
public final class TraceReader implements AutoCloseable
{
    private final Path dir;
    private final TraceMeta meta;
    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private final TraceRecord record = new TraceRecord();
    private byte[] block = new byte[TraceRecorder.BATCH_RECORDS * TraceRecord.LENGTH];
    private final UnsafeBuffer blockBuffer = new UnsafeBuffer(block);
    private int blockLength;
    private int offset;
    private long index = -1;

    private TraceReader(final Path dir, final TraceMeta meta)
    {
        this.dir = dir;
        this.meta = meta;
        this.queue = TraceRecorder.queue(dir);
        this.tailer = queue.createTailer();
        tailer.toStart();
    }

    /** Opens a trace recorded by {@link TraceRecorder}; a directory that is not one is a {@link TraceException}. */
    public static TraceReader open(final Path dir)
    {
        if (!Files.isDirectory(dir))
        {
            throw new TraceException(dir + ": no such trace directory");
        }
        return new TraceReader(dir, TraceMeta.read(dir));
    }

    public TraceMeta meta()
    {
        return meta;
    }

    /** @return false at the end of the trace; otherwise {@link #record()} is the next record. */
    public boolean next()
    {
        offset += TraceRecord.LENGTH;
        if (index < 0 || offset >= blockLength)
        {
            if (!readBlock())
            {
                return false;
            }
        }
        record.wrap(blockBuffer, offset);
        index++;
        return true;
    }

    public TraceRecord record()
    {
        return record;
    }

    /** The current record's position in the trace, from 0. */
    public long index()
    {
        return index;
    }

    /** Copies the current record's bytes into {@code dst} at {@code at}. */
    public void copyRecord(final byte[] dst, final int at)
    {
        System.arraycopy(block, offset, dst, at, TraceRecord.LENGTH);
    }

    private boolean readBlock()
    {
        while (true)
        {
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    return false;
                }
                final Bytes<?> bytes = dc.wire().bytes();
                final long length = bytes.readRemaining();
                if (length % TraceRecord.LENGTH != 0 || length > Integer.MAX_VALUE)
                {
                    throw new TraceException(dir + ": damaged trace: an excerpt of " + length
                        + " bytes is not a whole number of " + TraceRecord.LENGTH + "-byte records");
                }
                if (length == 0)
                {
                    continue;
                }
                if (length > block.length)
                {
                    block = new byte[(int)length];
                    blockBuffer.wrap(block);
                }
                bytes.read(block, 0, (int)length);
                blockLength = (int)length;
                offset = 0;
                return true;
            }
        }
    }

    @Override
    public void close()
    {
        tailer.close();
        queue.close();
        // Chronicle closes the files on its background releaser thread: wait, so a closed reader holds none open
        BackgroundResourceReleaser.releasePendingResources();
    }
}
