package io.nitrosim.nic.vpc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.agrona.collections.Long2ObjectHashMap;

import io.nitrosim.nic.flow.FlowKey;
import io.nitrosim.nic.shaping.NetworkInstanceCaps;

/**
 * The VPC control plane and mapping service: VPCs, subnets, security groups, ENIs, instance attachments and
 * peerings, all validated here with one-line {@link VpcException}s (EC2 error code + offending value + what is
 * accepted). Ids come from one seeded {@link IdGenerator}, so every process that builds the same scenario with
 * the same seed agrees on every id, ENI number and VNI.
 * <p>
 * The data path asks it two things without allocating: {@link #eniByNumber(int)} and
 * {@link #resolve(Vpc, int)} (which ENI owns a destination IP, as seen from a source VPC: its own VPC first,
 * then its peers; nothing else, which is VPC isolation).
 * <p>
 * Threading: change the model between runs, or from the thread that runs the cards; cards read it without
 * locks.
 */
public final class VpcNetwork
{
    public static final int MIN_PREFIX = 16;
    public static final int MAX_PREFIX = 28;
    /** Most private IPv4s an unattached ENI may hold (the largest per-type limit). */
    public static final int MAX_IPS_PER_ENI = 50;

    private final IdGenerator ids;
    private final Map<String, Vpc> vpcs = new LinkedHashMap<>();
    private final Map<String, Subnet> subnets = new LinkedHashMap<>();
    private final Map<String, SecurityGroup> groups = new LinkedHashMap<>();
    private final Map<String, Eni> enis = new LinkedHashMap<>();
    private final Map<String, VpcInstance> instances = new LinkedHashMap<>();
    private final Map<String, PeeringConnection> peerings = new LinkedHashMap<>();
    private final List<Eni> enisByNumber = new ArrayList<>();
    private final Long2ObjectHashMap<Eni> eniByVpcAndIp = new Long2ObjectHashMap<>();

    public VpcNetwork(final long seed)
    {
        this.ids = new IdGenerator(seed);
    }

    // ---------------------------------------------------------------------------------------------------------
    // VPCs, subnets, groups

    /** CreateVpc: a /16../28 block. */
    public Vpc createVpc(final String cidrBlock)
    {
        final Cidr cidr = Cidr.parse(cidrBlock, MIN_PREFIX, MAX_PREFIX, "VPC CIDR");
        final Vpc vpc = new Vpc(ids.nextId("vpc"), vpcs.size(), cidr, ids.nextVni());
        vpcs.put(vpc.id(), vpc);
        final SecurityGroup defaultGroup = newGroup(vpc, "default");
        vpc.defaultGroup(defaultGroup);
        authorize(defaultGroup, true, SecurityGroupRule.all(defaultGroup.id()));
        authorize(defaultGroup, false, SecurityGroupRule.all("0.0.0.0/0")); // EC2's default group allows all outbound
        return vpc;
    }

    /** CreateSubnet: a /16../28 block inside the VPC's that overlaps none of its subnets. */
    public Subnet createSubnet(final String vpcId, final String cidrBlock)
    {
        final Vpc vpc = vpc(vpcId);
        final Cidr cidr = Cidr.parse(cidrBlock, MIN_PREFIX, MAX_PREFIX, "subnet CIDR");
        if (!vpc.cidr().contains(cidr))
        {
            throw new VpcException(VpcException.INVALID_SUBNET_RANGE,
                "subnet CIDR " + cidr + " is not inside " + vpc.id() + "'s CIDR " + vpc.cidr());
        }
        for (final Subnet existing : vpc.subnets())
        {
            if (existing.cidr().overlaps(cidr))
            {
                throw new VpcException(VpcException.INVALID_SUBNET_CONFLICT,
                    "subnet CIDR " + cidr + " overlaps " + existing.id() + " (" + existing.cidr() + ") in " + vpc.id());
            }
        }
        final Subnet subnet = new Subnet(ids.nextId("subnet"), vpc, cidr);
        subnets.put(subnet.id(), subnet);
        vpc.mutableSubnets().add(subnet);
        return subnet;
    }

