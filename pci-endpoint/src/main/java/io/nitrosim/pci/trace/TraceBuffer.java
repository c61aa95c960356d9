package io.nitrosim.pci.trace;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A {@link TraceSink} that stamps events with the run's clock and packs them, as {@link TraceRecord}s, into a
 * batch of {@code batchRecords} records; a full batch (and the last one, at {@link #flush()}) goes to the
 * {@link BatchWriter} as one block of whole records. Allocates nothing per event.
 */
public final class TraceBuffer implements TraceSink
{
    /** Receives blocks of whole records: {@code length} is a multiple of {@link TraceRecord#LENGTH}. */
    @FunctionalInterface
    public interface BatchWriter
    {
        void write(DirectBuffer records, int length);
    }

    private final NanoClock clock;
    private final BatchWriter writer;
    private final UnsafeBuffer batch;
    private int position;
    private long recorded;

    public TraceBuffer(final NanoClock clock, final int batchRecords, final BatchWriter writer)
    {
        if (batchRecords < 1 || batchRecords > 1 << 20)
        {
            throw new IllegalArgumentException("batchRecords " + batchRecords + " out of range [1, 1048576]");
        }
        this.clock = clock;
        this.writer = writer;
        this.batch = new UnsafeBuffer(new byte[batchRecords * TraceRecord.LENGTH]);
    }

    @Override
    public void record(final int kind, final int instance, final int function, final int queue, final long arg0,
        final long arg1, final long arg2, final long arg3)
    {
        TraceRecord.put(batch, position, clock.nanoTime(), kind, instance, function, queue, arg0, arg1, arg2, arg3);
        position += TraceRecord.LENGTH;
        recorded++;
        if (position == batch.capacity())
        {
            flush();
        }
    }

    /** Hands the records not yet written to the writer. */
    public void flush()
    {
        if (position > 0)
        {
            writer.write(batch, position);
            position = 0;
        }
    }

    /** Events recorded so far. */
    public long recordedCount()
    {
        return recorded;
    }
}
