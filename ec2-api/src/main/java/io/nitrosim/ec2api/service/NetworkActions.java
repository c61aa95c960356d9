package io.nitrosim.ec2api.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.nitrosim.control.Ec2Error;
import io.nitrosim.control.Ec2Exception;
import io.nitrosim.ec2api.protocol.QueryRequest;
import io.nitrosim.ec2api.protocol.QueryRequest.IdKind;
import io.nitrosim.ec2api.protocol.Xml;
import io.nitrosim.nic.vpc.Eni;
import io.nitrosim.nic.vpc.Protocol;
import io.nitrosim.nic.vpc.SecurityGroup;
import io.nitrosim.nic.vpc.SecurityGroupRule;
import io.nitrosim.nic.vpc.Subnet;
import io.nitrosim.nic.vpc.Vpc;
import io.nitrosim.nic.vpc.VpcNetwork;

/**
 * VPCs, subnets, security groups and network interfaces: the VPC model the VPC cards read on every frame, so a
 * rule authorized or revoked here holds from the next frame on, and an ENI attached here is an ENA function
 * hot-plugged into the instance's PCI bus.
 */
final class NetworkActions
{
    /** EC2's default VPC and its default subnet in the first zone. */
    static final String DEFAULT_VPC_CIDR = "172.31.0.0/16";
    static final String DEFAULT_SUBNET_CIDR = "172.31.0.0/20";

    private NetworkActions()
    {
    }

    static void register(final Map<String, Ec2Service.Action> actions)
    {
        actions.put("CreateVpc", new Ec2Service.Action(true, NetworkActions::createVpc));
        actions.put("CreateSubnet", new Ec2Service.Action(true, NetworkActions::createSubnet));
        actions.put("DescribeVpcs", new Ec2Service.Action(false, NetworkActions::describeVpcs));
        actions.put("DescribeSubnets", new Ec2Service.Action(false, NetworkActions::describeSubnets));
        actions.put("CreateSecurityGroup", new Ec2Service.Action(true, NetworkActions::createSecurityGroup));
        actions.put("AuthorizeSecurityGroupIngress", new Ec2Service.Action(true, (c, r, x) -> rules(c, r, x, true, true)));
        actions.put("AuthorizeSecurityGroupEgress", new Ec2Service.Action(true, (c, r, x) -> rules(c, r, x, false, true)));
        actions.put("RevokeSecurityGroupIngress", new Ec2Service.Action(true, (c, r, x) -> rules(c, r, x, true, false)));
        actions.put("RevokeSecurityGroupEgress", new Ec2Service.Action(true, (c, r, x) -> rules(c, r, x, false, false)));
        actions.put("DescribeSecurityGroups", new Ec2Service.Action(false, NetworkActions::describeSecurityGroups));
        actions.put("CreateNetworkInterface", new Ec2Service.Action(true, NetworkActions::createNetworkInterface));
        actions.put("DeleteNetworkInterface", new Ec2Service.Action(true, NetworkActions::deleteNetworkInterface));
        actions.put("AttachNetworkInterface", new Ec2Service.Action(true, NetworkActions::attachNetworkInterface));
        actions.put("DetachNetworkInterface", new Ec2Service.Action(true, NetworkActions::detachNetworkInterface));
        actions.put("DescribeNetworkInterfaces", new Ec2Service.Action(false, NetworkActions::describeNetworkInterfaces));
    }

    /** The region's default VPC (172.31.0.0/16) with its default subnet and group, as EC2 gives every account. */
    static void createDefaultVpc(final Ec2Context ctx)
    {
        final Vpc vpc = ctx.region.vpc().createVpc(DEFAULT_VPC_CIDR);
        final Subnet subnet = ctx.region.vpc().createSubnet(vpc.id(), DEFAULT_SUBNET_CIDR);
        ctx.state.vpcs.put(vpc.id(), new Ec2State.VpcRecord(vpc.id(), true));
        ctx.state.subnets.put(subnet.id(), new Ec2State.SubnetRecord(subnet.id(), true));
        ctx.state.groups.put(vpc.defaultSecurityGroup().id(),
            new Ec2State.GroupRecord(vpc.defaultSecurityGroup().id(), "default VPC security group"));
        ctx.state.defaultVpcId = vpc.id();
        ctx.state.defaultSubnetId = subnet.id();
    }

    // ---- VPCs and subnets ----

