package io.nitrosim.simulator.scenario;

import java.util.List;
import java.util.Map;

import io.nitrosim.catalog.InstanceType;
import io.nitrosim.time.WorkerIdle;

/**
 * A validated scenario, ready to assemble: every name resolved, every duration in ns, every type from the
 * catalog (with the scenario's overrides applied). Only {@link ScenarioValidator} creates one.
 * <p>
 * {@code allowedLagNs} is how far a real-time run may fall behind the wall clock and still pass
 * ({@link #UNLIMITED_LAG} when the scenario allows any lag); virtual runs ignore it. {@code threads} is how many
 * threads a real-time run may use (default 1; docs/architecture.md, "Decisions"); virtual runs ignore it.
 * {@code idle} is how the workers of a real-time run on more than one thread wait when idle ({@code idle: spin}:
 * they never park or yield, for the lowest latency across threads, at a core per worker).
 */
public record Scenario(
    String source,
    String name,
    String description,
    long seed,
    long durationNs,
    ClockMode clock,
    long allowedLagNs,
    int threads,
    WorkerIdle idle,
    PayloadMode payload,
    long sampleIntervalNs,
    Network network,
    Ebs ebs,
    List<Host> hosts,
    List<Vpc> vpcs,
    List<Peering> peerings,
    List<SecurityGroup> securityGroups,
    List<Instance> instances,
    List<Workload> workloads,
    List<Expectation> expectations,
    List<Export> exports,
    List<Port> ports,
    Trace trace,
    Storage storage,
    List<Fault> faults)
{
    /** {@code allowedLag: unlimited}: a real-time run passes however far behind the wall clock it falls. */
    public static final long UNLIMITED_LAG = Long.MAX_VALUE;

    public enum ClockMode
    {
        VIRTUAL, REAL
    }

    /** The same scenario run with another clock ({@code serve} runs every scenario in real time). */
    public Scenario withClock(final ClockMode clockMode)
    {
        return new Scenario(source, name, description, seed, durationNs, clockMode, allowedLagNs, threads, idle, payload,
            sampleIntervalNs, network, ebs, hosts, vpcs, peerings, securityGroups, instances, workloads, expectations,
            exports, ports, trace, storage, faults);
    }

    /** The same scenario with another trace setting (the CLI's {@code --trace}). */
    public Scenario withTrace(final Trace newTrace)
    {
        return new Scenario(source, name, description, seed, durationNs, clock, allowedLagNs, threads, idle, payload,
            sampleIntervalNs, network, ebs, hosts, vpcs, peerings, securityGroups, instances, workloads, expectations,
            exports, ports, newTrace, storage, faults);
    }

    /** Whether the volumes' blocks are kept by a storage server process rather than the run's own engine. */
    public boolean remoteStorage()
    {
        return storage != null;
    }

    /**
     * {@code storage: {server, tokenFile}}: the EBS cards store through the storage server at host:port (a
     * loopback address), authenticating with the token read from {@code tokenFile}. Null: the run's own engine.
     */
    public record Storage(String host, int port, String tokenFile)
    {
    }

    /**
     * What a run traces: the event kinds ({@code io.nitrosim.pci.trace.TraceKind} bits) and the functions, by
     * the scenario's instance, ENI or volume names (empty: every function). {@link #NONE} traces nothing.
     */
    public record Trace(long kindMask, List<String> events, List<String> functions)
    {
        public static final Trace NONE = new Trace(0, List.of(), List.of());

        public boolean enabled()
        {
            return kindMask != 0;
        }
    }

    /**
     * A fault injected at {@code atNs} on {@code target} (a volume for the storage kinds) lasting {@code durationNs};
     * {@code latencyNs} is the storage latency a {@link FaultKind#STORAGE_LATENCY} fault adds (0 otherwise);
     * {@code bucket} the credit bucket a {@link FaultKind#CREDITS_ZEROED} fault empties (null otherwise);
     * {@code rate} the share of frames a {@link FaultKind#FABRIC_LOSS} fault loses (0 otherwise).
     */
    public record Fault(FaultKind kind, String target, long atNs, long durationNs, long latencyNs, String bucket,
        double rate)
    {
        /** A fault that names no bucket and no rate. */
        public Fault(final FaultKind kind, final String target, final long atNs, final long durationNs,
            final long latencyNs)
        {
            this(kind, target, atNs, durationNs, latencyNs, null, 0);
        }

        public long endNs()
        {
            return atNs + durationNs;
        }
    }

    public enum PayloadMode
    {
        TIMING_ONLY, FULL
    }

    /** Network shaping parameters shared by every instance of the scenario. */
    public record Network(
        long flowLimitBytesPerSec, boolean clusterPlacementGroup, long ppsLimit, long conntrackAllowance,
        long linkLatencyNs, long peakDepthNs, long shapingQuantumNs)
    {
    }

    /** EBS parameters; {@code ioTimeoutNs}: the guest NVMe driver's I/O command timeout. */
    public record Ebs(long peakDepthNs, Map<String, Long> serviceLatencyNs, long ioTimeoutNs)
    {
    }

    public record Host(String name, long memoryBytes)
    {
    }

    public record Vpc(String name, String cidr, List<Subnet> subnets)
    {
    }

    public record Subnet(String name, String vpc, String cidr)
    {
    }

    public record Peering(String vpcA, String vpcB)
    {
    }

    public record SecurityGroup(String name, String vpc, List<Rule> ingress, List<Rule> egress)
    {
    }

    /** protocol tcp|udp|icmp|all; ports inclusive; exactly one of cidr or group is set. */
    public record Rule(String protocol, int fromPort, int toPort, String cidr, String group)
    {
    }

    public record Instance(
        String name, InstanceType type, String host, String subnet, List<String> securityGroups,
        List<Eni> enis, List<Volume> volumes)
    {
        /** Attachments on the PCI bus: the primary ENI, the extra ENIs and the volumes. */
        public int attachments()
        {
            return 1 + enis.size() + volumes.size();
        }
    }

    public record Eni(String name, String subnet, List<String> securityGroups, int ipv4Count)
    {
    }

    public record Volume(
        String name, String instance, String type, long sizeGiB, long iops, long throughputMiBps, String device)
    {
    }

    /** A volume served over NBD: {@code instance} owns {@code volume}; port 0 = any free port. */
    public record Export(String volume, String instance, int port, boolean readOnly)
    {
    }

    /** A bridged port from {@code instance}'s listen address to {@code toInstance}:{@code toPort}. */
    public record Port(String instance, String listenHost, int listenPort, String toInstance, int toPort, String protocol)
    {
    }

    /** A guest workload started at {@code startNs} for {@code durationNs}. */
    public sealed interface Workload permits FioWorkload, IperfWorkload
    {
        String name();

        long startNs();

        long durationNs();
    }

    public record FioWorkload(
        String name, long startNs, long durationNs, String instance, String volume, String rw, int blockSizeBytes,
        int iodepth, int numjobs, long sizeBytes, int rwmixread, boolean verify) implements Workload
    {
    }

    public record IperfWorkload(
        String name, long startNs, long durationNs, String from, String to, int streams, String protocol,
        int frameBytes, long rateBytesPerSec, int windowBytes) implements Workload
    {
    }

    /** A CI gate over one metric of one subject, within [fromNs, toNs]. */
    public record Expectation(
        String name, ExpectationMetric metric, String subject, long fromNs, long toNs, Double min, Double max)
    {
        public String describe()
        {
            final StringBuilder sb = new StringBuilder();
            sb.append(metric.key());
            if (metric.subjectKind() != ExpectationMetric.SubjectKind.RUN)
            {
                sb.append(' ').append(metric.subjectKind().name().toLowerCase()).append(' ').append(subject);
            }
            if (metric.windowed())
            {
                sb.append(" over ").append(DurationParser.formatRange(fromNs, toNs));
            }
            if (min != null && max != null)
            {
                sb.append(" between ").append(min).append(" and ").append(max);
            }
            else if (min != null)
            {
                sb.append(" at least ").append(min);
            }
            else
            {
                sb.append(" at most ").append(max);
            }
            return sb.toString();
        }
    }
}
