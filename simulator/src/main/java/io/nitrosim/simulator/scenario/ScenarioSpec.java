package io.nitrosim.simulator.scenario;

import java.util.List;
import java.util.Map;

/**
 * A scenario as written in a YAML or JSON file (or built by {@link ScenarioBuilder}): raw data, before
 * validation. Durations are strings with units ("90s", "7m", "1h30m", "250ms", "25us"). The schema is
 * documented in docs/scenarios.md; {@link ScenarioValidator} is the one place that checks it.
 */
public record ScenarioSpec(
    String name,
    String description,
    Long seed,
    String duration,
    String clock,
    String allowedLag,
    Integer threads,
    String idle,
    String payload,
    String sampleInterval,
    OverridesSpec overrides,
    List<HostSpec> hosts,
    List<VpcSpec> vpcs,
    List<PeeringSpec> peerings,
    List<SecurityGroupSpec> securityGroups,
    List<InstanceSpec> instances,
    List<WorkloadSpec> workloads,
    List<ExpectationSpec> expectations,
    List<ExportSpec> exports,
    List<PortSpec> ports,
    TraceSpec trace,
    StorageSpec storage,
    List<FaultSpec> faults)
{
    /**
     * One injected fault: at simulated time {@code at}, {@code kind} hits {@code target} (a volume name for the
     * storage kinds) for {@code duration}; {@code latency} is what a storage-latency fault adds to every I/O;
     * {@code bucket} is the credit bucket a credits-zeroed fault empties (net-out, net-in); {@code rate} the share
     * of frames a fabric-loss fault loses, in (0, 1].
     */
    public record FaultSpec(String at, String kind, String target, String duration, String latency, String bucket,
        Double rate)
    {
        /** A fault that names no bucket and no rate. */
        public FaultSpec(final String at, final String kind, final String target, final String duration,
            final String latency)
        {
            this(at, kind, target, duration, latency, null, null);
        }
    }

    /** {@code storage: {server: 127.0.0.1:PORT, tokenFile: PATH}}: volumes kept by a storage server process. */
    public record StorageSpec(String server, String tokenFile)
    {
    }

    /** {@code trace: {events: [...], functions: [...]}}: record a device-level trace of the run. */
    public record TraceSpec(List<String> events, List<String> functions)
    {
    }

    /** Catalog and shaping parameters that replace the defaults for this scenario. */
    public record OverridesSpec(
        Map<String, InstanceTypeOverride> instanceTypes,
        NetworkOverride network,
        EbsOverride ebs)
    {
    }

    /** Per-type changes to the catalog row (e.g. a shorter burst for a quick experiment). */
    public record InstanceTypeOverride(
        Long networkBurstSeconds,
        Long ebsBurstSeconds,
        Double networkPeakGbps,
        Double networkBaselineGbps,
        Long ebsPeakMbps,
        Long ebsBaselineMbps,
        Long ebsPeakIops,
        Long ebsBaselineIops)
    {
    }

    public record NetworkOverride(
        Double flowLimitGbps,
        Boolean clusterPlacementGroup,
        Long ppsLimit,
        Long conntrackAllowance,
        String linkLatency,
        String peakDepth,
        String shapingQuantum)
    {
    }

    public record EbsOverride(String peakDepth, Map<String, String> serviceLatency, String ioTimeout)
    {
    }

    public record HostSpec(String name, Long memoryGiB)
    {
    }

    public record VpcSpec(String name, String cidr, List<SubnetSpec> subnets)
    {
    }

    public record SubnetSpec(String name, String cidr)
    {
    }

    public record PeeringSpec(String between, String and)
    {
    }

    public record SecurityGroupSpec(String name, String vpc, List<RuleSpec> ingress, List<RuleSpec> egress)
    {
    }

    /** protocol tcp|udp|icmp|all; ports "5201" or "1000-2000" (absent = all); from a CIDR or a group name. */
    public record RuleSpec(String protocol, String ports, String from, String to)
    {
    }

    public record InstanceSpec(
        String name,
        String type,
        Integer count,
        String host,
        String subnet,
        List<String> securityGroups,
        List<EniSpec> enis,
        List<VolumeSpec> volumes)
    {
    }

    public record EniSpec(String name, String subnet, List<String> securityGroups, Integer ipv4Count)
    {
    }

    /** iops and throughputMiBps are the provisioned values where the type takes them (gp3, io1, io2). */
    public record VolumeSpec(
        String name, String type, Long sizeGiB, Long iops, Long throughputMiBps, String device)
    {
    }

    /**
     * One guest workload. kind fio: instance, volume, rw, bs, iodepth, numjobs, size or runtime, rwmixread,
     * verify. kind iperf: from, to, streams, protocol, frameBytes, rateGbps (absent = unlimited), window.
     */
    public record WorkloadSpec(
        String name,
        String kind,
        String start,
        String duration,
        String instance,
        String volume,
        String rw,
        String bs,
        Integer iodepth,
        Integer numjobs,
        String size,
        Integer rwmixread,
        Boolean verify,
        String from,
        String to,
        Integer streams,
        String protocol,
        Integer frameBytes,
        Double rateGbps,
        String window)
    {
    }

    /**
     * A CI gate: {@code metric} of {@code instance}/{@code volume}/{@code workload} over [from, to] must lie in
     * [min, max] (either bound may be absent).
     */
    public record ExpectationSpec(
        String name,
        String metric,
        String instance,
        String volume,
        String workload,
        String from,
        String to,
        Double min,
        Double max)
    {
    }

    /** An attached volume served over NBD on 127.0.0.1:port (real-time scenarios; see docs/tools.md). */
    public record ExportSpec(String volume, Integer port, Boolean readOnly)
    {
    }

    /**
     * A bridged port (real-time scenarios): local programs connect to {@code listen} ("127.0.0.1:15201"); the
     * traffic leaves {@code instance}'s primary interface for {@code to} ("server:5201") and reaches 127.0.0.1 on
     * that port from the target's guest. protocol tcp (default) or udp.
     */
    public record PortSpec(String instance, String listen, String to, String protocol)
    {
    }
}