    /** CreateSecurityGroup: no inbound rules, all outbound allowed. */
    public SecurityGroup createSecurityGroup(final String vpcId, final String groupName)
    {
        final Vpc vpc = vpc(vpcId);
        if (groupName == null || groupName.isBlank() || groupName.length() > 255)
        {
            throw new VpcException(VpcException.INVALID_PARAMETER_VALUE,
                "security group name \"" + groupName + "\" must be 1..255 characters");
        }
        for (final SecurityGroup g : vpc.securityGroups())
        {
            if (g.name().equals(groupName))
            {
                throw new VpcException("InvalidGroup.Duplicate",
                    "security group name \"" + groupName + "\" already exists in " + vpc.id() + " as " + g.id());
            }
        }
        final SecurityGroup group = newGroup(vpc, groupName);
        authorize(group, false, SecurityGroupRule.all("0.0.0.0/0"));
        return group;
    }

    private SecurityGroup newGroup(final Vpc vpc, final String name)
    {
        final SecurityGroup group = new SecurityGroup(ids.nextId("sg"), name, vpc);
        groups.put(group.id(), group);
        vpc.mutableGroups().add(group);
        return group;
    }

    public void authorizeIngress(final String groupId, final SecurityGroupRule rule)
    {
        authorize(securityGroup(groupId), true, rule);
    }

    public void authorizeEgress(final String groupId, final SecurityGroupRule rule)
    {
        authorize(securityGroup(groupId), false, rule);
    }

    public void revokeIngress(final String groupId, final SecurityGroupRule rule)
    {
        revoke(securityGroup(groupId), true, rule);
    }

    public void revokeEgress(final String groupId, final SecurityGroupRule rule)
    {
        revoke(securityGroup(groupId), false, rule);
    }

    private void authorize(final SecurityGroup group, final boolean inbound, final SecurityGroupRule rule)
    {
        final SecurityGroupRule normalized = validateRule(group, rule);
        final List<SecurityGroupRule> rules = group.mutableRules(inbound);
        if (rules.contains(normalized))
        {
            throw new VpcException(VpcException.PERMISSION_DUPLICATE,
                "rule \"" + normalized + "\" already exists in " + (inbound ? "inbound" : "outbound") + " rules of " + group.id());
        }
        rules.add(normalized);
        recompile(group, inbound);
    }

    private void revoke(final SecurityGroup group, final boolean inbound, final SecurityGroupRule rule)
    {
        final SecurityGroupRule normalized = validateRule(group, rule);
        if (!group.mutableRules(inbound).remove(normalized))
        {
            throw new VpcException(VpcException.PERMISSION_NOT_FOUND,
                "rule \"" + normalized + "\" is not in " + (inbound ? "inbound" : "outbound") + " rules of " + group.id());
        }
        recompile(group, inbound);
    }

    private SecurityGroupRule validateRule(final SecurityGroup group, final SecurityGroupRule rule)
    {
        if (rule == null || rule.protocol() == null)
        {
            throw new VpcException(VpcException.PERMISSION_MALFORMED,
                "rule for " + group.id() + " needs a protocol, accepted tcp, udp, icmp, all");
        }
        int from = -1;
        int to = -1;
        if (rule.protocol().hasPorts())
        {
            from = rule.fromPort();
            to = rule.toPort();
            if (from < 0 || to > 65535 || from > to)
            {
                throw new VpcException(VpcException.PERMISSION_MALFORMED, "port range " + from + "-" + to
                    + " for " + rule.protocol() + " in " + group.id() + " is invalid, accepted 0 <= from <= to <= 65535");
            }
        }
        final String peer = rule.peer();
        if (peer == null)
        {
            throw new VpcException(VpcException.PERMISSION_MALFORMED,
                "rule for " + group.id() + " needs a peer: a CIDR like 10.0.0.0/16 or a group id sg-...");
        }
        if (rule.isGroupPeer())
        {
            final SecurityGroup ref = securityGroup(peer);
            if (!ref.vpc().isPeeredWith(group.vpc()))
            {
                throw new VpcException(VpcException.INVALID_PARAMETER_VALUE, "group " + peer + " is in "
                    + ref.vpc().id() + ", neither " + group.vpc().id() + " nor a VPC peered with it");
            }
            return new SecurityGroupRule(rule.protocol(), from, to, peer);
        }
        return new SecurityGroupRule(rule.protocol(), from, to, Cidr.parse(peer).toString());
    }