    private static void createVpc(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final String cidr = r.requireString("CidrBlock");
        final Map<String, Map<String, String>> tags = TagActions.tagSpecifications(r);
        final Vpc vpc = ctx.region.vpc().createVpc(cidr);
        ctx.state.vpcs.put(vpc.id(), new Ec2State.VpcRecord(vpc.id(), false));
        ctx.state.groups.put(vpc.defaultSecurityGroup().id(),
            new Ec2State.GroupRecord(vpc.defaultSecurityGroup().id(), "default VPC security group"));
        TagActions.apply(ctx.state, vpc.id(), tags.get("vpc"));
        response.add(Views.vpc(ctx, vpc, "vpc"));
    }

    private static Vpc vpc(final Ec2Context ctx, final String id)
    {
        if (!ctx.state.vpcs.containsKey(IdKind.VPC.check(id)))
        {
            throw IdKind.VPC.notFound(id);
        }
        return ctx.region.vpc().vpc(id);
    }

    private static Subnet subnet(final Ec2Context ctx, final String id)
    {
        if (!ctx.state.subnets.containsKey(IdKind.SUBNET.check(id)))
        {
            throw IdKind.SUBNET.notFound(id);
        }
        return ctx.region.vpc().subnet(id);
    }

    private static void createSubnet(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final Vpc vpc = vpc(ctx, r.requireString("VpcId"));
        final String cidr = r.requireString("CidrBlock");
        final String zone = r.string("AvailabilityZone");
        if (zone != null && !zone.equals(ctx.availabilityZone()))
        {
            throw new Ec2Exception(Ec2Error.INVALID_PARAMETER_VALUE, "Value (" + zone
                + ") for parameter availabilityZone is invalid. Subnets can currently only be created in the following "
                + "availability zones: " + ctx.availabilityZone() + ".");
        }
        final Map<String, Map<String, String>> tags = TagActions.tagSpecifications(r);
        final Subnet subnet = ctx.region.vpc().createSubnet(vpc.id(), cidr);
        ctx.state.subnets.put(subnet.id(), new Ec2State.SubnetRecord(subnet.id(), false));
        TagActions.apply(ctx.state, subnet.id(), tags.get("subnet"));
        response.add(Views.subnet(ctx, subnet, "subnet"));
    }

    private static void describeVpcs(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final List<Vpc> all = new ArrayList<>();
        for (final String id : Describe.byIds(r.ids("VpcId", IdKind.VPC), idMap(ctx.state.vpcs.keySet()),
            IdKind.VPC::notFound))
        {
            all.add(ctx.region.vpc().vpc(id));
        }
        final List<Vpc> kept = Describe.filter(all, r, Set.of("vpc-id", "cidr", "cidr-block", "is-default", "state",
            "owner-id"), (v, name) -> switch (name)
            {
                case "vpc-id" -> List.of(v.id());
                case "cidr", "cidr-block" -> List.of(v.cidr().toString());
                case "is-default" -> List.of(String.valueOf(ctx.state.vpcs.get(v.id()).isDefault()));
                case "state" -> List.of("available");
                case "owner-id" -> List.of(Ec2State.OWNER_ID);
                default -> null;
            }, v -> ctx.state.tagsOf(v.id()));
        final Describe.Page<Vpc> page = Describe.page(kept, r, 5, 1000);
        final List<Xml> items = new ArrayList<>();
        page.items().forEach(v -> items.add(Views.vpc(ctx, v, "item")));
        response.addSet("vpcSet", items).add("nextToken", page.nextToken());
    }

    private static Map<String, String> idMap(final Set<String> ids)
    {
        final Map<String, String> map = new java.util.LinkedHashMap<>();
        ids.forEach(id -> map.put(id, id));
        return map;
    }

    private static void describeSubnets(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final List<Subnet> all = new ArrayList<>();
        for (final String id : Describe.byIds(r.ids("SubnetId", IdKind.SUBNET), idMap(ctx.state.subnets.keySet()),
            IdKind.SUBNET::notFound))
        {
            all.add(ctx.region.vpc().subnet(id));
        }
        final List<Subnet> kept = Describe.filter(all, r, Set.of("subnet-id", "vpc-id", "cidr-block",
            "availability-zone", "default-for-az", "state", "available-ip-address-count"), (s, name) -> switch (name)
            {
                case "subnet-id" -> List.of(s.id());
                case "vpc-id" -> List.of(s.vpc().id());
                case "cidr-block" -> List.of(s.cidr().toString());
                case "availability-zone" -> List.of(ctx.availabilityZone());
                case "default-for-az" -> List.of(String.valueOf(ctx.state.subnets.get(s.id()).defaultForAz()));
                case "state" -> List.of("available");
                case "available-ip-address-count" -> List.of(String.valueOf(s.availableAddresses()));
                default -> null;
            }, s -> ctx.state.tagsOf(s.id()));
        final Describe.Page<Subnet> page = Describe.page(kept, r, 5, 1000);
        final List<Xml> items = new ArrayList<>();
        page.items().forEach(s -> items.add(Views.subnet(ctx, s, "item")));
        response.addSet("subnetSet", items).add("nextToken", page.nextToken());
    }

