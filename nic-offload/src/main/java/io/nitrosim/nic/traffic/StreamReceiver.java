package io.nitrosim.nic.traffic;

import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.card.FrameSink;
import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.nic.frame.FrameOutlet;
import io.nitrosim.nic.frame.FrameReceiver;

/**
 * The receiving side of a stream: counts frames and bytes, detects losses from sequence gaps (the fabric keeps
 * a flow in order, so a gap is a loss), records one-way latency (receive time minus the sender's stamp, both in
 * simulated time) in an HdrHistogram, checks the payload pattern in payload mode, and for TCP-like streams
 * acks every segment (a reliable one takes segments in order only: see {@link StreamSpec#reliable()}) through
 * its own outlet (a card TX queue of the receiving ENI, or a TX queue of the guest's
 * ENA driver). Runs on the thread that delivers frames (the card's, or the guest's).
 */
public final class StreamReceiver implements FrameSink, FrameReceiver
{
    /** Latencies above this are clamped (60 s). */
    public static final long MAX_LATENCY_NS = 60_000_000_000L;

    private final int streamId;
    private final StreamSpec spec;
    private final FrameOutlet ackQueue;
    private long localMac;
    private final int localIp;
    private final Histogram latency = new Histogram(MAX_LATENCY_NS, 3);
    private final EthernetFrame frame = new EthernetFrame();
    private final EthernetFrame ack = new EthernetFrame();
    private long framesReceived;
    private long bytesReceived;
    private long expectedSeq;
    private long gaps;
    private long reordered;
    private long corrupted;
    private long foreign;
    private long outOfOrder;
    private long duplicates;
    private long acksSent;
    private long acksDropped;
    private long firstRxNs = -1;
    private long lastRxNs = -1;

    /**
     * @param ackQueue where TCP-like acks go (null for UDP streams).
     * @param localMac the receiving interface's MAC (acks' source).
     * @param localIp  the receiving interface's IPv4 address (acks' source).
     */
    public StreamReceiver(final int streamId, final StreamSpec spec, final FrameOutlet ackQueue, final long localMac,
        final int localIp)
    {
        this.streamId = streamId;
        this.spec = spec;
        this.ackQueue = ackQueue;
        this.localMac = localMac;
        this.localIp = localIp;
    }

    /** Sets the receiving interface's MAC (a guest learns it from its device). */
    public void localMac(final long mac)
    {
        this.localMac = mac;
    }

    public int streamId()
    {
        return streamId;
    }

    public long framesReceived()
    {
        return framesReceived;
    }

    /** Bytes received as charged on the wire (frame lengths). */
    public long bytesReceived()
    {
        return bytesReceived;
    }

    /**
     * Frames the sender had sent up to the highest sequence number received (0 when none arrived): what iperf's
     * receiver counts loss against, so frames still queued or in flight when a run ends are not losses.
     */
    public long framesUpToHighestReceived()
    {
        return expectedSeq;
    }

    /** Segments missing from the sequence (lost unless they turn up late). */
    public long gaps()
    {
        return gaps;
    }

    public long reordered()
    {
        return reordered;
    }

    public long corrupted()
    {
        return corrupted;
    }

    /** Segments of a reliable stream dropped because one before them was missing. */
    public long outOfOrder()
    {
        return outOfOrder;
    }

    /** Segments of a reliable stream received again after they had been delivered. */
    public long duplicates()
    {
        return duplicates;
    }

    public long acksSent()
    {
        return acksSent;
    }

    public long acksDropped()
    {
        return acksDropped;
    }

    /** Frames that were not this stream's data (wrong stream id, kind, or too short). */
    public long foreign()
    {
        return foreign;
    }

    public long firstRxNs()
    {
        return firstRxNs;
    }

    public long lastRxNs()
    {
        return lastRxNs;
    }

    public Histogram latency()
    {
        return latency;
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
        final EthernetFrame f = frame.wrap(buffer, offset, capturedLength);
        final int payloadIndex = offset + f.payloadOffset();
        if (capturedLength < f.payloadOffset() + StreamPayload.LENGTH
            || StreamPayload.streamId(buffer, payloadIndex) != streamId
            || StreamPayload.kind(buffer, payloadIndex) != StreamPayload.KIND_DATA)
        {
            foreign++;
            return;
        }
        final long seq = StreamPayload.seq(buffer, payloadIndex);
        final long sentNs = StreamPayload.timeNs(buffer, payloadIndex);
        if (spec.reliable() && seq != expectedSeq)
        {
            // in order only: a later segment (one before it was lost) or one seen already is dropped and answered
            // with the ack of the last in-order one
            if (seq > expectedSeq)
            {
                outOfOrder++;
            }
            else
            {
                duplicates++;
            }
            if (ackQueue != null)
            {
                sendAck(f.srcMac(), f.srcIp(), f.dstPort(), f.srcPort(), expectedSeq - 1, sentNs);
            }
            return;
        }
        framesReceived++;
        bytesReceived += frameLength;
        if (firstRxNs < 0)
        {
            firstRxNs = nowNs;
        }
        lastRxNs = nowNs;
        latency.recordValue(Math.min(MAX_LATENCY_NS, Math.max(0, nowNs - sentNs)));
        if (seq == expectedSeq)
        {
            expectedSeq++;
        }
        else if (seq > expectedSeq)
        {
            gaps += seq - expectedSeq;
            expectedSeq = seq + 1;
        }
        else
        {
            reordered++;
        }
        if (spec.payloadMode())
        {
            final int payloadLength = f.payloadLength();
            if (capturedLength != frameLength || f.payloadOffset() + payloadLength > capturedLength
                || !StreamPayload.hasFill(buffer, payloadIndex, seq, payloadLength))
            {
                corrupted++;
            }
        }
        if (ackQueue != null)
        {
            sendAck(f.srcMac(), f.srcIp(), f.dstPort(), f.srcPort(), expectedSeq - 1, sentNs);
        }
    }

    private void sendAck(final long dstMac, final int dstIp, final int srcPort, final int dstPort,
        final long highestSeq, final long echoNs)
    {
        final int length = EthernetFrame.frameLengthFor(EthernetFrame.PROTO_TCP, StreamPayload.LENGTH);
        final int index = ackQueue.tryClaim(length, length);
        if (index < 0)
        {
            acksDropped++;
            return;
        }
        final MutableDirectBuffer buffer = ackQueue.buffer();
        ack.wrapForWrite(buffer, index, length).writeHeaders(dstMac, localMac, localIp, dstIp,
            EthernetFrame.PROTO_TCP, srcPort, dstPort, StreamPayload.LENGTH, (int)acksSent);
        ack.tcp(0, highestSeq + 1, EthernetFrame.TCP_FLAG_ACK);
        StreamPayload.write(buffer, index + ack.payloadOffset(), streamId, StreamPayload.KIND_ACK, highestSeq, echoNs,
            framesReceived);
        ackQueue.commit(index);
        acksSent++;
    }
}
