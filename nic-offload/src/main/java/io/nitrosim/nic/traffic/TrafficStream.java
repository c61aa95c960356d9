package io.nitrosim.nic.traffic;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.NanoClock;

import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.card.FrameSink;
import io.nitrosim.nic.card.TxQueue;
import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.nic.frame.FrameOutlet;
import io.nitrosim.nic.frame.FrameReceiver;
import io.nitrosim.time.SimAgent;

/**
 * The sending side of an iperf-like stream: builds real-looking frames (Ethernet/IPv4/UDP or TCP with a
 * {@link StreamPayload} header) straight into a {@link FrameOutlet} (zero copy): an ENI's card {@link TxQueue}
 * (as an agent of its own, {@link Iperf}), or a TX queue of the ENA reference driver inside a guest program
 * ({@code io.nitrosim.nic.guest.GuestIperf}, which calls {@link #doWork(long)}). The same pacing and congestion
 * logic serves both.
 * <p>
 * UDP at a fixed rate keeps its schedule (it catches up after back-pressure); UDP unlimited fills the queue
 * whenever it has room; TCP-like keeps at most {@code cwnd} segments in flight (bounded by the window) with
 * slow start, additive increase of one segment per window, halving once per loss episode (losses inferred from
 * the receiver's acks) and a retransmission-timeout collapse to one segment. Without {@link StreamSpec#reliable()}
 * there is no retransmission (a rate model: lost segments stay lost); with it the sender goes back to the first
 * unacknowledged segment after three duplicate acks (once per window) or a timeout (go-back-N), and the receiver
 * takes segments in order only, so every byte arrives, in order.
 * <p>
 * Acks arrive through {@link #ackSink()} on the thread that delivers frames (the card's, or the guest's): in
 * real-time runs of the card-level model put the stream and its card in one {@link io.nitrosim.time.AgentGroup}.
 * Allocation-free per frame.
 */
public final class TrafficStream implements SimAgent, FrameSink, FrameReceiver
{
    private static final int BURST = 64;

    private final int streamId;
    private final StreamSpec spec;
    private final FrameOutlet queue;
    private final NanoClock clock;
    private long srcMac;
    private long dstMac;
    private final int srcIp;
    private final int dstIp;
    private final int srcPort;
    private final int dstPort;
    private final int protocol;
    private final int frameLength;
    private final int payloadLength;
    private final int captured;
    private final EthernetFrame frame = new EthernetFrame();

    private long nextSeq;
    private long framesSent;
    private long bytesSent;
    private long nextSendNs;
    private long sendRemainder;
    private final long stepNanoBytes;

    // TCP-like state
    private long inflight;
    private final CongestionWindow cwnd;
    private long lastAckCount;
    private long lastLostTotal;
    private long lastProgressNs;
    private long acksReceived;
    // reliable: the first segment not acknowledged, duplicate acks seen, segments sent again
    private long unacked;
    private long highestSent;
    private int duplicateAcks;
    private long retransmits;

    TrafficStream(final int streamId, final StreamSpec spec, final TxQueue queue, final NanoClock clock,
        final long dstMac, final int dstIp, final int srcPort, final int dstPort)
    {
        this(streamId, spec, queue, clock, queue.port().eni().mac(), queue.port().eni().primaryIp(), dstMac, dstIp,
            srcPort, dstPort);
    }

    /**
     * A stream writing into any outlet.
     *
     * @param clock the clock {@link #doWork()} reads; may be null when the owner calls {@link #doWork(long)}.
     */
    public TrafficStream(final int streamId, final StreamSpec spec, final FrameOutlet queue, final NanoClock clock,
        final long srcMac, final int srcIp, final long dstMac, final int dstIp, final int srcPort, final int dstPort)
    {
        this.streamId = streamId;
        this.spec = spec;
        this.queue = queue;
        this.clock = clock;
        this.srcMac = srcMac;
        this.srcIp = srcIp;
        this.dstMac = dstMac;
        this.dstIp = dstIp;
        this.srcPort = srcPort;
        this.dstPort = dstPort;
        this.protocol = spec.protocol();
        this.frameLength = spec.frameLength();
        this.payloadLength = spec.payloadLength();
        this.captured = spec.capturedLength();
        this.nextSendNs = spec.startNs();
        this.stepNanoBytes = (long)frameLength * 1_000_000_000L;
        this.cwnd = new CongestionWindow(spec.initialWindowSegments(), spec.windowBytes() / spec.mtu());
    }

