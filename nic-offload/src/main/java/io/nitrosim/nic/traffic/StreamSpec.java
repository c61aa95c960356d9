package io.nitrosim.nic.traffic;

import io.nitrosim.nic.frame.EthernetFrame;

/**
 * What one iperf-like stream does, validated in {@link Builder#build()} with one-line messages.
 */
public final class StreamSpec
{
    /** How a stream offers load. */
    public enum Mode
    {
        /** UDP at a fixed rate (bytes per second on the wire); falls behind, then catches up, if the queue is full. */
        UDP_RATE,
        /** UDP as fast as the TX queue accepts (the allowance sets the pace through back-pressure). */
        UDP_UNLIMITED,
        /**
         * TCP-like: window-limited, AIMD congestion window reacting to losses; with {@link Builder#reliable} also
         * go-back-N retransmission, so the receiver gets every segment in order.
         */
        TCP
    }

    private final Mode mode;
    private final long rateBytesPerSec;
    private final int mtu;
    private final long startNs;
    private final long stopNs;
    private final boolean payloadMode;
    private final long windowBytes;
    private final long rtoNs;
    private final int initialWindowSegments;
    private final int queueDepthFrames;
    private final int srcPort;
    private final int dstPort;
    private final boolean reliable;

    private StreamSpec(final Builder b)
    {
        reliable = b.reliable && b.mode == Mode.TCP;
        mode = b.mode;
        rateBytesPerSec = b.rateBytesPerSec;
        mtu = b.mtu;
        startNs = b.startNs;
        stopNs = b.stopNs;
        payloadMode = b.payloadMode;
        windowBytes = b.windowBytes;
        rtoNs = b.rtoNs;
        initialWindowSegments = b.initialWindowSegments;
        queueDepthFrames = b.queueDepthFrames;
        srcPort = b.srcPort;
        dstPort = b.dstPort;
    }

    public static Builder builder(final Mode mode)
    {
        return new Builder(mode);
    }

    public Mode mode()
    {
        return mode;
    }

    public int protocol()
    {
        return mode == Mode.TCP ? EthernetFrame.PROTO_TCP : EthernetFrame.PROTO_UDP;
    }

    public long rateBytesPerSec()
    {
        return rateBytesPerSec;
    }

    /** L3 MTU: 1500 or 9001 (jumbo) typically. */
    public int mtu()
    {
        return mtu;
    }

    /** Frame length on the wire of a full segment (14 + MTU). */
    public int frameLength()
    {
        return EthernetFrame.ETH_HEADER_LENGTH + mtu;
    }

    /** L4 payload of a full segment. */
    public int payloadLength()
    {
        return EthernetFrame.maxPayloadForMtu(protocol(), mtu);
    }

    /** Bytes a TX record carries: the whole frame in payload mode, headers + stream header otherwise. */
    public int capturedLength()
    {
        return payloadMode ? frameLength()
            : EthernetFrame.L4_OFFSET + EthernetFrame.l4HeaderLength(protocol()) + StreamPayload.LENGTH;
    }

    public long startNs()
    {
        return startNs;
    }

    public long stopNs()
    {
        return stopNs;
    }

    /**
     * Whether a TCP-like stream is reliable: its receiver takes segments in order only (acking the last in-order one
     * for anything else) and its sender goes back to the first unacknowledged segment after three duplicate acks
     * (once per window) or a retransmission timeout (go-back-N), so every segment arrives, in order.
     */
    public boolean reliable()
    {
        return reliable;
    }

    public boolean payloadMode()
    {
        return payloadMode;
    }

    public long windowBytes()
    {
        return windowBytes;
    }

    public long rtoNs()
    {
        return rtoNs;
    }

    public int initialWindowSegments()
    {
        return initialWindowSegments;
    }

    public int queueDepthFrames()
    {
        return queueDepthFrames;
    }

    /** 0 = chosen by {@link Iperf}. */
    public int srcPort()
    {
        return srcPort;
    }

    /** 0 = chosen by {@link Iperf}. */
    public int dstPort()
    {
        return dstPort;
    }

    public static final class Builder
    {
        private final Mode mode;
        private long rateBytesPerSec;
        private int mtu = 9001;
        private long startNs;
        private long stopNs = 1_000_000_000L;
        private boolean payloadMode;
        private long windowBytes = 4L << 20;
        private long rtoNs = 200_000_000L;
        private int initialWindowSegments = 10;
        private int queueDepthFrames = 256;
        private int srcPort;
        private int dstPort;
        private boolean reliable;

