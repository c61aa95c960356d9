package io.nitrosim.ebs.storage;

import java.nio.ByteBuffer;

import org.agrona.BitUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import io.nitrosim.pci.queue.RingReads;

/**
 * Bounded completion queue between a backend and the polling agent: an Agrona one-to-one ring whose records
 * are completions (message type = op).
 * <p>
 * Space is reserved at submission ({@link #reserve}, agent thread) for the completion's full record, so the
 * producer (the backend's thread) can always place it and nothing is ever dropped; {@link #poll} releases it.
 * Record layout after Agrona's 8-byte header (little-endian):
 * <pre>
 *   0  requestId      i64
 *   8  value          i64
 *  16  status         i32
 *  20  reservedBytes  i32  what the submission reserved, released at poll
 *  24  data           READ data or STATUS counters
 * </pre>
 */
final class CompletionRing
{
    static final int REQUEST_ID_OFFSET = 0;
    static final int VALUE_OFFSET = 8;
    static final int STATUS_OFFSET = 16;
    static final int RESERVED_OFFSET = 20;
    static final int HEADER_LENGTH = 24;

    private final OneToOneRingBuffer ring;
    private final MutableDirectBuffer buffer;
    private final ByteBuffer byteView;
    private final int maxInFlight;
    private final long budgetBytes;
    private final Reader reader = new Reader();

    // Agent-side accounting (reserve and poll run on the same thread).
    private long reservedBytes;
    private int inFlight;

    CompletionRing(final int capacityBytes, final int maxDataBytes, final int maxInFlight)
    {
        final int capacity = BitUtil.findNextPositivePowerOfTwo(capacityBytes);
        final ByteBuffer memory = ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH);
        ring = new OneToOneRingBuffer(new UnsafeBuffer(memory));
        buffer = ring.buffer();
        byteView = memory.duplicate();
        final int maxRecord = recordBytes(HEADER_LENGTH + maxDataBytes);
        if (HEADER_LENGTH + maxDataBytes > ring.maxMsgLength())
        {
            throw new IllegalArgumentException("completion ring of " + capacity + " B holds data up to "
                + (ring.maxMsgLength() - HEADER_LENGTH) + " B, asked " + maxDataBytes + " B");
        }
        this.maxInFlight = maxInFlight;
        // A record that does not fit before the end of the buffer pads to it: keep one maximum record spare.
        this.budgetBytes = capacity - maxRecord;
    }

    static int recordBytes(final int messageLength)
    {
        return BitUtil.align(messageLength + RecordDescriptor.HEADER_LENGTH, RecordDescriptor.ALIGNMENT);
    }

    /** Record bytes a completion of this op and data length takes. */
    static int completionBytes(final int dataLength)
    {
        return recordBytes(HEADER_LENGTH + dataLength);
    }

    /** Agent thread: reserves room for a completion with up to {@code dataLength} bytes. */
    boolean reserve(final int bytes)
    {
        if (inFlight >= maxInFlight || reservedBytes + bytes > budgetBytes)
        {
            return false;
        }
        reservedBytes += bytes;
        inFlight++;
        return true;
    }

    /** Agent thread: undoes a reservation whose request could not be submitted. */
    void unreserve(final int bytes)
    {
        reservedBytes -= bytes;
        inFlight--;
    }

    int inFlight()
    {
        return inFlight;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Producer side (backend thread)

    /** A completion without data. */
    void complete(final long requestId, final int op, final int status, final long value, final int reserved)
    {
        final int index = claim(op, 0);
        commit(index, requestId, status, value, reserved);
    }

    /** Claims a record with {@code dataLength} bytes of data to fill via {@link #dataView}; then {@link #commit}. */
    int claim(final int op, final int dataLength)
    {
        final int index = ring.tryClaim(op, HEADER_LENGTH + dataLength);
        if (index < 0)
        {
            // Cannot happen: room was reserved at submission.
            throw new IllegalStateException("completion ring full despite reservation (op " + StorageOp.name(op) + ")");
        }
        return index;
    }

    /** A ByteBuffer over the claimed record's data (a shared view: use before the next claim). */
    ByteBuffer dataView(final int index, final int dataLength)
    {
        byteView.limit(index + HEADER_LENGTH + dataLength).position(index + HEADER_LENGTH);
        return byteView;
    }

    MutableDirectBuffer buffer()
    {
        return buffer;
    }

    void commit(final int index, final long requestId, final int status, final long value, final int reserved)
    {
        buffer.putLong(index + REQUEST_ID_OFFSET, requestId);
        buffer.putLong(index + VALUE_OFFSET, value);
        buffer.putInt(index + STATUS_OFFSET, status);
        buffer.putInt(index + RESERVED_OFFSET, reserved);
        ring.commit(index);
    }

    void abort(final int index)
    {
        ring.abort(index);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Consumer side (agent thread)

    int poll(final StorageCompletionHandler handler, final int limit)
    {
        reader.handler = handler;
        try
        {
            return RingReads.read(ring, reader, limit);
        }
        finally
        {
            reader.handler = null;
        }
    }

    private final class Reader implements MessageHandler
    {
        StorageCompletionHandler handler;

        @Override
        public void onMessage(final int op, final MutableDirectBuffer buffer, final int index, final int length)
        {
            final int reserved = buffer.getInt(index + RESERVED_OFFSET);
            reservedBytes -= reserved;
            inFlight--;
            handler.onCompletion(buffer.getLong(index + REQUEST_ID_OFFSET), op, buffer.getInt(index + STATUS_OFFSET),
                buffer.getLong(index + VALUE_OFFSET), buffer, index + HEADER_LENGTH, length - HEADER_LENGTH);
        }
    }
}
