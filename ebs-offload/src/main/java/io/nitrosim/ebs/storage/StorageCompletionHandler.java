package io.nitrosim.ebs.storage;

import org.agrona.DirectBuffer;

/**
 * Receives completed storage requests on the polling (agent) thread. Implement it with a field-held object,
 * not a capturing lambda, so polling allocates nothing.
 */
@FunctionalInterface
public interface StorageCompletionHandler
{
    /**
     * @param requestId  the id given at submission.
     * @param op         the {@link StorageOp}.
     * @param status     a {@link StorageStatus} code.
     * @param value      op-specific: the journal sequence number of an acknowledged WRITE/TRIM/CREATE, else 0.
     * @param buffer     holds the data of a READ (or the STATUS counters); valid only during the call.
     * @param dataIndex  where the data starts in {@code buffer}.
     * @param dataLength bytes of data (0 unless an OK READ or STATUS).
     */
    void onCompletion(long requestId, int op, int status, long value, DirectBuffer buffer, int dataIndex, int dataLength);
}
