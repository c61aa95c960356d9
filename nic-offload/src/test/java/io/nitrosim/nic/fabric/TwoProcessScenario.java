package io.nitrosim.nic.fabric;

import io.nitrosim.nic.shaping.NetworkInstanceCaps;
import io.nitrosim.nic.vpc.Eni;
import io.nitrosim.nic.vpc.SecurityGroup;
import io.nitrosim.nic.vpc.SecurityGroupRule;
import io.nitrosim.nic.vpc.Subnet;
import io.nitrosim.nic.vpc.Vpc;
import io.nitrosim.nic.vpc.VpcNetwork;

/**
 * The VPC both processes build from the same seed: i-a on host 1 (parent), i-b on host 2 (child). Same calls,
 * same seed: same ids in both processes, which is all the static configuration the fabric needs.
 */
final class TwoProcessScenario
{
    static final long SEED = 2024;
    static final int FRAMES = 2_000;

    final VpcNetwork net = new VpcNetwork(SEED);
    final Eni a;
    final Eni b;

    TwoProcessScenario()
    {
        final Vpc vpc = net.createVpc("10.0.0.0/16");
        final Subnet subnet = net.createSubnet(vpc.id(), "10.0.1.0/24");
        final SecurityGroup open = net.createSecurityGroup(vpc.id(), "open");
        net.authorizeIngress(open.id(), SecurityGroupRule.all("10.0.0.0/16"));
        net.registerInstance("i-a", NetworkInstanceCaps.C5_LARGE, 1);
        net.registerInstance("i-b", NetworkInstanceCaps.C5_LARGE, 2);
        a = net.createNetworkInterface(subnet.id(), open.id());
        b = net.createNetworkInterface(subnet.id(), open.id());
        net.attachNetworkInterface(a.id(), "i-a", 0);
        net.attachNetworkInterface(b.id(), "i-b", 0);
    }
}
