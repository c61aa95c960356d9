package io.nitrosim.simulator.scenario;

import java.util.List;
import java.util.Map;

import io.nitrosim.catalog.InstanceCatalog;
import io.nitrosim.catalog.InstanceType;
import io.nitrosim.time.WorkerIdle;

/**
 * The one place a scenario is checked, section by section ({@link OverridesValidator}, {@link HostsValidator},
 * {@link NetworkValidator}, {@link InstancesValidator}, {@link WorkloadsValidator},
 * {@link ExpectationsValidator}, {@link ToolsValidator}, {@link TraceValidator}, {@link FaultsValidator}), each through the path-aware {@link FieldChecks}. Every problem is one line:
 * the source, line and column, the field path ("instances[1].volumes[0].iops") and what is accepted. The first
 * problem found stops validation; nothing is run. A scenario accepted here is within {@link ScenarioLimits}
 * and its estimated {@link RunFootprint} fits this JVM.
 */
public final class ScenarioValidator
{
    public static final int MAX_ATTACHMENTS = InstancesValidator.MAX_ATTACHMENTS;
    public static final String ATTACHMENT_LIMIT_MESSAGE = "AttachmentLimitExceeded: You've reached the limit on the "
        + "number of Amazon EBS volumes or network interfaces that can be attached to a single instance.";

    private final FieldChecks checks;
    private final InstanceCatalog catalog;
    private final long maxHeapBytes;
    private final long maxDirectBytes;

    private ScenarioValidator(final FieldChecks checks, final long maxHeapBytes, final long maxDirectBytes)
    {
        this.checks = checks;
        this.catalog = InstanceCatalog.c5();
        this.maxHeapBytes = maxHeapBytes;
        this.maxDirectBytes = maxDirectBytes;
    }

    /** Validates a scenario built in code (no file locations). */
    public static Scenario validate(final String source, final ScenarioSpec spec)
    {
        return validate(source, spec, LocationIndex.NONE);
    }

    static Scenario validate(final String source, final ScenarioSpec spec, final LocationIndex locations)
    {
        return validate(source, spec, locations, RunFootprint.maxHeapBytes(), RunFootprint.maxDirectBytes());
    }

    /** Validates against a given memory budget (tests, and runs that share one JVM). */
    static Scenario validate(final String source, final ScenarioSpec spec, final LocationIndex locations,
        final long maxHeapBytes, final long maxDirectBytes)
    {
        return new ScenarioValidator(new FieldChecks(source, locations), maxHeapBytes, maxDirectBytes).validate(spec);
    }

