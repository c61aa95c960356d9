package io.nitrosim.nic.testbed;

import io.nitrosim.nic.card.FrameSink;
import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.card.TxQueue;
import io.nitrosim.nic.frame.EthernetFrame;

import org.agrona.DirectBuffer;

/** Hand-built frames written straight into a TX queue, and a sink that records what arrives. */
public final class RawFrames
{
    private RawFrames()
    {
    }

    /** Writes one full frame (payload filled with its index). @return false when the queue is full. */
    public static boolean send(final TxQueue queue, final long srcMac, final int srcIp, final int dstIp,
        final int protocol, final int srcPort, final int dstPort, final int payloadLength)
    {
        final int length = EthernetFrame.frameLengthFor(protocol, payloadLength);
        final int index = queue.tryClaim(length, length);
        if (index < 0)
        {
            return false;
        }
        final EthernetFrame frame = new EthernetFrame().wrapForWrite(queue.buffer(), index, length);
        frame.writeHeaders(0x02_00_00_00_00_01L, srcMac, srcIp, dstIp, protocol, srcPort, dstPort, payloadLength, 1);
        for (int i = 0; i < payloadLength; i++)
        {
            queue.buffer().putByte(index + frame.payloadOffset() + i, (byte)i);
        }
        queue.commit(index);
        return true;
    }

    /** Sends from the port's own MAC and primary IP. */
    public static boolean send(final EniPort from, final TxQueue queue, final int dstIp, final int protocol,
        final int srcPort, final int dstPort, final int payloadLength)
    {
        return send(queue, from.eni().mac(), from.eni().primaryIp(), dstIp, protocol, srcPort, dstPort, payloadLength);
    }

    /** Records the 5-tuples it receives. */
    public static final class Recorder implements FrameSink
    {
        public final java.util.List<String> frames = new java.util.ArrayList<>();
        private final EthernetFrame frame = new EthernetFrame();

        @Override
        public boolean onFrame(final EniPort eni, final DirectBuffer buffer, final int offset, final int capturedLength,
            final int frameLength, final long nowNs)
        {
            frame.wrap(buffer, offset, capturedLength);
            frames.add(frame.protocol() + " " + io.nitrosim.nic.vpc.Ipv4.format(frame.srcIp()) + ":" + frame.srcPort()
                + " > " + io.nitrosim.nic.vpc.Ipv4.format(frame.dstIp()) + ":" + frame.dstPort() + " len " + frameLength);
            return true;
        }
    }
}
