package io.nitrosim.nic.bridge;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.nic.frame.FrameOutlet;
import io.nitrosim.nic.traffic.CongestionWindow;

/**
 * One end of a reliable, ordered, flow-controlled byte stream carried in TCP frames through the guest's ENA
 * driver, the cards and the fabric: the guest half of a bridged connection. The other half is the local socket,
 * reached only through the {@link StreamConnection}'s rings and flags.
 * <p>
 * TCP as far as two ends of this bridge need it, in real TCP headers so the VPC card's security groups,
 * connection tracking and flow limits see an ordinary flow:
 * <ul>
 *   <li>handshake SYN / SYN-ACK / ACK (initial sequence 0 on both sides: data starts at sequence 1); the
 *       passive side answers the SYN only once its target socket accepted, with RST if it refused;</li>
 *   <li>cumulative acks, go-back-N retransmission from the first unacknowledged byte after three duplicate acks
 *       (once per window: not again until what was sent before it is acked) or a retransmission timeout (RTO = max(20 ms, 2 x smoothed RTT; 200 ms for the SYN), doubling per timeout up to 2 s; eight
 *       timeouts in a row reset the connection); segments out of order are dropped and answered with a
 *       duplicate ack (the fabric keeps a flow in order, so a gap means a loss);</li>
 *   <li>the congestion window of the iperf model ({@link CongestionWindow}: slow start, AIMD, collapse on
 *       timeout) and the receiver's window: the free space of its receive ring, sent in the 16-bit window
 *       field in units of 2^{@value #WINDOW_SHIFT} bytes (a window scale both ends fix instead of
 *       negotiating); a zero window is probed every RTO;</li>
 *   <li>FIN in each direction after the data (half-close), RST for failures.</li>
 * </ul>
 * No Nagle delay, no SACK, no urgent data, no options. Single-threaded (the guest's); allocation-free.
 */
final class ReliableStream
{
    static final int WINDOW_SHIFT = 8;
    static final long INITIAL_RTO_NS = 200_000_000L;
    static final long MIN_RTO_NS = 20_000_000L;
    static final long MAX_RTO_NS = 2_000_000_000L;
    static final int MAX_TIMEOUTS = 8;
    private static final int INITIAL_WINDOW_SEGMENTS = 10;
    private static final int HEADERS = EthernetFrame.ETH_HEADER_LENGTH + EthernetFrame.IPV4_HEADER_LENGTH
        + EthernetFrame.TCP_HEADER_LENGTH;

    // local states beyond the shared ones
    private static final int SYN_SENT = 0;
    private static final int WAIT_TARGET = 1;
    private static final int SYN_RECEIVED = 2;
    private static final int OPEN = 3;
    private static final int DONE = 4;

    final StreamConnection connection;
    final int localPort;
    final int remoteIp;
    final int remotePort;
    private final int localIp;
    private final int mss;
    private final long connectTimeoutNs;
    private final CongestionWindow cwnd;
    private final EthernetFrame frame = new EthernetFrame();
    private final EthernetFrame in = new EthernetFrame();
    private long localMac;
    private long remoteMac;
    private int phase;

    // sequence space: SYN = 0, stream byte k = k + 1, FIN = length + 1
    private long sndUna;
    private long sndNxt;
    private long sndMax;
    private long peerWindow;
    private boolean finSent;
    private long finSeq = -1;
    private long rcvNxt;
    private boolean finReceived;
    private boolean ackNow;
    private int ackOwed;
    private long advertised;
    private int dupAcks;
    private long recoverSeq;
    private long rtoNs = INITIAL_RTO_NS;
    private int timeoutsInRow;
    private long timerStartNs;
    private long openedNs;
    private long rttSeq = -1;
    private long rttSentNs;
    private int ipId;

    private long segmentsSent;
    private long retransmits;
    private long segmentsReceived;
    private long segmentsDropped;