    private void recompile(final SecurityGroup group, final boolean inbound)
    {
        final List<SecurityGroupRule> rules = group.mutableRules(inbound);
        final SecurityGroup.CompiledRule[] compiled = new SecurityGroup.CompiledRule[rules.size()];
        for (int i = 0; i < compiled.length; i++)
        {
            final SecurityGroupRule r = rules.get(i);
            if (r.isGroupPeer())
            {
                compiled[i] = new SecurityGroup.CompiledRule(r.protocol().number(), r.protocol().hasPorts(),
                    r.fromPort(), r.toPort(), 0, 0, groups.get(r.peer()));
            }
            else
            {
                final Cidr cidr = Cidr.parse(r.peer());
                compiled[i] = new SecurityGroup.CompiledRule(r.protocol().number(), r.protocol().hasPorts(),
                    r.fromPort(), r.toPort(), cidr.network(), cidr.mask(), null);
            }
        }
        group.setCompiled(inbound, compiled);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Network interfaces

    /** CreateNetworkInterface with an automatic primary address and the given groups (none = the VPC default). */
    public Eni createNetworkInterface(final String subnetId, final String... groupIds)
    {
        return createNetworkInterface(subnetId, List.of(groupIds), List.of(), 0);
    }

    /**
     * CreateNetworkInterface.
     *
     * @param subnetId       the subnet.
     * @param groupIds       1..5 groups of the subnet's VPC; empty means the VPC's default group.
     * @param privateIps     explicit addresses (the first becomes primary); may be empty.
     * @param secondaryCount further addresses to assign automatically (lowest free first).
     */
    public Eni createNetworkInterface(
        final String subnetId, final List<String> groupIds, final List<String> privateIps, final int secondaryCount)
    {
        final Subnet subnet = subnet(subnetId);
        final SecurityGroup[] eniGroups = resolveGroups(subnet.vpc(), groupIds, subnetId);
        final int[] explicit = validateNewIps(subnet, privateIps, null);
        if (secondaryCount < 0)
        {
            throw new VpcException(VpcException.INVALID_PARAMETER_VALUE,
                "secondary private IP count " + secondaryCount + " must be >= 0");
        }
        final int total = Math.max(1, explicit.length + secondaryCount);
        if (total > MAX_IPS_PER_ENI)
        {
            throw new VpcException(VpcException.PRIVATE_IP_LIMIT_EXCEEDED,
                total + " private IPv4 addresses asked for one ENI, accepted 1.." + MAX_IPS_PER_ENI);
        }
        final int automatic = total - explicit.length;
        if (automatic > subnet.availableAddresses())
        {
            throw new VpcException(VpcException.INSUFFICIENT_ADDRESSES, subnet.id() + " (" + subnet.cidr()
                + ") has " + subnet.availableAddresses() + " free addresses, asked " + automatic);
        }
        if (enisByNumber.size() > FlowKey.MAX_ENI_NUMBER)
        {
            throw new VpcException(VpcException.INVALID_PARAMETER_VALUE,
                "network holds " + enisByNumber.size() + " ENIs, accepted at most " + FlowKey.MAX_ENI_NUMBER);
        }
        final Eni eni = new Eni(ids.nextId("eni"), enisByNumber.size(), ids.nextMac(), subnet);
        enisByNumber.add(eni);
        enis.put(eni.id(), eni);
        eni.groups(eniGroups);
        for (final int ip : explicit)
        {
            addIp(eni, ip);
        }
        for (int i = 0; i < automatic; i++)
        {
            addIp(eni, subnet.lowestFree());
        }
        return eni;
    }

    /** AssignPrivateIpAddresses with a count: the lowest free addresses of the ENI's subnet. */
    public List<String> assignPrivateIpAddresses(final String eniId, final int count)
    {
        final Eni eni = eni(eniId);
        if (count < 1)
        {
            throw new VpcException(VpcException.INVALID_PARAMETER_VALUE, "private IP count " + count + " must be >= 1");
        }
        checkIpLimit(eni, count);
        if (count > eni.subnet().availableAddresses())
        {
            throw new VpcException(VpcException.INSUFFICIENT_ADDRESSES, eni.subnet().id() + " (" + eni.subnet().cidr()
                + ") has " + eni.subnet().availableAddresses() + " free addresses, asked " + count);
        }
        final List<String> assigned = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final int ip = eni.subnet().lowestFree();
            addIp(eni, ip);
            assigned.add(Ipv4.format(ip));
        }
        return assigned;
    }

