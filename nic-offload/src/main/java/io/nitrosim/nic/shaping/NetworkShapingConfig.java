package io.nitrosim.nic.shaping;

/**
 * How a card shapes one instance's traffic, beyond the type's caps: every knob validated in {@link Builder}
 * with a one-line message naming the value and the accepted range.
 */
public final class NetworkShapingConfig
{
    /** EC2: one 5-tuple flow is limited to 5 Gbps outside a cluster placement group. */
    public static final long DEFAULT_FLOW_BYTES_PER_SEC = 625_000_000L;
    /** ... and 10 Gbps inside one. */
    public static final long CLUSTER_FLOW_BYTES_PER_SEC = 1_250_000_000L;
    /** EC2: link-local traffic (DNS, metadata, time) is limited to 1024 packets/s per interface. */
    public static final long DEFAULT_LINK_LOCAL_PPS = 1024;
    /**
     * The line rate of a C5 host's port, 25 Gbps (the whole-host sizes c5.18xlarge and c5.24xlarge are sold at
     * "25 Gigabit"): the rate at which the card's egress pipeline takes an ENI's frames in.
     */
    public static final long DEFAULT_LINE_RATE_BYTES_PER_SEC = 3_125_000_000L;
    private static final long SECOND_NS = 1_000_000_000L;

    public static final NetworkShapingConfig DEFAULT = builder().build();

    private final long peakDepthNs;
    private final long perFlowBytesPerSec;
    private final boolean clusterPlacementGroup;
    private final int flowTableCapacity;
    private final long ppsLimit;
    private final long linkLocalPacketsPerSec;
    private final long linkLocalBurstPackets;
    private final int ingressBufferBytes;
    private final int conntrackAllowance;
    private final long tcpIdleTimeoutNs;
    private final long udpIdleTimeoutNs;
    private final long otherIdleTimeoutNs;
    private final long shapingQuantumNs;
    private final long lineRateBytesPerSec;

    private NetworkShapingConfig(final Builder b)
    {
        peakDepthNs = b.peakDepthNs;
        clusterPlacementGroup = b.clusterPlacementGroup;
        perFlowBytesPerSec = b.perFlowBytesPerSec > 0 ? b.perFlowBytesPerSec :
            clusterPlacementGroup ? CLUSTER_FLOW_BYTES_PER_SEC : DEFAULT_FLOW_BYTES_PER_SEC;
        flowTableCapacity = b.flowTableCapacity;
        ppsLimit = b.ppsLimit;
        linkLocalPacketsPerSec = b.linkLocalPacketsPerSec;
        linkLocalBurstPackets = b.linkLocalBurstPackets;
        ingressBufferBytes = b.ingressBufferBytes;
        conntrackAllowance = b.conntrackAllowance;
        tcpIdleTimeoutNs = b.tcpIdleTimeoutNs;
        udpIdleTimeoutNs = b.udpIdleTimeoutNs;
        otherIdleTimeoutNs = b.otherIdleTimeoutNs;
        shapingQuantumNs = b.shapingQuantumNs;
        lineRateBytesPerSec = b.lineRateBytesPerSec;
    }

    public static Builder builder()
    {
        return new Builder();
    }

    /** Depth of the peak, per-flow and PPS buckets as time at their rate (bounds micro-bursts). */
    public long peakDepthNs()
    {
        return peakDepthNs;
    }

    /** Per 5-tuple flow limit in bytes/s (5 Gbps, or 10 Gbps in a cluster placement group). */
    public long perFlowBytesPerSec()
    {
        return perFlowBytesPerSec;
    }

    public boolean clusterPlacementGroup()
    {
        return clusterPlacementGroup;
    }

    /** Most flows with per-flow shaping state at once (idle flows are evicted when full). */
    public int flowTableCapacity()
    {
        return flowTableCapacity;
    }

    /** Bidirectional packets-per-second limit of the instance; 0 = none (AWS publishes no figure). */
    public long ppsLimit()
    {
        return ppsLimit;
    }

    public long linkLocalPacketsPerSec()
    {
        return linkLocalPacketsPerSec;
    }

    /** Depth of the per-ENI link-local bucket in packets. */
    public long linkLocalBurstPackets()
    {
        return linkLocalBurstPackets;
    }

    /** Inbound bytes (as charged) queued while over the inbound allowance before frames are dropped. */
    public int ingressBufferBytes()
    {
        return ingressBufferBytes;
    }

    /** Most tracked connections per instance. */
    public int conntrackAllowance()
    {
        return conntrackAllowance;
    }

    public long tcpIdleTimeoutNs()
    {
        return tcpIdleTimeoutNs;
    }

    public long udpIdleTimeoutNs()
    {
        return udpIdleTimeoutNs;
    }

    public long otherIdleTimeoutNs()
    {
        return otherIdleTimeoutNs;
    }

    /**
     * Least time a throttled queue waits before it is looked at again (0 = exactly when the buckets admit its
     * head). A quantum lets the virtual-time runtime move several frames per time jump; long-run rates are
     * unchanged while {@code quantum x rate} stays below the bucket depths.
     */
    public long shapingQuantumNs()
    {
        return shapingQuantumNs;
    }

    /**
     * The port's line rate: the card's egress pipeline takes each of an ENI's frames in for its wire time at this
     * rate (or at the instance's peak, if higher) before it decides the frame's fate, so frames leave, or are
     * dropped, no faster than the wire could carry them.
     */
    public long lineRateBytesPerSec()
    {
        return lineRateBytesPerSec;
    }

