package io.nitrosim.nic.vpc;

import java.util.BitSet;

/**
 * A subnet: a CIDR inside its VPC's that overlaps no other subnet. As in EC2, the first four addresses and the
 * last one are reserved (network, router, DNS, future use, broadcast).
 */
public final class Subnet
{
    /** Addresses reserved at the start of each subnet. */
    public static final int RESERVED_HEAD = 4;

    private final String id;
    private final Vpc vpc;
    private final Cidr cidr;
    private final BitSet used;

    Subnet(final String id, final Vpc vpc, final Cidr cidr)
    {
        this.id = id;
        this.vpc = vpc;
        this.cidr = cidr;
        this.used = new BitSet((int)cidr.size());
    }

    public String id()
    {
        return id;
    }

    public Vpc vpc()
    {
        return vpc;
    }

    public Cidr cidr()
    {
        return cidr;
    }

    /** Addresses free for ENIs. */
    public int availableAddresses()
    {
        return (int)cidr.size() - RESERVED_HEAD - 1 - used.cardinality();
    }

    /** The subnet router's address (network + 1), the guest's default gateway. */
    public int routerIp()
    {
        return cidr.network() + 1;
    }

    boolean isReserved(final int ip)
    {
        final long index = (ip - cidr.network()) & 0xFFFF_FFFFL;
        return index < RESERVED_HEAD || index == cidr.size() - 1;
    }

    boolean isUsed(final int ip)
    {
        return used.get(ip - cidr.network());
    }

    void markUsed(final int ip, final boolean inUse)
    {
        used.set(ip - cidr.network(), inUse);
    }

    /** Lowest free, unreserved address, or 0 when the subnet is full. */
    int lowestFree()
    {
        final int index = used.nextClearBit(RESERVED_HEAD);
        return index >= cidr.size() - 1 ? 0 : cidr.address(index);
    }

    @Override
    public String toString()
    {
        return id + "(" + cidr + ")";
    }
}
