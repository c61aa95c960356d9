package io.nitrosim.shaping;

import org.agrona.DirectBuffer;

/**
 * Receives the records a {@link ShapedRing} consumer takes. Implemented by a field-held object, never a
 * capturing lambda, so polling allocates nothing.
 * <p>
 * For each try at the head record the ring calls {@link #onHead} (once it is ready), then checks the gate, then
 * calls {@link #onRecord} if the gate admits it.
 */
@FunctionalInterface
public interface ShapedRecordHandler
{
    /**
     * Looks at the ready head record before the gate does, on every try. On the first try
     * ({@link ShapedRing.Head#isFresh()}) the handler may decide the record's fate once and keep the decision in
     * the head; on any try it may name the record's own bucket, hold it, drop it or name where its throttling is
     * counted. The default does nothing: the record is shaped by the gate alone.
     *
     * @param head the ring's head state; valid only during the call.
     * Other parameters as in {@link #onRecord}.
     */
    default void onHead(
        ShapedRing.Head head, int tag, DirectBuffer buffer, int payloadIndex, int payloadLength, int chargedBytes,
        long nowNs)
    {
    }

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
