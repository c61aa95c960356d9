package io.nitrosim.nic.card;

import static io.nitrosim.nic.testbed.TestBed.MS;
import static io.nitrosim.nic.testbed.TestBed.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.nic.shaping.NetworkInstanceCaps;
import io.nitrosim.nic.shaping.NetworkShapingConfig;
import io.nitrosim.nic.testbed.RawFrames;
import io.nitrosim.nic.testbed.TestBed;
import io.nitrosim.nic.traffic.Iperf;
import io.nitrosim.nic.traffic.StreamReceiver;
import io.nitrosim.nic.traffic.StreamSpec;
import io.nitrosim.nic.vpc.Eni;
import io.nitrosim.nic.vpc.Ipv4;
import io.nitrosim.nic.vpc.SecurityGroup;
import io.nitrosim.nic.vpc.SecurityGroupRule;
import io.nitrosim.nic.vpc.Subnet;
import io.nitrosim.nic.vpc.Vpc;
import io.nitrosim.nic.vpc.VpcException;
import io.nitrosim.nic.shaping.EniMeter;

/** Security groups, statefulness, VPC isolation, anti-spoofing, conntrack and link-local allowances. */
class SecurityTest
{
    private static final NetworkInstanceCaps LARGE = NetworkInstanceCaps.C5_LARGE;

    private static StreamSpec udp(final int count)
    {
        // count frames at 1 Gbps with real payload
        final long frameBytes = 1514;
        return StreamSpec.builder(StreamSpec.Mode.UDP_RATE).mtu(1500).rateBytesPerSec(125_000_000L)
            .window(0, count * frameBytes * 1_000_000_000L / 125_000_000L).payloadMode(true).build();
    }

    @Test
    void shouldBlockWhatNoInboundRuleAllowsAndPassItOnceAllowed()
    {
        try (TestBed bed = new TestBed())
        {
            final EniPort a = bed.port("i-a", LARGE, 1);
            final SecurityGroup ssh = bed.net.createSecurityGroup(bed.vpc.id(), "ssh-only");
            bed.net.authorizeIngress(ssh.id(), SecurityGroupRule.tcp(22, "0.0.0.0/0"));
            final EniPort b = bed.port("i-b", LARGE, 2);
            bed.net.modifyNetworkInterfaceGroups(b.eni().id(), List.of(ssh.id()));
            final Iperf iperf = new Iperf(bed.runtime);
            final Iperf.Stream blocked = iperf.stream(udp(100), a, b);
            bed.advanceTo(10 * MS);
            assertEquals(100, blocked.sender().framesSent());
            assertEquals(0, blocked.receiver().framesReceived());
            assertEquals(100, b.counters().get(EniMeter.SG_INGRESS_DROPPED));
            assertEquals(0, b.counters().get(EniMeter.RX_FRAMES));

            bed.net.authorizeIngress(ssh.id(), SecurityGroupRule.udp(5000, 6000, bed.vpc.cidr().toString()));
            final Iperf.Stream allowed = iperf.stream(StreamSpec.builder(StreamSpec.Mode.UDP_RATE).mtu(1500)
                .rateBytesPerSec(125_000_000L).window(10 * MS, 10 * MS + 100 * 12_112L).payloadMode(true).build(), a, b);
            bed.advanceTo(20 * MS);
            assertEquals(100, allowed.sender().framesSent());
            assertEquals(100, allowed.receiver().framesReceived());
            assertEquals(0, allowed.receiver().corrupted());
            assertEquals(0, allowed.receiver().gaps());
            assertEquals(100, b.counters().get(EniMeter.SG_INGRESS_DROPPED), "nothing more was dropped");
        }
    }

    @Test
    void shouldBlockWhatNoOutboundRuleAllows()
    {
        try (TestBed bed = new TestBed())
        {
            final EniPort a = bed.port("i-a", LARGE, 1);
            final EniPort b = bed.port("i-b", LARGE, 2);
            bed.net.revokeEgress(bed.open.id(), SecurityGroupRule.all("0.0.0.0/0"));
            final Iperf iperf = new Iperf(bed.runtime);
            final Iperf.Stream s = iperf.stream(udp(50), a, b);
            bed.advanceTo(10 * MS);
            assertEquals(50, s.sender().framesSent());
            assertEquals(0, s.receiver().framesReceived());
            assertEquals(50, a.counters().get(EniMeter.SG_EGRESS_DROPPED));
            assertEquals(0, a.counters().get(EniMeter.TX_FRAMES));
        }
    }

