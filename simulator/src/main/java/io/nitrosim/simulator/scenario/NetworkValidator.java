package io.nitrosim.simulator.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.nitrosim.catalog.InstanceType;
import io.nitrosim.nic.shaping.NetworkInstanceCaps;
import io.nitrosim.nic.vpc.Cidr;
import io.nitrosim.nic.vpc.Eni;
import io.nitrosim.nic.vpc.Protocol;
import io.nitrosim.nic.vpc.SecurityGroupRule;
import io.nitrosim.nic.vpc.Subnet;
import io.nitrosim.nic.vpc.VpcException;
import io.nitrosim.nic.vpc.VpcNetwork;
import io.nitrosim.simulator.scenario.ScenarioSpec.PeeringSpec;
import io.nitrosim.simulator.scenario.ScenarioSpec.RuleSpec;
import io.nitrosim.simulator.scenario.ScenarioSpec.SecurityGroupSpec;
import io.nitrosim.simulator.scenario.ScenarioSpec.SubnetSpec;
import io.nitrosim.simulator.scenario.ScenarioSpec.VpcSpec;

/**
 * {@code vpcs}, {@code peerings}, {@code securityGroups} and every interface of every instance, checked against
 * the VPC model the network card uses ({@link VpcNetwork}): it is built here in the order the simulation builds
 * it, so each of its rules (CIDRs, groups per interface, free addresses, rule peers, duplicate rules) is applied
 * once, where the field's line and column are known.
 */
final class NetworkValidator
{
    private static final List<String> PROTOCOLS = List.of("tcp", "udp", "icmp", "all");
    private static final String CIDR_SHAPE = "\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}/\\d{1,2}";

    private final FieldChecks checks;
    private final VpcNetwork model;
    private final Map<String, String> vpcIds = new LinkedHashMap<>();
    private final Map<String, Scenario.Subnet> subnets = new LinkedHashMap<>();
    private final Map<String, String> subnetIds = new LinkedHashMap<>();
    private final Map<String, Scenario.SecurityGroup> groups = new LinkedHashMap<>();
    private final Map<String, String> groupIds = new LinkedHashMap<>();
    private List<Scenario.Vpc> vpcs = List.of();

    NetworkValidator(final FieldChecks checks, final long seed)
    {
        this.checks = checks;
        this.model = new VpcNetwork(seed);
    }

    Set<String> subnetNames()
    {
        return subnets.keySet();
    }

    Set<String> groupNames()
    {
        return groups.keySet();
    }

    String defaultSubnet()
    {
        return subnets.keySet().iterator().next();
    }

    List<Scenario.Vpc> vpcs(final List<VpcSpec> specs)
    {
        final List<Scenario.Vpc> result = new ArrayList<>();
        final List<VpcSpec> list = checks.list("vpcs", specs, ScenarioLimits.MAX_VPCS);
        if (list.isEmpty())
        {
            result.add(vpc("vpcs", "vpc-1", "10.0.0.0/16", List.of(new SubnetSpec("subnet-1", "10.0.1.0/24"))));
        }
        for (int i = 0; i < list.size(); i++)
        {
            final String path = "vpcs[" + i + "]";
            final VpcSpec v = checks.entry(path, list.get(i), "a VPC {name, cidr, subnets}");
            final String name = checks.name(path + ".name", v.name());
            if (vpcIds.containsKey(name))
            {
                throw checks.error(path + ".name", "duplicate name " + MessageText.quoted(name));
            }
            if (v.subnets() == null || v.subnets().isEmpty())
            {
                throw checks.error(path + ".subnets", "a VPC needs at least one subnet");
            }
            result.add(vpc(path, name, v.cidr(), v.subnets()));
        }
        vpcs = List.copyOf(result);
        return vpcs;
    }

