package io.nitrosim.nic.shaping;

import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.shaping.BurstableLimit;
import io.nitrosim.shaping.ShapingGate;
import io.nitrosim.shaping.TokenBucket;

/**
 * One instance's network allowances, shared by all of its ENIs (DESIGN.md section 5): separate inbound and
 * outbound {@link BurstableLimit}s (peak bucket plus network I/O credits for "up to" types), an optional
 * bidirectional PPS bucket, and the per-flow limiter for egress.
 * <p>
 * The card asks {@code check*} for a frame at the head of a queue: 0 means every bucket admits it (then it
 * calls {@code consume*}); otherwise the BLOCKED_* bits say which allowance held it and {@link #waitUntilNs()}
 * when all of them will admit it. Nothing is charged for a frame that waits. Owned by the card agent.
 */
public final class InstanceShaper
{
    public static final int BLOCKED_BANDWIDTH = 1;
    public static final int BLOCKED_PPS = 2;
    public static final int BLOCKED_FLOW = 4;

    private final String instanceId;
    private final NetworkInstanceCaps caps;
    private final NetworkShapingConfig config;
    private final BurstableLimit outbound;
    private final BurstableLimit inbound;
    private final ShapingGate outGate;
    private final ShapingGate inGate;
    private final TokenBucket pps;
    private final FlowLimiter flows;
    private long waitUntilNs;

    public InstanceShaper(
        final String instanceId, final NetworkInstanceCaps caps, final NetworkShapingConfig config, final long nowNs)
    {
        this.instanceId = instanceId;
        this.caps = caps;
        this.config = config;
        final long depthNs = config.peakDepthNs();
        final int maxFrame = EthernetFrame.MAX_FRAME_LENGTH;
        outbound = BurstableLimit.of(instanceId + " net-out", caps.peakBytesPerSec(), caps.baselineBytesPerSec(),
            caps.burstSeconds(), depthNs, maxFrame, nowNs);
        inbound = BurstableLimit.of(instanceId + " net-in", caps.peakBytesPerSec(), caps.baselineBytesPerSec(),
            caps.burstSeconds(), depthNs, maxFrame, nowNs);
        outGate = ShapingGate.builder().bytes(outbound).build();
        inGate = ShapingGate.builder().bytes(inbound).build();
        pps = config.ppsLimit() == 0 ? null : new TokenBucket(instanceId + " pps", config.ppsLimit(),
            Math.max(1, Math.multiplyExact(config.ppsLimit(), depthNs) / 1_000_000_000L), nowNs);
        final long flowRate = config.perFlowBytesPerSec();
        final long flowDepth = Math.max(maxFrame, Math.multiplyExact(flowRate, depthNs) / 1_000_000_000L);
        flows = new FlowLimiter(flowRate, flowDepth, config.flowTableCapacity());
    }

    public String instanceId()
    {
        return instanceId;
    }

    public NetworkInstanceCaps caps()
    {
        return caps;
    }

    public NetworkShapingConfig config()
    {
        return config;
    }

    public BurstableLimit outbound()
    {
        return outbound;
    }

    public BurstableLimit inbound()
    {
        return inbound;
    }

    /** The PPS bucket, or null when no PPS limit is configured. */
    public TokenBucket pps()
    {
        return pps;
    }

    public FlowLimiter flows()
    {
        return flows;
    }

    /** When the buckets that held the last checked frame will admit it. */
    public long waitUntilNs()
    {
        return waitUntilNs;
    }

    /** @return 0 when an egress frame of {@code bytes} on flow {@code flowEntry} may leave now, else BLOCKED_* bits. */
    public int checkEgress(final int flowEntry, final int bytes, final long nowNs)
    {
        int blocked = 0;
        long until = nowNs;
        if (!outGate.canAdmit(bytes, nowNs))
        {
            blocked |= BLOCKED_BANDWIDTH;
            until = Math.max(until, outGate.admitTimeNs(bytes, nowNs));
        }
        if (pps != null && !pps.canAdmit(1, nowNs))
        {
            blocked |= BLOCKED_PPS;
            until = Math.max(until, nowNs + pps.nanosUntilAdmit(1, nowNs));
        }
        final TokenBucket flow = flows.bucket(flowEntry);
        if (!flow.canAdmit(bytes, nowNs))
        {
            blocked |= BLOCKED_FLOW;
            until = Math.max(until, nowNs + flow.nanosUntilAdmit(bytes, nowNs));
        }
        waitUntilNs = until;
        return blocked;
    }

    public void consumeEgress(final int flowEntry, final int bytes, final long nowNs)
    {
        outGate.consume(bytes, nowNs);
        if (pps != null)
        {
            pps.consume(1, nowNs);
        }
        flows.bucket(flowEntry).consume(bytes, nowNs);
    }

    /** @return 0 when an inbound frame of {@code bytes} may be delivered now, else BLOCKED_* bits. */
    public int checkIngress(final int bytes, final long nowNs)
    {
        int blocked = 0;
        long until = nowNs;
        if (!inGate.canAdmit(bytes, nowNs))
        {
            blocked |= BLOCKED_BANDWIDTH;
            until = Math.max(until, inGate.admitTimeNs(bytes, nowNs));
        }
        if (pps != null && !pps.canAdmit(1, nowNs))
        {
            blocked |= BLOCKED_PPS;
            until = Math.max(until, nowNs + pps.nanosUntilAdmit(1, nowNs));
        }
        waitUntilNs = until;
        return blocked;
    }

    public void consumeIngress(final int bytes, final long nowNs)
    {
        inGate.consume(bytes, nowNs);
        if (pps != null)
        {
            pps.consume(1, nowNs);
        }
    }

    /** Outbound credit balance in ppm (1_000_000 full; fixed-rate types always full). */
    public long outboundCreditPpm(final long nowNs)
    {
        return outbound.creditBalancePpm(nowNs);
    }

    public long inboundCreditPpm(final long nowNs)
    {
        return inbound.creditBalancePpm(nowNs);
    }
}
