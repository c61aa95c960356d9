package io.nitrosim.simulator.scenario;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.nitrosim.catalog.InstanceType;
import io.nitrosim.catalog.UnknownInstanceTypeException;
import io.nitrosim.ebs.volume.VolumeType;
import io.nitrosim.simulator.scenario.ScenarioSpec.EniSpec;
import io.nitrosim.simulator.scenario.ScenarioSpec.InstanceSpec;
import io.nitrosim.simulator.scenario.ScenarioSpec.VolumeSpec;

/**
 * {@code instances} with their interfaces and volumes: type, count, placement on a host, the PCI attachment
 * limit, each interface in the VPC model and each volume by the EBS card's own rules
 * ({@link io.nitrosim.ebs.volume.VolumeSpec}), so everything the assembly would refuse is refused here with its
 * line and column.
 */
final class InstancesValidator
{
    /** Primary ENI plus 27 more devices (docs/scenarios.md). */
    static final int MAX_ATTACHMENTS = 28;

    private final FieldChecks checks;
    private final Map<String, InstanceType> types;
    private final HostsValidator hosts;
    private final NetworkValidator network;
    private final Set<String> instanceNames = new LinkedHashSet<>();
    private final Set<String> volumeNames = new LinkedHashSet<>();
    private final Set<String> eniNames = new LinkedHashSet<>();

    InstancesValidator(final FieldChecks checks, final Map<String, InstanceType> types, final HostsValidator hosts,
        final NetworkValidator network)
    {
        this.checks = checks;
        this.types = types;
        this.hosts = hosts;
        this.network = network;
    }

    List<Scenario.Instance> instances(final List<InstanceSpec> specs)
    {
        if (specs == null || specs.isEmpty())
        {
            throw checks.error("instances", "a scenario needs at least one instance");
        }
        final List<Scenario.Instance> instances = new ArrayList<>();
        final List<InstanceSpec> list = checks.list("instances", specs, ScenarioLimits.MAX_INSTANCES);
        for (int i = 0; i < list.size(); i++)
        {
            final String path = "instances[" + i + "]";
            final InstanceSpec s = checks.entry(path, list.get(i), "an instance {name, type, ...}");
            final String baseName = checks.name(path + ".name", s.name());
            if (s.type() == null)
            {
                throw checks.error(path + ".type", "missing; valid types: " + String.join(", ", types.keySet()));
            }
            final InstanceType type = types.get(s.type());
            if (type == null)
            {
                throw checks.error(path + ".type", new UnknownInstanceTypeException(MessageText.value(s.type()),
                    List.copyOf(types.keySet())).getMessage());
            }
            final int count = checks.range(path + ".count", s.count(), 1, 1, ScenarioLimits.MAX_COUNT);
            if (instances.size() + count > ScenarioLimits.MAX_INSTANCES)
            {
                throw checks.error(path + ".count", "brings the scenario to " + (instances.size() + count)
                    + " instances, accepted at most " + ScenarioLimits.MAX_INSTANCES);
            }
            final String host = s.host() == null ? hosts.defaultHost() :
                checks.reference(path + ".host", s.host(), hosts.names(), "host");
            final String subnet = s.subnet() == null ? network.defaultSubnet() :
                checks.reference(path + ".subnet", s.subnet(), network.subnetNames(), "subnet");
            final List<String> groups = checks.references(path + ".securityGroups", s.securityGroups(),
                network.groupNames(), "security group", Integer.MAX_VALUE);
            final List<EniSpec> eniSpecs = s.enis() == null ? List.of() : s.enis();
            final List<VolumeSpec> volumeSpecs = s.volumes() == null ? List.of() : s.volumes();
            if (1 + eniSpecs.size() > type.maxEnis())
            {
                throw checks.error(path + ".enis", (1 + eniSpecs.size()) + " network interfaces (primary + "
                    + eniSpecs.size() + ") exceed " + type.type() + "'s limit of " + type.maxEnis());
            }
            if (1 + eniSpecs.size() + volumeSpecs.size() > MAX_ATTACHMENTS)
            {
                throw checks.error(path, (1 + eniSpecs.size() + volumeSpecs.size()) + " attachments (primary ENI + "
                    + eniSpecs.size() + " ENIs + " + volumeSpecs.size() + " volumes) exceed the limit of "
                    + MAX_ATTACHMENTS + ": " + ScenarioValidator.ATTACHMENT_LIMIT_MESSAGE);
            }
            for (int n = 1; n <= count; n++)
            {
                final String name = count == 1 ? baseName : baseName + "-" + n;
                if (!instanceNames.add(name))
                {
                    throw checks.error(path + ".name", "duplicate instance name " + MessageText.quoted(name));
                }
                hosts.place(s.host() == null ? path : path + ".host", name, host, type);
                network.addInstance(path, name, type);
                network.addInterface(path, name, subnet, s.subnet() == null ? path : path + ".subnet", groups,
                    path + ".securityGroups", 1, 0);
                final List<Scenario.Eni> enis = enis(path, name, count, type, subnet, groups, eniSpecs);
                final List<Scenario.Volume> volumes = volumes(path, name, count, volumeSpecs);
                instances.add(new Scenario.Instance(name, type, host, subnet, groups, enis, volumes));
            }
        }
        return instances;
    }