    public int streamId()
    {
        return streamId;
    }

    public StreamSpec spec()
    {
        return spec;
    }

    public FrameOutlet outlet()
    {
        return queue;
    }

    /** Sets the Ethernet addresses (a guest learns its MAC from its device, the peer's by resolution). */
    public void macs(final long srcMac, final long dstMac)
    {
        this.srcMac = srcMac;
        this.dstMac = dstMac;
    }

    public int srcPort()
    {
        return srcPort;
    }

    public int dstPort()
    {
        return dstPort;
    }

    public long framesSent()
    {
        return framesSent;
    }

    public long bytesSent()
    {
        return bytesSent;
    }

    public long lossEvents()
    {
        return cwnd.lossEvents();
    }

    public long timeouts()
    {
        return cwnd.timeouts();
    }

    public long acksReceived()
    {
        return acksReceived;
    }

    /** Segments a reliable stream sent again (go-back-N). */
    public long retransmits()
    {
        return retransmits;
    }

    /** Congestion window in segments. */
    public long cwndSegments()
    {
        return cwnd.segments();
    }

    public long smoothedRttNs()
    {
        return cwnd.smoothedRttNs();
    }

    /** Where acks for this stream go (registered on the sender side's demux). */
    public FrameReceiver ackSink()
    {
        return this;
    }

    @Override
    public String roleName()
    {
        return "stream-" + streamId;
    }

    @Override
    public int doWork()
    {
        return doWork(clock.nanoTime());
    }

    /** Sends what the mode allows at {@code nowNs}. @return frames sent (plus 1 for a timeout). */
    public int doWork(final long nowNs)
    {
        if (nowNs < spec.startNs() || nowNs >= spec.stopNs())
        {
            return 0;
        }
        int work = 0;
        switch (spec.mode())
        {
            case UDP_UNLIMITED:
                while (work < BURST && send(nowNs))
                {
                    work++;
                }
                break;
            case UDP_RATE:
                while (work < BURST && nextSendNs <= nowNs && send(nowNs))
                {
                    advanceSchedule();
                    work++;
                }
                break;
            case TCP:
                if (inflight > 0 && nowNs - lastProgressNs >= spec.rtoNs())
                {
                    cwnd.onTimeout(nextSeq);
                    inflight = 0; // everything in flight is presumed lost
                    lastProgressNs = nowNs;
                    if (spec.reliable())
                    {
                        goBack();
                    }
                    work++;
                }
                while (work < BURST && inflight < cwnd.allowedSegments() && send(nowNs))
                {
                    if (inflight == 0)
                    {
                        lastProgressNs = nowNs;
                    }
                    inflight++;
                    work++;
                }
                break;
            default:
                break;
        }
        return work;
    }

    @Override
    public long nextDeadlineNs()
    {
        return nextDeadlineNs(clock.nanoTime());
    }

    /** When {@link #doWork(long)} next has something to do without new input. */
    public long nextDeadlineNs(final long nowNs)
    {
        if (nowNs >= spec.stopNs())
        {
            return NO_DEADLINE;
        }
        if (nowNs < spec.startNs())
        {
            return spec.startNs();
        }
        switch (spec.mode())
        {
            case UDP_RATE:
                // A full queue frees when the card takes a frame, which is work in that pass.
                return !queue.hasRoom() || nextSendNs >= spec.stopNs() ? NO_DEADLINE : nextSendNs;
            case TCP:
                return inflight > 0 ? lastProgressNs + spec.rtoNs() : NO_DEADLINE;
            default:
                return NO_DEADLINE;
        }
    }

    private void advanceSchedule()
    {
        final long rate = spec.rateBytesPerSec();
        nextSendNs += stepNanoBytes / rate;
        sendRemainder += stepNanoBytes % rate;
        if (sendRemainder >= rate)
        {
            sendRemainder -= rate;
            nextSendNs++;
        }
    }

