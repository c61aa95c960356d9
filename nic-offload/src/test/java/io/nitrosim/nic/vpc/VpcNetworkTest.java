package io.nitrosim.nic.vpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import io.nitrosim.control.Ec2Error;
import io.nitrosim.nic.shaping.NetworkInstanceCaps;

class VpcNetworkTest
{
    private static VpcException rejected(final String code, final Executable call)
    {
        final VpcException ex = assertThrows(VpcException.class, call);
        assertEquals(code, ex.code(), ex.getMessage());
        assertEquals(Ec2Error.of(code), ex.error());
        assertTrue(ex.getMessage().startsWith(code + ": "), "names the EC2 code: " + ex.getMessage());
        assertEquals(ex.getMessage(), code + ": " + ex.detail());
        assertFalse(ex.getMessage().contains("\n"), "one line: " + ex.getMessage());
        return ex;
    }

    @Test
    void shouldGenerateWellFormedDeterministicIds()
    {
        final VpcNetwork first = new VpcNetwork(42);
        final VpcNetwork second = new VpcNetwork(42);
        final Vpc a = first.createVpc("10.0.0.0/16");
        final Vpc b = second.createVpc("10.0.0.0/16");
        assertTrue(a.id().matches("vpc-[0-9a-f]{17}"), a.id());
        assertEquals(a.id(), b.id());
        assertEquals(a.vni(), b.vni());
        final Subnet s = first.createSubnet(a.id(), "10.0.1.0/24");
        assertTrue(s.id().matches("subnet-[0-9a-f]{17}"), s.id());
        final Eni eni = first.createNetworkInterface(s.id());
        assertTrue(eni.id().matches("eni-[0-9a-f]{17}"), eni.id());
        assertTrue(eni.macAddress().matches("02(:[0-9a-f]{2}){5}"), eni.macAddress());
        assertTrue(a.defaultSecurityGroup().id().matches("sg-[0-9a-f]{17}"));
        assertEquals("10.0.1.4", Ipv4.format(eni.primaryIp()), "first four addresses are reserved");
        assertTrue(new VpcNetwork(43).createVpc("10.0.0.0/16").id().compareTo(a.id()) != 0);
    }

    @Test
    void shouldRejectBadCidrsWithOneLineMessages()
    {
        final VpcNetwork net = new VpcNetwork(1);
        final VpcException bad = rejected(VpcException.INVALID_PARAMETER_VALUE, () -> net.createVpc("10.0.0.0/33"));
        assertTrue(bad.getMessage().contains("10.0.0.0/33") && bad.getMessage().contains("/16../28"), bad.getMessage());
        rejected(VpcException.INVALID_PARAMETER_VALUE, () -> net.createVpc("10.0.0.0/8"));
        rejected(VpcException.INVALID_PARAMETER_VALUE, () -> net.createVpc("10.0.0.1/16"));
        rejected(VpcException.INVALID_PARAMETER_VALUE, () -> net.createVpc("10.0.300.0/16"));
        rejected(VpcException.INVALID_PARAMETER_VALUE, () -> net.createVpc("banana"));
    }

    @Test
    void shouldRejectSubnetsOutsideOrOverlapping()
    {
        final VpcNetwork net = new VpcNetwork(1);
        final Vpc vpc = net.createVpc("10.0.0.0/16");
        net.createSubnet(vpc.id(), "10.0.1.0/24");
        rejected(VpcException.INVALID_SUBNET_RANGE, () -> net.createSubnet(vpc.id(), "10.1.0.0/24"));
        final VpcException overlap = rejected(VpcException.INVALID_SUBNET_CONFLICT,
            () -> net.createSubnet(vpc.id(), "10.0.1.128/25"));
        assertTrue(overlap.getMessage().contains("10.0.1.0/24"), overlap.getMessage());
        rejected("InvalidVpcID.NotFound", () -> net.createSubnet("vpc-00000000000000000", "10.0.2.0/24"));
    }

