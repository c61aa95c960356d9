package io.nitrosim.simulator.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nitrosim.hypervisor.Instance;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.nic.card.CardInstance;
import io.nitrosim.nic.card.VpcCard;
import io.nitrosim.nic.fabric.HostDirectory;
import io.nitrosim.nic.shaping.NetworkShapingConfig;
import io.nitrosim.nic.vpc.Eni;
import io.nitrosim.nic.vpc.Protocol;
import io.nitrosim.nic.vpc.SecurityGroup;
import io.nitrosim.nic.vpc.SecurityGroupRule;
import io.nitrosim.nic.vpc.Vpc;
import io.nitrosim.nic.vpc.VpcNetwork;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.time.SimRuntime;

/**
 * The network half of an assembled scenario: the VPC model (VPCs, subnets, security groups, peerings, ENIs),
 * one VPC card per host joined by in-process fabric rings, and each instance's ENI ports.
 */
final class NetworkSide
{
    private final VpcNetwork vpcNetwork;
    private final Map<String, VpcCard> cardsByHost = new LinkedHashMap<>();
    private final Map<String, Vpc> vpcs = new LinkedHashMap<>();
    private final Map<String, String> subnetIds = new LinkedHashMap<>();
    private final Map<String, String> groupIds = new LinkedHashMap<>();
    private final Map<String, InstanceNetwork> instances = new LinkedHashMap<>();
    private final NetworkShapingConfig shaping;
    private final NetworkPlumbing plumbing;

    /** One instance's view: its card-side state and its ENIs (primary first). */
    record InstanceNetwork(String name, String instanceId, CardInstance card, List<EniHandle> enis)
    {
        EniHandle primary()
        {
            return enis.get(0);
        }

        /** The tags of each ENI's meters, primary first. */
        List<MetricTags> eniTags()
        {
            return enis.stream().map(EniHandle::tags).toList();
        }

        /** The tags of the instance's network credit balance in one direction ("in", "out"). */
        MetricTags creditTags(final String direction)
        {
            return MetricTags.of("instance", instanceId, "direction", direction);
        }
    }

    NetworkSide(final Scenario scenario, final SimRuntime runtime, final CounterRegistry registry)
    {
        vpcNetwork = new VpcNetwork(scenario.seed());
        final Scenario.Network n = scenario.network();
        shaping = NetworkShapingConfig.builder()
            .peakDepthNs(n.peakDepthNs())
            .perFlowBytesPerSec(n.flowLimitBytesPerSec())
            .clusterPlacementGroup(n.clusterPlacementGroup())
            .ppsLimit(n.ppsLimit())
            .conntrackAllowance((int)Math.min(Integer.MAX_VALUE, n.conntrackAllowance()))
            .shapingQuantumNs(n.shapingQuantumNs())
            .build();
        plumbing = new NetworkPlumbing(vpcNetwork, runtime.clock(), registry, shaping,
            scenario.payload() == Scenario.PayloadMode.TIMING_ONLY);

        for (final Scenario.Vpc v : scenario.vpcs())
        {
            final Vpc vpc = vpcNetwork.createVpc(v.cidr());
            vpcs.put(v.name(), vpc);
            for (final Scenario.Subnet s : v.subnets())
            {
                subnetIds.put(s.name(), vpcNetwork.createSubnet(vpc.id(), s.cidr()).id());
            }
        }
        for (final Scenario.Peering p : scenario.peerings())
        {
            vpcNetwork.createPeeringConnection(vpcs.get(p.vpcA()).id(), vpcs.get(p.vpcB()).id());
        }
        for (final Scenario.SecurityGroup g : scenario.securityGroups())
        {
            final SecurityGroup group = vpcNetwork.createSecurityGroup(vpcs.get(g.vpc()).id(), g.name());
            groupIds.put(g.name(), group.id());
        }
        for (final Scenario.SecurityGroup g : scenario.securityGroups())
        {
            final String id = groupIds.get(g.name());
            for (final Scenario.Rule r : g.ingress())
            {
                vpcNetwork.authorizeIngress(id, rule(r));
            }
            // The scenario's egress list is the group's whole outbound rule set: the validator turns an absent
            // list into the default allow-all rule, and an empty one (EC2: every outbound rule revoked) sends nothing.
            vpcNetwork.revokeEgress(id, SecurityGroupRule.all("0.0.0.0/0"));
            for (final Scenario.Rule r : g.egress())
            {
                vpcNetwork.authorizeEgress(id, rule(r));
            }
        }

        final HostDirectory directory = new HostDirectory();
        int hostId = 0;
        for (final Scenario.Host h : scenario.hosts())
        {
            final VpcCard card = VpcCard.builder().hostId(hostId++).network(vpcNetwork).clock(runtime.clock())
                .directory(directory).registry(registry).shaping(shaping).build();
            cardsByHost.put(h.name(), card);
        }
        VpcCard.connectLocal(directory, n.linkLatencyNs(), cardsByHost.values().toArray(new VpcCard[0]));
    }

    private SecurityGroupRule rule(final Scenario.Rule r)
    {
        final String peer = r.cidr() != null ? r.cidr() : groupIds.get(r.group());
        return SecurityGroupRule.of(Protocol.parse(r.protocol()), r.fromPort(), r.toPort(), peer);
    }

    /**
     * Registers an instance with the VPC and its host's card, creates its ENIs and attaches one ENA function per
     * ENI to the instance's PCI bus.
     */
    InstanceNetwork addInstance(final Scenario.Instance spec, final Instance instance, final int hostIndex)
    {
        final String instanceId = instance.id();
        final VpcCard card = cardsByHost.get(spec.host());
        final CardInstance cardInstance = plumbing.addInstance(card, instanceId, spec.type(), hostIndex);
        final List<EniHandle> enis = new ArrayList<>();
        enis.add(createEni(card, instance, spec, spec.name() + "-eth0", spec.subnet(), spec.securityGroups(), 1, 0));
        int deviceIndex = 1;
        for (final Scenario.Eni e : spec.enis())
        {
            enis.add(createEni(card, instance, spec, e.name(), e.subnet(), e.securityGroups(), e.ipv4Count(),
                deviceIndex++));
        }
        final InstanceNetwork network = new InstanceNetwork(spec.name(), instanceId, cardInstance, List.copyOf(enis));
        instances.put(spec.name(), network);
        return network;
    }

    private EniHandle createEni(
        final VpcCard card, final Instance instance, final Scenario.Instance spec, final String name,
        final String subnet, final List<String> groups, final int ipv4Count, final int deviceIndex)
    {
        final String subnetId = subnetIds.get(subnet);
        final List<String> sgIds = new ArrayList<>();
        for (final String g : groups)
        {
            sgIds.add(groupIds.get(g));
        }
        if (sgIds.isEmpty())
        {
            // EC2: an interface with no group named gets its VPC's default group (members may talk to each other).
            sgIds.add(vpcNetwork.subnet(subnetId).vpc().defaultSecurityGroup().id());
        }
        final Eni eni = vpcNetwork.createNetworkInterface(subnetId, sgIds, List.of(), ipv4Count - 1);
        return plumbing.plugEni(card, instance, name, eni, deviceIndex);
    }

    InstanceNetwork instance(final String name)
    {
        return instances.get(name);
    }

    List<VpcCard> cards()
    {
        return List.copyOf(cardsByHost.values());
    }

    VpcNetwork vpcNetwork()
    {
        return vpcNetwork;
    }
}