    // ---- security groups ----

    static String groupByName(final Ec2Context ctx, final String vpcId, final String name)
    {
        for (final SecurityGroup g : ctx.region.vpc().vpc(vpcId).securityGroups())
        {
            if (g.name().equals(name))
            {
                return g.id();
            }
        }
        throw new Ec2Exception(Ec2Error.INVALID_GROUP_NOT_FOUND, "The security group '" + name
            + "' does not exist in VPC '" + vpcId + "'");
    }

    private static SecurityGroup group(final Ec2Context ctx, final String id)
    {
        if (!ctx.state.groups.containsKey(IdKind.SECURITY_GROUP.check(id)))
        {
            throw IdKind.SECURITY_GROUP.notFound(id);
        }
        return ctx.region.vpc().securityGroup(id);
    }

    private static void createSecurityGroup(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final String name = r.requireString("GroupName");
        final String description = r.requireString("GroupDescription");
        final Vpc vpc = vpc(ctx, r.string("VpcId") == null ? ctx.state.defaultVpcId : r.string("VpcId"));
        final Map<String, Map<String, String>> tags = TagActions.tagSpecifications(r);
        final SecurityGroup g = ctx.region.vpc().createSecurityGroup(vpc.id(), name);
        ctx.state.groups.put(g.id(), new Ec2State.GroupRecord(g.id(), description));
        TagActions.apply(ctx.state, g.id(), tags.get("security-group"));
        response.add("return", true).add("groupId", g.id()).add(Views.tagSet(ctx, g.id()));
    }

