package io.nitrosim.nic.vpc;

/**
 * One security group rule as a user states it. For an inbound rule {@code peer} is the source, for an outbound
 * rule the destination: a CIDR ("10.0.0.0/16", "0.0.0.0/0") or a security group id ("sg-..."), meaning every
 * ENI that is a member of that group. Ports are an inclusive range for TCP and UDP and ignored (stored as -1)
 * for ICMP and ALL. {@link VpcNetwork} validates rules when they are authorized.
 */
public record SecurityGroupRule(Protocol protocol, int fromPort, int toPort, String peer)
{
    public static SecurityGroupRule of(final Protocol protocol, final int fromPort, final int toPort, final String peer)
    {
        return new SecurityGroupRule(protocol, fromPort, toPort, peer);
    }

    public static SecurityGroupRule tcp(final int port, final String peer)
    {
        return new SecurityGroupRule(Protocol.TCP, port, port, peer);
    }

    public static SecurityGroupRule tcp(final int fromPort, final int toPort, final String peer)
    {
        return new SecurityGroupRule(Protocol.TCP, fromPort, toPort, peer);
    }

    public static SecurityGroupRule udp(final int port, final String peer)
    {
        return new SecurityGroupRule(Protocol.UDP, port, port, peer);
    }

    public static SecurityGroupRule udp(final int fromPort, final int toPort, final String peer)
    {
        return new SecurityGroupRule(Protocol.UDP, fromPort, toPort, peer);
    }

    public static SecurityGroupRule icmp(final String peer)
    {
        return new SecurityGroupRule(Protocol.ICMP, -1, -1, peer);
    }

    public static SecurityGroupRule all(final String peer)
    {
        return new SecurityGroupRule(Protocol.ALL, -1, -1, peer);
    }

    /** Whether the peer names a security group rather than a CIDR. */
    public boolean isGroupPeer()
    {
        return peer != null && peer.startsWith("sg-");
    }

    @Override
    public String toString()
    {
        return protocol.name().toLowerCase(java.util.Locale.ROOT)
            + (protocol.hasPorts() ? " " + fromPort + "-" + toPort : "") + " " + peer;
    }
}