    private List<Scenario.Eni> enis(final String path, final String instance, final int count, final InstanceType type,
        final String instanceSubnet, final List<String> instanceGroups, final List<EniSpec> specs)
    {
        final List<Scenario.Eni> enis = new ArrayList<>();
        for (int j = 0; j < specs.size(); j++)
        {
            final String ep = path + ".enis[" + j + "]";
            final EniSpec e = checks.entry(ep, specs.get(j), "an interface {name, subnet, securityGroups, ipv4Count}");
            final String name = (count == 1 ? "" : instance + "-") + checks.name(ep + ".name", e.name());
            if (!eniNames.add(name))
            {
                throw checks.error(ep + ".name", "duplicate ENI name " + MessageText.quoted(name));
            }
            final int ipv4 = checks.range(ep + ".ipv4Count", e.ipv4Count(), 1, 1, type.ipv4PerEni());
            final String subnet = e.subnet() == null ? instanceSubnet :
                checks.reference(ep + ".subnet", e.subnet(), network.subnetNames(), "subnet");
            final List<String> groups = e.securityGroups() == null ? instanceGroups :
                checks.references(ep + ".securityGroups", e.securityGroups(), network.groupNames(), "security group",
                    Integer.MAX_VALUE);
            network.addInterface(ep, instance, subnet, e.subnet() == null ? path + ".subnet" : ep + ".subnet", groups,
                e.securityGroups() == null ? path + ".securityGroups" : ep + ".securityGroups", ipv4, j + 1);
            enis.add(new Scenario.Eni(name, subnet, groups, ipv4));
        }
        return List.copyOf(enis);
    }

    private List<Scenario.Volume> volumes(final String path, final String instance, final int count,
        final List<VolumeSpec> specs)
    {
        final List<Scenario.Volume> volumes = new ArrayList<>();
        final Set<String> devices = new LinkedHashSet<>();
        for (int j = 0; j < specs.size(); j++)
        {
            final String vp = path + ".volumes[" + j + "]";
            final VolumeSpec v = checks.entry(vp, specs.get(j), "a volume {name, type, sizeGiB, ...}");
            final String name = (count == 1 ? "" : instance + "-") + checks.name(vp + ".name", v.name());
            if (!volumeNames.add(name))
            {
                throw checks.error(vp + ".name", "duplicate volume name " + MessageText.quoted(name));
            }
            final String type = v.type() == null ? VolumeType.GP3.apiName() : v.type();
            try
            {
                VolumeType.fromApiName(type);
            }
            catch (final IllegalArgumentException ex)
            {
                throw checks.error(vp + ".type", MessageText.line(ex.getMessage()));
            }
            if (v.sizeGiB() == null)
            {
                throw checks.error(vp + ".sizeGiB", "missing: the volume size in GiB");
            }
            final String device = v.device() == null ? nextAutomaticDevice(specs, devices) : v.device();
            if (!io.nitrosim.ebs.volume.VolumeSpec.DEVICE_NAME.matcher(device).matches())
            {
                throw checks.error(vp + ".device", deviceProblem(MessageText.value(device)));
            }
            if (!devices.add(device))
            {
                throw checks.error(vp + ".device", "device name " + device + " is used twice on " + instance);
            }
            checkVolume(vp, type, v, device);
            volumes.add(new Scenario.Volume(name, instance, type, v.sizeGiB(), v.iops() == null ? 0 : v.iops(),
                v.throughputMiBps() == null ? 0 : v.throughputMiBps(), device));
        }
        return List.copyOf(volumes);
    }

    /**
     * The next free automatic device name: /dev/sdf to /dev/sdz as EC2's console proposes, then /dev/sdaa,
     * /dev/sdab and on (accepted by the card like any two-letter name), skipping names given explicitly.
     */
    private static String nextAutomaticDevice(final List<VolumeSpec> specs, final Set<String> taken)
    {
        final Set<String> explicit = new LinkedHashSet<>(taken);
        for (final VolumeSpec s : specs)
        {
            if (s != null && s.device() != null)
            {
                explicit.add(s.device());
            }
        }
        for (int i = 0; ; i++)
        {
            final String name = i <= 'z' - 'f' ? "/dev/sd" + (char)('f' + i)
                : "/dev/sd" + (char)('a' + (i - 21) / 26) + (char)('a' + (i - 21) % 26);
            if (!explicit.contains(name))
            {
                return name;
            }
        }
    }

    /** The EBS card's words for a device name it refuses (a volume valid in every other respect). */
    private static String deviceProblem(final String device)
    {
        try
        {
            io.nitrosim.ebs.volume.VolumeSpec.builder().volumeId("vol-00000000000000000").type(VolumeType.GP3)
                .sizeGiB(1).deviceName(device).build();
            return MessageText.quoted(device) + " is not accepted";
        }
        catch (final IllegalArgumentException ex)
        {
            return MessageText.line(ex.getMessage());
        }
    }

    /** The EBS card's own volume rules, applied here so the error points into the file. */
    private void checkVolume(final String path, final String type, final VolumeSpec v, final String device)
    {
        final String field = v.iops() != null && outOfInt(v.iops()) ? ".iops"
            : v.throughputMiBps() != null && outOfInt(v.throughputMiBps()) ? ".throughputMiBps"
            : outOfInt(v.sizeGiB()) ? ".sizeGiB" : null;
        if (field != null)
        {
            throw checks.error(path + field, "is far out of range (more than " + Integer.MAX_VALUE + ")");
        }
        try
        {
            final io.nitrosim.ebs.volume.VolumeSpec.Builder b = io.nitrosim.ebs.volume.VolumeSpec.builder()
                .volumeId("vol-00000000000000000").type(type).sizeGiB(v.sizeGiB().intValue()).deviceName(device);
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
            throw checks.error(path, MessageText.line(ex.getMessage()));
        }
    }

    private static boolean outOfInt(final long value)
    {
        return value > Integer.MAX_VALUE || value < Integer.MIN_VALUE;
    }
}
