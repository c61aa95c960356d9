package io.nitrosim.simulator.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a scenario in Java, for tests in other projects: the same data as a scenario file, checked by the
 * same {@link ScenarioValidator}.
 * <pre>{@code
 * Scenario s = ScenarioBuilder.named("burst").duration("10m")
 *     .instance("web-1", "c5.large")
 *     .instance("db-1", "c5.large")
 *     .volume("db-1", "data-1", "gp3", 500, 16000, 1000)
 *     .iperf("bulk", "web-1", "db-1", 10)
 *     .fio("writes", "data-1", "write", "256k", 32)
 *     .expectBetween("net-out-gbps", "web-1", "0s", "7m", 9.9, 10.0)
 *     .build();
 * }</pre>
 */
public final class ScenarioBuilder
{
    private final String name;
    private String description;
    private long seed = 1;
    private String duration;
    private String clock;
    private String allowedLag;
    private Integer threads;
    private String idle;
    private String payload;
    private String sampleInterval;
    private final Map<String, ScenarioSpec.InstanceTypeOverride> typeOverrides = new LinkedHashMap<>();
    private ScenarioSpec.NetworkOverride network;
    private ScenarioSpec.EbsOverride ebs;
    private final List<ScenarioSpec.VpcSpec> vpcs = new ArrayList<>();
    private final List<ScenarioSpec.SecurityGroupSpec> groups = new ArrayList<>();
    private final Map<String, InstanceDraft> instances = new LinkedHashMap<>();
    private final List<ScenarioSpec.WorkloadSpec> workloads = new ArrayList<>();
    private final List<ScenarioSpec.ExpectationSpec> expectations = new ArrayList<>();
    private ScenarioSpec.TraceSpec trace;
    private final List<ScenarioSpec.ExportSpec> exports = new ArrayList<>();
    private ScenarioSpec.StorageSpec storage;
    private final List<ScenarioSpec.PortSpec> ports = new ArrayList<>();
    private final List<ScenarioSpec.FaultSpec> faults = new ArrayList<>();

    private ScenarioBuilder(final String name)
    {
        this.name = name;
    }

    public static ScenarioBuilder named(final String name)
    {
        return new ScenarioBuilder(name);
    }

    public ScenarioBuilder description(final String description)
    {
        this.description = description;
        return this;
    }

    public ScenarioBuilder seed(final long seed)
    {
        this.seed = seed;
        return this;
    }

    /** Records a device-level trace: event kind names (or "all") and instance, ENI or volume names (empty: all). */
    public ScenarioBuilder trace(final List<String> events, final List<String> functions)
    {
        this.trace = new ScenarioSpec.TraceSpec(events, functions);
        return this;
    }

    public ScenarioBuilder duration(final String duration)
    {
        this.duration = duration;
        return this;
    }

    /** "virtual" (default) or "real". */
    public ScenarioBuilder clock(final String clock)
    {
        this.clock = clock;
        return this;
    }

    /** How far a real-time run may fall behind the wall clock: "250ms", "5%" (of the duration) or "unlimited". */
    public ScenarioBuilder allowedLag(final String allowedLag)
    {
        this.allowedLag = allowedLag;
        return this;
    }

    /** Worker threads of a real-time run (default: the machine's processors; 1: one paced thread). */
    public ScenarioBuilder threads(final int threads)
    {
        this.threads = threads;
        return this;
    }

    /** How the workers of a real-time run wait when idle: "adaptive" (default) or "spin". */
    public ScenarioBuilder idle(final String idle)
    {
        this.idle = idle;
        return this;
    }

    /** "timing-only" (default) or "full". */
    public ScenarioBuilder payload(final String payload)
    {
        this.payload = payload;
        return this;
    }

    public ScenarioBuilder sampleInterval(final String sampleInterval)
    {
        this.sampleInterval = sampleInterval;
        return this;
    }

    /** Shortens or lengthens bursts of a type (seconds; null keeps the catalog's). */
    public ScenarioBuilder burst(final String type, final Long networkBurstSeconds, final Long ebsBurstSeconds)
    {
        typeOverrides.put(type, new ScenarioSpec.InstanceTypeOverride(
            networkBurstSeconds, ebsBurstSeconds, null, null, null, null, null, null));
        return this;
    }

