package io.nitrosim.pci.queue;

import java.nio.ByteBuffer;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import io.nitrosim.time.Wake;

/**
 * The bounded hand-off from a card's agent to one function's agent (received frames, storage completions): an
 * Agrona one-to-one ring of {@link HandoffRecord}s of one {@link HandoffLayout}, so the two agents may run on
 * different threads. The card
 * {@link #offer}s records (a full ring refuses, and the card decides what that means: a frame dropped and
 * counted, a completion kept until there is room); the function {@link #drain}s them in order, and may stop at a
 * record it cannot take yet (ABORT: it stays at the head).
 */
public final class HandoffRing
{
    /** Agrona message type of every record. */
    public static final int MSG_TYPE = 1;

    private final OneToOneRingBuffer ring;
    private final HandoffLayout layout;
    private final int headerBytes;
    private final HandoffRecord produced = new HandoffRecord();
    private final Reader reader;

    /** What the function does with each record. Implement with a field-held object: draining allocates nothing. */
    @FunctionalInterface
    public interface Handler
    {
        /** @return CONTINUE (taken), ABORT (not now: it stays at the head and the drain stops) or BREAK (taken, stop). */
        ControlledMessageHandler.Action onRecord(HandoffRecord record);
    }

    /** @param capacityBytes a power of two (see {@link #capacityFor}). */
    /** The function's group wake, called after every record handed over. */
    private Wake consumerWake = Wake.NONE;
    /** The card's group wake, called after every drain that took records (room for a card held by a full ring). */
    private Wake producerWake = Wake.NONE;

    public HandoffRing(final int capacityBytes, final HandoffLayout layout)
    {
        this.layout = layout;
        this.headerBytes = layout.headerBytes();
        this.reader = new Reader(layout);
        if (capacityBytes < 1024 || Integer.bitCount(capacityBytes) != 1)
        {
            throw new IllegalArgumentException("hand-off ring capacity " + capacityBytes
                + " B must be a power of two of at least 1024 B");
        }
        ring = new OneToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(capacityBytes + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    /** The capacity (a power of two, at least 4 KiB) that holds {@code records} records of {@code payloadBytes}. */
    public static int capacityFor(final HandoffLayout layout, final int records, final int payloadBytes)
    {
        final int record = BitUtil.align(RecordDescriptor.HEADER_LENGTH + layout.headerBytes() + payloadBytes,
            RecordDescriptor.ALIGNMENT);
        return BitUtil.findNextPositivePowerOfTwo(Math.max(4096, record * records));
    }

    /** The largest payload one record can carry. */
    public int maxPayloadBytes()
    {
        return ring.maxMsgLength() - headerBytes;
    }

    public HandoffLayout layout()
    {
        return layout;
    }

    /** Card side: hands over a frame (of {@code length} bytes, {@code payloadLength} of them carried). */
    public boolean offer(final int length, final DirectBuffer payload, final int payloadIndex, final int payloadLength)
    {
        final int index = claim(payloadLength);
        if (index < 0)
        {
            return false;
        }
        produced.set(length).payload(payload, payloadIndex, payloadLength);
        ring.commit(index);
        if (consumerWake != Wake.NONE) // a runtime that calls everyone: no call at all
        {
            consumerWake.wake();
        }
        return true;
    }

    /** Card side: hands over a completion. @return false, changing nothing, when the ring has no room. */
    public boolean offer(final int id, final int generation, final int status, final int length,
        final DirectBuffer payload, final int payloadIndex, final int payloadLength)
    {
        final int index = claim(payloadLength);
        if (index < 0)
        {
            return false;
        }
        produced.set(id, generation, status, length).payload(payload, payloadIndex, payloadLength);
        ring.commit(index);
        if (consumerWake != Wake.NONE)
        {
            consumerWake.wake();
        }
        return true;
    }

    private int claim(final int payloadLength)
    {
        final int index = ring.tryClaim(MSG_TYPE, headerBytes + payloadLength);
        if (index >= 0)
        {
            produced.wrap(ring.buffer(), index, headerBytes + payloadLength, layout);
        }
        return index;
    }

    /** Card side: hands over a copy of {@code record} (one kept aside while the ring was full). */
    public boolean offer(final HandoffRecord record)
    {
        final int index = ring.tryClaim(MSG_TYPE, record.recordLength());
        if (index < 0)
        {
            return false;
        }
        ring.buffer().putBytes(index, record.buffer(), record.index(), record.recordLength());
        ring.commit(index);
        if (consumerWake != Wake.NONE)
        {
            consumerWake.wake();
        }
        return true;
    }

    /** Function side: hands up to {@code limit} records to {@code handler}, in order. @return records taken. */
    public int drain(final Handler handler, final int limit)
    {
        reader.handler = handler;
        int taken = ring.controlledRead(reader, limit);
        if (taken == 0 && ring.size() > 0)
        {
            // Agrona's read stops at the end of the buffer: it found only the padding there, the records are at the
            // start. Taken now, so that none waits for another call (the function's agent may sleep until woken).
            taken = ring.controlledRead(reader, limit);
        }
        if (taken > 0)
        {
            if (producerWake != Wake.NONE) // room: a card that found the ring full goes on
            {
                producerWake.wake();
            }
        }
        return taken;
    }

    /** The consumer's (the function's) group {@link Wake}: called after every record handed over. */
    public void wakeConsumer(final Wake wake)
    {
        this.consumerWake = wake == null ? Wake.NONE : wake;
    }

    /** The producer's (the card's) group {@link Wake}: called after every drain that took records. */
    public void wakeProducer(final Wake wake)
    {
        this.producerWake = wake == null ? Wake.NONE : wake;
    }

    public boolean isEmpty()
    {
        return ring.size() == 0;
    }

    private static final class Reader implements ControlledMessageHandler
    {
        private final HandoffRecord record = new HandoffRecord();
        private final HandoffLayout layout;
        private Handler handler;

        Reader(final HandoffLayout layout)
        {
            this.layout = layout;
        }

        @Override
        public Action onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            return handler.onRecord(record.wrap(buffer, index, length, layout));
        }
    }
}
