package io.nitrosim.nic.bridge;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.driver.EnaDriver;
import io.nitrosim.nic.driver.EnaDriverContext;
import io.nitrosim.nic.ena.EnaFunction;
import io.nitrosim.nic.guest.GuestIperf;
import io.nitrosim.nic.testbed.TestBed;
import io.nitrosim.pci.FakeGuestMemory;
import io.nitrosim.pci.FakeGuestMemoryAccess;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.GuestMemoryAllocator;
import io.nitrosim.time.SimAgent;

/** Guests with a port bridge each, on cards in virtual time; the test plays the local programs and sockets. */
final class BridgeRig
{
    /** A socket side the test drives: it hands over connections and says how target connects end. */
    static final class FakeSockets implements SocketSide
    {
        final ArrayDeque<StreamConnection> accepted = new ArrayDeque<>();
        final ArrayDeque<DatagramFlow> newFlows = new ArrayDeque<>();
        final List<StreamConnection> connects = new ArrayList<>();
        final List<DatagramFlow> opened = new ArrayList<>();
        boolean refuseConnects;

        @Override
        public StreamConnection pollAccepted()
        {
            return accepted.poll();
        }

        @Override
        public DatagramFlow pollNewFlow()
        {
            return newFlows.poll();
        }

        @Override
        public void connect(final StreamConnection c)
        {
            connects.add(c);
            if (refuseConnects)
            {
                c.localFailed = true;
                c.released = true;
            }
            else
            {
                c.targetConnected = true;
            }
        }

        @Override
        public void open(final DatagramFlow f)
        {
            opened.add(f);
        }
    }

    /** One instance's guest: the driver (with the iperf demux), the bridge, and the vCPU agent running both. */
    static final class Guest implements SimAgent
    {
        final TestBed bed;
        final EniPort port;
        final GuestIperf iperf;
        final PortBridge bridge;
        final FakeSockets sockets = new FakeSockets();

        Guest(final TestBed bed, final EniPort port, final List<PortMapping> mappings, final int servedTcp,
            final int servedUdp, final int ringBytes, final Guest peer)
        {
            this.bed = bed;
            this.port = port;
            final EnaFunction device = EnaFunction.context().port(port).clock(bed.runtime.clock()).registry(bed.registry)
                .maxQueuePairs(2).timingOnly(false).build();
            final int memoryBytes = 48 << 20;
            final long base = 0x10_0000L;
            final FakeGuestMemory memory = new FakeGuestMemory(base, memoryBytes);
            device.connect(memory, (address, data) -> iperf().onInterrupt(data & 0xFF));
            bed.runtime.add(device.agent());
            final EnaDriverContext driver = EnaDriver.context().function(FunctionAccess.of(device))
                .memory(new FakeGuestMemoryAccess(memory)).allocator(new GuestMemoryAllocator(base, memoryBytes))
                .interrupts(0xFEE0_0000L, 0x40).queuePairs(2).depths(1024, 1024).mtu(9001).timingOnly(false);
            iperf = GuestIperf.create(driver, port.eni().primaryIp());
            final PortBridge.Context context = PortBridge.context().driver(iperf.driver()).sockets(sockets)
                .localIp(port.eni().primaryIp()).mappings(mappings).ringBytes(ringBytes)
                .macResolver(ip -> peer != null && peer.iperf.driver().isUp() ? peer.iperf.driver().macAddress() : 0);
            if (servedTcp > 0)
            {
                context.serve(true, servedTcp);
            }
            if (servedUdp > 0)
            {
                context.serve(false, servedUdp);
            }
            bridge = context.build();
            for (final int p : bridge.ports())
            {
                iperf.register(p, bridge);
            }
            bed.runtime.add(this);
        }

        GuestIperf iperf()
        {
            return iperf;
        }

        int ip()
        {
            return port.eni().primaryIp();
        }

        @Override
        public int doWork()
        {
            final long now = bed.runtime.clock().nanoTime();
            return iperf.doWork(now) + bridge.doWork(now);
        }

        @Override
        public long nextDeadlineNs()
        {
            return Math.min(iperf.nextDeadlineNs(), bridge.nextDeadlineNs());
        }

        @Override
        public String roleName()
        {
            return "guest " + port.eni().id();
        }
    }

    /** A local program's end of a connection: writes a byte array in, reads what arrives. */
    static final class Program
    {
        final StreamConnection c;
        final byte[] toSend;
        int sent;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        boolean draining = true;
        private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[1 << 16]);

        Program(final StreamConnection c, final byte[] toSend)
        {
            this.c = c;
            this.toSend = toSend;
        }

        /** What a socket side does on each wake: push what fits, take what arrived, say when finished. */
        void pump()
        {
            if (c.state == StreamConnection.ESTABLISHED || !c.active)
            {
                while (sent < toSend.length)
                {
                    final int n = c.outbound.write(new UnsafeBuffer(toSend), sent, toSend.length - sent);
                    if (n == 0)
                    {
                        break;
                    }
                    sent += n;
                }
                if (sent == toSend.length && c.state == StreamConnection.ESTABLISHED)
                {
                    c.localFinished = true;
                }
            }
            while (draining && c.inbound.readable() > 0)
            {
                final int n = Math.min(c.inbound.readable(), scratch.capacity());
                c.inbound.read(c.inbound.head(), scratch, 0, n);
                received.write(scratch.byteArray(), 0, n);
                c.inbound.releaseTo(c.inbound.head() + n);
            }
            final int state = c.state;
            if (state == StreamConnection.CLOSED || state == StreamConnection.REFUSED || state == StreamConnection.RESET)
            {
                c.released = true;
            }
        }
    }

    private BridgeRig()
    {
    }
}