    /** {@code overrides.ebs}. */
    public ScenarioBuilder ebs(final ScenarioSpec.EbsOverride ebs)
    {
        this.ebs = ebs;
        return this;
    }

    public ScenarioBuilder network(final ScenarioSpec.NetworkOverride network)
    {
        this.network = network;
        return this;
    }

    public ScenarioBuilder vpc(final String name, final String cidr, final String subnetName, final String subnetCidr)
    {
        vpcs.add(new ScenarioSpec.VpcSpec(name, cidr, List.of(new ScenarioSpec.SubnetSpec(subnetName, subnetCidr))));
        return this;
    }

    public ScenarioBuilder securityGroup(final ScenarioSpec.SecurityGroupSpec group)
    {
        groups.add(group);
        return this;
    }

    public ScenarioBuilder instance(final String name, final String type)
    {
        instances.put(name, new InstanceDraft(name, type));
        return this;
    }

    public ScenarioBuilder instanceIn(final String name, final String type, final String subnet, final String... groups)
    {
        final InstanceDraft draft = new InstanceDraft(name, type);
        draft.subnet = subnet;
        draft.groups = List.of(groups);
        instances.put(name, draft);
        return this;
    }

    public ScenarioBuilder eni(final String instance, final String eniName)
    {
        draft(instance).enis.add(new ScenarioSpec.EniSpec(eniName, null, null, null));
        return this;
    }

    /** A volume; iops and throughput 0 = the type's default. */
    public ScenarioBuilder volume(
        final String instance, final String volume, final String type, final long sizeGiB, final long iops,
        final long throughputMiBps)
    {
        draft(instance).volumes.add(new ScenarioSpec.VolumeSpec(volume, type, sizeGiB, iops == 0 ? null : iops,
            throughputMiBps == 0 ? null : throughputMiBps, null));
        return this;
    }

    public ScenarioBuilder fio(final String name, final String volume, final String rw, final String bs, final int iodepth)
    {
        workloads.add(new ScenarioSpec.WorkloadSpec(name, "fio", null, null, null, volume, rw, bs, iodepth, null, null,
            null, null, null, null, null, null, null, null, null));
        return this;
    }

    public ScenarioBuilder workload(final ScenarioSpec.WorkloadSpec workload)
    {
        workloads.add(workload);
        return this;
    }

    public ScenarioBuilder iperf(final String name, final String from, final String to, final int streams)
    {
        workloads.add(new ScenarioSpec.WorkloadSpec(name, "iperf", null, null, null, null, null, null, null, null,
            null, null, null, from, to, streams, null, null, null, null));
        return this;
    }

    /** A gate on an instance, volume or workload metric (the subject kind follows from the metric). */
    public ScenarioBuilder expectBetween(
        final String metric, final String subject, final String from, final String to, final Double min,
        final Double max)
    {
        final ExpectationMetric m = ExpectationMetric.fromKey(metric);
        final ExpectationMetric.SubjectKind kind = m == null ? ExpectationMetric.SubjectKind.INSTANCE : m.subjectKind();
        expectations.add(new ScenarioSpec.ExpectationSpec(null, metric,
            kind == ExpectationMetric.SubjectKind.INSTANCE ? subject : null,
            kind == ExpectationMetric.SubjectKind.VOLUME ? subject : null,
            kind == ExpectationMetric.SubjectKind.WORKLOAD ? subject : null, from, to, min, max));
        return this;
    }

    /** Serves {@code volume} over NBD on 127.0.0.1:{@code port} (0 = any free port); needs clock real, payload full. */
    public ScenarioBuilder export(final String volume, final int port)
    {
        exports.add(new ScenarioSpec.ExportSpec(volume, port, null));
        return this;
    }