    @Test
    void shouldValidateAddressesAndTheTypesIpLimit()
    {
        final VpcNetwork net = new VpcNetwork(1);
        final Vpc vpc = net.createVpc("10.0.0.0/16");
        final Subnet subnet = net.createSubnet(vpc.id(), "10.0.1.0/24");
        rejected(VpcException.INVALID_PARAMETER_VALUE,
            () -> net.createNetworkInterface(subnet.id(), List.of(), List.of("10.0.2.5"), 0));
        rejected(VpcException.INVALID_PARAMETER_VALUE,
            () -> net.createNetworkInterface(subnet.id(), List.of(), List.of("10.0.1.2"), 0));
        rejected(VpcException.INVALID_PARAMETER_VALUE,
            () -> net.createNetworkInterface(subnet.id(), List.of(), List.of("10.0.1.255"), 0));
        final Eni eni = net.createNetworkInterface(subnet.id(), List.of(), List.of("10.0.1.10"), 0);
        rejected(VpcException.IP_IN_USE, () -> net.createNetworkInterface(subnet.id(), List.of(), List.of("10.0.1.10"), 0));

        net.registerInstance("i-1", NetworkInstanceCaps.C5_LARGE, 0);
        net.attachNetworkInterface(eni.id(), "i-1", 0);
        net.assignPrivateIpAddresses(eni.id(), 9); // c5.large: 10 per ENI
        assertEquals(10, eni.ipCount());
        final VpcException tooMany = rejected("PrivateIpAddressLimitExceeded",
            () -> net.assignPrivateIpAddresses(eni.id(), 1));
        assertTrue(tooMany.getMessage().contains("at most 10"), tooMany.getMessage());

        final Eni fat = net.createNetworkInterface(subnet.id(), List.of(), List.of(), 11);
        net.registerInstance("i-2", NetworkInstanceCaps.C5_LARGE, 0);
        rejected(VpcException.PRIVATE_IP_LIMIT_EXCEEDED, () -> net.attachNetworkInterface(fat.id(), "i-2", 0));
        assertNull(fat.instance());
    }

    @Test
    void shouldRefuseAnInterfaceInAFullSubnetWithInsufficientFreeAddressesInSubnet()
    {
        final VpcNetwork net = new VpcNetwork(3);
        final Vpc vpc = net.createVpc("10.0.0.0/16");
        final Subnet small = net.createSubnet(vpc.id(), "10.0.9.0/28"); // 16 addresses, 5 reserved
        for (int i = 0; i < 11; i++)
        {
            net.createNetworkInterface(small.id());
        }
        assertEquals(0, small.availableAddresses());
        final VpcException full = rejected("InsufficientFreeAddressesInSubnet", () -> net.createNetworkInterface(small.id()));
        assertEquals("InsufficientFreeAddressesInSubnet: " + small.id() + " (10.0.9.0/28) has 0 free addresses, asked 1",
            full.getMessage());
    }

    @Test
    void shouldEnforceTheTypesEniLimitAndSingleAttachment()
    {
        final VpcNetwork net = new VpcNetwork(1);
        final Vpc vpc = net.createVpc("10.0.0.0/16");
        final Subnet subnet = net.createSubnet(vpc.id(), "10.0.1.0/24");
        net.registerInstance("i-1", NetworkInstanceCaps.C5_LARGE, 0);
        for (int i = 0; i < 3; i++)
        {
            net.attachNetworkInterface(net.createNetworkInterface(subnet.id()).id(), "i-1", i);
        }
        final Eni fourth = net.createNetworkInterface(subnet.id());
        rejected("AttachmentLimitExceeded", () -> net.attachNetworkInterface(fourth.id(), "i-1", 3));
        net.registerInstance("i-2", NetworkInstanceCaps.C5_LARGE, 1);
        final Eni attached = net.instance("i-1").enis().get(0);
        rejected(VpcException.ENI_IN_USE, () -> net.attachNetworkInterface(attached.id(), "i-2", 0));
        net.detachNetworkInterface(attached.id());
        net.attachNetworkInterface(attached.id(), "i-2", 0);
        assertEquals(1, attached.hostId());
    }

