package io.nitrosim.benchmarks;

import io.nitrosim.nic.traffic.StreamPayload;
import io.nitrosim.nic.traffic.StreamSpec;

/** Sizes the payload benchmarks' figures are computed from. */
final class PayloadFigures
{
    private PayloadFigures()
    {
    }

    /** Bytes of fill in a UDP frame of the given L3 MTU: the L4 payload after the 32-byte stream header. */
    static int fillBytes(final int mtu)
    {
        return StreamSpec.builder(StreamSpec.Mode.UDP_UNLIMITED).mtu(mtu).window(0, Long.MAX_VALUE).build()
            .payloadLength() - StreamPayload.LENGTH;
    }
}
