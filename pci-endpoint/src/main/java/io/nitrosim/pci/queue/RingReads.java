package io.nitrosim.pci.queue;

import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * Reads of an Agrona {@link RingBuffer} that go on across the end of its buffer. One Agrona read stops at the end of
 * the buffer: when the record at the head did not fit before the end, the producer left padding there, and a read
 * then consumes only the padding and returns 0 although the record is ready at the start. An agent that reported
 * that 0 as "no work" would be taken for idle (skipped until woken, or passed by a time jump) with a record waiting.
 * These reads read once more after a read that took nothing but padding.
 */
public final class RingReads
{
    private RingReads()
    {
    }

    /** {@link RingBuffer#read(MessageHandler, int)}, past padding at the end of the buffer. */
    public static int read(final RingBuffer ring, final MessageHandler handler, final int limit)
    {
        final long before = ring.consumerPosition();
        if (ring.producerPosition() == before)
        {
            return 0; // empty: nothing claimed since the last read (cheaper than a read that finds no record)
        }
        final int read = ring.read(handler, limit);
        return read == 0 && ring.consumerPosition() != before ? ring.read(handler, limit) : read;
    }

    /** {@link RingBuffer#controlledRead(ControlledMessageHandler, int)}, past padding at the end of the buffer. */
    public static int controlledRead(final RingBuffer ring, final ControlledMessageHandler handler, final int limit)
    {
        final long before = ring.consumerPosition();
        if (ring.producerPosition() == before)
        {
            return 0;
        }
        final int read = ring.controlledRead(handler, limit);
        return read == 0 && ring.consumerPosition() != before ? ring.controlledRead(handler, limit) : read;
    }
}
