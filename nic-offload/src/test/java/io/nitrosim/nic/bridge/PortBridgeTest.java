package io.nitrosim.nic.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.nitrosim.nic.shaping.EniMeter;
import io.nitrosim.nic.shaping.NetworkInstanceCaps;
import io.nitrosim.nic.shaping.NetworkShapingConfig;
import io.nitrosim.nic.testbed.TestBed;
import io.nitrosim.nic.vpc.SecurityGroup;
import io.nitrosim.nic.vpc.SecurityGroupRule;

/** Bridged connections and flows between two guests through ENA devices, VPC cards and the fabric, in virtual time. */
class PortBridgeTest
{
    private static final long MS = TestBed.MS;
    private static final int TARGET = 5201;

    private static byte[] random(final int length, final long seed)
    {
        final byte[] b = new byte[length];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private static BridgeRig.Guest[] pair(final TestBed bed, final NetworkInstanceCaps capsA,
        final NetworkInstanceCaps capsB, final int ringBytes)
    {
        final var portA = bed.port("i-a", capsA, 1);
        final var portB = bed.port("i-b", capsB, 2);
        final BridgeRig.Guest[] g = new BridgeRig.Guest[2];
        final PortMapping tcp = new PortMapping(true, "127.0.0.1", 0, portB.eni().primaryIp(), TARGET);
        final PortMapping udp = new PortMapping(false, "127.0.0.1", 0, portB.eni().primaryIp(), TARGET);
        g[1] = new BridgeRig.Guest(bed, portB, List.of(), TARGET, TARGET, ringBytes, null);
        g[0] = new BridgeRig.Guest(bed, portA, List.of(tcp, udp), 0, 0, ringBytes, g[1]);
        return g;
    }

    /** Runs virtual time in steps, pumping every program after each; returns when {@code done} or at the limit. */
    private static void run(final TestBed bed, final long untilNs, final java.util.function.BooleanSupplier done,
        final BridgeRig.Program... programs)
    {
        while (bed.runtime.clock().nanoTime() < untilNs && !done.getAsBoolean())
        {
            bed.advanceTo(bed.runtime.clock().nanoTime() + 100_000);
            for (final BridgeRig.Program p : programs)
            {
                if (p != null)
                {
                    p.pump();
                }
            }
        }
    }

    @Test
    void shouldCarryAStreamBothWaysInOrderAndCloseCleanly()
    {
        try (TestBed bed = new TestBed(NetworkShapingConfig.DEFAULT, 25_000))
        {
            final BridgeRig.Guest[] g = pair(bed, NetworkInstanceCaps.C5_LARGE, NetworkInstanceCaps.C5_LARGE, 1 << 20);
            final byte[] request = random(8 << 20, 1);
            final byte[] response = random(3 << 20, 2);
            final StreamConnection client = StreamConnection.accepted(1 << 20, 0);
            g[0].sockets.accepted.add(client);
            final BridgeRig.Program a = new BridgeRig.Program(client, request);
            final BridgeRig.Program[] b = new BridgeRig.Program[1];
            run(bed, 5_000 * MS, () -> !g[1].sockets.connects.isEmpty(), a);
            assertEquals(TARGET, g[1].sockets.connects.get(0).targetPort);
            b[0] = new BridgeRig.Program(g[1].sockets.connects.get(0), response);
            run(bed, 5_000 * MS, () -> client.released && b[0].c.released, a, b[0]);
            assertEquals(StreamConnection.CLOSED, client.state);
            assertEquals(StreamConnection.CLOSED, b[0].c.state);
            assertArrayEquals(request, b[0].received.toByteArray());
            assertArrayEquals(response, a.received.toByteArray());
            bed.advanceTo(bed.runtime.clock().nanoTime() + MS);
            assertEquals(0, g[0].bridge.connections(), "closed connections are let go");
            assertEquals(0, g[1].bridge.connections());
            assertEquals(0, g[0].bridge.retransmits() + g[1].bridge.retransmits());
            assertEquals(1, g[0].bridge.connectionsOpened());
            assertEquals(1, g[1].bridge.connectionsAccepted());
        }
    }

    @Test
    void shouldRetransmitWhatTheReceivingCardDropsAndDeliverEveryByte()
    {
        // the receiver takes 1 Gbps behind its 1 MiB ingress buffer: a 4 MiB window at 5 Gbps overflows it
        try (TestBed bed = new TestBed(NetworkShapingConfig.DEFAULT, 25_000))
        {
            final NetworkInstanceCaps slow = new NetworkInstanceCaps(125_000_000L, 125_000_000L, 0, 10, 3);
            final BridgeRig.Guest[] g = pair(bed, NetworkInstanceCaps.C5_LARGE, slow, 4 << 20);
            final byte[] data = random(12 << 20, 3);
            final StreamConnection client = StreamConnection.accepted(4 << 20, 0);
            g[0].sockets.accepted.add(client);
            final BridgeRig.Program a = new BridgeRig.Program(client, data);
            run(bed, 5_000 * MS, () -> !g[1].sockets.connects.isEmpty(), a);
            final BridgeRig.Program b = new BridgeRig.Program(g[1].sockets.connects.get(0), new byte[0]);
            b.c.localFinished = true; // the target sends nothing
            run(bed, 60_000 * MS, () -> b.received.size() >= 4 << 20, a, b); // past slow start's overshoot
            final long start = bed.runtime.clock().nanoTime();
            final long startBytes = b.received.size();
            run(bed, 60_000 * MS, () -> b.received.size() == data.length, a, b);
            final double gbps = (data.length - startBytes) * 8.0 / (bed.runtime.clock().nanoTime() - start);
            final ReliableStream sender = g[0].bridge.streamsForTest().get(0);
            System.out.printf("bridge into a 1 Gbps receiver: %.3f Gbps, %d retransmitted"
                + " segments, %d loss events, %d timeouts, cwnd %d, srtt %d us, %d dropped at the card%n", gbps,
                g[0].bridge.retransmits(), sender.congestionWindow().lossEvents(), sender.congestionWindow().timeouts(),
                sender.congestionWindow().segments(), sender.congestionWindow().smoothedRttNs() / 1000,
                g[1].port.counters().enaStat(0));
            assertArrayEquals(data, b.received.toByteArray());
            assertTrue(g[0].bridge.retransmits() > 0, "losses were repaired by retransmission");
            assertTrue(g[1].port.counters().enaStat(0) > 0, "the receiver's card dropped frames (bw_in_allowance_exceeded)");
            assertTrue(gbps > 0.9 && gbps <= 1.0, "AIMD keeps the receiver's 1 Gbps: " + gbps);
        }
    }

    @Test
    void shouldFillTheSendersAllowanceWithoutSpuriousTimeouts()
    {
        // 80 Mbps both ways: the sender's own allowance is the bottleneck, and its queue (a full window of
        // bytes waiting for the allowance) makes the round trip grow a hundredfold during slow start
        try (TestBed bed = new TestBed(NetworkShapingConfig.DEFAULT, 25_000))
        {
            final NetworkInstanceCaps small = new NetworkInstanceCaps(10_000_000L, 10_000_000L, 0, 10, 3);
            final BridgeRig.Guest[] g = pair(bed, small, small, 1 << 20);
            final byte[] data = random(24 << 20, 8);
            final StreamConnection client = StreamConnection.accepted(1 << 20, 0);
            g[0].sockets.accepted.add(client);
            final BridgeRig.Program a = new BridgeRig.Program(client, data);
            run(bed, 5_000 * MS, () -> !g[1].sockets.connects.isEmpty(), a);
            final BridgeRig.Program b = new BridgeRig.Program(g[1].sockets.connects.get(0), new byte[0]);
            b.c.localFinished = true;
            run(bed, 60_000 * MS, () -> b.received.size() >= 4 << 20, a, b);
            final long start = bed.runtime.clock().nanoTime();
            final long startBytes = b.received.size();
            run(bed, 60_000 * MS, () -> b.received.size() == data.length, a, b);
            final double bytesPerSec = (data.length - startBytes) * 1e9 / (bed.runtime.clock().nanoTime() - start);
            final ReliableStream sender = g[0].bridge.streamsForTest().get(0);
            System.out.printf("bridge at an 80 Mbps allowance: %.3f Mbps of payload, %d retransmits, %d timeouts, "
                + "srtt %d us%n", bytesPerSec * 8 / 1e6, g[0].bridge.retransmits(), sender.congestionWindow().timeouts(),
                sender.congestionWindow().smoothedRttNs() / 1000);
            assertArrayEquals(data, b.received.toByteArray());
            assertEquals(0, sender.congestionWindow().timeouts(), "no spurious retransmission timeout");
            assertEquals(10_000_000 * 8961.0 / 9015, bytesPerSec, 10_000_000 * 0.01, "the allowance, less the headers");
        }
    }

    @Test
    void shouldStopTheSenderWhileTheReceivingProgramReadsNothing()
    {
        try (TestBed bed = new TestBed(NetworkShapingConfig.DEFAULT, 25_000))
        {
            final BridgeRig.Guest[] g = pair(bed, NetworkInstanceCaps.C5_LARGE, NetworkInstanceCaps.C5_LARGE, 1 << 20);
            final byte[] data = random(6 << 20, 4);
            final StreamConnection client = StreamConnection.accepted(1 << 20, 0);
            g[0].sockets.accepted.add(client);
            final BridgeRig.Program a = new BridgeRig.Program(client, data);
            run(bed, 5_000 * MS, () -> !g[1].sockets.connects.isEmpty(), a);
            final BridgeRig.Program b = new BridgeRig.Program(g[1].sockets.connects.get(0), new byte[0]);
            b.draining = false;
            run(bed, bed.runtime.clock().nanoTime() + 2_000 * MS, () -> false, a, b);
            assertTrue(b.c.inbound.readable() > (1 << 20) - (1 << ReliableStream.WINDOW_SHIFT),
                "the receiver's window filled (to its 256-byte unit): " + b.c.inbound.readable());
            assertEquals(0, client.outbound.writable(), "the sender's ring filled behind it");
            assertEquals(a.sent, b.c.inbound.readable() + client.outbound.readable(), "and the program stopped");
            final long framesDropped = g[1].port.counters().get(EniMeter.RX_NO_BUFFER_DROPPED) + g[1].port.counters().enaStat(0);
            assertEquals(0, framesDropped);
            b.draining = true;
            b.c.localFinished = true;
            run(bed, bed.runtime.clock().nanoTime() + 10_000 * MS, () -> b.received.size() == data.length, a, b);
            assertArrayEquals(data, b.received.toByteArray());
        }
    }

    @Test
    void shouldRefuseWhenTheTargetsSecurityGroupDropsTheSyn()
    {
        try (TestBed bed = new TestBed(NetworkShapingConfig.DEFAULT, 25_000))
        {
            final BridgeRig.Guest[] g = pair(bed, NetworkInstanceCaps.C5_LARGE, NetworkInstanceCaps.C5_LARGE, 1 << 20);
            final SecurityGroup ssh = bed.net.createSecurityGroup(bed.vpc.id(), "ssh-only");
            bed.net.authorizeIngress(ssh.id(), SecurityGroupRule.tcp(22, "10.0.0.0/8"));
            bed.net.modifyNetworkInterfaceGroups(g[1].port.eni().id(), List.of(ssh.id()));
            final StreamConnection client = StreamConnection.accepted(1 << 20, 0);
            g[0].sockets.accepted.add(client);
            final long start = bed.runtime.clock().nanoTime();
            final BridgeRig.Program a = new BridgeRig.Program(client, new byte[100]);
            run(bed, 5_000 * MS, () -> client.state != StreamConnection.OPENING, a);
            assertEquals(StreamConnection.REFUSED, client.state);
            assertEquals(3_000 * MS, bed.runtime.clock().nanoTime() - start, 1 * MS, "refused at the connect timeout");
            assertEquals(3, g[0].bridge.retransmits(), "the SYN was sent again (0.2, 0.6, 1.4 s) before giving up");
            assertTrue(g[1].sockets.connects.isEmpty(), "nothing reached the target");
            run(bed, bed.runtime.clock().nanoTime() + MS, () -> false, a);
            assertEquals(1, g[0].bridge.connectionsRefused());
        }
    }

    @Test
    void shouldRefuseAtOnceWhenNothingListensAtTheTarget()
    {
        try (TestBed bed = new TestBed(NetworkShapingConfig.DEFAULT, 25_000))
        {
            final BridgeRig.Guest[] g = pair(bed, NetworkInstanceCaps.C5_LARGE, NetworkInstanceCaps.C5_LARGE, 1 << 20);
            g[1].sockets.refuseConnects = true;
            final StreamConnection client = StreamConnection.accepted(1 << 20, 0);
            g[0].sockets.accepted.add(client);
            final BridgeRig.Program a = new BridgeRig.Program(client, new byte[100]);
            run(bed, 5_000 * MS, () -> client.state != StreamConnection.OPENING, a);
            assertEquals(StreamConnection.REFUSED, client.state);
            assertTrue(bed.runtime.clock().nanoTime() < 10 * MS, "a RST, not a timeout");
        }
    }

    @Test
    void shouldCarryDatagramsBothWaysOneFrameEach()
    {
        try (TestBed bed = new TestBed(NetworkShapingConfig.DEFAULT, 25_000))
        {
            final BridgeRig.Guest[] g = pair(bed, NetworkInstanceCaps.C5_LARGE, NetworkInstanceCaps.C5_LARGE, 1 << 20);
            final DatagramFlow flow = DatagramFlow.fromClient(256 * 1024, 1, null);
            final byte[] small = random(1400, 5);
            final byte[] jumbo = random(8973, 6);
            assertTrue(flow.outbound.write(DatagramFlow.MSG_DATAGRAM, new UnsafeBuffer(small), 0, small.length));
            assertTrue(flow.outbound.write(DatagramFlow.MSG_DATAGRAM, new UnsafeBuffer(jumbo), 0, jumbo.length));
            assertTrue(flow.outbound.write(DatagramFlow.MSG_DATAGRAM, new UnsafeBuffer(new byte[8974]), 0, 8974));
            g[0].sockets.newFlows.add(flow);
            run(bed, 1_000 * MS, () -> !g[1].sockets.opened.isEmpty() && g[1].bridge.datagramsReceived() == 2);
            final DatagramFlow served = g[1].sockets.opened.get(0);
            assertEquals(TARGET, served.targetPort);
            final java.util.List<byte[]> got = new java.util.ArrayList<>();
            served.inbound.read((type, buffer, index, length) ->
            {
                final byte[] b = new byte[length];
                buffer.getBytes(index, b);
                got.add(b);
            });
            assertEquals(2, got.size());
            assertArrayEquals(small, got.get(0));
            assertArrayEquals(jumbo, got.get(1));
            assertEquals(1, g[0].bridge.datagramsDropped(), "a datagram larger than a frame is dropped");
            final byte[] answer = random(100, 7);
            assertTrue(served.outbound.write(DatagramFlow.MSG_DATAGRAM, new UnsafeBuffer(answer), 0, answer.length));
            run(bed, bed.runtime.clock().nanoTime() + 100 * MS, () -> g[0].bridge.datagramsReceived() == 1);
            final byte[][] back = new byte[1][];
            flow.inbound.read((type, buffer, index, length) ->
            {
                back[0] = new byte[length];
                buffer.getBytes(index, back[0]);
            });
            assertArrayEquals(answer, back[0]);
        }
    }
}