    /** AssignPrivateIpAddresses with explicit addresses. */
    public void assignPrivateIpAddresses(final String eniId, final List<String> privateIps)
    {
        final Eni eni = eni(eniId);
        final int[] ips = validateNewIps(eni.subnet(), privateIps, eni);
        checkIpLimit(eni, ips.length);
        for (final int ip : ips)
        {
            addIp(eni, ip);
        }
    }

    /** UnassignPrivateIpAddresses (the primary cannot be removed). */
    public void unassignPrivateIpAddress(final String eniId, final String privateIp)
    {
        final Eni eni = eni(eniId);
        final int ip = Ipv4.parse(privateIp);
        if (!eni.hasIp(ip))
        {
            throw new VpcException(VpcException.INVALID_PARAMETER_VALUE, privateIp + " is not assigned to " + eniId);
        }
        if (eni.primaryIp() == ip)
        {
            throw new VpcException(VpcException.INVALID_PARAMETER_VALUE,
                privateIp + " is the primary address of " + eniId + " and cannot be unassigned");
        }
        eni.removeIp(ip);
        eni.subnet().markUsed(ip, false);
        eniByVpcAndIp.remove(routeKey(eni.vpc(), ip));
    }

    /** ModifyNetworkInterfaceAttribute groups. */
    public void modifyNetworkInterfaceGroups(final String eniId, final List<String> groupIds)
    {
        final Eni eni = eni(eniId);
        eni.groups(resolveGroups(eni.vpc(), groupIds, eni.subnet().id()));
    }

    private SecurityGroup[] resolveGroups(final Vpc vpc, final List<String> groupIds, final String subnetId)
    {
        if (groupIds == null || groupIds.isEmpty())
        {
            return new SecurityGroup[] {vpc.defaultSecurityGroup()};
        }
        if (groupIds.size() > Eni.MAX_SECURITY_GROUPS)
        {
            throw new VpcException(VpcException.SG_LIMIT_EXCEEDED, groupIds.size()
                + " security groups asked for one ENI, accepted 1.." + Eni.MAX_SECURITY_GROUPS);
        }
        final List<SecurityGroup> result = new ArrayList<>();
        for (final String id : groupIds)
        {
            final SecurityGroup g = securityGroup(id);
            if (g.vpc() != vpc)
            {
                throw new VpcException(VpcException.INVALID_PARAMETER_VALUE, "security group " + id + " is in "
                    + g.vpc().id() + " but " + subnetId + " is in " + vpc.id());
            }
            if (result.contains(g))
            {
                throw new VpcException(VpcException.INVALID_PARAMETER_VALUE, "security group " + id + " named twice");
            }
            result.add(g);
        }
        return result.toArray(new SecurityGroup[0]);
    }

    private int[] validateNewIps(final Subnet subnet, final List<String> privateIps, final Eni owner)
    {
        final List<String> list = privateIps == null ? List.of() : privateIps;
        final int[] result = new int[list.size()];
        for (int i = 0; i < result.length; i++)
        {
            final String text = list.get(i);
            final int ip = Ipv4.parse(text);
            if (!subnet.cidr().contains(ip))
            {
                throw new VpcException(VpcException.INVALID_PARAMETER_VALUE,
                    "address " + text + " is outside " + subnet.id() + " (" + subnet.cidr() + ")");
            }
            if (subnet.isReserved(ip))
            {
                throw new VpcException(VpcException.INVALID_PARAMETER_VALUE, "address " + text + " is reserved in "
                    + subnet.id() + " (" + subnet.cidr() + "): the first four and the last address are reserved");
            }
            if (subnet.isUsed(ip))
            {
                throw new VpcException(VpcException.IP_IN_USE, "address " + text + " is already in use in " + subnet.id());
            }
            for (int j = 0; j < i; j++)
            {
                if (result[j] == ip)
                {
                    throw new VpcException(VpcException.INVALID_PARAMETER_VALUE, "address " + text + " named twice");
                }
            }
            result[i] = ip;
        }
        return result;
    }

    private void checkIpLimit(final Eni eni, final int more)
    {
        final VpcInstance instance = eni.instance();
        final int limit = instance == null ? MAX_IPS_PER_ENI : instance.caps().ipv4PerEni();
        if (eni.ipCount() + more > limit)
        {
            throw new VpcException(VpcException.PRIVATE_IP_LIMIT_EXCEEDED, eni.id() + " has " + eni.ipCount()
                + " private IPv4 addresses, asked " + more + " more, accepted at most " + limit
                + (instance == null ? "" : " for " + instance.instanceId() + "'s type"));
        }
    }

