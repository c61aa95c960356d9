package io.nitrosim.nic.frame;

import org.agrona.DirectBuffer;

/**
 * Receives frames: from the card's delivery ({@link io.nitrosim.nic.card.FrameSink} adapts to it) or from the
 * ENA reference driver's RX path. The buffer is valid only during the call. Implemented by field-held objects,
 * never capturing lambdas, on hot paths.
 */
@FunctionalInterface
public interface FrameReceiver
{
    /**
     * @param capturedLength bytes present (the whole frame, or its first bytes in timing-only mode).
     * @param frameLength    the frame's length on the wire.
     */
    void onFrame(DirectBuffer buffer, int offset, int capturedLength, int frameLength, long nowNs);
}