    @Test
    void shouldAdmitMembersOfASourceGroupOnly()
    {
        try (TestBed bed = new TestBed())
        {
            final SecurityGroup clients = bed.net.createSecurityGroup(bed.vpc.id(), "clients");
            final SecurityGroup servers = bed.net.createSecurityGroup(bed.vpc.id(), "servers");
            bed.net.authorizeIngress(servers.id(), SecurityGroupRule.udp(0, 65535, clients.id()));
            final EniPort member = bed.port("i-member", LARGE, 1);
            final EniPort stranger = bed.port("i-stranger", LARGE, 1);
            final EniPort server = bed.port("i-server", LARGE, 2);
            bed.net.modifyNetworkInterfaceGroups(member.eni().id(), List.of(clients.id()));
            bed.net.modifyNetworkInterfaceGroups(server.eni().id(), List.of(servers.id()));
            final Iperf iperf = new Iperf(bed.runtime);
            final Iperf.Stream fromMember = iperf.stream(udp(40), member, server);
            final Iperf.Stream fromStranger = iperf.stream(udp(40), stranger, server);
            bed.advanceTo(10 * MS);
            assertEquals(40, fromMember.receiver().framesReceived());
            assertEquals(0, fromStranger.receiver().framesReceived());
            assertEquals(40, server.counters().get(EniMeter.SG_INGRESS_DROPPED));
        }
    }

    @Test
    void shouldPassRepliesOfAllowedFlowsStatefully()
    {
        try (TestBed bed = new TestBed())
        {
            // The client's group admits nothing inbound, yet the server's acks (replies) reach it.
            final SecurityGroup closed = bed.net.createSecurityGroup(bed.vpc.id(), "closed");
            final EniPort client = bed.port("i-client", LARGE, 1);
            final EniPort server = bed.port("i-server", LARGE, 2);
            bed.net.modifyNetworkInterfaceGroups(client.eni().id(), List.of(closed.id()));
            final Iperf iperf = new Iperf(bed.runtime);
            final Iperf.Stream tcp = iperf.stream(StreamSpec.builder(StreamSpec.Mode.TCP).mtu(9001)
                .window(0, 100 * MS).windowBytes(1 << 20).build(), client, server);
            bed.advanceTo(110 * MS);
            assertTrue(tcp.sender().acksReceived() > 1000, "acks received: " + tcp.sender().acksReceived());
            assertEquals(tcp.receiver().acksSent(), tcp.sender().acksReceived());
            assertEquals(0, client.counters().get(EniMeter.SG_INGRESS_DROPPED));

            // A new flow the server opens towards the client is not a reply: dropped.
            final TxQueue q = server.addTxQueue();
            assertTrue(RawFrames.send(server, q, client.eni().primaryIp(), EthernetFrame.PROTO_UDP, 9999, 7777, 100));
            bed.advanceTo(120 * MS);
            assertEquals(1, client.counters().get(EniMeter.SG_INGRESS_DROPPED));
        }
    }

    @Test
    void shouldIsolateVpcsUnlessPeered()
    {
        try (TestBed bed = new TestBed())
        {
            final Vpc other = bed.net.createVpc("10.1.0.0/16");
            final Subnet otherSubnet = bed.net.createSubnet(other.id(), "10.1.1.0/24");
            bed.net.authorizeIngress(other.defaultSecurityGroup().id(), SecurityGroupRule.all("10.0.0.0/16"));
            final EniPort a = bed.port("i-a", LARGE, 1);
            final EniPort b = bed.instance("i-b", LARGE, 2, 1, NetworkShapingConfig.DEFAULT, otherSubnet).get(0);
            final Iperf iperf = new Iperf(bed.runtime);
            final Iperf.Stream unpeered = iperf.stream(udp(30), a, b);
            bed.advanceTo(10 * MS);
            assertEquals(30, unpeered.sender().framesSent());
            assertEquals(0, unpeered.receiver().framesReceived());
            assertEquals(30, a.counters().get(EniMeter.NO_ROUTE_DROPPED));

            bed.net.createPeeringConnection(bed.vpc.id(), other.id());
            final Iperf.Stream peered = iperf.stream(StreamSpec.builder(StreamSpec.Mode.UDP_RATE).mtu(1500)
                .rateBytesPerSec(125_000_000L).window(10 * MS, 10 * MS + 30 * 12_112L).payloadMode(true).build(), a, b);
            bed.advanceTo(20 * MS);
            assertEquals(30, peered.receiver().framesReceived());
            assertEquals(30, a.counters().get(EniMeter.NO_ROUTE_DROPPED), "nothing more was dropped");
        }
    }

