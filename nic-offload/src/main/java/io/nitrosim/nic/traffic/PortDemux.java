package io.nitrosim.nic.traffic;

import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;

import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.card.FrameSink;
import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.nic.frame.FrameReceiver;

/**
 * Hands each delivered frame to the receiver of its destination port (no allocation): an ENI's card sink, or
 * a guest's receive path behind the ENA driver.
 */
public final class PortDemux implements FrameSink, FrameReceiver
{
    private final Int2ObjectHashMap<FrameReceiver> byPort = new Int2ObjectHashMap<>();
    private final EthernetFrame frame = new EthernetFrame();
    /**
     * The last port found and its receiver: a guest's frames nearly all belong to the same one or few flows, so
     * the map is looked up only when the port changes (the same receiver either way; registering clears it).
     */
    private int lastPort = -1;
    private FrameReceiver lastSink;
    private long unmatched;

    public void register(final int port, final FrameReceiver sink)
    {
        if (byPort.containsKey(port))
        {
            throw new IllegalArgumentException("port " + port + " already has a receiver on this ENI");
        }
        byPort.put(port, sink);
        lastPort = -1;
        lastSink = null;
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
        onFrame(buffer, offset, capturedLength, frameLength, nowNs);
        return true;
    }

    @Override
    public void onFrame(final DirectBuffer buffer, final int offset, final int capturedLength, final int frameLength,
        final long nowNs)
    {
        final FrameReceiver sink = capturedLength < EthernetFrame.L4_OFFSET + 4 ? null
            : receiverOf(frame.wrap(buffer, offset, capturedLength).dstPort());
        if (sink == null)
        {
            unmatched++;
            return;
        }
        sink.onFrame(buffer, offset, capturedLength, frameLength, nowNs);
    }

    private FrameReceiver receiverOf(final int port)
    {
        if (port != lastPort)
        {
            lastSink = byPort.get(port);
            lastPort = port;
        }
        return lastSink;
    }
}