    private void addIp(final Eni eni, final int ip)
    {
        eni.addIp(ip);
        eni.subnet().markUsed(ip, true);
        eniByVpcAndIp.put(routeKey(eni.vpc(), ip), eni);
    }

    private static long routeKey(final Vpc vpc, final int ip)
    {
        return ((long)vpc.number() << 32) | (ip & 0xFFFF_FFFFL);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Instances and attachments

    /** Makes an instance known with its type's caps and the host it runs on. */
    public VpcInstance registerInstance(final String instanceId, final NetworkInstanceCaps caps, final int hostId)
    {
        if (instanceId == null || instanceId.isBlank())
        {
            throw new VpcException(VpcException.INVALID_PARAMETER_VALUE, "instance id must not be empty");
        }
        if (instances.containsKey(instanceId))
        {
            throw new VpcException(VpcException.INVALID_PARAMETER_VALUE, "instance " + instanceId + " is already registered");
        }
        if (caps == null)
        {
            throw new VpcException(VpcException.INVALID_PARAMETER_VALUE, "instance " + instanceId + " needs network caps");
        }
        if (hostId < 0)
        {
            throw new VpcException(VpcException.INVALID_PARAMETER_VALUE,
                "host id " + hostId + " for " + instanceId + " must be >= 0");
        }
        final VpcInstance instance = new VpcInstance(instanceId, caps, hostId);
        instances.put(instanceId, instance);
        return instance;
    }

    /** AttachNetworkInterface at {@code deviceIndex} (0 = primary). */
    public void attachNetworkInterface(final String eniId, final String instanceId, final int deviceIndex)
    {
        final Eni eni = eni(eniId);
        final VpcInstance instance = instance(instanceId);
        if (eni.instance() != null)
        {
            throw new VpcException(VpcException.ENI_IN_USE, eniId + " is already attached to " + eni.instanceId());
        }
        final NetworkInstanceCaps caps = instance.caps();
        if (instance.mutableEnis().size() >= caps.maxEnis())
        {
            throw new VpcException(VpcException.ATTACHMENT_LIMIT_EXCEEDED, instanceId + " has "
                + instance.mutableEnis().size() + " network interfaces, its type accepts at most " + caps.maxEnis());
        }
        if (deviceIndex < 0 || deviceIndex >= caps.maxEnis())
        {
            throw new VpcException(VpcException.INVALID_PARAMETER_VALUE, "device index " + deviceIndex + " for "
                + instanceId + " out of range, accepted 0.." + (caps.maxEnis() - 1));
        }
        for (final Eni other : instance.mutableEnis())
        {
            if (other.deviceIndex() == deviceIndex)
            {
                throw new VpcException(VpcException.INVALID_PARAMETER_VALUE,
                    "device index " + deviceIndex + " of " + instanceId + " is taken by " + other.id());
            }
        }
        if (eni.ipCount() > caps.ipv4PerEni())
        {
            throw new VpcException(VpcException.PRIVATE_IP_LIMIT_EXCEEDED, eniId + " has " + eni.ipCount()
                + " private IPv4 addresses, " + instanceId + "'s type accepts at most " + caps.ipv4PerEni() + " per ENI");
        }
        eni.attach(instance, deviceIndex);
        instance.mutableEnis().add(eni);
    }

    /** DeleteNetworkInterface: an unattached ENI; its addresses return to the subnet. */
    public void deleteNetworkInterface(final String eniId)
    {
        final Eni eni = eni(eniId);
        if (eni.instance() != null)
        {
            throw new VpcException(VpcException.ENI_IN_USE, eniId + " is attached to " + eni.instanceId()
                + "; detach it first");
        }
        for (int i = eni.ipCount() - 1; i >= 0; i--)
        {
            final int ip = eni.ip(i);
            eni.subnet().markUsed(ip, false);
            eniByVpcAndIp.remove(routeKey(eni.vpc(), ip));
        }
        enis.remove(eniId);
        enisByNumber.set(eni.number(), null); // numbers are never reused: frames in flight find no ENI
    }

    public void detachNetworkInterface(final String eniId)
    {
        final Eni eni = eni(eniId);
        final VpcInstance instance = eni.instance();
        if (instance == null)
        {
            throw new VpcException("InvalidAttachmentID.NotFound", eniId + " is not attached");
        }
        instance.mutableEnis().remove(eni);
        eni.attach(null, -1);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Peering

    /** CreateVpcPeeringConnection (accepted at once): the two VPCs' CIDRs must not overlap. */
    public PeeringConnection createPeeringConnection(final String requesterVpcId, final String accepterVpcId)
    {
        final Vpc a = vpc(requesterVpcId);
        final Vpc b = vpc(accepterVpcId);
        if (a == b)
        {
            throw new VpcException(VpcException.INVALID_PARAMETER_VALUE, "cannot peer " + a.id() + " with itself");
        }
        if (a.isPeeredWith(b))
        {
            throw new VpcException(VpcException.DUPLICATE, a.id() + " and " + b.id() + " are already peered");
        }
        if (a.cidr().overlaps(b.cidr()))
        {
            throw new VpcException(VpcException.PEERING_OVERLAP, "cannot peer " + a.id() + " (" + a.cidr() + ") with "
                + b.id() + " (" + b.cidr() + "): CIDRs overlap");
        }
        final PeeringConnection pcx = new PeeringConnection(ids.nextId("pcx"), a, b);
        peerings.put(pcx.id(), pcx);
        a.addPeer(b);
        b.addPeer(a);
        return pcx;
    }

    public void deletePeeringConnection(final String peeringId)
    {
        final PeeringConnection pcx = peerings.remove(peeringId);
        if (pcx == null)
        {
            throw new VpcException("InvalidVpcPeeringConnectionID.NotFound", "no peering connection " + peeringId);
        }
        pcx.requester().removePeer(pcx.accepter());
        pcx.accepter().removePeer(pcx.requester());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Data-path lookups (no allocation)

    /** The ENI with this number, or null. */
    public Eni eniByNumber(final int number)
    {
        return number >= 0 && number < enisByNumber.size() ? enisByNumber.get(number) : null;
    }

    /**
     * Which ENI a packet from {@code srcVpc} to {@code dstIp} reaches: the owner of that address in the source
     * VPC when the VPC's CIDR contains it, else in a peered VPC whose CIDR contains it; null when none (no
     * route: VPC isolation).
     */
    public Eni resolve(final Vpc srcVpc, final int dstIp)
    {
        if (srcVpc.cidr().contains(dstIp))
        {
            return eniByVpcAndIp.get(routeKey(srcVpc, dstIp));
        }
        final Vpc[] peers = srcVpc.peerArray();
        for (final Vpc peer : peers)
        {
            if (peer.cidr().contains(dstIp))
            {
                return eniByVpcAndIp.get(routeKey(peer, dstIp));
            }
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Lookups by id

    public Vpc vpc(final String vpcId)
    {
        return found(vpcs.get(vpcId), "InvalidVpcID.NotFound", "VPC", vpcId);
    }

    public Subnet subnet(final String subnetId)
    {
        return found(subnets.get(subnetId), "InvalidSubnetID.NotFound", "subnet", subnetId);
    }

    public SecurityGroup securityGroup(final String groupId)
    {
        return found(groups.get(groupId), "InvalidGroup.NotFound", "security group", groupId);
    }

    public Eni eni(final String eniId)
    {
        return found(enis.get(eniId), "InvalidNetworkInterfaceID.NotFound", "network interface", eniId);
    }

    public VpcInstance instance(final String instanceId)
    {
        return found(instances.get(instanceId), "InvalidInstanceID.NotFound", "instance", instanceId);
    }

    public PeeringConnection peering(final String peeringId)
    {
        return found(peerings.get(peeringId), "InvalidVpcPeeringConnectionID.NotFound", "peering connection", peeringId);
    }

    public List<Vpc> vpcs()
    {
        return List.copyOf(vpcs.values());
    }

    /** Every ENI that exists, in creation order. */
    public List<Eni> networkInterfaces()
    {
        return List.copyOf(enis.values());
    }

    public List<VpcInstance> instances()
    {
        return List.copyOf(instances.values());
    }

    private static <T> T found(final T value, final String code, final String what, final String id)
    {
        if (value == null)
        {
            throw new VpcException(code, "no " + what + " \"" + id + "\"");
        }
        return value;
    }
}