    /** Bridges {@code listen} ("127.0.0.1:15201") through {@code instance} to {@code to} ("server:5201"). */
    public ScenarioBuilder port(final String instance, final String listen, final String to, final String protocol)
    {
        ports.add(new ScenarioSpec.PortSpec(instance, listen, to, protocol));
        return this;
    }

    /**
     * Injects a fault: at {@code at} (a duration: "10s"), {@code kind} ("storage-latency", "storage-stall") hits
     * {@code target} (a volume name) for {@code duration}; {@code latency} is what storage-latency adds (else null).
     */
    public ScenarioBuilder fault(
        final String at, final String kind, final String target, final String duration, final String latency)
    {
        faults.add(new ScenarioSpec.FaultSpec(at, kind, target, duration, latency));
        return this;
    }

    /**
     * Zeroes a credit balance: at {@code at}, the {@code bucket} ("net-out", "net-in") of instance {@code target}
     * goes to 0; {@code duration} is the window the results measure the rate over.
     */
    public ScenarioBuilder creditsZeroed(final String at, final String target, final String bucket,
        final String duration)
    {
        faults.add(new ScenarioSpec.FaultSpec(at, "credits-zeroed", target, duration, null, bucket, null));
        return this;
    }

    /** Loses the share {@code rate} (0 &lt; rate &lt;= 1) of the frames delivered to ENI {@code target}. */
    public ScenarioBuilder fabricLoss(final String at, final String target, final double rate, final String duration)
    {
        faults.add(new ScenarioSpec.FaultSpec(at, "fabric-loss", target, duration, null, null, rate));
        return this;
    }

    /** Corrupts one byte of the share {@code rate} (0 &lt; rate &lt;= 1) of the frames delivered to ENI {@code target}. */
    public ScenarioBuilder fabricCorruption(final String at, final String target, final double rate,
        final String duration)
    {
        faults.add(new ScenarioSpec.FaultSpec(at, "fabric-corruption", target, duration, null, null, rate));
        return this;
    }

    public ScenarioSpec spec()
    {
        final List<ScenarioSpec.InstanceSpec> specs = new ArrayList<>();
        for (final InstanceDraft d : instances.values())
        {
            specs.add(new ScenarioSpec.InstanceSpec(d.name, d.type, null, null, d.subnet,
                d.groups.isEmpty() ? null : d.groups, d.enis.isEmpty() ? null : List.copyOf(d.enis),
                d.volumes.isEmpty() ? null : List.copyOf(d.volumes)));
        }
        final ScenarioSpec.OverridesSpec overrides = typeOverrides.isEmpty() && network == null && ebs == null ? null :
            new ScenarioSpec.OverridesSpec(typeOverrides.isEmpty() ? null : Map.copyOf(typeOverrides), network, ebs);
        return new ScenarioSpec(name, description, seed, duration, clock, allowedLag, threads, idle, payload, sampleInterval, overrides,
            null,
            vpcs.isEmpty() ? null : List.copyOf(vpcs), null, groups.isEmpty() ? null : List.copyOf(groups), specs,
            List.copyOf(workloads), List.copyOf(expectations), exports.isEmpty() ? null : List.copyOf(exports),
            ports.isEmpty() ? null : List.copyOf(ports), trace, storage,
            faults.isEmpty() ? null : List.copyOf(faults));
    }

    /** Validates and returns the scenario; problems are a {@link ScenarioException}. */
    public Scenario build()
    {
        return ScenarioValidator.validate("scenario '" + name + "' (builder)", spec());
    }

    private InstanceDraft draft(final String instance)
    {
        final InstanceDraft d = instances.get(instance);
        if (d == null)
        {
            throw new ScenarioException("scenario '" + name + "' (builder): no instance named '" + instance
                + "'; add it with instance(name, type) first");
        }
        return d;
    }

    private static final class InstanceDraft
    {
        final String name;
        final String type;
        String subnet;
        List<String> groups = List.of();
        final List<ScenarioSpec.EniSpec> enis = new ArrayList<>();
        final List<ScenarioSpec.VolumeSpec> volumes = new ArrayList<>();

        InstanceDraft(final String name, final String type)
        {
            this.name = name;
            this.type = type;
        }
    }
}