    /**
     * @param connection the shared state with the local socket.
     * @param localMac   this guest's interface MAC (from its device).
     * @param remoteMac  the peer's MAC if known (active side: resolved; passive side: 0, learnt from the SYN).
     */
    ReliableStream(final StreamConnection connection, final int localIp, final int localPort, final long localMac,
        final int remoteIp, final int remotePort, final long remoteMac, final int mtu, final long connectTimeoutNs,
        final long nowNs)
    {
        this.connection = connection;
        this.localIp = localIp;
        this.localPort = localPort;
        this.localMac = localMac;
        this.remoteIp = remoteIp;
        this.remotePort = remotePort;
        this.remoteMac = remoteMac;
        this.mss = EthernetFrame.maxPayloadForMtu(EthernetFrame.PROTO_TCP, mtu);
        this.connectTimeoutNs = connectTimeoutNs;
        this.cwnd = new CongestionWindow(INITIAL_WINDOW_SEGMENTS, connection.outbound.capacity() / mss + 1);
        this.openedNs = nowNs;
        this.timerStartNs = nowNs;
        this.phase = connection.active ? SYN_SENT : WAIT_TARGET;
        this.rcvNxt = connection.active ? 0 : 1; // the passive side has the SYN (sequence 0)
        this.sndUna = 0;
        this.sndNxt = 0;
    }

    boolean isDone()
    {
        return phase == DONE;
    }

    long segmentsSent()
    {
        return segmentsSent;
    }

    long retransmits()
    {
        return retransmits;
    }

    long segmentsReceived()
    {
        return segmentsReceived;
    }

    long segmentsDropped()
    {
        return segmentsDropped;
    }

    CongestionWindow congestionWindow()
    {
        return cwnd;
    }