    private boolean send(final long nowNs)
    {
        final int index = queue.tryClaim(captured, frameLength);
        if (index < 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = queue.buffer();
        final long seq = nextSeq++;
        if (seq < highestSent)
        {
            retransmits++;
        }
        else
        {
            highestSent = seq + 1;
        }
        frame.wrapForWrite(buffer, index, captured)
            .writeHeaders(dstMac, srcMac, srcIp, dstIp, protocol, srcPort, dstPort, payloadLength, (int)seq);
        if (protocol == EthernetFrame.PROTO_TCP)
        {
            frame.tcp(seq * payloadLength, 0, EthernetFrame.TCP_FLAG_ACK | EthernetFrame.TCP_FLAG_PSH);
        }
        final int payloadIndex = index + frame.payloadOffset();
        StreamPayload.write(buffer, payloadIndex, streamId, StreamPayload.KIND_DATA, seq, nowNs, 0);
        if (spec.payloadMode())
        {
            StreamPayload.fill(buffer, payloadIndex, seq, payloadLength);
        }
        queue.commit(index);
        framesSent++;
        bytesSent += frameLength;
        return true;
    }

    /** A reliable stream's ack: {@code count} segments delivered in order (the next one expected). */
    private void onCumulativeAck(final long count, final long nowNs)
    {
        if (count > unacked)
        {
            final long delivered = count - unacked;
            unacked = count;
            nextSeq = Math.max(nextSeq, unacked);
            inflight = nextSeq - unacked;
            duplicateAcks = 0;
            lastProgressNs = nowNs;
            cwnd.onDelivered(delivered);
        }
        else if (nextSeq > unacked && ++duplicateAcks == 3 && cwnd.onLoss(unacked, nextSeq))
        {
            inflight = 0;
            goBack(); // fast retransmit, go-back-N: once per window (the congestion window's recovery point)
        }
    }

    /** Sends again from the first segment not acknowledged. */
    private void goBack()
    {
        nextSeq = unacked;
        inflight = 0;
        duplicateAcks = 0;
    }

    /** An ack from the receiver (card thread). */
    @Override
    public boolean onFrame(final EniPort eni, final DirectBuffer buffer, final int offset, final int capturedLength,
        final int frameLength, final long nowNs)
    {
        onFrame(buffer, offset, capturedLength, frameLength, nowNs);
        return true;
    }

    /** An ack from the receiver. */
    @Override
    public void onFrame(final DirectBuffer buffer, final int offset, final int capturedLength, final int frameLength,
        final long nowNs)
    {
        final EthernetFrame f = frame.wrap(buffer, offset, capturedLength);
        final int payloadIndex = offset + f.payloadOffset();
        if (capturedLength < f.payloadOffset() + StreamPayload.LENGTH
            || StreamPayload.kind(buffer, payloadIndex) != StreamPayload.KIND_ACK
            || StreamPayload.streamId(buffer, payloadIndex) != streamId)
        {
            return;
        }
        acksReceived++;
        final long highestSeq = StreamPayload.seq(buffer, payloadIndex);
        final long count = StreamPayload.count(buffer, payloadIndex);
        final long echoNs = StreamPayload.timeNs(buffer, payloadIndex);
        final long rttNs = nowNs - echoNs;
        cwnd.onRttSample(rttNs);
        if (spec.reliable())
        {
            onCumulativeAck(count, nowNs);
            return;
        }
        final long delivered = Math.max(0, count - lastAckCount);
        lastAckCount = Math.max(lastAckCount, count);
        final long lostTotal = Math.max(0, highestSeq + 1 - lastAckCount);
        final long newlyLost = Math.max(0, lostTotal - lastLostTotal);
        lastLostTotal = Math.max(lastLostTotal, lostTotal);
        inflight = Math.max(0, inflight - delivered - newlyLost);
        if (delivered > 0)
        {
            lastProgressNs = nowNs;
        }
        if (newlyLost == 0 || !cwnd.onLoss(highestSeq, nextSeq))
        {
            cwnd.onDelivered(delivered);
        }
    }
}
