package io.nitrosim.nic.vpc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A virtual private cloud: an IPv4 CIDR block, a VNI on the fabric, subnets, groups and peerings. */
public final class Vpc
{
    private final String id;
    private final int number;
    private final Cidr cidr;
    private final int vni;
    private final List<Subnet> subnets = new ArrayList<>();
    private final List<SecurityGroup> securityGroups = new ArrayList<>();
    private Vpc[] peers = new Vpc[0];
    private SecurityGroup defaultGroup;

    Vpc(final String id, final int number, final Cidr cidr, final int vni)
    {
        this.id = id;
        this.number = number;
        this.cidr = cidr;
        this.vni = vni;
    }

    public String id()
    {
        return id;
    }

    /** Dense index of this VPC in its {@link VpcNetwork}. */
    public int number()
    {
        return number;
    }

    public Cidr cidr()
    {
        return cidr;
    }

    /** 24-bit virtual network id carried in the encapsulation header. */
    public int vni()
    {
        return vni;
    }

    public List<Subnet> subnets()
    {
        return Collections.unmodifiableList(subnets);
    }

    public List<SecurityGroup> securityGroups()
    {
        return Collections.unmodifiableList(securityGroups);
    }

    /** The VPC's "default" group: inbound from its own members, all outbound. */
    public SecurityGroup defaultSecurityGroup()
    {
        return defaultGroup;
    }

    /** Whether an active peering connects this VPC with {@code other} (a VPC is trivially "peered" with itself). */
    public boolean isPeeredWith(final Vpc other)
    {
        if (other == this)
        {
            return true;
        }
        for (final Vpc peer : peers)
        {
            if (peer == other)
            {
                return true;
            }
        }
        return false;
    }

    /** Peers as an array the data path scans (no copy: do not modify). */
    Vpc[] peerArray()
    {
        return peers;
    }

    public int peerCount()
    {
        return peers.length;
    }

    public Vpc peer(final int i)
    {
        return peers[i];
    }

    void addPeer(final Vpc peer)
    {
        final Vpc[] next = java.util.Arrays.copyOf(peers, peers.length + 1);
        next[peers.length] = peer;
        peers = next;
    }

    void removePeer(final Vpc peer)
    {
        final List<Vpc> list = new ArrayList<>(List.of(peers));
        list.remove(peer);
        peers = list.toArray(new Vpc[0]);
    }

    List<Subnet> mutableSubnets()
    {
        return subnets;
    }

    List<SecurityGroup> mutableGroups()
    {
        return securityGroups;
    }

    void defaultGroup(final SecurityGroup group)
    {
        this.defaultGroup = group;
    }

    @Override
    public String toString()
    {
        return id + "(" + cidr + ", vni " + vni + ")";
    }
}
