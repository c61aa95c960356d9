package io.nitrosim.nic.fabric;

import java.util.Arrays;

import org.agrona.collections.Int2ObjectHashMap;

import io.nitrosim.shaping.ShapedRing;

/**
 * The static routing table of the fabric: which {@link FabricPort} reaches each host. Hosts of this process
 * are reached through their card's fabric ring; hosts of other processes through a UDP transport. Which host
 * owns which ENI and IP is the VPC model's mapping ({@code VpcNetwork}: ENI -> instance -> host), so the
 * directory only maps host ids to ports. Configure it before the cards run; reads allocate nothing.
 */
public final class HostDirectory
{
    /** Default one-way latency of an in-process fabric link. */
    public static final long DEFAULT_LINK_LATENCY_NS = 25_000L;

    /** Host ids below this are also kept in an array indexed by id: a card looks its frame's host up per frame. */
    private static final int DENSE_HOST_IDS = 1024;

    private final Int2ObjectHashMap<FabricPort> ports = new Int2ObjectHashMap<>();
    private FabricPort[] dense = new FabricPort[0];

    /** Routes {@code hostId} to a card of this process through its fabric ring. */
    public HostDirectory addLocalHost(final int hostId, final ShapedRing fabricInbound, final long latencyNs)
    {
        return addHost(hostId, new RingFabricPort(fabricInbound, latencyNs));
    }

    /** Routes {@code hostId} through any port (e.g. {@link UdpFabricTransport#portTo(int)}). */
    public HostDirectory addHost(final int hostId, final FabricPort port)
    {
        if (hostId < 0)
        {
            throw new IllegalArgumentException("host id " + hostId + " must be >= 0");
        }
        if (port == null)
        {
            throw new IllegalArgumentException("host " + hostId + " needs a fabric port");
        }
        if (ports.containsKey(hostId))
        {
            throw new IllegalArgumentException("host " + hostId + " is already routed");
        }
        ports.put(hostId, port);
        if (hostId < DENSE_HOST_IDS)
        {
            final FabricPort[] grown = Arrays.copyOf(dense, Math.max(dense.length, hostId + 1));
            grown[hostId] = port;
            dense = grown;
        }
        return this;
    }

    /** The port to {@code hostId}, or null when the host is unknown. */
    public FabricPort port(final int hostId)
    {
        final FabricPort[] dense = this.dense;
        if (hostId >= 0 && hostId < dense.length)
        {
            return dense[hostId];
        }
        return hostId < DENSE_HOST_IDS ? null : ports.get(hostId);
    }

    public boolean knows(final int hostId)
    {
        return port(hostId) != null;
    }
}
