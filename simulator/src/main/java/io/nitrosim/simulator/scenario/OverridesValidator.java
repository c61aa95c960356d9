package io.nitrosim.simulator.scenario;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

import io.nitrosim.catalog.InstanceCatalog;
import io.nitrosim.catalog.InstanceType;
import io.nitrosim.catalog.UnknownInstanceTypeException;
import io.nitrosim.ebs.driver.NvmeDriver;
import io.nitrosim.ebs.volume.VolumeType;
import io.nitrosim.nic.shaping.NetworkShapingConfig;
import io.nitrosim.simulator.scenario.ScenarioSpec.InstanceTypeOverride;
import io.nitrosim.simulator.scenario.ScenarioSpec.OverridesSpec;

/** {@code overrides}: per-type catalog changes, network shaping and EBS parameters. */
final class OverridesValidator
{
    /** Longest burst an override may set: a day, as long as the longest scenario. */
    static final long MAX_BURST_SECONDS = ScenarioLimits.MAX_DURATION_NS / 1_000_000_000L;
    /** The token buckets' largest rate (9e9 B/s) in Mbps. */
    private static final long MAX_EBS_MBPS = io.nitrosim.shaping.TokenBucket.MAX_RATE_PER_SEC / 125_000;
    private static final long MAX_EBS_IOPS = 10_000_000;

    private final FieldChecks checks;
    private final OverridesSpec overrides;

    OverridesValidator(final FieldChecks checks, final OverridesSpec overrides)
    {
        this.checks = checks;
        this.overrides = overrides;
    }

    /** The catalog's types by name, with this scenario's overrides applied. */
    Map<String, InstanceType> instanceTypes(final InstanceCatalog catalog)
    {
        final Map<String, InstanceType> types = new LinkedHashMap<>();
        for (final InstanceType t : catalog.types())
        {
            types.put(t.type(), t);
        }
        if (overrides == null || overrides.instanceTypes() == null)
        {
            return types;
        }
        for (final Map.Entry<String, InstanceTypeOverride> e : overrides.instanceTypes().entrySet())
        {
            final String path = "overrides.instanceTypes." + MessageText.value(e.getKey());
            final InstanceType base = types.get(e.getKey());
            if (base == null)
            {
                throw checks.error(path, new UnknownInstanceTypeException(MessageText.value(e.getKey()),
                    catalog.typeNames()).getMessage());
            }
            final InstanceTypeOverride o = e.getValue();
            if (o == null)
            {
                continue;
            }
            final InstanceType t = new InstanceType(base.type(), base.vcpus(), base.memoryGiB(),
                checks.range(path + ".ebsPeakMbps", o.ebsPeakMbps(), base.ebsPeakMbps(), 1, MAX_EBS_MBPS),
                checks.range(path + ".ebsBaselineMbps", o.ebsBaselineMbps(), base.ebsBaselineMbps(), 1, MAX_EBS_MBPS),
                checks.range(path + ".ebsPeakIops", o.ebsPeakIops(), base.ebsPeakIops(), 1, MAX_EBS_IOPS),
                checks.range(path + ".ebsBaselineIops", o.ebsBaselineIops(), base.ebsBaselineIops(), 1, MAX_EBS_IOPS),
                gbps(path + ".networkPeakGbps", o.networkPeakGbps(), base.networkPeakGbps()),
                gbps(path + ".networkBaselineGbps", o.networkBaselineGbps(), base.networkBaselineGbps()),
                checks.range(path + ".networkBurstSeconds", o.networkBurstSeconds(), base.networkBurstSeconds(), 0,
                    MAX_BURST_SECONDS),
                checks.range(path + ".ebsBurstSeconds", o.ebsBurstSeconds(), base.ebsBurstSeconds(), 0,
                    MAX_BURST_SECONDS),
                base.maxEnis(), base.ipv4PerEni());
            if (t.ebsBaselineMbps() > t.ebsPeakMbps())
            {
                throw checks.error(path + ".ebsBaselineMbps", t.ebsBaselineMbps() + " is above the peak " + t.ebsPeakMbps());
            }
            if (t.ebsBaselineIops() > t.ebsPeakIops())
            {
                throw checks.error(path + ".ebsBaselineIops", t.ebsBaselineIops() + " is above the peak " + t.ebsPeakIops());
            }
            if (t.networkBaselineGbps().compareTo(t.networkPeakGbps()) > 0)
            {
                throw checks.error(path + ".networkBaselineGbps", t.networkBaselineGbps().toPlainString()
                    + " is above the peak " + t.networkPeakGbps().toPlainString());
            }
            types.put(t.type(), t);
        }
        return types;
    }

    private BigDecimal gbps(final String path, final Double value, final BigDecimal defaultValue)
    {
        if (value == null)
        {
            return defaultValue;
        }
        if (!(value > 0 && value <= 72))
        {
            throw checks.error(path, value + " is out of range, accepted (0, 72] Gbps");
        }
        final BigDecimal d = BigDecimal.valueOf(value);
        if (d.multiply(BigDecimal.valueOf(125_000_000L)).stripTrailingZeros().scale() > 0)
        {
            throw checks.error(path, value + " Gbps is not a whole number of bytes per second");
        }
        return d.stripTrailingZeros();
    }

