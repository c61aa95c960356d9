package io.nitrosim.pci;

import java.nio.ByteBuffer;

import org.agrona.BitUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import io.nitrosim.pci.queue.RingReads;

/**
 * The bounded hand-off of doorbell and notify-on-write MMIO writes from the host's thread(s) to the device
 * agent: an Agrona many-to-one ring (several vCPU threads may write one function's BARs).
 * <p>
 * Record layout after Agrona's 8-byte record header, in the platform's byte order like Agrona's own header (the
 * ring never leaves the process, so no byte order is imposed on it):
 * <pre>
 *   0  barIndex    i32
 *   4  offset      i32  dword-aligned offset within the BAR
 *   8  generation  i32  reset generation the write belongs to (records from before an FLR are discarded)
 *  12  sequence    i32  per-register write sequence (see BarRegisterFile latches)
 *  16  value       i64  the 32-bit value written, zero-extended
 * </pre>
 */
final class DoorbellRing
{
    static final int MSG_TYPE_DOORBELL = 1;
    static final int BAR_INDEX_OFFSET = 0;
    static final int OFFSET_OFFSET = 4;
    static final int GENERATION_OFFSET = 8;
    static final int SEQUENCE_OFFSET = 12;
    static final int VALUE_OFFSET = 16;
    static final int RECORD_LENGTH = 24;
    /** Agrona record header + record, aligned to 8. */
    static final int SLOT_BYTES = 32;

    private final ManyToOneRingBuffer ring;

    DoorbellRing(final int capacityRecords)
    {
        final int capacityBytes = BitUtil.findNextPositivePowerOfTwo(capacityRecords * SLOT_BYTES);
        ring = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(capacityBytes + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    /** @return false if the ring is full (the caller counts and handles the overflow). */
    boolean offer(final int barIndex, final int offset, final int generation, final int sequence, final int value)
    {
        final int index = ring.tryClaim(MSG_TYPE_DOORBELL, RECORD_LENGTH);
        if (index <= 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        buffer.putInt(index + BAR_INDEX_OFFSET, barIndex);
        buffer.putInt(index + OFFSET_OFFSET, offset);
        buffer.putInt(index + GENERATION_OFFSET, generation);
        buffer.putInt(index + SEQUENCE_OFFSET, sequence);
        buffer.putLong(index + VALUE_OFFSET, value & 0xFFFF_FFFFL);
        ring.commit(index);
        return true;
    }

    /**
     * Hands every record to {@code handler}, past the padding at the end of the buffer ({@link RingReads}), so that
     * no doorbell waits for another call (the agent may sleep until woken, and nothing would wake it for a record
     * already in the ring).
     */
    int drain(final MessageHandler handler)
    {
        return RingReads.read(ring, handler, Integer.MAX_VALUE);
    }

    int size()
    {
        return ring.size() / SLOT_BYTES;
    }

    /** Whether no record waits (two reads; {@link #size} loops until it reads both positions unchanged). */
    boolean isEmpty()
    {
        return ring.producerPosition() == ring.consumerPosition();
    }

    int capacityRecords()
    {
        return ring.capacity() / SLOT_BYTES;
    }
}