    private Scenario.Vpc vpc(final String path, final String name, final String cidrText, final List<SubnetSpec> specs)
    {
        final Cidr cidr = cidr(path + ".cidr", cidrText, VpcNetwork.MIN_PREFIX, VpcNetwork.MAX_PREFIX, "VPC CIDR");
        final String vpcId = model.createVpc(cidr.toString()).id();
        vpcIds.put(name, vpcId);
        final List<Scenario.Subnet> result = new ArrayList<>();
        final List<SubnetSpec> list = checks.list(path + ".subnets", specs, ScenarioLimits.MAX_SUBNETS_PER_VPC);
        for (int j = 0; j < list.size(); j++)
        {
            final String sp = path + ".subnets[" + j + "]";
            final SubnetSpec s = checks.entry(sp, list.get(j), "a subnet {name, cidr}");
            final String sname = checks.name(sp + ".name", s.name());
            if (subnets.containsKey(sname))
            {
                throw checks.error(sp + ".name", "duplicate subnet name " + MessageText.quoted(sname));
            }
            final Cidr scidr = cidr(sp + ".cidr", s.cidr(), VpcNetwork.MIN_PREFIX, VpcNetwork.MAX_PREFIX, "subnet CIDR");
            if (!cidr.contains(scidr))
            {
                throw checks.error(sp + ".cidr", scidr + " is not inside the VPC's " + cidr);
            }
            for (final Scenario.Subnet other : result)
            {
                if (Cidr.parse(other.cidr()).overlaps(scidr))
                {
                    throw checks.error(sp + ".cidr", scidr + " overlaps subnet " + other.name() + " (" + other.cidr() + ")");
                }
            }
            final Scenario.Subnet subnet = new Scenario.Subnet(sname, name, scidr.toString());
            subnetIds.put(sname, apply(sp, () -> model.createSubnet(vpcId, scidr.toString()).id()));
            subnets.put(sname, subnet);
            result.add(subnet);
        }
        return new Scenario.Vpc(name, cidr.toString(), List.copyOf(result));
    }

    private Cidr cidr(final String path, final String text, final int minPrefix, final int maxPrefix, final String what)
    {
        if (text == null)
        {
            throw checks.error(path, "missing: a CIDR like 10.0.0.0/16");
        }
        try
        {
            return Cidr.parse(text.trim(), minPrefix, maxPrefix, what);
        }
        catch (final VpcException ex)
        {
            throw checks.error(path, MessageText.line(ex.detail()));
        }
    }

    List<Scenario.Peering> peerings(final List<PeeringSpec> specs)
    {
        final List<Scenario.Peering> result = new ArrayList<>();
        final List<PeeringSpec> list = checks.list("peerings", specs, ScenarioLimits.MAX_PEERINGS);
        for (int i = 0; i < list.size(); i++)
        {
            final String path = "peerings[" + i + "]";
            final PeeringSpec p = checks.entry(path, list.get(i), "a peering {between, and}");
            final String a = checks.reference(path + ".between", p.between(), vpcIds.keySet(), "VPC");
            final String b = checks.reference(path + ".and", p.and(), vpcIds.keySet(), "VPC");
            if (a.equals(b))
            {
                throw checks.error(path, "a VPC cannot peer with itself (" + MessageText.quoted(a) + ")");
            }
            final String cidrA = vpc(a).cidr();
            final String cidrB = vpc(b).cidr();
            if (Cidr.parse(cidrA).overlaps(Cidr.parse(cidrB)))
            {
                throw checks.error(path, "VPCs " + a + " (" + cidrA + ") and " + b + " (" + cidrB
                    + ") overlap; peering needs non-overlapping CIDRs");
            }
            apply(path, () -> model.createPeeringConnection(vpcIds.get(a), vpcIds.get(b)));
            result.add(new Scenario.Peering(a, b));
        }
        return result;
    }

    private Scenario.Vpc vpc(final String name)
    {
        for (final Scenario.Vpc v : vpcs)
        {
            if (v.name().equals(name))
            {
                return v;
            }
        }
        throw new IllegalStateException("VPC " + name + " was checked to exist");
    }