    /** When a timer falls due: the connect timeout, a retransmission, a zero-window probe; else never. */
    long nextDeadlineNs()
    {
        switch (phase)
        {
            case SYN_SENT:
                return Math.min(openedNs + connectTimeoutNs, timerStartNs + rtoNs);
            case SYN_RECEIVED:
                return timerStartNs + rtoNs;
            case OPEN:
                return sndMax > sndUna || (peerWindow < mss && connection.outbound.readable() > sndNxt - sndUna)
                    ? timerStartNs + rtoNs : Long.MAX_VALUE;
            default:
                return Long.MAX_VALUE;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Sending side: called once per guest pass

    /** Sends what the handshake, the windows and the timers allow. @return frames sent plus events handled. */
    int doWork(final FrameOutlet outlet, final long nowNs)
    {
        int work = 0;
        switch (phase)
        {
            case SYN_SENT:
                if (nowNs - openedNs >= connectTimeoutNs)
                {
                    return finish(StreamConnection.REFUSED);
                }
                if (sndNxt == 0 || nowNs - timerStartNs >= rtoNs)
                {
                    if (sndNxt != 0)
                    {
                        rtoNs = Math.min(MAX_RTO_NS, rtoNs * 2);
                        retransmits++;
                    }
                    if (!send(outlet, 0, 0, EthernetFrame.TCP_FLAG_SYN, 0, nowNs))
                    {
                        return work;
                    }
                    sndNxt = 1;
                    sndMax = 1;
                    timerStartNs = nowNs;
                    work++;
                }
                return work;
            case WAIT_TARGET:
                if (connection.localFailed)
                {
                    sendReset(outlet, nowNs);
                    return finish(StreamConnection.REFUSED);
                }
                if (!connection.targetConnected)
                {
                    return work;
                }
                phase = SYN_RECEIVED;
                sndNxt = 0; // send the SYN-ACK now
                return synAck(outlet, nowNs);
            case SYN_RECEIVED:
                return synAck(outlet, nowNs);
            case OPEN:
                return open(outlet, nowNs);
            default:
                return 0;
        }
    }

    private int synAck(final FrameOutlet outlet, final long nowNs)
    {
        if (sndNxt != 0 && nowNs - timerStartNs < rtoNs)
        {
            return 0;
        }
        if (sndNxt != 0)
        {
            if (++timeoutsInRow > MAX_TIMEOUTS)
            {
                return finish(StreamConnection.RESET);
            }
            rtoNs = Math.min(MAX_RTO_NS, rtoNs * 2);
            retransmits++;
        }
        if (!send(outlet, 0, 0, EthernetFrame.TCP_FLAG_SYN | EthernetFrame.TCP_FLAG_ACK, rcvNxt, nowNs))
        {
            return 0;
        }
        sndNxt = 1;
        sndMax = 1;
        timerStartNs = nowNs;
        return 1;
    }

    private int open(final FrameOutlet outlet, final long nowNs)
    {
        int work = 0;
        if (connection.localFailed)
        {
            sendReset(outlet, nowNs);
            return finish(StreamConnection.RESET);
        }
        if (sndMax > sndUna && nowNs - timerStartNs >= rtoNs)
        {
            if (++timeoutsInRow > MAX_TIMEOUTS)
            {
                sendReset(outlet, nowNs);
                return finish(StreamConnection.RESET);
            }
            cwnd.onTimeout(sndMax);
            rtoNs = Math.min(MAX_RTO_NS, rtoNs * 2);
            goBack(nowNs);
            work++;
        }
        // the flag before the tail: once the program finished, the tail read after it is the stream's end
        final boolean localDone = connection.localFinished;
        final ByteRing out = connection.outbound;
        final long dataEnd = out.tail() + 1; // sequence one past the last byte the program wrote
        final long allowed = Math.min(cwnd.allowedSegments() * mss, peerWindow);
        while (sndNxt < dataEnd)
        {
            final long inFlight = sndNxt - sndUna;
            final int length = (int)Math.min(Math.min(mss, dataEnd - sndNxt), allowed - inFlight);
            if (length <= 0 || (length < mss && length < dataEnd - sndNxt && inFlight > 0))
            {
                break; // window full, or only a sliver of it open while data is in flight
            }
            if (!sendData(outlet, sndNxt, length, nowNs))
            {
                return work;
            }
            work++;
        }
        if (localDone && !finSent && sndNxt == dataEnd && sndNxt - sndUna < Math.max(1, allowed))
        {
            if (send(outlet, sndNxt, 0, EthernetFrame.TCP_FLAG_FIN | EthernetFrame.TCP_FLAG_ACK, rcvNxt, nowNs))
            {
                finSent = true;
                finSeq = sndNxt;
                startTimerIfIdle(nowNs);
                sndNxt++;
                sndMax = Math.max(sndMax, sndNxt);
                work++;
            }
        }
        if (peerWindow < mss && sndNxt < dataEnd && sndMax == sndUna && nowNs - timerStartNs >= rtoNs)
        {
            // zero window: a probe makes the receiver say its window again
            if (send(outlet, sndNxt, 0, EthernetFrame.TCP_FLAG_ACK | EthernetFrame.TCP_FLAG_PSH, rcvNxt, nowNs))
            {
                timerStartNs = nowNs;
                work++;
            }
        }
        final long window = window();
        if (ackNow || ackOwed > 0 || (advertised < mss && window >= Math.min(mss, connection.inbound.capacity() / 2)))
        {
            if (sendAck(outlet, nowNs))
            {
                work++;
            }
        }
        if (finSent && sndUna > finSeq && finReceived && connection.inbound.readable() == 0)
        {
            work += finish(StreamConnection.CLOSED);
        }
        return work;
    }

    private void startTimerIfIdle(final long nowNs)
    {
        if (sndMax == sndUna)
        {
            timerStartNs = nowNs;
        }
    }

    private void goBack(final long nowNs)
    {
        recoverSeq = sndMax; // until everything sent so far is acked, duplicate acks are this loss's echo
        sndNxt = sndUna;
        if (finSent && finSeq >= sndUna)
        {
            finSent = false;
        }
        rttSeq = -1; // Karn: no samples from retransmitted data
        timerStartNs = nowNs;
        dupAcks = 0;
    }

    private boolean sendData(final FrameOutlet outlet, final long seq, final int length, final long nowNs)
    {
        final int frameLength = HEADERS + length;
        final int index = outlet.tryClaim(frameLength, frameLength);
        if (index < 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = outlet.buffer();
        writeHeaders(buffer, index, length, EthernetFrame.TCP_FLAG_ACK | EthernetFrame.TCP_FLAG_PSH, seq, rcvNxt);
        connection.outbound.read(seq - 1, buffer, index + HEADERS, length);
        outlet.commit(index);
        if (seq < sndMax)
        {
            retransmits++;
        }
        else if (rttSeq < 0)
        {
            rttSeq = seq + length;
            rttSentNs = nowNs;
        }
        startTimerIfIdle(nowNs);
        segmentsSent++;
        sndNxt = seq + length;
        sndMax = Math.max(sndMax, sndNxt);
        ackOwed = 0;
        ackNow = false;
        advertised = window();
        return true;
    }

    private boolean send(final FrameOutlet outlet, final long seq, final int length, final int flags, final long ack,
        final long nowNs)
    {
        final int frameLength = HEADERS + length;
        final int index = outlet.tryClaim(frameLength, frameLength);
        if (index < 0)
        {
            return false;
        }
        writeHeaders(outlet.buffer(), index, length, flags, seq, ack);
        outlet.commit(index);
        segmentsSent++;
        if ((flags & EthernetFrame.TCP_FLAG_ACK) != 0)
        {
            ackOwed = 0;
            ackNow = false;
            advertised = window();
        }
        return true;
    }

    private boolean sendAck(final FrameOutlet outlet, final long nowNs)
    {
        return send(outlet, sndNxt, 0, EthernetFrame.TCP_FLAG_ACK, rcvNxt, nowNs);
    }

    private void sendReset(final FrameOutlet outlet, final long nowNs)
    {
        send(outlet, sndNxt, 0, EthernetFrame.TCP_FLAG_RST | EthernetFrame.TCP_FLAG_ACK, rcvNxt, nowNs);
    }

    private void writeHeaders(final MutableDirectBuffer buffer, final int index, final int length, final int flags,
        final long seq, final long ack)
    {
        frame.wrapForWrite(buffer, index, HEADERS + length).writeHeaders(remoteMac, localMac, localIp, remoteIp,
            EthernetFrame.PROTO_TCP, localPort, remotePort, length, ipId++);
        frame.tcp(seq, ack, flags);
        buffer.putShort(index + EthernetFrame.TCP_WINDOW_OFFSET, (short)Math.min(0xFFFF, window() >>> WINDOW_SHIFT),
            java.nio.ByteOrder.BIG_ENDIAN);
    }

    /** Free space of the receive ring: what the peer may still send. */
    private long window()
    {
        return connection.inbound.writable();
    }

    private int finish(final int state)
    {
        phase = DONE;
        connection.state = state;
        connection.wake();
        return 1;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Receiving side: called for each frame of this connection

    /** A frame addressed to this connection (the caller matched its addresses and ports). */
    void onFrame(final DirectBuffer buffer, final int offset, final int capturedLength, final long nowNs)
    {
        final EthernetFrame f = in.wrap(buffer, offset, capturedLength);
        final int flags = f.tcpFlags();
        final int payload = f.payloadLength();
        if (capturedLength < f.payloadOffset() + payload || phase == DONE)
        {
            segmentsDropped++;
            return;
        }
        segmentsReceived++;
        if (remoteMac == 0)
        {
            remoteMac = f.srcMac();
        }
        if ((flags & EthernetFrame.TCP_FLAG_RST) != 0)
        {
            finish(phase == SYN_SENT ? StreamConnection.REFUSED : StreamConnection.RESET);
            return;
        }
        final long window = (buffer.getShort(offset + EthernetFrame.TCP_WINDOW_OFFSET, java.nio.ByteOrder.BIG_ENDIAN)
            & 0xFFFFL) << WINDOW_SHIFT;
        switch (phase)
        {
            case SYN_SENT:
                if ((flags & EthernetFrame.TCP_FLAG_SYN) != 0 && (flags & EthernetFrame.TCP_FLAG_ACK) != 0
                    && expand(f.tcpAck(), sndUna) == 1)
                {
                    rcvNxt = 1;
                    sndUna = 1;
                    peerWindow = window;
                    cwnd.onRttSample(nowNs - timerStartNs);
                    established(nowNs);
                    ackNow = true;
                }
                return;
            case WAIT_TARGET:
                return; // a repeated SYN: the answer waits for the target
            case SYN_RECEIVED:
                if ((flags & EthernetFrame.TCP_FLAG_SYN) != 0)
                {
                    sndNxt = 0; // the SYN-ACK was lost: send it again
                    return;
                }
                if ((flags & EthernetFrame.TCP_FLAG_ACK) == 0 || expand(f.tcpAck(), sndUna) != 1)
                {
                    return;
                }
                sndUna = 1;
                established(nowNs);
                break;
            case OPEN:
                if ((flags & EthernetFrame.TCP_FLAG_SYN) != 0)
                {
                    ackNow = true; // our SYN-ACK's ACK, or our ACK of theirs, was lost
                    return;
                }
                break;
            default:
                return;
        }
        onAck(f, flags, window, payload, nowNs);
        onData(buffer, offset + f.payloadOffset(), f, flags, payload);
    }

    private void established(final long nowNs)
    {
        phase = OPEN;
        timeoutsInRow = 0;
        rtoNs = Math.max(MIN_RTO_NS, 2 * cwnd.smoothedRttNs());
        timerStartNs = nowNs;
        connection.state = StreamConnection.ESTABLISHED;
        connection.wake();
    }

    private void onAck(final EthernetFrame f, final int flags, final long window, final int payload, final long nowNs)
    {
        if ((flags & EthernetFrame.TCP_FLAG_ACK) == 0)
        {
            return;
        }
        final long ack = expand(f.tcpAck(), sndUna);
        final long previousWindow = peerWindow;
        if (ack > sndUna && ack <= sndMax)
        {
            final long dataAcked = Math.min(ack, connection.outbound.tail() + 1) - sndUna;
            connection.outbound.releaseTo(ack - 1);
            if (connection.waitingForRoom)
            {
                connection.wake();
            }
            cwnd.onDelivered((dataAcked + mss - 1) / mss);
            if (rttSeq >= 0 && ack >= rttSeq)
            {
                cwnd.onRttSample(nowNs - rttSentNs);
                rtoNs = Math.max(MIN_RTO_NS, 2 * cwnd.smoothedRttNs());
                rttSeq = -1;
            }
            sndUna = ack;
            if (sndNxt < sndUna)
            {
                sndNxt = sndUna;
            }
            dupAcks = 0;
            timeoutsInRow = 0;
            timerStartNs = nowNs;
        }
        else if (ack == sndUna && payload == 0 && window == previousWindow && sndMax > sndUna
            && (flags & (EthernetFrame.TCP_FLAG_FIN | EthernetFrame.TCP_FLAG_PSH)) == 0)
        {
            if (++dupAcks == 3 && sndUna >= recoverSeq)
            {
                cwnd.onLoss(sndUna, sndMax);
                goBack(nowNs); // the fabric keeps order: a duplicate ack means the segment after it was lost
            }
        }
        peerWindow = window;
    }

    private void onData(final DirectBuffer buffer, final int payloadIndex, final EthernetFrame f, final int flags,
        final int payload)
    {
        final boolean fin = (flags & EthernetFrame.TCP_FLAG_FIN) != 0;
        if (payload == 0 && !fin)
        {
            if ((flags & EthernetFrame.TCP_FLAG_PSH) != 0)
            {
                ackNow = true; // a window probe
            }
            return;
        }
        final long seq = expand((int)f.tcpSeq(), rcvNxt);
        if (seq != rcvNxt || finReceived)
        {
            segmentsDropped++;
            ackNow = true; // out of order or repeated: a duplicate ack says where we are
            return;
        }
        if (payload > 0)
        {
            if (connection.inbound.writable() < payload)
            {
                segmentsDropped++;
                ackNow = true; // beyond the window we advertised
                return;
            }
            connection.inbound.write(buffer, payloadIndex, payload);
            rcvNxt += payload;
            connection.wake();
        }
        if (fin)
        {
            rcvNxt++;
            finReceived = true;
            connection.remoteFinished = true;
            connection.wake();
            ackNow = true;
        }
        else if (++ackOwed >= 2)
        {
            ackNow = true; // ack every second segment at once; a single one at the end of the pass
        }
    }

    /** A 32-bit sequence number on the wire, as the 64-bit sequence nearest {@code reference}. */
    private static long expand(final long wire, final long reference)
    {
        return reference + ((int)wire - (int)reference);
    }
}