    @Test
    void shouldKeepOverlappingVpcsApart()
    {
        try (TestBed bed = new TestBed())
        {
            final Vpc twin = bed.net.createVpc("10.0.0.0/16");
            final Subnet twinSubnet = bed.net.createSubnet(twin.id(), "10.0.1.0/24");
            assertThrows(VpcException.class, () -> bed.net.createPeeringConnection(bed.vpc.id(), twin.id()));
            final EniPort a = bed.port("i-a", LARGE, 1);
            final EniPort b = bed.port("i-b", LARGE, 2);
            // The twin VPC's ENI gets the same address as b in its own VPC.
            bed.net.registerInstance("i-twin", LARGE, 3);
            final Eni twinEni = bed.net.createNetworkInterface(twinSubnet.id(), List.of(),
                List.of(Ipv4.format(b.eni().primaryIp())), 0);
            bed.net.attachNetworkInterface(twinEni.id(), "i-twin", 0);
            bed.net.authorizeIngress(twin.defaultSecurityGroup().id(), SecurityGroupRule.all("0.0.0.0/0"));
            final VpcCard twinCard = bed.card(3);
            twinCard.addInstance("i-twin");
            final EniPort twinPort = twinCard.eniPort(twinEni.id());
            final RawFrames.Recorder atB = new RawFrames.Recorder();
            final RawFrames.Recorder atTwin = new RawFrames.Recorder();
            b.sink(atB);
            twinPort.sink(atTwin);
            final TxQueue q = a.addTxQueue();
            for (int i = 0; i < 5; i++)
            {
                assertTrue(RawFrames.send(a, q, b.eni().primaryIp(), EthernetFrame.PROTO_UDP, 1000 + i, 53, 64));
            }
            bed.advanceTo(5 * MS);
            assertEquals(5, atB.frames.size());
            assertEquals(0, atTwin.frames.size());
        }
    }

    @Test
    void shouldDropAndCountSpoofedFrames()
    {
        try (TestBed bed = new TestBed())
        {
            final EniPort a = bed.port("i-a", LARGE, 1);
            final EniPort b = bed.port("i-b", LARGE, 2);
            final RawFrames.Recorder atB = new RawFrames.Recorder();
            b.sink(atB);
            final TxQueue q = a.addTxQueue();
            final int dst = b.eni().primaryIp();
            final int wrongIp = Ipv4.parse("10.0.1.200");
            assertTrue(RawFrames.send(q, a.eni().mac(), wrongIp, dst, EthernetFrame.PROTO_UDP, 1, 2, 10));
            assertTrue(RawFrames.send(q, 0x02_AA_BB_CC_DD_EEL, a.eni().primaryIp(), dst, EthernetFrame.PROTO_UDP, 1, 2, 10));
            assertTrue(RawFrames.send(q, b.eni().mac(), b.eni().primaryIp(), dst, EthernetFrame.PROTO_UDP, 1, 2, 10));
            assertTrue(RawFrames.send(a, q, dst, EthernetFrame.PROTO_UDP, 1, 2, 10));
            bed.advanceTo(5 * MS);
            assertEquals(3, a.counters().get(EniMeter.SPOOF_DROPPED));
            assertEquals(1, a.counters().get(EniMeter.TX_FRAMES));
            assertEquals(List.of("17 " + Ipv4.format(a.eni().primaryIp()) + ":1 > " + Ipv4.format(dst) + ":2 len 52"),
                atB.frames);
        }
    }

    @Test
    void shouldDropNewFlowsBeyondTheConntrackAllowanceUntilEntriesExpire()
    {
        final NetworkShapingConfig config = NetworkShapingConfig.builder().conntrackAllowance(3)
            .udpIdleTimeoutNs(SECOND).build();
        try (TestBed bed = new TestBed(config, 25_000))
        {
            final EniPort a = bed.port("i-a", LARGE, 1);
            final EniPort b = bed.port("i-b", NetworkInstanceCaps.C5_18XLARGE, 2);
            final RawFrames.Recorder atB = new RawFrames.Recorder();
            b.sink(atB);
            final TxQueue q = a.addTxQueue();
            final int dst = b.eni().primaryIp();
            for (int flow = 0; flow < 5; flow++)
            {
                assertTrue(RawFrames.send(a, q, dst, EthernetFrame.PROTO_UDP, 2000 + flow, 53, 10));
            }
            // An established flow keeps passing.
            assertTrue(RawFrames.send(a, q, dst, EthernetFrame.PROTO_UDP, 2000, 53, 10));
            bed.advanceTo(5 * MS);
            assertEquals(2, a.counters().get(EniMeter.CONNTRACK_ALLOWANCE_EXCEEDED));
            assertEquals(4, atB.frames.size());
            assertEquals(3, bed.card(1).instance("i-a").conntrack().size());

            bed.advanceTo(5 * MS + SECOND);
            for (int flow = 3; flow < 5; flow++)
            {
                assertTrue(RawFrames.send(a, q, dst, EthernetFrame.PROTO_UDP, 2000 + flow, 53, 10));
            }
            bed.advanceTo(10 * MS + SECOND);
            assertEquals(2, a.counters().get(EniMeter.CONNTRACK_ALLOWANCE_EXCEEDED), "expired entries made room");
            assertEquals(6, atB.frames.size());
        }
    }