    List<Scenario.SecurityGroup> securityGroups(final List<SecurityGroupSpec> specs)
    {
        final List<SecurityGroupSpec> list = checks.list("securityGroups", specs, ScenarioLimits.MAX_SECURITY_GROUPS);
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < list.size(); i++)
        {
            final String path = "securityGroups[" + i + "]";
            final SecurityGroupSpec g = checks.entry(path, list.get(i), "a security group {name, vpc, ingress, egress}");
            final String name = checks.name(path + ".name", g.name());
            if (names.contains(name))
            {
                throw checks.error(path + ".name", "duplicate name " + MessageText.quoted(name));
            }
            names.add(name);
            final String vpc = g.vpc() == null && vpcs.size() == 1 ? vpcs.get(0).name() :
                checks.reference(path + ".vpc", g.vpc(), vpcIds.keySet(), "VPC");
            groupIds.put(name, apply(path + ".name", () -> model.createSecurityGroup(vpcIds.get(vpc), name).id()));
        }
        // Rules second: a rule may name any group of the scenario.
        for (int i = 0; i < list.size(); i++)
        {
            final String path = "securityGroups[" + i + "]";
            final SecurityGroupSpec g = list.get(i);
            final String name = names.get(i);
            final String groupId = groupIds.get(name);
            final List<Scenario.Rule> ingress = rules(path + ".ingress", g.ingress(), true, groupId);
            final List<Scenario.Rule> egress;
            if (g.egress() == null)
            {
                egress = List.of(new Scenario.Rule("all", 0, 65535, "0.0.0.0/0", null));
            }
            else
            {
                model.revokeEgress(groupId, SecurityGroupRule.all("0.0.0.0/0"));
                egress = rules(path + ".egress", g.egress(), false, groupId);
            }
            final String vpc = vpcNameOf(model.securityGroup(groupId).vpc().id());
            groups.put(name, new Scenario.SecurityGroup(name, vpc, ingress, egress));
        }
        return List.copyOf(groups.values());
    }

    private String vpcNameOf(final String vpcId)
    {
        for (final Map.Entry<String, String> e : vpcIds.entrySet())
        {
            if (e.getValue().equals(vpcId))
            {
                return e.getKey();
            }
        }
        throw new IllegalStateException("unknown VPC id " + vpcId);
    }

    private List<Scenario.Rule> rules(final String path, final List<RuleSpec> specs, final boolean ingress,
        final String groupId)
    {
        final List<Scenario.Rule> rules = new ArrayList<>();
        final List<RuleSpec> list = checks.list(path, specs, ScenarioLimits.MAX_RULES);
        for (int i = 0; i < list.size(); i++)
        {
            final String rp = path + "[" + i + "]";
            final RuleSpec r = checks.entry(rp, list.get(i), "a rule {protocol, ports, " + (ingress ? "from" : "to") + "}");
            final String protocol = checks.oneOf(rp + ".protocol", r.protocol(), null, PROTOCOLS);
            int fromPort = 0;
            int toPort = 65535;
            if (r.ports() != null)
            {
                final String[] parts = r.ports().trim().split("-", -1);
                try
                {
                    if (parts.length > 2)
                    {
                        throw new NumberFormatException();
                    }
                    fromPort = Integer.parseInt(parts[0].trim());
                    toPort = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : fromPort;
                }
                catch (final NumberFormatException ex)
                {
                    throw checks.error(rp + ".ports", MessageText.quoted(r.ports())
                        + " is not a port or range like 5201 or 1000-2000");
                }
                if (fromPort < 0 || toPort > 65535 || fromPort > toPort)
                {
                    throw checks.error(rp + ".ports", MessageText.quoted(r.ports())
                        + " is out of range, accepted 0..65535 with from <= to");
                }
            }
            final String peerField = ingress ? "from" : "to";
            if ((ingress ? r.to() : r.from()) != null)
            {
                throw checks.error(rp + "." + (ingress ? "to" : "from"), "does not apply to an "
                    + (ingress ? "ingress" : "egress") + " rule; use '" + peerField + "'");
            }
            final String peer = ingress ? r.from() : r.to();
            if (peer == null)
            {
                throw checks.error(rp + "." + peerField, "missing: a CIDR like 10.0.0.0/16 or a security group name");
            }
            final Scenario.Rule rule;
            final String peerId;
            if (peer.trim().matches(CIDR_SHAPE))
            {
                final Cidr cidr = cidr(rp + "." + peerField, peer, 0, 32, "CIDR");
                rule = new Scenario.Rule(protocol, fromPort, toPort, cidr.toString(), null);
                peerId = cidr.toString();
            }
            else
            {
                rule = new Scenario.Rule(protocol, fromPort, toPort, null,
                    checks.reference(rp + "." + peerField, peer, groupIds.keySet(), "security group"));
                peerId = groupIds.get(peer);
            }
            final SecurityGroupRule modelRule = SecurityGroupRule.of(Protocol.parse(protocol), fromPort, toPort, peerId);
            apply(rp, () ->
            {
                if (ingress)
                {
                    model.authorizeIngress(groupId, modelRule);
                }
                else
                {
                    model.authorizeEgress(groupId, modelRule);
                }
                return null;
            });
            rules.add(rule);
        }
        return rules;
    }

    /** Makes the instance known to the VPC model (before its interfaces). */
    void addInstance(final String path, final String name, final InstanceType type)
    {
        apply(path, () -> model.registerInstance(name, new NetworkInstanceCaps(type.networkPeakBytesPerSec(),
            type.networkBaselineBytesPerSec(), type.networkBurstSeconds(), type.ipv4PerEni(), type.maxEnis()), 0));
    }

    /**
     * Creates and attaches one interface of an instance in the model, as the simulation will.
     *
     * @param path        the interface's place ("instances[0]" for the primary, "instances[0].enis[1]").
     * @param subnetPath  where its subnet is named (or inherited from).
     * @param groupsPath  where its groups are named (or inherited from).
     */
    void addInterface(
        final String path, final String instance, final String subnet, final String subnetPath,
        final List<String> groupNames, final String groupsPath, final int ipv4Count, final int deviceIndex)
    {
        final Scenario.Subnet s = subnets.get(subnet);
        if (groupNames.size() > Eni.MAX_SECURITY_GROUPS)
        {
            throw checks.error(groupsPath, VpcException.SG_LIMIT_EXCEEDED + ": " + groupNames.size()
                + " security groups for one interface, accepted 1.." + Eni.MAX_SECURITY_GROUPS);
        }
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < groupNames.size(); i++)
        {
            final Scenario.SecurityGroup g = groups.get(groupNames.get(i));
            if (!g.vpc().equals(s.vpc()))
            {
                throw checks.error(groupsPath + "[" + i + "]", "security group " + MessageText.quoted(g.name())
                    + " is in VPC " + g.vpc() + " but subnet " + s.name() + " is in VPC " + s.vpc());
            }
            ids.add(groupIds.get(g.name()));
        }
        final Subnet modelSubnet = model.subnet(subnetIds.get(subnet));
        if (ipv4Count > modelSubnet.availableAddresses())
        {
            throw checks.error(subnetPath, VpcException.INSUFFICIENT_ADDRESSES + ": subnet " + subnet + " ("
                + s.cidr() + ") has " + modelSubnet.availableAddresses() + " free addresses left, this interface needs "
                + ipv4Count + " (the first four and the last address of a subnet are reserved)");
        }
        final Eni eni = apply(path, () -> model.createNetworkInterface(subnetIds.get(subnet), ids, List.of(),
            ipv4Count - 1));
        apply(path, () ->
        {
            model.attachNetworkInterface(eni.id(), instance, deviceIndex);
            return null;
        });
    }

    private <T> T apply(final String path, final java.util.function.Supplier<T> change)
    {
        try
        {
            return change.get();
        }
        catch (final VpcException ex)
        {
            throw checks.error(path, MessageText.line(ex.getMessage())); // the message names the EC2 code first
        }
    }
}
