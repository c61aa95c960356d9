package io.nitrosim.simulator.scenario;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.nitrosim.catalog.InstanceCatalog;
import io.nitrosim.catalog.InstanceType;
import io.nitrosim.catalog.UnknownInstanceTypeException;
import io.nitrosim.simulator.scenario.ScenarioSpec.EniSpec;
import io.nitrosim.simulator.scenario.ScenarioSpec.ExpectationSpec;
import io.nitrosim.simulator.scenario.ScenarioSpec.InstanceSpec;
import io.nitrosim.simulator.scenario.ScenarioSpec.InstanceTypeOverride;
import io.nitrosim.simulator.scenario.ScenarioSpec.RuleSpec;
import io.nitrosim.simulator.scenario.ScenarioSpec.SecurityGroupSpec;
import io.nitrosim.simulator.scenario.ScenarioSpec.SubnetSpec;
import io.nitrosim.simulator.scenario.ScenarioSpec.VolumeSpec;
import io.nitrosim.simulator.scenario.ScenarioSpec.VpcSpec;
import io.nitrosim.simulator.scenario.ScenarioSpec.WorkloadSpec;

/**
 * The one place a scenario is checked. Every problem is reported as one line: the source, the field path
 * ("instances[1].volumes[0].iops") and what is accepted. The first problem found stops validation; nothing
 * is run.
 */
public final class ScenarioValidator
{
    /** Primary ENI plus 27 more devices (facts.md section 2). */
    public static final int MAX_ATTACHMENTS = 28;
    public static final String ATTACHMENT_LIMIT_MESSAGE = "AttachmentLimitExceeded: You've reached the limit on the "
        + "number of Amazon EBS volumes or network interfaces that can be attached to a single instance.";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern CIDR = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");
    private static final Pattern DEVICE = Pattern.compile("/dev/(sd[b-z]|xvd[b-z][a-z]?|sd[b-z][1-9]?)");
    private static final Pattern BLOCK_SIZE = Pattern.compile("(\\d+)([kKmM]?)");
    private static final Set<String> VOLUME_TYPES = Set.of("gp2", "gp3", "io1", "io2", "st1", "sc1");
    private static final List<String> FIO_RW = List.of("read", "write", "randread", "randwrite", "randrw", "rw");
    private static final List<String> PROTOCOLS = List.of("tcp", "udp", "icmp", "all");

    private final String source;
    private final InstanceCatalog catalog;
    private final LocationIndex locations;

    private ScenarioValidator(final String source, final InstanceCatalog catalog, final LocationIndex locations)
    {
        this.source = source;
        this.catalog = catalog;
        this.locations = locations;
    }

    /** Validates a scenario built in code (no file locations). */
    public static Scenario validate(final String source, final ScenarioSpec spec)
    {
        return validate(source, spec, LocationIndex.NONE);
    }

    static Scenario validate(final String source, final ScenarioSpec spec, final LocationIndex locations)
    {
        return new ScenarioValidator(source, InstanceCatalog.c5(), locations).validate(spec);
    }

    private ScenarioException error(final String path, final String problem)
    {
        return new ScenarioException(source + locations.where(path) + ": " + path + ": " + problem);
    }

    private Scenario validate(final ScenarioSpec spec)
    {
        if (spec == null)
        {
            throw new ScenarioException(source + ": the scenario is empty");
        }
        final String name = requireName("name", spec.name());
        final long seed = spec.seed() == null ? 1L : spec.seed();
        final long durationNs = positiveDuration("duration", spec.duration());
        final Scenario.ClockMode clock = oneOf("clock", spec.clock(), "virtual", List.of("virtual", "real"))
            .equals("real") ? Scenario.ClockMode.REAL : Scenario.ClockMode.VIRTUAL;
        final Scenario.PayloadMode payload = oneOf("payload", spec.payload(), "timing-only",
            List.of("timing-only", "full")).equals("full") ? Scenario.PayloadMode.FULL : Scenario.PayloadMode.TIMING_ONLY;
        final long sampleIntervalNs = spec.sampleInterval() == null ? 1_000_000_000L :
            positiveDuration("sampleInterval", spec.sampleInterval());
        if (sampleIntervalNs > durationNs)
        {
            throw error("sampleInterval", spec.sampleInterval() + " is longer than the duration " + spec.duration());
        }

        final Map<String, InstanceType> types = resolveTypes(spec.overrides());
        final Scenario.Network network = network(spec.overrides());
        final Scenario.Ebs ebs = ebs(spec.overrides());

        final List<Scenario.Host> hosts = hosts(spec);
        final Set<String> hostNames = names(hosts, Scenario.Host::name);
        final List<Scenario.Vpc> vpcs = vpcs(spec.vpcs());
        final Map<String, Scenario.Subnet> subnets = new LinkedHashMap<>();
        for (final Scenario.Vpc vpc : vpcs)
        {
            for (final Scenario.Subnet s : vpc.subnets())
            {
                subnets.put(s.name(), s);
            }
        }
        final List<Scenario.Peering> peerings = peerings(spec, vpcs);
        final List<Scenario.SecurityGroup> groups = securityGroups(spec.securityGroups(), vpcs);
        final Set<String> groupNames = names(groups, Scenario.SecurityGroup::name);
        final List<Scenario.Instance> instances =
            instances(spec.instances(), types, hostNames, subnets, groupNames, hosts.get(0).name());
        final List<Scenario.Workload> workloads = workloads(spec.workloads(), instances, durationNs);
        final List<Scenario.Expectation> expectations = expectations(spec.expectations(), instances, workloads, durationNs);
        final ToolsValidator.Tools tools = new ToolsValidator(source, locations).validate(spec, clock, payload, instances,
            workloads);
        return new Scenario(source, name, spec.description() == null ? "" : spec.description(), seed, durationNs, clock,
            payload, sampleIntervalNs, network, ebs, hosts, vpcs, peerings, groups, instances, workloads, expectations,
            tools.exports(), tools.ports());
    }