    static String protocolName(final Protocol protocol)
    {
        return protocol == Protocol.ALL ? "-1" : protocol.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The rules a request names: {@code IpPermissions.N} structures, or the flat CidrIp/IpProtocol/ports form. */
    private static List<SecurityGroupRule> parseRules(final QueryRequest r)
    {
        final List<SecurityGroupRule> rules = new ArrayList<>();
        for (final QueryRequest p : r.structures("IpPermissions"))
        {
            final Protocol protocol = Protocol.parse(p.requireString("IpProtocol"));
            final int from = protocol.hasPorts() ? p.requireInteger("FromPort") : -1;
            final int to = protocol.hasPorts() ? p.requireInteger("ToPort") : -1;
            final List<String> peers = new ArrayList<>();
            p.structures("IpRanges").forEach(range -> peers.add(range.requireString("CidrIp")));
            p.structures("Groups").forEach(pair -> peers.add(IdKind.SECURITY_GROUP.check(pair.requireString("GroupId"))));
            if (peers.isEmpty())
            {
                throw new Ec2Exception(Ec2Error.INVALID_PERMISSION_MALFORMED,
                    "A rule needs an IP range (IpRanges.N.CidrIp) or a group (Groups.N.GroupId)");
            }
            peers.forEach(peer -> rules.add(SecurityGroupRule.of(protocol, from, to, peer)));
        }
        if (r.has("IpProtocol") || r.has("CidrIp"))
        {
            final Protocol protocol = Protocol.parse(r.requireString("IpProtocol"));
            rules.add(SecurityGroupRule.of(protocol, protocol.hasPorts() ? r.requireInteger("FromPort") : -1,
                protocol.hasPorts() ? r.requireInteger("ToPort") : -1, r.requireString("CidrIp")));
        }
        if (rules.isEmpty())
        {
            throw new Ec2Exception(Ec2Error.MISSING_PARAMETER, "The request must contain the parameter IpPermissions");
        }
        return rules;
    }

    private static void rules(final Ec2Context ctx, final QueryRequest r, final Xml response, final boolean ingress,
        final boolean authorize)
    {
        final String groupId = r.string("GroupId") != null ? r.string("GroupId") :
            groupByName(ctx, ctx.state.defaultVpcId, r.requireString("GroupName"));
        final SecurityGroup g = group(ctx, groupId);
        final VpcNetwork vpc = ctx.region.vpc();
        final List<SecurityGroupRule> rules = parseRules(r);
        final List<SecurityGroupRule> done = new ArrayList<>();
        try
        {
            for (final SecurityGroupRule rule : rules)
            {
                apply(vpc, g.id(), rule, ingress, authorize);
                done.add(rule);
            }
        }
        catch (final RuntimeException ex)
        {
            for (final SecurityGroupRule rule : done)
            {
                apply(vpc, g.id(), rule, ingress, !authorize); // all or nothing, as EC2
            }
            throw ex;
        }
        response.add("return", true);
    }

    private static void apply(final VpcNetwork vpc, final String groupId, final SecurityGroupRule rule,
        final boolean ingress, final boolean authorize)
    {
        if (ingress)
        {
            if (authorize)
            {
                vpc.authorizeIngress(groupId, rule);
            }
            else
            {
                vpc.revokeIngress(groupId, rule);
            }
        }
        else if (authorize)
        {
            vpc.authorizeEgress(groupId, rule);
        }
        else
        {
            vpc.revokeEgress(groupId, rule);
        }
    }

    private static void describeSecurityGroups(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final List<SecurityGroup> all = new ArrayList<>();
        for (final String id : Describe.byIds(r.ids("GroupId", IdKind.SECURITY_GROUP), idMap(ctx.state.groups.keySet()),
            IdKind.SECURITY_GROUP::notFound))
        {
            all.add(ctx.region.vpc().securityGroup(id));
        }
        final List<String> names = r.list("GroupName");
        if (!names.isEmpty())
        {
            all.removeIf(g -> !names.contains(g.name()));
            for (final String name : names)
            {
                if (all.stream().noneMatch(g -> g.name().equals(name)))
                {
                    throw new Ec2Exception(Ec2Error.INVALID_GROUP_NOT_FOUND,
                        "The security group '" + name + "' does not exist");
                }
            }
        }
        final List<SecurityGroup> kept = Describe.filter(all, r, Set.of("group-id", "group-name", "vpc-id",
            "description", "owner-id"), (g, name) -> switch (name)
            {
                case "group-id" -> List.of(g.id());
                case "group-name" -> List.of(g.name());
                case "vpc-id" -> List.of(g.vpc().id());
                case "description" -> List.of(ctx.state.groups.get(g.id()).description());
                case "owner-id" -> List.of(Ec2State.OWNER_ID);
                default -> null;
            }, g -> ctx.state.tagsOf(g.id()));
        final Describe.Page<SecurityGroup> page = Describe.page(kept, r, 5, 1000);
        final List<Xml> items = new ArrayList<>();
        page.items().forEach(g -> items.add(Views.securityGroup(ctx, g, "item")));
        response.addSet("securityGroupInfo", items).add("nextToken", page.nextToken());
    }

    // ---- network interfaces ----

    private static void createNetworkInterface(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final Subnet subnet = subnet(ctx, r.requireString("SubnetId"));
        final List<String> groups = r.ids("SecurityGroupId", IdKind.SECURITY_GROUP);
        for (final String g : groups)
        {
            group(ctx, g);
        }
        final List<String> ips = new ArrayList<>();
        if (r.string("PrivateIpAddress") != null)
        {
            ips.add(r.string("PrivateIpAddress"));
        }
        for (final QueryRequest spec : r.structures("PrivateIpAddresses"))
        {
            final String ip = spec.requireString("PrivateIpAddress");
            if (!ips.contains(ip))
            {
                ips.add(ip);
            }
        }
        final int secondary = r.integer("SecondaryPrivateIpAddressCount", 0, 49, 0);
        final Map<String, Map<String, String>> tags = TagActions.tagSpecifications(r);
        // The model counts automatic addresses with the primary; EC2's count is of secondary addresses only.
        final Eni eni = ctx.region.vpc().createNetworkInterface(subnet.id(), groups, ips,
            ips.isEmpty() ? secondary + 1 : secondary);
        final Ec2State.EniRecord record = new Ec2State.EniRecord(eni.id(),
            r.string("Description") == null ? "" : r.string("Description"));
        ctx.state.enis.put(eni.id(), record);
        TagActions.apply(ctx.state, eni.id(), tags.get("network-interface"));
        response.add(Views.networkInterface(ctx, eni, record, "networkInterface", false));
    }

    private static void deleteNetworkInterface(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final Ec2State.EniRecord record = ctx.state.eni(r.requireString("NetworkInterfaceId"));
        if (record.instanceId != null)
        {
            throw new Ec2Exception(Ec2Error.INVALID_NETWORK_INTERFACE_IN_USE,
                "The network interface '" + record.id + "' is currently in use.");
        }
        ctx.region.vpc().deleteNetworkInterface(record.id);
        ctx.state.enis.remove(record.id);
        ctx.state.forget(record.id);
        response.add("return", true);
    }

    private static void attachNetworkInterface(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final Ec2State.EniRecord record = ctx.state.eni(r.requireString("NetworkInterfaceId"));
        final String instanceId = r.requireId("InstanceId", IdKind.INSTANCE);
        final int deviceIndex = r.requireInteger("DeviceIndex");
        ctx.state.instance(instanceId);
        if (record.instanceId != null)
        {
            throw new Ec2Exception(Ec2Error.INVALID_NETWORK_INTERFACE_IN_USE,
                "Interface: [" + record.id + "] in use.");
        }
        ctx.region.attachNetworkInterface(instanceId, record.id, deviceIndex);
        record.attachmentId = ctx.state.newId("eni-attach");
        record.instanceId = instanceId;
        record.deviceIndex = deviceIndex;
        record.attachTimeMillis = ctx.nowMillis;
        record.deleteOnTermination = false;
        response.add("attachmentId", record.attachmentId).add("networkCardIndex", 0);
    }

    private static void detachNetworkInterface(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final String attachmentId = r.requireId("AttachmentId", IdKind.ATTACHMENT);
        Ec2State.EniRecord record = null;
        for (final Ec2State.EniRecord e : ctx.state.enis.values())
        {
            if (attachmentId.equals(e.attachmentId))
            {
                record = e;
            }
        }
        if (record == null)
        {
            throw IdKind.ATTACHMENT.notFound(attachmentId);
        }
        if (record.deviceIndex == 0)
        {
            throw new Ec2Exception(Ec2Error.OPERATION_NOT_PERMITTED,
                "The network interface at device index 0 cannot be detached.");
        }
        ctx.region.detachNetworkInterface(record.id);
        record.attachmentId = null;
        record.instanceId = null;
        record.deviceIndex = -1;
        response.add("return", true);
    }

    private static void describeNetworkInterfaces(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final List<Ec2State.EniRecord> all = Describe.byIds(r.ids("NetworkInterfaceId", IdKind.NETWORK_INTERFACE),
            ctx.state.enis, IdKind.NETWORK_INTERFACE::notFound);
        final List<Ec2State.EniRecord> kept = Describe.filter(all, r, Set.of("network-interface-id", "subnet-id",
            "vpc-id", "status", "attachment.instance-id", "attachment.attachment-id", "attachment.device-index",
            "private-ip-address", "group-id", "mac-address", "description", "availability-zone"),
            (e, name) ->
            {
                final Eni eni = ctx.region.vpc().eni(e.id);
                return switch (name)
                {
                    case "network-interface-id" -> List.of(e.id);
                    case "subnet-id" -> List.of(eni.subnet().id());
                    case "vpc-id" -> List.of(eni.vpc().id());
                    case "status" -> List.of(e.instanceId == null ? "available" : "in-use");
                    case "attachment.instance-id" -> e.instanceId == null ? List.of() : List.of(e.instanceId);
                    case "attachment.attachment-id" -> e.attachmentId == null ? List.of() : List.of(e.attachmentId);
                    case "attachment.device-index" -> e.instanceId == null ? List.of() :
                        List.of(String.valueOf(e.deviceIndex));
                    case "private-ip-address" -> eni.privateIpAddresses();
                    case "group-id" -> Views.groupIds(ctx, e.id);
                    case "mac-address" -> List.of(eni.macAddress());
                    case "description" -> List.of(e.description);
                    case "availability-zone" -> List.of(ctx.availabilityZone());
                    default -> null;
                };
            }, e -> ctx.state.tagsOf(e.id));
        final Describe.Page<Ec2State.EniRecord> page = Describe.page(kept, r, 5, 1000);
        final List<Xml> items = new ArrayList<>();
        page.items().forEach(e -> items.add(Views.networkInterface(ctx, ctx.region.vpc().eni(e.id), e, "item", false)));
        response.addSet("networkInterfaceSet", items).add("nextToken", page.nextToken());
    }
}
