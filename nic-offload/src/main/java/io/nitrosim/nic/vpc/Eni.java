package io.nitrosim.nic.vpc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An elastic network interface: id "eni-" + 17 hex, a MAC 02:xx:xx:xx:xx:xx, private IPv4s in its subnet (the
 * first is the primary), up to five security groups, and at most one attachment to an instance.
 * Changed only through {@link VpcNetwork}; the accessors the data path calls allocate nothing.
 */
public final class Eni
{
    /** EC2's limit of security groups per interface. */
    public static final int MAX_SECURITY_GROUPS = 5;

    private final String id;
    private final int number;
    private final long mac;
    private final Subnet subnet;
    private int[] ips = new int[0];
    private SecurityGroup[] groups = new SecurityGroup[0];
    private VpcInstance instance;
    private int deviceIndex = -1;

    Eni(final String id, final int number, final long mac, final Subnet subnet)
    {
        this.id = id;
        this.number = number;
        this.mac = mac;
        this.subnet = subnet;
    }

    public String id()
    {
        return id;
    }

    /** Dense 24-bit number of this ENI in its network: what the encapsulation header carries. */
    public int number()
    {
        return number;
    }

    public long mac()
    {
        return mac;
    }

    public String macAddress()
    {
        return MacAddress.format(mac);
    }

    public Subnet subnet()
    {
        return subnet;
    }

    public Vpc vpc()
    {
        return subnet.vpc();
    }

    public int primaryIp()
    {
        return ips[0];
    }

    public int ipCount()
    {
        return ips.length;
    }

    public int ip(final int i)
    {
        return ips[i];
    }

    public List<String> privateIpAddresses()
    {
        final List<String> list = new ArrayList<>(ips.length);
        for (final int ip : ips)
        {
            list.add(Ipv4.format(ip));
        }
        return list;
    }

    /** Whether {@code ip} is one of this ENI's private addresses (anti-spoofing check). */
    public boolean hasIp(final int ip)
    {
        for (final int own : ips)
        {
            if (own == ip)
            {
                return true;
            }
        }
        return false;
    }

    public int securityGroupCount()
    {
        return groups.length;
    }

    public SecurityGroup securityGroup(final int i)
    {
        return groups[i];
    }

    public List<SecurityGroup> securityGroups()
    {
        return List.of(groups);
    }

    public boolean isMemberOf(final SecurityGroup group)
    {
        for (final SecurityGroup g : groups)
        {
            if (g == group)
            {
                return true;
            }
        }
        return false;
    }

    /** Whether any of this ENI's groups admits an inbound packet from {@code srcIp}/{@code srcEni}. */
    public boolean allowsIngress(final int protocol, final int dstPort, final int srcIp, final Eni srcEni)
    {
        for (final SecurityGroup g : groups)
        {
            if (g.allowsIngress(protocol, dstPort, srcIp, srcEni))
            {
                return true;
            }
        }
        return false;
    }

    /** Whether any of this ENI's groups admits an outbound packet to {@code dstIp}/{@code dstEni}. */
    public boolean allowsEgress(final int protocol, final int dstPort, final int dstIp, final Eni dstEni)
    {
        for (final SecurityGroup g : groups)
        {
            if (g.allowsEgress(protocol, dstPort, dstIp, dstEni))
            {
                return true;
            }
        }
        return false;
    }

    /** The instance it is attached to, or null. */
    public VpcInstance instance()
    {
        return instance;
    }

    public String instanceId()
    {
        return instance == null ? null : instance.instanceId();
    }

    /** Host the ENI's instance runs on, or -1 when detached. */
    public int hostId()
    {
        return instance == null ? -1 : instance.hostId();
    }

    public int deviceIndex()
    {
        return deviceIndex;
    }

    void addIp(final int ip)
    {
        ips = Arrays.copyOf(ips, ips.length + 1);
        ips[ips.length - 1] = ip;
    }

    void removeIp(final int ip)
    {
        final int[] next = new int[ips.length - 1];
        int j = 0;
        for (final int own : ips)
        {
            if (own != ip)
            {
                next[j++] = own;
            }
        }
        ips = next;
    }

    void groups(final SecurityGroup[] groups)
    {
        this.groups = groups;
    }

    void attach(final VpcInstance instance, final int deviceIndex)
    {
        this.instance = instance;
        this.deviceIndex = deviceIndex;
    }

    @Override
    public String toString()
    {
        return id + "(#" + number + ", " + macAddress() + ", " + privateIpAddresses() + ")";
    }
}
