package io.nitrosim.shaping;

import org.agrona.DirectBuffer;

/**
 * Receives records a {@link ShapedRing} consumer admitted. Implemented by a field-held object, never a
 * capturing lambda, so polling allocates nothing.
 */
@FunctionalInterface
public interface ShapedRecordHandler
{
    /**
     * @param tag           the producer's 32-bit tag (queue id, flow id, ...).
     * @param buffer        the ring's buffer; valid only during the call.
     * @param payloadIndex  where the payload starts in {@code buffer}.
     * @param payloadLength payload bytes present (0 for a timing-only record).
     * @param chargedBytes  bytes the record stands for, charged to the byte buckets.
     * @param readyAtNs     when the record became ready.
     * @param nowNs         the consumer's current time.
     * @return true if taken; false leaves the record at the head (downstream full) and stops the poll, and
     * nothing is charged.
     */
    boolean onRecord(
        int tag, DirectBuffer buffer, int payloadIndex, int payloadLength, int chargedBytes, long readyAtNs, long nowNs);
}
