package io.nitrosim.nic.fabric;

import org.agrona.MutableDirectBuffer;

/**
 * Where a card writes an encapsulated frame bound for one host: an in-process fabric ring
 * ({@link RingFabricPort}) or the UDP transport to another process ({@link UdpFabricTransport}). The card claims
 * space, writes the {@link io.nitrosim.nic.frame.EncapHeader} and the frame in place, and commits (zero copy).
 */
public interface FabricPort
{
    /**
     * Claims {@code length} bytes for an encapsulated frame that stands for {@code chargedBytes} on the wire and
     * whose last byte left the sending card at {@code sentNs} (after its wire time on the card's uplink).
     *
     * @return the index in {@link #buffer()}, or -1 when the link is full (the frame stays in the sender's
     * queue: back-pressure, nothing is dropped).
     */
    int tryClaim(int length, int chargedBytes, long sentNs);

    MutableDirectBuffer buffer();

    void commit(int index);

    void abort(int index);
}