        private Builder(final Mode mode)
        {
            this.mode = mode;
        }

        /** Offered rate for {@link Mode#UDP_RATE}, in bytes/s on the wire. */
        public Builder rateBytesPerSec(final long rate)
        {
            this.rateBytesPerSec = rate;
            return this;
        }

        public Builder mtu(final int mtu)
        {
            this.mtu = mtu;
            return this;
        }

        /** Sends in [startNs, stopNs) of simulated time. */
        public Builder window(final long startNs, final long stopNs)
        {
            this.startNs = startNs;
            this.stopNs = stopNs;
            return this;
        }

        /** Real payload bytes (patterned and checked) instead of timing-only records. */
        /** Go-back-N retransmission for a TCP-like stream ({@link StreamSpec#reliable()}; default off). */
        public Builder reliable(final boolean reliable)
        {
            this.reliable = reliable;
            return this;
        }

        public Builder payloadMode(final boolean payloadMode)
        {
            this.payloadMode = payloadMode;
            return this;
        }

        /** Largest TCP window (receive window) in bytes. */
        public Builder windowBytes(final long windowBytes)
        {
            this.windowBytes = windowBytes;
            return this;
        }

        public Builder rtoNs(final long rtoNs)
        {
            this.rtoNs = rtoNs;
            return this;
        }

        public Builder initialWindowSegments(final int segments)
        {
            this.initialWindowSegments = segments;
            return this;
        }

        public Builder queueDepthFrames(final int frames)
        {
            this.queueDepthFrames = frames;
            return this;
        }

        public Builder ports(final int srcPort, final int dstPort)
        {
            this.srcPort = srcPort;
            this.dstPort = dstPort;
            return this;
        }

        public StreamSpec build()
        {
            if (mode == null)
            {
                throw new IllegalArgumentException("stream needs a mode, accepted " + java.util.Arrays.toString(Mode.values()));
            }
            final int minMtu = EthernetFrame.IPV4_HEADER_LENGTH + EthernetFrame.TCP_HEADER_LENGTH + StreamPayload.LENGTH;
            if (mtu < minMtu || mtu > EthernetFrame.MAX_MTU)
            {
                throw new IllegalArgumentException("stream MTU " + mtu + " out of range, accepted " + minMtu + ".."
                    + EthernetFrame.MAX_MTU);
            }
            if (mode == Mode.UDP_RATE && (rateBytesPerSec < 1 || rateBytesPerSec > 100_000_000_000L))
            {
                throw new IllegalArgumentException(
                    "UDP rate " + rateBytesPerSec + " B/s out of range, accepted 1..100000000000 B/s");
            }
            if (startNs < 0 || stopNs <= startNs)
            {
                throw new IllegalArgumentException(
                    "stream window [" + startNs + ", " + stopNs + ") ns is invalid, accepted 0 <= start < stop");
            }
            if (windowBytes < mtu || windowBytes > (1L << 30))
            {
                throw new IllegalArgumentException(
                    "TCP window " + windowBytes + " B out of range, accepted " + mtu + ".." + (1L << 30) + " B");
            }
            if (rtoNs < 1_000 || rtoNs > 60_000_000_000L)
            {
                throw new IllegalArgumentException("RTO " + rtoNs + " ns out of range, accepted 1000..60000000000 ns");
            }
            if (initialWindowSegments < 1 || (long)initialWindowSegments * mtu > windowBytes)
            {
                throw new IllegalArgumentException("initial window " + initialWindowSegments
                    + " segments out of range, accepted 1.." + windowBytes / mtu);
            }
            if (queueDepthFrames < 1 || queueDepthFrames > 65_536)
            {
                throw new IllegalArgumentException(
                    "queue depth " + queueDepthFrames + " out of range, accepted 1..65536 frames");
            }
            if (srcPort < 0 || srcPort > 65535 || dstPort < 0 || dstPort > 65535)
            {
                throw new IllegalArgumentException(
                    "ports " + srcPort + "/" + dstPort + " out of range, accepted 0..65535 (0 = automatic)");
            }
            return new StreamSpec(this);
        }
    }
}
