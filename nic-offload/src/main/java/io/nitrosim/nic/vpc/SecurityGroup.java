package io.nitrosim.nic.vpc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A security group: stateful allow-rules for an ENI's traffic. No inbound rule means inbound is denied; a new
 * group allows all outbound (EC2's default egress rule). Replies to allowed traffic pass whatever the rules say
 * (connection tracking, see {@code ConnTrackTable}).
 * <p>
 * Rules are kept twice: as stated ({@link #ingressRules()}) and compiled to an array the card scans per new
 * flow without allocating.
 */
public final class SecurityGroup
{
    private final String id;
    private final String name;
    private final Vpc vpc;
    private final List<SecurityGroupRule> ingress = new ArrayList<>();
    private final List<SecurityGroupRule> egress = new ArrayList<>();
    private CompiledRule[] compiledIngress = new CompiledRule[0];
    private CompiledRule[] compiledEgress = new CompiledRule[0];

    SecurityGroup(final String id, final String name, final Vpc vpc)
    {
        this.id = id;
        this.name = name;
        this.vpc = vpc;
    }

    public String id()
    {
        return id;
    }

    public String name()
    {
        return name;
    }

    public Vpc vpc()
    {
        return vpc;
    }

    public List<SecurityGroupRule> ingressRules()
    {
        return Collections.unmodifiableList(ingress);
    }

    public List<SecurityGroupRule> egressRules()
    {
        return Collections.unmodifiableList(egress);
    }

    List<SecurityGroupRule> mutableRules(final boolean inbound)
    {
        return inbound ? ingress : egress;
    }

    void setCompiled(final boolean inbound, final CompiledRule[] rules)
    {
        if (inbound)
        {
            compiledIngress = rules;
        }
        else
        {
            compiledEgress = rules;
        }
    }

    /**
     * Whether an inbound rule admits a packet.
     *
     * @param protocol IP protocol number.
     * @param port     destination port (TCP/UDP).
     * @param peerIp   source IPv4.
     * @param peerEni  the source ENI when it is in the VPC model (for group rules), else null.
     */
    public boolean allowsIngress(final int protocol, final int port, final int peerIp, final Eni peerEni)
    {
        return matches(compiledIngress, protocol, port, peerIp, peerEni);
    }

    /** Whether an outbound rule admits a packet to {@code peerIp}/{@code port}. */
    public boolean allowsEgress(final int protocol, final int port, final int peerIp, final Eni peerEni)
    {
        return matches(compiledEgress, protocol, port, peerIp, peerEni);
    }

    private static boolean matches(
        final CompiledRule[] rules, final int protocol, final int port, final int peerIp, final Eni peerEni)
    {
        for (final CompiledRule rule : rules)
        {
            if (rule.protocol != -1 && rule.protocol != protocol)
            {
                continue;
            }
            if (rule.hasPorts && (port < rule.fromPort || port > rule.toPort))
            {
                continue;
            }
            if (rule.group != null)
            {
                if (peerEni != null && peerEni.isMemberOf(rule.group))
                {
                    return true;
                }
            }
            else if ((peerIp & rule.mask) == rule.network)
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString()
    {
        return id + "(" + name + ")";
    }

    /** A validated rule in the form the data path scans. */
    static final class CompiledRule
    {
        final int protocol;
        final boolean hasPorts;
        final int fromPort;
        final int toPort;
        final int network;
        final int mask;
        final SecurityGroup group;

        CompiledRule(final int protocol, final boolean hasPorts, final int fromPort, final int toPort,
            final int network, final int mask, final SecurityGroup group)
        {
            this.protocol = protocol;
            this.hasPorts = hasPorts;
            this.fromPort = fromPort;
            this.toPort = toPort;
            this.network = network;
            this.mask = mask;
            this.group = group;
        }
    }
}
