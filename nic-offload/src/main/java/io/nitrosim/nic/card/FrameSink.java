package io.nitrosim.nic.card;

import org.agrona.DirectBuffer;

import io.nitrosim.time.Wake;

/**
 * Receives the frames the card delivers to an ENI after ingress shaping: the ENA device's RX path, or a
 * card-level traffic receiver. Implemented by field-held objects, never capturing lambdas. Called on the card
 * agent's thread; the buffer is valid only during the call.
 */
@FunctionalInterface
public interface FrameSink
{
    /** Accepts and forgets every frame. */
    FrameSink DISCARD = (eni, buffer, offset, capturedLength, frameLength, nowNs) -> true;

    /**
     * @param eni            the receiving ENI's port.
     * @param capturedLength bytes present (all of the frame, or its headers in timing-only mode).
     * @param frameLength    the frame's length on the wire.
     * @return false when the receiver has no buffer: the card drops the frame and counts it.
     */
    boolean onFrame(EniPort eni, DirectBuffer buffer, int offset, int capturedLength, int frameLength, long nowNs);

    /**
     * The wakes of the card that delivers frames here ({@code card}, a producer) and of the group that takes them
     * ({@code consumer}), for a sink that hands frames over through a ring ({@link io.nitrosim.time.Wake}).
     */
    default void bindWakes(final Wake card, final Wake consumer)
    {
    }
}
