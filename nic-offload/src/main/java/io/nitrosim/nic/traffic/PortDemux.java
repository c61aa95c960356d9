package io.nitrosim.nic.traffic;

import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;

import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.card.FrameSink;
import io.nitrosim.nic.frame.EthernetFrame;

/** An ENI's sink that hands each delivered frame to the handler of its destination port (no allocation). */
public final class PortDemux implements FrameSink
{
    private final Int2ObjectHashMap<FrameSink> byPort = new Int2ObjectHashMap<>();
    private final EthernetFrame frame = new EthernetFrame();
    private long unmatched;

    public void register(final int port, final FrameSink sink)
    {
        if (byPort.containsKey(port))
        {
            throw new IllegalArgumentException("port " + port + " already has a receiver on this ENI");
        }
        byPort.put(port, sink);
    }

    /** Frames for ports nobody listens on (discarded). */
    public long unmatched()
    {
        return unmatched;
    }

    @Override
    public boolean onFrame(final EniPort eni, final DirectBuffer buffer, final int offset, final int capturedLength,
        final int frameLength, final long nowNs)
    {
        final FrameSink sink = byPort.get(frame.wrap(buffer, offset, capturedLength).dstPort());
        if (sink == null)
        {
            unmatched++;
            return true;
        }
        return sink.onFrame(eni, buffer, offset, capturedLength, frameLength, nowNs);
    }
}