    // ---------------------------------------------------------------------------------------------------------

    private Map<String, InstanceType> resolveTypes(final ScenarioSpec.OverridesSpec overrides)
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
            final String path = "overrides.instanceTypes." + e.getKey();
            final InstanceType base = types.get(e.getKey());
            if (base == null)
            {
                throw error(path, new UnknownInstanceTypeException(e.getKey(), catalog.typeNames()).getMessage());
            }
            final InstanceTypeOverride o = e.getValue();
            if (o == null)
            {
                continue;
            }
            final InstanceType t = new InstanceType(base.type(), base.vcpus(), base.memoryGiB(),
                positiveOr(path + ".ebsPeakMbps", o.ebsPeakMbps(), base.ebsPeakMbps()),
                positiveOr(path + ".ebsBaselineMbps", o.ebsBaselineMbps(), base.ebsBaselineMbps()),
                positiveOr(path + ".ebsPeakIops", o.ebsPeakIops(), base.ebsPeakIops()),
                positiveOr(path + ".ebsBaselineIops", o.ebsBaselineIops(), base.ebsBaselineIops()),
                gbps(path + ".networkPeakGbps", o.networkPeakGbps(), base.networkPeakGbps()),
                gbps(path + ".networkBaselineGbps", o.networkBaselineGbps(), base.networkBaselineGbps()),
                nonNegativeOr(path + ".networkBurstSeconds", o.networkBurstSeconds(), base.networkBurstSeconds()),
                nonNegativeOr(path + ".ebsBurstSeconds", o.ebsBurstSeconds(), base.ebsBurstSeconds()),
                base.maxEnis(), base.ipv4PerEni());
            if (t.ebsBaselineMbps() > t.ebsPeakMbps())
            {
                throw error(path + ".ebsBaselineMbps", t.ebsBaselineMbps() + " is above the peak " + t.ebsPeakMbps());
            }
            if (t.ebsBaselineIops() > t.ebsPeakIops())
            {
                throw error(path + ".ebsBaselineIops", t.ebsBaselineIops() + " is above the peak " + t.ebsPeakIops());
            }
            if (t.networkBaselineGbps().compareTo(t.networkPeakGbps()) > 0)
            {
                throw error(path + ".networkBaselineGbps", t.networkBaselineGbps().toPlainString()
                    + " is above the peak " + t.networkPeakGbps().toPlainString());
            }
            types.put(t.type(), t);
        }
        return types;
    }

    private Scenario.Network network(final ScenarioSpec.OverridesSpec overrides)
    {
        final ScenarioSpec.NetworkOverride n = overrides == null ? null : overrides.network();
        final boolean cluster = n != null && Boolean.TRUE.equals(n.clusterPlacementGroup());
        final double defaultFlowGbps = cluster ? 10.0 : 5.0;
        final double flowGbps = n == null || n.flowLimitGbps() == null ? defaultFlowGbps : n.flowLimitGbps();
        if (!(flowGbps > 0 && flowGbps <= 100))
        {
            throw error("overrides.network.flowLimitGbps", flowGbps + " is out of range, accepted (0, 100]");
        }
        final long pps = n == null || n.ppsLimit() == null ? 0 : n.ppsLimit();
        if (pps < 0)
        {
            throw error("overrides.network.ppsLimit", pps + " must be >= 0 (0 = no PPS limit)");
        }
        final long conntrack = n == null || n.conntrackAllowance() == null ? 1_000_000 : n.conntrackAllowance();
        if (conntrack < 1)
        {
            throw error("overrides.network.conntrackAllowance", conntrack + " must be at least 1");
        }
        final long latencyNs = n == null || n.linkLatency() == null ? 25_000 :
            nonNegativeDuration("overrides.network.linkLatency", n.linkLatency());
        final long depthNs = n == null || n.peakDepth() == null ? 2_000_000 :
            positiveDuration("overrides.network.peakDepth", n.peakDepth());
        // The card moves every frame due within one quantum per time jump: rates are unchanged, runs much faster.
        final long quantumNs = n == null || n.shapingQuantum() == null ? 100_000 :
            nonNegativeDuration("overrides.network.shapingQuantum", n.shapingQuantum());
        if (quantumNs > 10_000_000)
        {
            throw error("overrides.network.shapingQuantum", n.shapingQuantum() + " is too coarse, accepted 0..10ms");
        }
        return new Scenario.Network(Math.round(flowGbps * 125_000_000.0), cluster, pps, conntrack, latencyNs, depthNs,
            quantumNs);
    }

    private Scenario.Ebs ebs(final ScenarioSpec.OverridesSpec overrides)
    {
        final ScenarioSpec.EbsOverride e = overrides == null ? null : overrides.ebs();
        final long depthNs = e == null || e.peakDepth() == null ? 2_000_000 :
            positiveDuration("overrides.ebs.peakDepth", e.peakDepth());
        final Map<String, Long> latencies = new LinkedHashMap<>();
        if (e != null && e.serviceLatency() != null)
        {
            for (final Map.Entry<String, String> entry : e.serviceLatency().entrySet())
            {
                final String path = "overrides.ebs.serviceLatency." + entry.getKey();
                if (!VOLUME_TYPES.contains(entry.getKey()))
                {
                    throw error(path, "unknown volume type '" + entry.getKey() + "'; valid types: gp2, gp3, io1, io2, st1, sc1");
                }
                latencies.put(entry.getKey(), nonNegativeDuration(path, entry.getValue()));
            }
        }
        return new Scenario.Ebs(depthNs, latencies);
    }

    private List<Scenario.Host> hosts(final ScenarioSpec spec)
    {
        final List<Scenario.Host> hosts = new ArrayList<>();
        if (spec.hosts() == null || spec.hosts().isEmpty())
        {
            hosts.add(new Scenario.Host("host-1", 192L << 30));
            return hosts;
        }
        for (int i = 0; i < spec.hosts().size(); i++)
        {
            final ScenarioSpec.HostSpec h = spec.hosts().get(i);
            final String path = "hosts[" + i + "]";
            final String name = requireName(path + ".name", h.name());
            final long memGiB = h.memoryGiB() == null ? 192 : h.memoryGiB();
            if (memGiB < 8 || memGiB > 4096)
            {
                throw error(path + ".memoryGiB", memGiB + " is out of range, accepted 8..4096");
            }
            hosts.add(new Scenario.Host(name, memGiB << 30));
        }
        names(hosts, Scenario.Host::name, "hosts");
        return hosts;
    }

    private List<Scenario.Vpc> vpcs(final List<VpcSpec> specs)
    {
        final List<Scenario.Vpc> vpcs = new ArrayList<>();
        if (specs == null || specs.isEmpty())
        {
            vpcs.add(new Scenario.Vpc("vpc-1", "10.0.0.0/16", List.of(new Scenario.Subnet("subnet-1", "vpc-1", "10.0.1.0/24"))));
            return vpcs;
        }
        final Set<String> subnetNames = new LinkedHashSet<>();
        for (int i = 0; i < specs.size(); i++)
        {
            final VpcSpec v = specs.get(i);
            final String path = "vpcs[" + i + "]";
            final String name = requireName(path + ".name", v.name());
            final String cidr = cidr(path + ".cidr", v.cidr(), 16, 28);
            if (v.subnets() == null || v.subnets().isEmpty())
            {
                throw error(path + ".subnets", "a VPC needs at least one subnet");
            }
            final List<Scenario.Subnet> subnets = new ArrayList<>();
            for (int j = 0; j < v.subnets().size(); j++)
            {
                final SubnetSpec s = v.subnets().get(j);
                final String sp = path + ".subnets[" + j + "]";
                final String sname = requireName(sp + ".name", s.name());
                if (!subnetNames.add(sname))
                {
                    throw error(sp + ".name", "duplicate subnet name '" + sname + "'");
                }
                final String scidr = cidr(sp + ".cidr", s.cidr(), 16, 28);
                if (!contains(cidr, scidr))
                {
                    throw error(sp + ".cidr", scidr + " is not inside the VPC's " + cidr);
                }
                for (final Scenario.Subnet other : subnets)
                {
                    if (contains(other.cidr(), scidr) || contains(scidr, other.cidr()))
                    {
                        throw error(sp + ".cidr", scidr + " overlaps subnet " + other.name() + " (" + other.cidr() + ")");
                    }
                }
                subnets.add(new Scenario.Subnet(sname, name, scidr));
            }
            vpcs.add(new Scenario.Vpc(name, cidr, List.copyOf(subnets)));
        }
        names(vpcs, Scenario.Vpc::name, "vpcs");
        return vpcs;
    }

    private List<Scenario.Peering> peerings(final ScenarioSpec spec, final List<Scenario.Vpc> vpcs)
    {
        final List<Scenario.Peering> result = new ArrayList<>();
        if (spec.peerings() == null)
        {
            return result;
        }
        final Set<String> vpcNames = names(vpcs, Scenario.Vpc::name);
        for (int i = 0; i < spec.peerings().size(); i++)
        {
            final ScenarioSpec.PeeringSpec p = spec.peerings().get(i);
            final String path = "peerings[" + i + "]";
            final String a = reference(path + ".between", p.between(), vpcNames, "VPC");
            final String b = reference(path + ".and", p.and(), vpcNames, "VPC");
            if (a.equals(b))
            {
                throw error(path, "a VPC cannot peer with itself ('" + a + "')");
            }
            final String cidrA = vpcs.stream().filter(v -> v.name().equals(a)).findFirst().orElseThrow().cidr();
            final String cidrB = vpcs.stream().filter(v -> v.name().equals(b)).findFirst().orElseThrow().cidr();
            if (contains(cidrA, cidrB) || contains(cidrB, cidrA))
            {
                throw error(path, "VPCs " + a + " (" + cidrA + ") and " + b + " (" + cidrB
                    + ") overlap; peering needs non-overlapping CIDRs");
            }
            result.add(new Scenario.Peering(a, b));
        }
        return result;
    }

    private List<Scenario.SecurityGroup> securityGroups(final List<SecurityGroupSpec> specs, final List<Scenario.Vpc> vpcs)
    {
        final List<Scenario.SecurityGroup> groups = new ArrayList<>();
        if (specs == null)
        {
            return groups;
        }
        final Set<String> vpcNames = names(vpcs, Scenario.Vpc::name);
        final Set<String> groupNames = new LinkedHashSet<>();
        for (final SecurityGroupSpec g : specs)
        {
            if (g != null && g.name() != null)
            {
                groupNames.add(g.name());
            }
        }
        for (int i = 0; i < specs.size(); i++)
        {
            final SecurityGroupSpec g = specs.get(i);
            final String path = "securityGroups[" + i + "]";
            final String name = requireName(path + ".name", g.name());
            final String vpc = g.vpc() == null && vpcs.size() == 1 ? vpcs.get(0).name() :
                reference(path + ".vpc", g.vpc(), vpcNames, "VPC");
            groups.add(new Scenario.SecurityGroup(name, vpc, rules(path + ".ingress", g.ingress(), groupNames, true),
                g.egress() == null ? List.of(new Scenario.Rule("all", 0, 65535, "0.0.0.0/0", null)) :
                    rules(path + ".egress", g.egress(), groupNames, false)));
        }
        names(groups, Scenario.SecurityGroup::name, "securityGroups");
        return groups;
    }

    private List<Scenario.Rule> rules(
        final String path, final List<RuleSpec> specs, final Set<String> groupNames, final boolean ingress)
    {
        final List<Scenario.Rule> rules = new ArrayList<>();
        if (specs == null)
        {
            return rules;
        }
        for (int i = 0; i < specs.size(); i++)
        {
            final RuleSpec r = specs.get(i);
            final String rp = path + "[" + i + "]";
            final String protocol = oneOf(rp + ".protocol", r.protocol(), null, PROTOCOLS);
            int fromPort = 0;
            int toPort = 65535;
            if (r.ports() != null)
            {
                final String[] parts = r.ports().trim().split("-", -1);
                try
                {
                    fromPort = Integer.parseInt(parts[0].trim());
                    toPort = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : fromPort;
                    if (parts.length > 2)
                    {
                        throw new NumberFormatException();
                    }
                }
                catch (final NumberFormatException ex)
                {
                    throw error(rp + ".ports", "'" + r.ports() + "' is not a port or range like 5201 or 1000-2000");
                }
                if (fromPort < 0 || toPort > 65535 || fromPort > toPort)
                {
                    throw error(rp + ".ports", "'" + r.ports() + "' is out of range, accepted 0..65535 with from <= to");
                }
            }
            final String peer = ingress ? r.from() : r.to();
            final String peerField = ingress ? "from" : "to";
            if ((ingress ? r.to() : r.from()) != null)
            {
                throw error(rp + "." + (ingress ? "to" : "from"), "does not apply to an "
                    + (ingress ? "ingress" : "egress") + " rule; use '" + peerField + "'");
            }
            if (peer == null)
            {
                throw error(rp + "." + peerField, "missing: a CIDR like 10.0.0.0/16 or a security group name");
            }
            if (CIDR.matcher(peer).matches())
            {
                rules.add(new Scenario.Rule(protocol, fromPort, toPort, cidr(rp + "." + peerField, peer, 0, 32), null));
            }
            else
            {
                rules.add(new Scenario.Rule(protocol, fromPort, toPort, null,
                    reference(rp + "." + peerField, peer, groupNames, "security group")));
            }
        }
        return rules;
    }

    private List<Scenario.Instance> instances(
        final List<InstanceSpec> specs, final Map<String, InstanceType> types, final Set<String> hosts,
        final Map<String, Scenario.Subnet> subnets, final Set<String> groups, final String defaultHost)
    {
        if (specs == null || specs.isEmpty())
        {
            throw error("instances", "a scenario needs at least one instance");
        }
        final List<Scenario.Instance> instances = new ArrayList<>();
        final Set<String> instanceNames = new LinkedHashSet<>();
        final Set<String> volumeNames = new LinkedHashSet<>();
        final Set<String> eniNames = new LinkedHashSet<>();
        final String defaultSubnet = subnets.keySet().iterator().next();
        for (int i = 0; i < specs.size(); i++)
        {
            final InstanceSpec s = specs.get(i);
            final String path = "instances[" + i + "]";
            final String baseName = requireName(path + ".name", s.name());
            if (s.type() == null)
            {
                throw error(path + ".type", "missing; valid types: " + String.join(", ", types.keySet()));
            }
            final InstanceType type = types.get(s.type());
            if (type == null)
            {
                throw error(path + ".type", new UnknownInstanceTypeException(s.type(), List.copyOf(types.keySet()))
                    .getMessage());
            }
            final int count = s.count() == null ? 1 : s.count();
            if (count < 1 || count > 72)
            {
                throw error(path + ".count", count + " is out of range, accepted 1..72");
            }
            final String host = s.host() == null ? defaultHost : reference(path + ".host", s.host(), hosts, "host");
            final String subnet = s.subnet() == null ? defaultSubnet :
                reference(path + ".subnet", s.subnet(), subnets.keySet(), "subnet");
            final List<String> sgs = references(path + ".securityGroups", s.securityGroups(), groups, "security group");
            final int extraEnis = s.enis() == null ? 0 : s.enis().size();
            final int volumes = s.volumes() == null ? 0 : s.volumes().size();
            if (1 + extraEnis > type.maxEnis())
            {
                throw error(path + ".enis", (1 + extraEnis) + " network interfaces (primary + " + extraEnis + ") exceed "
                    + type.type() + "'s limit of " + type.maxEnis());
            }
            if (1 + extraEnis + volumes > MAX_ATTACHMENTS)
            {
                throw error(path, (1 + extraEnis + volumes) + " attachments (primary ENI + " + extraEnis + " ENIs + "
                    + volumes + " volumes) exceed the limit of " + MAX_ATTACHMENTS + ": " + ATTACHMENT_LIMIT_MESSAGE);
            }
            for (int n = 1; n <= count; n++)
            {
                final String name = count == 1 ? baseName : baseName + "-" + n;
                if (!instanceNames.add(name))
                {
                    throw error(path + ".name", "duplicate instance name '" + name + "'");
                }
                final List<Scenario.Eni> enis = new ArrayList<>();
                for (int j = 0; j < extraEnis; j++)
                {
                    final EniSpec e = s.enis().get(j);
                    final String ep = path + ".enis[" + j + "]";
                    final String eName = (count == 1 ? "" : name + "-") + requireName(ep + ".name", e.name());
                    if (!eniNames.add(eName))
                    {
                        throw error(ep + ".name", "duplicate ENI name '" + eName + "'");
                    }
                    final int ipv4 = e.ipv4Count() == null ? 1 : e.ipv4Count();
                    if (ipv4 < 1 || ipv4 > type.ipv4PerEni())
                    {
                        throw error(ep + ".ipv4Count", ipv4 + " is out of range for " + type.type() + ", accepted 1.."
                            + type.ipv4PerEni());
                    }
                    enis.add(new Scenario.Eni(eName,
                        e.subnet() == null ? subnet : reference(ep + ".subnet", e.subnet(), subnets.keySet(), "subnet"),
                        e.securityGroups() == null ? sgs :
                            references(ep + ".securityGroups", e.securityGroups(), groups, "security group"), ipv4));
                }
                final List<Scenario.Volume> vols = new ArrayList<>();
                final Set<String> devices = new LinkedHashSet<>();
                for (int j = 0; j < volumes; j++)
                {
                    final VolumeSpec v = s.volumes().get(j);
                    final String vp = path + ".volumes[" + j + "]";
                    final String vName = (count == 1 ? "" : name + "-") + requireName(vp + ".name", v.name());
                    if (!volumeNames.add(vName))
                    {
                        throw error(vp + ".name", "duplicate volume name '" + vName + "'");
                    }
                    final String vtype = oneOf(vp + ".type", v.type(), "gp3", List.of("gp2", "gp3", "io1", "io2", "st1", "sc1"));
                    if (v.sizeGiB() == null)
                    {
                        throw error(vp + ".sizeGiB", "missing: the volume size in GiB");
                    }
                    final String device = v.device() == null ? "/dev/sd" + (char)('f' + j) : v.device();
                    if (!DEVICE.matcher(device).matches())
                    {
                        throw error(vp + ".device", "'" + device + "' is not a device name like /dev/sdf");
                    }
                    if (!devices.add(device))
                    {
                        throw error(vp + ".device", "device name " + device + " is used twice on " + name);
                    }
                    checkVolume(vp, vtype, v, device);
                    vols.add(new Scenario.Volume(vName, name, vtype, v.sizeGiB(), v.iops() == null ? 0 : v.iops(),
                        v.throughputMiBps() == null ? 0 : v.throughputMiBps(), device));
                }
                instances.add(new Scenario.Instance(name, type, host, subnet, sgs, List.copyOf(enis), List.copyOf(vols)));
            }
        }
        return instances;
    }

    /** The EBS card's own volume rules (facts.md section 5), checked here so the error points into the file. */
    private void checkVolume(final String path, final String type, final VolumeSpec v, final String device)
    {
        if (v.sizeGiB() > Integer.MAX_VALUE || (v.iops() != null && v.iops() > Integer.MAX_VALUE)
            || (v.throughputMiBps() != null && v.throughputMiBps() > Integer.MAX_VALUE))
        {
            throw error(path, "size, iops or throughputMiBps is far out of range");
        }
        try
        {
            final io.nitrosim.ebs.volume.VolumeSpec.Builder b = io.nitrosim.ebs.volume.VolumeSpec.builder()
                .volumeId("vol-00000000000000000").type(type).sizeGiB(v.sizeGiB().intValue())
                .deviceName(device);
            if (v.iops() != null)
            {
                b.iops(v.iops().intValue());
            }
            if (v.throughputMiBps() != null)
            {
                b.throughputMiBps(v.throughputMiBps().intValue());
            }
            b.build();
        }
        catch (final IllegalArgumentException ex)
        {
            throw error(path, ex.getMessage());
        }
    }

    private List<Scenario.Workload> workloads(
        final List<WorkloadSpec> specs, final List<Scenario.Instance> instances, final long scenarioNs)
    {
        final List<Scenario.Workload> result = new ArrayList<>();
        if (specs == null)
        {
            return result;
        }
        final Set<String> instanceNames = names(instances, Scenario.Instance::name);
        final Map<String, Scenario.Volume> volumes = new LinkedHashMap<>();
        for (final Scenario.Instance i : instances)
        {
            for (final Scenario.Volume v : i.volumes())
            {
                volumes.put(v.name(), v);
            }
        }
        final Set<String> workloadNames = new LinkedHashSet<>();
        for (int i = 0; i < specs.size(); i++)
        {
            final WorkloadSpec w = specs.get(i);
            final String path = "workloads[" + i + "]";
            final String name = requireName(path + ".name", w.name());
            if (!workloadNames.add(name))
            {
                throw error(path + ".name", "duplicate workload name '" + name + "'");
            }
            final String kind = oneOf(path + ".kind", w.kind(), null, List.of("fio", "iperf"));
            final long startNs = w.start() == null ? 0 : nonNegativeDuration(path + ".start", w.start());
            if (startNs >= scenarioNs)
            {
                throw error(path + ".start", w.start() + " is not before the end of the scenario ("
                    + DurationParser.format(scenarioNs) + ")");
            }
            final long durationNs = w.duration() == null ? scenarioNs - startNs :
                positiveDuration(path + ".duration", w.duration());
            if (kind.equals("fio"))
            {
                notFor(path, "fio", "from", w.from());
                notFor(path, "fio", "to", w.to());
                notFor(path, "fio", "streams", w.streams());
                notFor(path, "fio", "protocol", w.protocol());
                notFor(path, "fio", "frameBytes", w.frameBytes());
                notFor(path, "fio", "rateGbps", w.rateGbps());
                notFor(path, "fio", "window", w.window());
                final String volumeName = reference(path + ".volume", w.volume(), volumes.keySet(), "volume");
                final Scenario.Volume volume = volumes.get(volumeName);
                if (w.instance() != null && !w.instance().equals(volume.instance()))
                {
                    throw error(path + ".instance", "volume " + volumeName + " is attached to " + volume.instance()
                        + ", not " + w.instance());
                }
                final String rw = oneOf(path + ".rw", w.rw(), null, FIO_RW);
                final int bs = blockSize(path + ".bs", w.bs() == null ? "4k" : w.bs());
                final int iodepth = range(path + ".iodepth", w.iodepth(), 1, 1, 1024);
                final int numjobs = range(path + ".numjobs", w.numjobs(), 1, 1, 64);
                final int mix = range(path + ".rwmixread", w.rwmixread(), 50, 0, 100);
                if (w.rwmixread() != null && !(rw.equals("randrw") || rw.equals("rw")))
                {
                    throw error(path + ".rwmixread", "applies only to rw: randrw or rw, not " + rw);
                }
                long sizeBytes = 0;
                if (w.size() != null)
                {
                    sizeBytes = byteSize(path + ".size", w.size());
                    if (sizeBytes % bs != 0)
                    {
                        throw error(path + ".size", w.size() + " is not a multiple of the block size " + w.bs());
                    }
                }
                result.add(new Scenario.FioWorkload(name, startNs, durationNs, volume.instance(), volumeName, rw, bs,
                    iodepth, numjobs, sizeBytes, mix, Boolean.TRUE.equals(w.verify())));
            }
            else
            {
                notFor(path, "iperf", "volume", w.volume());
                notFor(path, "iperf", "rw", w.rw());
                notFor(path, "iperf", "bs", w.bs());
                notFor(path, "iperf", "iodepth", w.iodepth());
                notFor(path, "iperf", "numjobs", w.numjobs());
                notFor(path, "iperf", "size", w.size());
                notFor(path, "iperf", "rwmixread", w.rwmixread());
                notFor(path, "iperf", "verify", w.verify());
                notFor(path, "iperf", "instance", w.instance());
                final String from = reference(path + ".from", w.from(), instanceNames, "instance");
                final String to = reference(path + ".to", w.to(), instanceNames, "instance");
                if (from.equals(to))
                {
                    throw error(path + ".to", "'" + to + "' is the sending instance; streams go between two instances");
                }
                final int streams = range(path + ".streams", w.streams(), 1, 1, 128);
                final String protocol = oneOf(path + ".protocol", w.protocol(), "udp", List.of("udp", "tcp"));
                final int frame = w.frameBytes() == null ? 9001 : w.frameBytes();
                if (frame != 1500 && frame != 9001)
                {
                    throw error(path + ".frameBytes", frame + " is not supported, accepted 1500 or 9001");
                }
                long rate = 0;
                if (w.rateGbps() != null)
                {
                    if (!(w.rateGbps() > 0 && w.rateGbps() <= 100))
                    {
                        throw error(path + ".rateGbps", w.rateGbps() + " is out of range, accepted (0, 100] "
                            + "(leave it out for unlimited)");
                    }
                    rate = Math.round(w.rateGbps() * 125_000_000.0);
                }
                int window = 0;
                if (w.window() != null)
                {
                    if (!protocol.equals("tcp"))
                    {
                        throw error(path + ".window", "applies only to protocol: tcp");
                    }
                    window = (int)byteSize(path + ".window", w.window());
                }
                else if (protocol.equals("tcp"))
                {
                    window = 4 << 20;
                }
                result.add(new Scenario.IperfWorkload(name, startNs, durationNs, from, to, streams, protocol, frame,
                    rate, window));
            }
        }
        return result;
    }

    private List<Scenario.Expectation> expectations(
        final List<ExpectationSpec> specs, final List<Scenario.Instance> instances,
        final List<Scenario.Workload> workloads, final long scenarioNs)
    {
        final List<Scenario.Expectation> result = new ArrayList<>();
        if (specs == null)
        {
            return result;
        }
        final Set<String> instanceNames = names(instances, Scenario.Instance::name);
        final Set<String> volumeNames = new LinkedHashSet<>();
        instances.forEach(i -> i.volumes().forEach(v -> volumeNames.add(v.name())));
        final Set<String> workloadNames = names(workloads, Scenario.Workload::name);
        for (int i = 0; i < specs.size(); i++)
        {
            final ExpectationSpec e = specs.get(i);
            final String path = "expectations[" + i + "]";
            if (e.metric() == null)
            {
                throw error(path + ".metric", "missing; accepted: " + String.join(", ", ExpectationMetric.keys()));
            }
            final ExpectationMetric metric = ExpectationMetric.fromKey(e.metric());
            if (metric == null)
            {
                throw error(path + ".metric", "unknown metric '" + e.metric() + "'; accepted: "
                    + String.join(", ", ExpectationMetric.keys()));
            }
            final String subject;
            switch (metric.subjectKind())
            {
                case INSTANCE:
                    notFor(path, metric.key(), "volume", e.volume());
                    notFor(path, metric.key(), "workload", e.workload());
                    subject = reference(path + ".instance", e.instance(), instanceNames, "instance");
                    break;
                case VOLUME:
                    notFor(path, metric.key(), "instance", e.instance());
                    notFor(path, metric.key(), "workload", e.workload());
                    subject = reference(path + ".volume", e.volume(), volumeNames, "volume");
                    break;
                default:
                    notFor(path, metric.key(), "instance", e.instance());
                    notFor(path, metric.key(), "volume", e.volume());
                    subject = reference(path + ".workload", e.workload(), workloadNames, "workload");
                    break;
            }
            long fromNs = 0;
            long toNs = scenarioNs;
            if (!metric.windowed())
            {
                notFor(path, metric.key(), "from", e.from());
                notFor(path, metric.key(), "to", e.to());
            }
            else
            {
                fromNs = e.from() == null ? 0 : nonNegativeDuration(path + ".from", e.from());
                toNs = e.to() == null ? scenarioNs : positiveDuration(path + ".to", e.to());
                if (fromNs >= toNs)
                {
                    throw error(path + ".from", "the window " + e.from() + ".." + e.to() + " is empty; from must be before to");
                }
                if (toNs > scenarioNs)
                {
                    throw error(path + ".to", e.to() + " is after the end of the scenario (" + DurationParser.format(scenarioNs) + ")");
                }
            }
            if (e.min() == null && e.max() == null)
            {
                throw error(path, "needs min, max or both");
            }
            if (e.min() != null && e.max() != null && e.min() > e.max())
            {
                throw error(path + ".min", e.min() + " is above max " + e.max());
            }
            final String name = e.name() == null ? metric.key() + " " + subject : e.name();
            result.add(new Scenario.Expectation(name, metric, subject, fromNs, toNs, e.min(), e.max()));
        }
        return result;
    }

    // ---------------------------------------------------------------------------------------------------------

    private void notFor(final String path, final String what, final String field, final Object value)
    {
        if (value != null)
        {
            throw error(path + "." + field, "does not apply to " + what);
        }
    }

    private String requireName(final String path, final String name)
    {
        if (name == null)
        {
            throw error(path, "missing");
        }
        if (!NAME.matcher(name).matches())
        {
            throw error(path, "'" + name + "' is not a valid name (letters, digits, '.', '_', '-'; up to 64)");
        }
        return name;
    }

    private String oneOf(final String path, final String value, final String defaultValue, final List<String> accepted)
    {
        if (value == null)
        {
            if (defaultValue == null)
            {
                throw error(path, "missing; accepted: " + String.join(", ", accepted));
            }
            return defaultValue;
        }
        if (!accepted.contains(value))
        {
            throw error(path, "'" + value + "' is not accepted; accepted: " + String.join(", ", accepted));
        }
        return value;
    }

    private String reference(final String path, final String name, final Set<String> known, final String what)
    {
        if (name == null)
        {
            throw error(path, "missing: the name of a " + what + known(known));
        }
        if (!known.contains(name))
        {
            throw error(path, "unknown " + what + " '" + name + "'" + known(known));
        }
        return name;
    }

    private static String known(final Set<String> known)
    {
        return known.isEmpty() ? " (none is defined)" : "; defined: " + String.join(", ", known);
    }

    private List<String> references(final String path, final List<String> names, final Set<String> known, final String what)
    {
        final List<String> result = new ArrayList<>();
        if (names != null)
        {
            for (int i = 0; i < names.size(); i++)
            {
                result.add(reference(path + "[" + i + "]", names.get(i), known, what));
            }
        }
        return List.copyOf(result);
    }

    private long positiveDuration(final String path, final String text)
    {
        final long ns = nonNegativeDuration(path, text);
        if (ns == 0)
        {
            throw error(path, "'" + text + "' must be longer than 0");
        }
        return ns;
    }

    private long nonNegativeDuration(final String path, final String text)
    {
        if (text == null)
        {
            throw error(path, "missing; accepted: " + DurationParser.ACCEPTED);
        }
        final long ns = DurationParser.parseNs(text);
        if (ns < 0)
        {
            throw error(path, "'" + text + "' is not " + DurationParser.ACCEPTED
                + (text.trim().startsWith("-") ? " (negative durations are not accepted)" : ""));
        }
        return ns;
    }

    private long positiveOr(final String path, final Long value, final long defaultValue)
    {
        if (value == null)
        {
            return defaultValue;
        }
        if (value < 1)
        {
            throw error(path, value + " must be positive");
        }
        return value;
    }

    private long nonNegativeOr(final String path, final Long value, final long defaultValue)
    {
        if (value == null)
        {
            return defaultValue;
        }
        if (value < 0)
        {
            throw error(path, value + " must not be negative");
        }
        return value;
    }

    private BigDecimal gbps(final String path, final Double value, final BigDecimal defaultValue)
    {
        if (value == null)
        {
            return defaultValue;
        }
        if (!(value > 0 && value <= 72))
        {
            throw error(path, value + " is out of range, accepted (0, 72] Gbps");
        }
        final BigDecimal d = BigDecimal.valueOf(value);
        if (d.multiply(BigDecimal.valueOf(125_000_000L)).stripTrailingZeros().scale() > 0)
        {
            throw error(path, value + " Gbps is not a whole number of bytes per second");
        }
        return d.stripTrailingZeros();
    }

    private int range(final String path, final Integer value, final int defaultValue, final int min, final int max)
    {
        final int v = value == null ? defaultValue : value;
        if (v < min || v > max)
        {
            throw error(path, v + " is out of range, accepted " + min + ".." + max);
        }
        return v;
    }

    private int blockSize(final String path, final String text)
    {
        final java.util.regex.Matcher m = BLOCK_SIZE.matcher(text.trim());
        if (!m.matches())
        {
            throw error(path, "'" + text + "' is not a block size like 4k, 16k, 256k or 1m");
        }
        final long bytes = Long.parseLong(m.group(1)) * unit(m.group(2));
        if (bytes < 512 || bytes > (1 << 20) || bytes % 512 != 0)
        {
            throw error(path, "'" + text + "' is out of range, accepted 512 B..1 MiB in multiples of 512 B");
        }
        return (int)bytes;
    }

    private long byteSize(final String path, final String text)
    {
        final java.util.regex.Matcher m = Pattern.compile("(\\d+)([kKmMgG]?)").matcher(text.trim());
        if (!m.matches())
        {
            throw error(path, "'" + text + "' is not a size like 64k, 4m or 10g");
        }
        final long bytes = Long.parseLong(m.group(1)) * unit(m.group(2));
        if (bytes < 1)
        {
            throw error(path, "'" + text + "' must be positive");
        }
        return bytes;
    }

    private static long unit(final String suffix)
    {
        switch (suffix.toLowerCase())
        {
            case "k":
                return 1024L;
            case "m":
                return 1024L * 1024;
            case "g":
                return 1024L * 1024 * 1024;
            default:
                return 1L;
        }
    }

    private String cidr(final String path, final String text, final int minPrefix, final int maxPrefix)
    {
        if (text == null)
        {
            throw error(path, "missing: a CIDR like 10.0.0.0/16");
        }
        final java.util.regex.Matcher m = CIDR.matcher(text.trim());
        if (!m.matches())
        {
            throw error(path, "'" + text + "' is not a CIDR like 10.0.0.0/16");
        }
        long address = 0;
        for (int i = 1; i <= 4; i++)
        {
            final int octet = Integer.parseInt(m.group(i));
            if (octet > 255)
            {
                throw error(path, "'" + text + "' has an octet above 255");
            }
            address = address << 8 | octet;
        }
        final int prefix = Integer.parseInt(m.group(5));
        if (prefix < minPrefix || prefix > maxPrefix)
        {
            throw error(path, "'" + text + "' has prefix /" + prefix + ", accepted /" + minPrefix + "../" + maxPrefix);
        }
        final long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        if ((address & ~mask & 0xFFFFFFFFL) != 0)
        {
            throw error(path, "'" + text + "' has host bits set; did you mean " + format(address & mask) + "/" + prefix + "?");
        }
        return text.trim();
    }

    private static String format(final long address)
    {
        return (address >>> 24 & 255) + "." + (address >>> 16 & 255) + "." + (address >>> 8 & 255) + "." + (address & 255);
    }

    /** Whether CIDR {@code outer} contains CIDR {@code inner}. Both already validated. */
    static boolean contains(final String outer, final String inner)
    {
        final long[] o = parse(outer);
        final long[] in = parse(inner);
        if (in[1] < o[1])
        {
            return false;
        }
        final long mask = o[1] == 0 ? 0 : (0xFFFFFFFFL << (32 - o[1])) & 0xFFFFFFFFL;
        return (in[0] & mask) == (o[0] & mask);
    }

    private static long[] parse(final String cidr)
    {
        final String[] parts = cidr.split("/");
        final String[] octets = parts[0].split("\\.");
        long address = 0;
        for (final String octet : octets)
        {
            address = address << 8 | Integer.parseInt(octet);
        }
        return new long[] {address, Integer.parseInt(parts[1])};
    }

    private <T> Set<String> names(final List<T> items, final java.util.function.Function<T, String> name)
    {
        final Set<String> names = new LinkedHashSet<>();
        for (final T item : items)
        {
            names.add(name.apply(item));
        }
        return names;
    }

    private <T> void names(final List<T> items, final java.util.function.Function<T, String> name, final String path)
    {
        final Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < items.size(); i++)
        {
            if (!seen.add(name.apply(items.get(i))))
            {
                throw error(path + "[" + i + "].name", "duplicate name '" + name.apply(items.get(i)) + "'");
            }
        }
    }
}