    private Scenario validate(final ScenarioSpec spec)
    {
        if (spec == null)
        {
            throw new ScenarioException(checks.source() + ": the scenario is empty");
        }
        final String name = checks.name("name", spec.name());
        final long seed = spec.seed() == null ? 1L : spec.seed();
        final long durationNs = checks.positiveDuration("duration", spec.duration(), -1, ScenarioLimits.MAX_DURATION_NS);
        final Scenario.ClockMode clock = checks.oneOf("clock", spec.clock(), "virtual", List.of("virtual", "real"))
            .equals("real") ? Scenario.ClockMode.REAL : Scenario.ClockMode.VIRTUAL;
        final RealTimeValidator realTime = new RealTimeValidator(checks);
        final long allowedLagNs = realTime.allowedLagNs(spec.allowedLag(), durationNs);
        final int threads = realTime.threads(spec.threads());
        final WorkerIdle idle = realTime.idle(spec.idle());
        final Scenario.PayloadMode payload = checks.oneOf("payload", spec.payload(), "timing-only",
            List.of("timing-only", "full")).equals("full") ? Scenario.PayloadMode.FULL : Scenario.PayloadMode.TIMING_ONLY;
        final long sampleIntervalNs = sampleInterval(spec.sampleInterval(), spec.duration(), durationNs);
        final String description = spec.description() == null ? "" : spec.description();
        if (description.length() > 4096)
        {
            throw checks.error("description", description.length() + " characters, accepted at most 4096");
        }

        final OverridesValidator overrides = new OverridesValidator(checks, spec.overrides());
        final Map<String, InstanceType> types = overrides.instanceTypes(catalog);
        final Scenario.Network network = overrides.network();
        final Scenario.Ebs ebs = overrides.ebs();

        final HostsValidator hosts = new HostsValidator(checks);
        final List<Scenario.Host> hostList = hosts.hosts(spec.hosts());
        final NetworkValidator vpc = new NetworkValidator(checks, seed);
        final List<Scenario.Vpc> vpcs = vpc.vpcs(spec.vpcs());
        final List<Scenario.Peering> peerings = vpc.peerings(spec.peerings());
        final List<Scenario.SecurityGroup> groups = vpc.securityGroups(spec.securityGroups());
        final List<Scenario.Instance> instances =
            new InstancesValidator(checks, types, hosts, vpc).instances(spec.instances());
        final List<Scenario.Workload> workloads = new WorkloadsValidator(checks, durationNs).workloads(spec.workloads(), instances);
        final List<Scenario.Expectation> expectations =
            new ExpectationsValidator(checks, durationNs).expectations(spec.expectations(), instances, workloads);
        realTime.requireRealTimeForLagMetrics(expectations, clock);
        final ToolsValidator tools = new ToolsValidator(checks, clock, payload, instances, workloads);
        final List<Scenario.Export> exports = tools.exports(spec.exports());
        final List<Scenario.Port> ports = tools.ports(spec.ports(), exports);
        final Scenario.Trace trace = new TraceValidator(checks).trace(spec.trace(), instances);
        final List<Scenario.Fault> faults = new FaultsValidator(checks, durationNs, spec.storage() != null).faults(spec.faults(), instances);
        final Scenario scenario = new Scenario(checks.source(), name, description, seed, durationNs, clock,
            allowedLagNs, threads, idle, payload, sampleIntervalNs, network, ebs, hostList, vpcs, peerings, groups, instances,
            workloads, expectations, exports, ports, trace,
            new StorageValidator(checks).storage(spec.storage(), clock, payload), faults);
        checkFootprint(scenario);
        return scenario;
    }

    private long sampleInterval(final String text, final String durationText, final long durationNs)
    {
        final long ns = checks.positiveDuration("sampleInterval", text, 1_000_000_000L, ScenarioLimits.MAX_DURATION_NS);
        if (ns > durationNs)
        {
            if (text == null)
            {
                return durationNs; // the default never exceeds a short scenario: one sample at its end
            }
            throw checks.error("sampleInterval", MessageText.quoted(text) + " is longer than the duration "
                + MessageText.quoted(durationText));
        }
        final long minNs = (durationNs + ScenarioLimits.MAX_SAMPLES - 1) / ScenarioLimits.MAX_SAMPLES;
        if (ns < minNs)
        {
            throw checks.error("sampleInterval", MessageText.quoted(text) + " gives " + durationNs / ns
                + " samples per series, accepted at most " + ScenarioLimits.MAX_SAMPLES + ": at least "
                + DurationParser.format(minNs) + " for a duration of " + DurationParser.format(durationNs));
        }
        return ns;
    }

    private void checkFootprint(final Scenario scenario)
    {
        final RunFootprint footprint = RunFootprint.of(scenario);
        if (footprint.heapBytes() > maxHeapBytes)
        {
            throw checks.error(footprint.heapCause(), "the run would need about "
                + RunFootprint.format(footprint.heapBytes()) + " of heap, more than this JVM's "
                + RunFootprint.format(maxHeapBytes) + " (-Xmx); shorten the run, sample less often or simulate less");
        }
        if (footprint.directBytes() > maxDirectBytes)
        {
            throw checks.error(footprint.directCause(), "the run would need about "
                + RunFootprint.format(footprint.directBytes()) + " of direct memory, more than this JVM's "
                + RunFootprint.format(maxDirectBytes) + " (-XX:MaxDirectMemorySize); simulate fewer hosts or instances");
        }
    }
}
