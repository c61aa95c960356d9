package io.nitrosim.nic.shaping;

import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.shaping.BurstableLimit;
import io.nitrosim.shaping.ShapingGate;
import io.nitrosim.shaping.ShapingReason;
import io.nitrosim.shaping.ThrottleCounters;
import io.nitrosim.shaping.TokenBucket;

/**
 * One instance's network allowances, shared by all of its ENIs: separate inbound and outbound
 * {@link BurstableLimit}s (peak bucket plus network I/O credits for "up to" types), an optional bidirectional PPS
 * bucket, and the per-flow limiter for egress.
 * <p>
 * It hands out the {@link ShapingGate}s that apply them: per ENI an {@link #egressGate egress gate} (outbound
 * allowance as {@link ShapingReason#INSTANCE_BANDWIDTH}, PPS as {@link ShapingReason#INSTANCE_OPS}, the frame's
 * flow bucket given per frame) counting into that ENI's counters, and one {@link #ingressGate()}; all share the
 * instance's buckets and retry a held frame no sooner than the shaping quantum. Owned by the card agent.
 */
public final class InstanceShaper
{
    private final String instanceId;
    private final NetworkInstanceCaps caps;
    private final NetworkShapingConfig config;
    private final BurstableLimit outbound;
    private final BurstableLimit inbound;
    private final TokenBucket pps;
    private final FlowLimiter flows;
    private final ShapingGate ingressGate;

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
        pps = config.ppsLimit() == 0 ? null : new TokenBucket(instanceId + " pps", config.ppsLimit(),
            Math.max(1, Math.multiplyExact(config.ppsLimit(), depthNs) / 1_000_000_000L), nowNs);
        final long flowRate = config.perFlowBytesPerSec();
        final long flowDepth = Math.max(maxFrame, Math.multiplyExact(flowRate, depthNs) / 1_000_000_000L);
        // A new flow starts with one frame of tokens (plus one quantum at its rate, so a flow retried on the
        // quantum's grid keeps its rate): the limit holds from its first frame, and only a flow that has been
        // slower than its rate may burst up to the depth.
        final long flowStart = Math.min(flowDepth, maxFrame + Math.multiplyExact(flowRate, config.shapingQuantumNs())
            / 1_000_000_000L);
        flows = new FlowLimiter(flowRate, flowDepth, flowStart, config.flowTableCapacity());
        ingressGate = gate(inbound, ThrottleCounters.NONE);
    }

    private ShapingGate gate(final BurstableLimit bandwidth, final ThrottleCounters counters)
    {
        final ShapingGate.Builder gate = ShapingGate.builder().bytes(ShapingReason.INSTANCE_BANDWIDTH, bandwidth)
            .quantumNs(config.shapingQuantumNs()).counters(counters);
        if (pps != null)
        {
            gate.ops(ShapingReason.INSTANCE_OPS, pps);
        }
        return gate.build();
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

    /**
     * A gate for one ENI's egress queues: the outbound allowance and the PPS limit (the frame's flow bucket is
     * given per frame), counting what it holds in {@code counters}.
     */
    public ShapingGate egressGate(final ThrottleCounters counters)
    {
        return gate(outbound, counters);
    }

    /** The gate of the instance's ingress buffer: the inbound allowance and the PPS limit. */
    public ShapingGate ingressGate()
    {
        return ingressGate;
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