    @Test
    void shouldLimitLinkLocalTrafficTo1024PacketsPerSecondPerEni()
    {
        try (TestBed bed = new TestBed())
        {
            final EniPort a = bed.port("i-a", LARGE, 1);
            final TxQueue q = a.addTxQueue(4096, 128);
            final int metadata = Ipv4.parse("169.254.169.254");
            for (int i = 0; i < 3000; i++)
            {
                assertTrue(RawFrames.send(a, q, metadata, EthernetFrame.PROTO_TCP, 30000 + (i & 1023), 80, 20));
            }
            bed.advanceTo(MS);
            assertEquals(1024, a.counters().get(EniMeter.LINKLOCAL_FRAMES));
            assertEquals(1976, a.counters().get(EniMeter.LINKLOCAL_ALLOWANCE_EXCEEDED));

            bed.advanceTo(SECOND / 2);
            for (int i = 0; i < 3000; i++)
            {
                assertTrue(RawFrames.send(a, q, metadata, EthernetFrame.PROTO_UDP, 30000, 53, 20));
            }
            bed.advanceTo(2 * MS + SECOND / 2);
            assertEquals(1024 + 512, a.counters().get(EniMeter.LINKLOCAL_FRAMES), "half a second refills 512 packets");
            assertEquals(1976 + 2488, a.counters().get(EniMeter.LINKLOCAL_ALLOWANCE_EXCEEDED));
            assertEquals(0, a.counters().get(EniMeter.TX_FRAMES), "link-local traffic never reaches the fabric");
        }
    }

    @Test
    void shouldCountPacketsOverAPpsLimit()
    {
        final NetworkShapingConfig config = NetworkShapingConfig.builder().ppsLimit(100_000).build();
        try (TestBed bed = new TestBed(config, 25_000))
        {
            final EniPort a = bed.port("i-a", NetworkInstanceCaps.C5_18XLARGE, 1);
            final EniPort b = bed.port("i-b", NetworkInstanceCaps.C5_18XLARGE, 2);
            final Iperf iperf = new Iperf(bed.runtime);
            final Iperf.Stream s = iperf.stream(StreamSpec.builder(StreamSpec.Mode.UDP_UNLIMITED).mtu(1500)
                .window(0, SECOND).build(), a, b);
            bed.advanceTo(200 * MS);
            final long f0 = s.receiver().framesReceived();
            bed.advanceTo(SECOND);
            final double pps = (s.receiver().framesReceived() - f0) / 0.8;
            System.out.printf("PPS-limited stream: %.1f packets/s%n", pps);
            assertEquals(100_000, pps, 1_000);
            assertTrue(a.counters().get(EniMeter.PPS_ALLOWANCE_EXCEEDED) > 0);
        }
    }

    @Test
    void shouldReactToIngressDropsWithAimd()
    {
        final NetworkInstanceCaps oneGbps = new NetworkInstanceCaps(125_000_000L, 125_000_000L, 0, 10, 3);
        final NetworkShapingConfig config = NetworkShapingConfig.builder().ingressBufferBytes(256 * 1024).build();
        try (TestBed bed = new TestBed(config, 25_000))
        {
            final EniPort a = bed.port("i-a", NetworkInstanceCaps.C5_18XLARGE, 1);
            final EniPort b = bed.port("i-b", oneGbps, 2);
            final Iperf iperf = new Iperf(bed.runtime);
            final Iperf.Stream tcp = iperf.stream(StreamSpec.builder(StreamSpec.Mode.TCP).mtu(9001)
                .window(0, SECOND).windowBytes(8 << 20).rtoNs(10 * MS).build(), a, b);
            bed.advanceTo(SECOND + 50 * MS);
            final StreamReceiver r = tcp.receiver();
            final double gbps = r.bytesReceived() * 8 / 1e9;
            System.out.printf("TCP-like into 1 Gbps: %.4f Gbps, loss events %d, timeouts %d, gaps %d, cwnd %d%n", gbps,
                tcp.sender().lossEvents(), tcp.sender().timeouts(), r.gaps(), tcp.sender().cwndSegments());
            assertTrue(tcp.sender().lossEvents() > 0, "drops halved the window");
            assertTrue(b.counters().get(EniMeter.BW_IN_ALLOWANCE_EXCEEDED) > 0);
            assertTrue(gbps > 0.8 && gbps <= 1.0 + 0.01, "goodput " + gbps + " Gbps against a 1 Gbps cap");
        }
    }
}