    @Override
    public String toString()
    {
        return "NetworkShapingConfig{peakDepthNs=" + peakDepthNs + ", perFlowBytesPerSec=" + perFlowBytesPerSec
            + ", cluster=" + clusterPlacementGroup + ", flowTableCapacity=" + flowTableCapacity + ", ppsLimit=" + ppsLimit
            + ", linkLocalPps=" + linkLocalPacketsPerSec + "/" + linkLocalBurstPackets + ", ingressBufferBytes="
            + ingressBufferBytes + ", conntrackAllowance=" + conntrackAllowance + ", idle tcp/udp/other ns="
            + tcpIdleTimeoutNs + "/" + udpIdleTimeoutNs + "/" + otherIdleTimeoutNs + ", quantumNs=" + shapingQuantumNs
            + ", lineRateBytesPerSec=" + lineRateBytesPerSec + '}';
    }

    /** Validates every knob where it is set. */
    public static final class Builder
    {
        private long peakDepthNs = 1_000_000L;
        private long perFlowBytesPerSec;
        private boolean clusterPlacementGroup;
        private int flowTableCapacity = 65_536;
        private long ppsLimit;
        private long linkLocalPacketsPerSec = DEFAULT_LINK_LOCAL_PPS;
        private long linkLocalBurstPackets = DEFAULT_LINK_LOCAL_PPS;
        private int ingressBufferBytes = 1 << 20;
        private int conntrackAllowance = 65_536;
        private long tcpIdleTimeoutNs = 432_000L * SECOND_NS;
        private long udpIdleTimeoutNs = 30L * SECOND_NS;
        private long otherIdleTimeoutNs = 30L * SECOND_NS;
        private long shapingQuantumNs;
        private long lineRateBytesPerSec = DEFAULT_LINE_RATE_BYTES_PER_SEC;

        private Builder()
        {
        }

        public Builder peakDepthNs(final long peakDepthNs)
        {
            this.peakDepthNs = range("peak depth", peakDepthNs, 1_000, SECOND_NS, "ns");
            return this;
        }

        /** Per-flow limit; 0 restores the default (5 Gbps, 10 Gbps in a cluster placement group). */
        public Builder perFlowBytesPerSec(final long perFlowBytesPerSec)
        {
            this.perFlowBytesPerSec = perFlowBytesPerSec == 0 ? 0 :
                range("per-flow limit", perFlowBytesPerSec, 1, io.nitrosim.shaping.TokenBucket.MAX_RATE_PER_SEC, "B/s");
            return this;
        }

        public Builder clusterPlacementGroup(final boolean clusterPlacementGroup)
        {
            this.clusterPlacementGroup = clusterPlacementGroup;
            return this;
        }

        public Builder flowTableCapacity(final int flowTableCapacity)
        {
            this.flowTableCapacity = (int)range("flow table capacity", flowTableCapacity, 1, 1 << 24, "flows");
            return this;
        }

        /** Bidirectional PPS limit; 0 = none. */
        public Builder ppsLimit(final long ppsLimit)
        {
            this.ppsLimit = ppsLimit == 0 ? 0 : range("PPS limit", ppsLimit, 1, 1_000_000_000L, "packets/s");
            return this;
        }

        public Builder linkLocalPacketsPerSec(final long packetsPerSec)
        {
            this.linkLocalPacketsPerSec = range("link-local limit", packetsPerSec, 1, 1_000_000_000L, "packets/s");
            return this;
        }

        public Builder linkLocalBurstPackets(final long packets)
        {
            this.linkLocalBurstPackets = range("link-local burst", packets, 1, 1_000_000_000L, "packets");
            return this;
        }

        public Builder ingressBufferBytes(final int bytes)
        {
            this.ingressBufferBytes = (int)range("ingress buffer", bytes, 16 * 1024, 256 << 20, "B");
            return this;
        }

        public Builder conntrackAllowance(final int flows)
        {
            this.conntrackAllowance = (int)range("conntrack allowance", flows, 1, 1 << 24, "flows");
            return this;
        }

        public Builder tcpIdleTimeoutNs(final long ns)
        {
            this.tcpIdleTimeoutNs = range("TCP idle timeout", ns, 1, 432_000L * SECOND_NS * 10, "ns");
            return this;
        }

        public Builder udpIdleTimeoutNs(final long ns)
        {
            this.udpIdleTimeoutNs = range("UDP idle timeout", ns, 1, 432_000L * SECOND_NS * 10, "ns");
            return this;
        }

        public Builder otherIdleTimeoutNs(final long ns)
        {
            this.otherIdleTimeoutNs = range("ICMP/other idle timeout", ns, 1, 432_000L * SECOND_NS * 10, "ns");
            return this;
        }

        public Builder shapingQuantumNs(final long ns)
        {
            this.shapingQuantumNs = range("shaping quantum", ns, 0, 10_000_000L, "ns");
            return this;
        }

        public Builder lineRateBytesPerSec(final long bytesPerSec)
        {
            this.lineRateBytesPerSec = range("line rate", bytesPerSec, 1, io.nitrosim.shaping.TokenBucket.MAX_RATE_PER_SEC,
                "B/s");
            return this;
        }

        public NetworkShapingConfig build()
        {
            return new NetworkShapingConfig(this);
        }

        private static long range(final String what, final long value, final long min, final long max, final String unit)
        {
            if (value < min || value > max)
            {
                throw new IllegalArgumentException(
                    what + " " + value + " " + unit + " out of range, accepted " + min + ".." + max + " " + unit);
            }
            return value;
        }
    }
}