    @Test
    void shouldValidateSecurityGroupsAndRules()
    {
        final VpcNetwork net = new VpcNetwork(1);
        final Vpc vpc = net.createVpc("10.0.0.0/16");
        final Vpc other = net.createVpc("10.1.0.0/16");
        final Subnet subnet = net.createSubnet(vpc.id(), "10.0.1.0/24");
        final SecurityGroup web = net.createSecurityGroup(vpc.id(), "web");
        final SecurityGroup foreign = net.createSecurityGroup(other.id(), "foreign");
        rejected("InvalidGroup.Duplicate", () -> net.createSecurityGroup(vpc.id(), "web"));
        rejected(VpcException.PERMISSION_MALFORMED, () -> net.authorizeIngress(web.id(), SecurityGroupRule.tcp(90, 80, "0.0.0.0/0")));
        rejected(VpcException.PERMISSION_MALFORMED, () -> net.authorizeIngress(web.id(), SecurityGroupRule.tcp(70000, "0.0.0.0/0")));
        rejected(VpcException.INVALID_PARAMETER_VALUE, () -> net.authorizeIngress(web.id(), SecurityGroupRule.tcp(80, "10.0.0.1/8")));
        rejected(VpcException.INVALID_PARAMETER_VALUE, () -> net.authorizeIngress(web.id(), SecurityGroupRule.tcp(80, foreign.id())));
        net.authorizeIngress(web.id(), SecurityGroupRule.tcp(80, "0.0.0.0/0"));
        rejected(VpcException.PERMISSION_DUPLICATE, () -> net.authorizeIngress(web.id(), SecurityGroupRule.tcp(80, "0.0.0.0/0")));
        rejected(VpcException.INVALID_PARAMETER_VALUE, () -> net.createNetworkInterface(subnet.id(), foreign.id()));
        rejected("SecurityGroupsPerInterfaceLimitExceeded", () -> net.createNetworkInterface(subnet.id(),
            List.of("sg-1", "sg-2", "sg-3", "sg-4", "sg-5", "sg-6"), List.of(), 0));

        final Eni eni = net.createNetworkInterface(subnet.id(), web.id());
        assertTrue(eni.allowsIngress(6, 80, Ipv4.parse("1.2.3.4"), null));
        assertFalse(eni.allowsIngress(6, 81, Ipv4.parse("1.2.3.4"), null));
        assertFalse(eni.allowsIngress(17, 80, Ipv4.parse("1.2.3.4"), null));
        assertTrue(eni.allowsEgress(17, 53, Ipv4.parse("8.8.8.8"), null), "new groups allow all outbound");
        net.revokeIngress(web.id(), SecurityGroupRule.tcp(80, "0.0.0.0/0"));
        assertFalse(eni.allowsIngress(6, 80, Ipv4.parse("1.2.3.4"), null));
    }

    @Test
    void shouldPeerOnlyNonOverlappingVpcsAndResolveThroughPeers()
    {
        final VpcNetwork net = new VpcNetwork(1);
        final Vpc a = net.createVpc("10.0.0.0/16");
        final Vpc b = net.createVpc("10.1.0.0/16");
        final Vpc twin = net.createVpc("10.0.0.0/20");
        final Eni inB = net.createNetworkInterface(net.createSubnet(b.id(), "10.1.0.0/24").id());
        assertNull(net.resolve(a, inB.primaryIp()), "no peering: no route");
        rejected(VpcException.PEERING_OVERLAP, () -> net.createPeeringConnection(a.id(), twin.id()));
        final PeeringConnection pcx = net.createPeeringConnection(a.id(), b.id());
        assertTrue(pcx.id().matches("pcx-[0-9a-f]{17}"));
        rejected(VpcException.DUPLICATE, () -> net.createPeeringConnection(b.id(), a.id()));
        assertSame(inB, net.resolve(a, inB.primaryIp()));
        net.deletePeeringConnection(pcx.id());
        assertNull(net.resolve(a, inB.primaryIp()));
    }
}