    Scenario.Network network()
    {
        final ScenarioSpec.NetworkOverride n = overrides == null ? null : overrides.network();
        final boolean cluster = n != null && Boolean.TRUE.equals(n.clusterPlacementGroup());
        final double defaultFlowGbps = cluster ? 10.0 : 5.0;
        final double flowGbps = n == null || n.flowLimitGbps() == null ? defaultFlowGbps : n.flowLimitGbps();
        if (!(flowGbps > 0 && flowGbps <= 72))
        {
            throw checks.error("overrides.network.flowLimitGbps", flowGbps + " is out of range, accepted (0, 72]");
        }
        final String path = "overrides.network.";
        final long pps = checks.range(path + "ppsLimit", n == null ? null : n.ppsLimit(), 0, 0,
            1_000_000_000L);
        final long conntrack = checks.range(path + "conntrackAllowance", n == null ? null : n.conntrackAllowance(),
            1_000_000, 1, 1 << 24);
        final long latencyNs = checks.duration(path + "linkLatency", n == null ? null : n.linkLatency(), 25_000,
            ScenarioLimits.MAX_LINK_LATENCY_NS);
        final long depthNs = peakDepth(path + "peakDepth", n == null ? null : n.peakDepth());
        // The card moves every frame due within one quantum per time jump: rates are unchanged, runs much faster.
        final long quantumNs = checks.duration(path + "shapingQuantum", n == null ? null : n.shapingQuantum(),
            100_000, 10_000_000);
        final Scenario.Network network = new Scenario.Network(Math.round(flowGbps * 125_000_000.0), cluster, pps,
            conntrack, latencyNs, depthNs, quantumNs);
        try
        {
            shapingConfig(network); // the card's own rules, so nothing it refuses reaches the run
        }
        catch (final IllegalArgumentException ex)
        {
            throw checks.error("overrides.network", ex.getMessage());
        }
        return network;
    }

    /** The network card's configuration for this scenario's parameters. */
    static NetworkShapingConfig shapingConfig(final Scenario.Network n)
    {
        return NetworkShapingConfig.builder()
            .peakDepthNs(n.peakDepthNs())
            .perFlowBytesPerSec(n.flowLimitBytesPerSec())
            .clusterPlacementGroup(n.clusterPlacementGroup())
            .ppsLimit(n.ppsLimit())
            .conntrackAllowance((int)n.conntrackAllowance())
            .shapingQuantumNs(n.shapingQuantumNs())
            .build();
    }

    private long peakDepth(final String path, final String text)
    {
        final long ns = checks.duration(path, text, 2_000_000, ScenarioLimits.MAX_PEAK_DEPTH_NS);
        if (ns < ScenarioLimits.MIN_PEAK_DEPTH_NS)
        {
            throw checks.error(path, MessageText.quoted(text) + " is too short, accepted "
                + DurationParser.format(ScenarioLimits.MIN_PEAK_DEPTH_NS) + ".."
                + DurationParser.format(ScenarioLimits.MAX_PEAK_DEPTH_NS));
        }
        return ns;
    }

    Scenario.Ebs ebs()
    {
        final ScenarioSpec.EbsOverride e = overrides == null ? null : overrides.ebs();
        final long depthNs = peakDepth("overrides.ebs.peakDepth", e == null ? null : e.peakDepth());
        final Map<String, Long> latencies = new LinkedHashMap<>();
        if (e != null && e.serviceLatency() != null)
        {
            for (final Map.Entry<String, String> entry : e.serviceLatency().entrySet())
            {
                final String path = "overrides.ebs.serviceLatency." + MessageText.value(entry.getKey());
                try
                {
                    VolumeType.fromApiName(entry.getKey());
                }
                catch (final IllegalArgumentException ex)
                {
                    throw checks.error(path, MessageText.line(ex.getMessage()));
                }
                latencies.put(entry.getKey(), checks.duration(path, entry.getValue(), -1,
                    ScenarioLimits.MAX_SERVICE_LATENCY_NS));
            }
        }
        final String timeoutPath = "overrides.ebs.ioTimeout";
        final long ioTimeoutNs = checks.duration(timeoutPath, e == null ? null : e.ioTimeout(),
            NvmeDriver.DEFAULT_IO_TIMEOUT_NS, NvmeDriver.MAX_IO_TIMEOUT_NS);
        if (ioTimeoutNs < NvmeDriver.MIN_IO_TIMEOUT_NS)
        {
            throw checks.error(timeoutPath, MessageText.quoted(e.ioTimeout()) + " is too short, accepted "
                + DurationParser.format(NvmeDriver.MIN_IO_TIMEOUT_NS) + ".."
                + DurationParser.format(NvmeDriver.MAX_IO_TIMEOUT_NS));
        }
        return new Scenario.Ebs(depthNs, latencies, ioTimeoutNs);
    }
}
