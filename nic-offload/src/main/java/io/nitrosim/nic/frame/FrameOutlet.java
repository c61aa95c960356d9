package io.nitrosim.nic.frame;

import org.agrona.MutableDirectBuffer;

/**
 * Where a traffic source writes outgoing frames, zero-copy: claim space for a frame, write its first
 * {@code capturedLength} bytes at the returned index of {@link #buffer()}, then {@link #commit}. Implemented by the
 * card's egress queue ({@link io.nitrosim.nic.card.TxQueue}) and by the ENA reference driver's TX queues, so one
 * traffic model drives either. Single producer.
 */
public interface FrameOutlet
{
    /**
     * @param capturedLength bytes that will be written (the whole frame, or its headers in timing-only mode).
     * @param frameLength    the frame's length on the wire.
     * @return an index into {@link #buffer()}, or -1 when there is no room now (back-pressure: try later).
     */
    int tryClaim(int capturedLength, int frameLength);

    MutableDirectBuffer buffer();

    /** Sends the claimed frame. */
    void commit(int index);

    /** Whether a frame could be claimed now. */
    boolean hasRoom();
}
