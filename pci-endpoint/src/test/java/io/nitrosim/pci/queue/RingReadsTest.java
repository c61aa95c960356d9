package io.nitrosim.pci.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;

import org.agrona.concurrent.ControlledMessageHandler.Action;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Agrona's own reads stop at the end of the buffer: a record that did not fit before the end sits behind padding,
 * and a read that meets the padding first takes nothing. {@link RingReads} must take that record in the same call.
 */
class RingReadsTest
{
    private static final int CAPACITY = 4096;
    private static final int RECORD = 456; // eight fit (8 x 464 B with header), the ninth wraps behind padding

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void shouldReadTheRecordBehindThePaddingAtTheEndOfTheBuffer(final boolean oneToOne)
    {
        final RingBuffer agronaRead = wrappedRing(oneToOne);
        final RingBuffer ringRead = wrappedRing(oneToOne);

        assertEquals(0, agronaRead.read((type, buffer, index, length) -> { }, 10), "Agrona stops at the padding");
        final int[] seen = new int[1];
        assertEquals(1, RingReads.read(ringRead, (type, buffer, index, length) -> seen[0] = buffer.getInt(index), 10));
        assertEquals(9, seen[0]);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void shouldReadBehindThePaddingWithAControlledRead(final boolean oneToOne)
    {
        final RingBuffer ring = wrappedRing(oneToOne);

        assertEquals(1, RingReads.controlledRead(ring, (type, buffer, index, length) -> Action.CONTINUE, 10));
        assertEquals(0, ring.size());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void shouldTakeNothingWhenTheHandlerAbortsAtARecordThatIsNotBehindPadding(final boolean oneToOne)
    {
        final RingBuffer ring = ring(oneToOne);
        ring.write(1, new UnsafeBuffer(new byte[RECORD]), 0, RECORD);

        assertEquals(0, RingReads.controlledRead(ring, (type, buffer, index, length) -> Action.ABORT, 10));
        assertEquals(1, RingReads.read(ring, (type, buffer, index, length) -> { }, 10));
    }

    /** Eight records written and read, then a ninth that lands at the start, behind padding at the end. */
    private static RingBuffer wrappedRing(final boolean oneToOne)
    {
        final RingBuffer ring = ring(oneToOne);
        final UnsafeBuffer record = new UnsafeBuffer(new byte[RECORD]);
        for (int i = 1; i <= 8; i++)
        {
            record.putInt(0, i);
            ring.write(1, record, 0, RECORD);
        }
        assertEquals(8, ring.read((type, buffer, index, length) -> { }, 10));
        record.putInt(0, 9);
        ring.write(1, record, 0, RECORD);
        return ring;
    }

    private static RingBuffer ring(final boolean oneToOne)
    {
        final UnsafeBuffer buffer =
            new UnsafeBuffer(ByteBuffer.allocateDirect(CAPACITY + RingBufferDescriptor.TRAILER_LENGTH));
        return oneToOne ? new OneToOneRingBuffer(buffer) : new ManyToOneRingBuffer(buffer);
    }
}
