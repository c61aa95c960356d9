package io.nitrosim.nic.bridge;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.ControlledMessageHandler;

import io.nitrosim.nic.driver.EnaDriver;
import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.nic.frame.FrameOutlet;
import io.nitrosim.nic.frame.FrameReceiver;
import io.nitrosim.pci.GuestTask;
import io.nitrosim.pci.queue.RingReads;

/**
 * The guest half of an interface's port bridge: inside the guest, on the vCPU that runs the interface's ENA
 * driver, it turns the bridge's local connections and datagrams into frames and back.
 * <ul>
 *   <li>Active side (this guest's {@link PortMapping}s): a connection a local program opened becomes a
 *       {@link ReliableStream} from an ephemeral port of this interface to the mapping's target; a UDP client
 *       becomes a flow, one frame per datagram.</li>
 *   <li>Passive side (the ports this guest serves): a SYN to a served port opens a socket to 127.0.0.1 on that
 *       port and answers once it is connected (RST if refused); a datagram to a served port opens a UDP socket
 *       toward it.</li>
 * </ul>
 * Frames go out through the driver's TX queues and come in through the guest's port demultiplexer (register
 * this receiver for every port of {@link #ports()}), so every byte crosses the ENA device, the VPC cards
 * (security groups, connection tracking, allowances, flow limits) and the fabric. The socket half is only
 * reached through {@link SocketSide} and each connection's rings and flags. A {@link GuestTask} of the guest that
 * owns the driver (the driver and its interrupts are that program's, such as the guest's iperf). Single-threaded
 * (the guest's).
 */
public final class PortBridge implements FrameReceiver, GuestTask
{
    private static final int UDP_HEADERS = EthernetFrame.ETH_HEADER_LENGTH + EthernetFrame.IPV4_HEADER_LENGTH
        + EthernetFrame.UDP_HEADER_LENGTH;
    private static final int TCP_HEADERS = EthernetFrame.ETH_HEADER_LENGTH + EthernetFrame.IPV4_HEADER_LENGTH
        + EthernetFrame.TCP_HEADER_LENGTH;
    private static final int DATAGRAMS_PER_FLOW_PER_PASS = 64;

    private final Context ctx;
    private final EnaDriver driver;
    private final SocketSide sockets;
    private final EthernetFrame frame = new EthernetFrame();
    private final EthernetFrame reply = new EthernetFrame();
    private final Long2ObjectHashMap<ReliableStream> streamsByKey = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<DatagramFlow> flowsByKey = new Long2ObjectHashMap<>();
    private final List<ReliableStream> streams = new ArrayList<>();
    private final List<DatagramFlow> flows = new ArrayList<>();
    private final long[] flowLastActiveNs;
    private final int[] ephemeralPorts;
    private final int[] freePorts;
    private int freeCount;
    private final DatagramSender datagramSender = new DatagramSender();
    private long localMac;
    private long nowNs;

    private long connectionsOpened;
    private long connectionsAccepted;
    private long connectionsRefused;
    private long connectionsReset;
    private long retransmitsOfClosed;
    private long timeoutsOfClosed;
    private long lossEventsOfClosed;
    private long datagramsSent;
    private long datagramsReceived;
    private long datagramsDropped;
    private long strayFrames;

    private PortBridge(final Context ctx)
    {
        this.ctx = ctx;
        this.driver = ctx.driver;
        this.sockets = ctx.sockets;
        // local ports of the connections and flows this side opens: from the first ephemeral port up, around the
        // ports it serves (a local target may listen anywhere, even there)
        final int ephemeral = ctx.maxConnections + ctx.maxFlows;
        this.ephemeralPorts = new int[ephemeral];
        int port = ctx.firstEphemeralPort;
        for (int i = 0; i < ephemeral; i++, port++)
        {
            while (ctx.servedTcp.contains(port) || ctx.servedUdp.contains(port))
            {
                port++;
            }
            ephemeralPorts[i] = port;
        }
        this.freePorts = new int[ephemeral];
        for (int i = ephemeral - 1; i >= 0; i--)
        {
            freePorts[freeCount++] = ephemeralPorts[i];
        }
        this.flowLastActiveNs = new long[65_536];
    }

    public static Context context()
    {
        return new Context();
    }

    /** Every destination port this bridge receives on: the served ports and the ephemeral range. */
    public int[] ports()
    {
        final int[] ports = new int[ctx.servedPorts.size() + ephemeralPorts.length];
        int n = 0;
        for (final int p : ctx.servedPorts)
        {
            ports[n++] = p;
        }
        for (final int p : ephemeralPorts)
        {
            ports[n++] = p;
        }
        return ports;
    }

    public long connectionsOpened()
    {
        return connectionsOpened;
    }

    /** Connections peers opened to a served port. */
    public long connectionsAccepted()
    {
        return connectionsAccepted;
    }

    public long connectionsRefused()
    {
        return connectionsRefused;
    }

    public long connectionsReset()
    {
        return connectionsReset;
    }

    /** The open connections' streams (tests look at their windows). */
    List<ReliableStream> streamsForTest()
    {
        return streams;
    }

    /** Open connections. */
    public int connections()
    {
        return streams.size();
    }

    public long retransmits()
    {
        long total = retransmitsOfClosed;
        for (int i = 0; i < streams.size(); i++)
        {
            total += streams.get(i).retransmits();
        }
        return total;
    }

    /** Retransmission timeouts of every connection so far. */
    public long timeouts()
    {
        long total = timeoutsOfClosed;
        for (int i = 0; i < streams.size(); i++)
        {
            total += streams.get(i).congestionWindow().timeouts();
        }
        return total;
    }

    /** Loss episodes (fast retransmits) of every connection so far. */
    public long lossEvents()
    {
        long total = lossEventsOfClosed;
        for (int i = 0; i < streams.size(); i++)
        {
            total += streams.get(i).congestionWindow().lossEvents();
        }
        return total;
    }

    public long datagramsSent()
    {
        return datagramsSent;
    }

    public long datagramsReceived()
    {
        return datagramsReceived;
    }

    /** Datagrams dropped: larger than a frame carries, or a full ring (a full socket buffer). */
    public long datagramsDropped()
    {
        return datagramsDropped;
    }

    /** TCP segments for no connection (answered with RST) and frames for no flow. */
    public long strayFrames()
    {
        return strayFrames;
    }

    private static long key(final int remoteIp, final int remotePort, final int localPort)
    {
        return ((long)remoteIp << 32) | ((long)remotePort << 16) | localPort;
    }

    private FrameOutlet outlet(final int port)
    {
        return driver.txQueue(port % driver.queuePairs());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Guest task

    /** One slice: new connections and flows, every stream's sending and timers, outbound datagrams. */
    @Override
    public int doWork(final long nowNs)
    {
        this.nowNs = nowNs;
        if (!driver.isUp())
        {
            return 0;
        }
        localMac = driver.macAddress();
        int work = acceptNew();
        for (int i = 0; i < streams.size(); i++)
        {
            final ReliableStream s = streams.get(i);
            if (!s.isDone())
            {
                work += s.doWork(outlet(s.localPort), nowNs);
            }
            if (s.isDone() && s.connection.isReleased())
            {
                retire(s);
                streams.remove(i--);
                work++;
            }
        }
        for (int i = 0; i < flows.size(); i++)
        {
            final DatagramFlow f = flows.get(i);
            if (f.remoteMac == 0)
            {
                f.remoteMac = ctx.macResolver.applyAsLong(f.remoteIp);
            }
            if (f.remoteMac != 0)
            {
                datagramSender.flow = f;
                work += RingReads.controlledRead(f.outbound, datagramSender, DATAGRAMS_PER_FLOW_PER_PASS);
            }
            if (f.released)
            {
                flowsByKey.remove(key(f.remoteIp, f.remotePort, f.localPort));
                if (f.active)
                {
                    freePorts[freeCount++] = f.localPort;
                }
                flows.remove(i--);
            }
            else if (nowNs - flowLastActiveNs[f.localPort] >= ctx.flowIdleNs && !f.expired)
            {
                f.expired = true; // the socket side lets it go, then marks it released
                f.wake();
            }
        }
        return work + driver.flushTx();
    }

    private int acceptNew()
    {
        int work = 0;
        StreamConnection c;
        while ((c = sockets.pollAccepted()) != null)
        {
            work++;
            final PortMapping m = ctx.mappings.get(c.mapping);
            if (freeCount == 0 || streams.size() >= ctx.maxConnections)
            {
                connectionsRefused++;
                c.state = StreamConnection.REFUSED;
                c.wake();
                continue;
            }
            final int port = freePorts[--freeCount];
            final ReliableStream s = new ReliableStream(c, ctx.localIp, port, localMac, m.targetIp(), m.targetPort(),
                ctx.macResolver.applyAsLong(m.targetIp()), driver.mtu(), ctx.connectTimeoutNs, nowNs);
            streams.add(s);
            streamsByKey.put(key(m.targetIp(), m.targetPort(), port), s);
            connectionsOpened++;
        }
        DatagramFlow f;
        while ((f = sockets.pollNewFlow()) != null)
        {
            work++;
            if (freeCount == 0 || flows.size() >= ctx.maxFlows)
            {
                f.expired = true;
                f.wake();
                continue;
            }
            final PortMapping m = ctx.mappings.get(f.mapping);
            f.localPort = freePorts[--freeCount];
            f.remoteIp = m.targetIp();
            f.remotePort = m.targetPort();
            f.remoteMac = ctx.macResolver.applyAsLong(m.targetIp());
            flowLastActiveNs[f.localPort] = nowNs;
            flows.add(f);
            flowsByKey.put(key(f.remoteIp, f.remotePort, f.localPort), f);
        }
        return work;
    }

    private void retire(final ReliableStream s)
    {
        streamsByKey.remove(key(s.remoteIp, s.remotePort, s.localPort));
        retransmitsOfClosed += s.retransmits();
        timeoutsOfClosed += s.congestionWindow().timeouts();
        lossEventsOfClosed += s.congestionWindow().lossEvents();
        final int state = s.connection.state();
        if (state == StreamConnection.REFUSED)
        {
            connectionsRefused++;
        }
        else if (state == StreamConnection.RESET)
        {
            connectionsReset++;
        }
        if (s.connection.active)
        {
            freePorts[freeCount++] = s.localPort;
        }
    }

    /** When a stream's timer or the next idle-flow check falls due. */
    @Override
    public long nextDeadlineNs()
    {
        long deadline = NO_DEADLINE;
        for (int i = 0; i < streams.size(); i++)
        {
            deadline = Math.min(deadline, streams.get(i).nextDeadlineNs());
        }
        for (int i = 0; i < flows.size(); i++)
        {
            deadline = Math.min(deadline, flowLastActiveNs[flows.get(i).localPort] + ctx.flowIdleNs);
        }
        return deadline;
    }

    /** The driver's interrupts go to the program that owns the driver; the bridge only sees its frames. */
    @Override
    public void onInterrupt(final int vector)
    {
    }

    // ---------------------------------------------------------------------------------------------------------
    // Frames from the driver

    @Override
    public void onFrame(final DirectBuffer buffer, final int offset, final int capturedLength, final int frameLength,
        final long nowNs)
    {
        this.nowNs = nowNs;
        final EthernetFrame f = frame.wrap(buffer, offset, capturedLength);
        if (capturedLength < EthernetFrame.L4_OFFSET + f.l4HeaderLength() || capturedLength != frameLength)
        {
            strayFrames++;
            return;
        }
        final int remoteIp = f.srcIp();
        final int remotePort = f.srcPort();
        final int localPort = f.dstPort();
        final long key = key(remoteIp, remotePort, localPort);
        if (f.protocol() == EthernetFrame.PROTO_TCP)
        {
            ReliableStream s = streamsByKey.get(key);
            if (s == null)
            {
                s = passiveOpen(f, remoteIp, remotePort, localPort);
                if (s == null)
                {
                    return;
                }
            }
            s.onFrame(buffer, offset, capturedLength, nowNs);
        }
        else if (f.protocol() == EthernetFrame.PROTO_UDP)
        {
            DatagramFlow flow = flowsByKey.get(key);
            if (flow == null)
            {
                if (!ctx.servedUdp.contains(localPort) || flows.size() >= ctx.maxFlows)
                {
                    strayFrames++;
                    return;
                }
                flow = DatagramFlow.toTarget(ctx.udpRingBytes, localPort);
                flow.localPort = localPort;
                flow.remoteIp = remoteIp;
                flow.remotePort = remotePort;
                flow.remoteMac = f.srcMac();
                flows.add(flow);
                flowsByKey.put(key, flow);
                sockets.open(flow);
            }
            flowLastActiveNs[localPort] = nowNs;
            datagramsReceived++;
            if (!flow.inbound.write(DatagramFlow.MSG_DATAGRAM, buffer, offset + f.payloadOffset(), f.payloadLength()))
            {
                datagramsDropped++;
            }
            flow.wake();
        }
        else
        {
            strayFrames++;
        }
    }

    private ReliableStream passiveOpen(final EthernetFrame f, final int remoteIp, final int remotePort,
        final int localPort)
    {
        final int flags = f.tcpFlags();
        final boolean syn = (flags & EthernetFrame.TCP_FLAG_SYN) != 0 && (flags & EthernetFrame.TCP_FLAG_ACK) == 0;
        if (!syn || !ctx.servedTcp.contains(localPort) || streams.size() >= ctx.maxConnections)
        {
            strayFrames++;
            if ((flags & EthernetFrame.TCP_FLAG_RST) == 0)
            {
                reset(f);
            }
            return null;
        }
        final StreamConnection c = StreamConnection.toTarget(ctx.ringBytes, localPort);
        final ReliableStream s = new ReliableStream(c, ctx.localIp, localPort, localMac, remoteIp, remotePort,
            f.srcMac(), driver.mtu(), ctx.connectTimeoutNs, nowNs);
        streams.add(s);
        streamsByKey.put(key(remoteIp, remotePort, localPort), s);
        connectionsAccepted++;
        sockets.connect(c);
        return s;
    }

    /** RST for a segment that belongs to no connection (so its sender gives up at once). */
    private void reset(final EthernetFrame in)
    {
        final FrameOutlet out = outlet(in.dstPort());
        final int index = out.tryClaim(TCP_HEADERS, TCP_HEADERS);
        if (index < 0)
        {
            return;
        }
        final long seqIn = in.tcpSeq();
        final long ack = seqIn + in.payloadLength() + ((in.tcpFlags() & EthernetFrame.TCP_FLAG_SYN) != 0 ? 1 : 0);
        reply.wrapForWrite(out.buffer(), index, TCP_HEADERS).writeHeaders(in.srcMac(), localMac, ctx.localIp,
            in.srcIp(), EthernetFrame.PROTO_TCP, in.dstPort(), in.srcPort(), 0, 0);
        reply.tcp(in.tcpAck(), ack, EthernetFrame.TCP_FLAG_RST | EthernetFrame.TCP_FLAG_ACK);
        out.commit(index);
    }

    /** Sends one datagram of the flow being drained as one UDP frame. */
    private final class DatagramSender implements ControlledMessageHandler
    {
        DatagramFlow flow;

        @Override
        public Action onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            final DatagramFlow f = flow;
            if (length > EthernetFrame.maxPayloadForMtu(EthernetFrame.PROTO_UDP, driver.mtu()))
            {
                datagramsDropped++; // IPv4 fragments are not carried: a datagram must fit one frame
                return Action.CONTINUE;
            }
            final FrameOutlet out = outlet(f.localPort);
            final int frameLength = UDP_HEADERS + length;
            final int at = out.tryClaim(frameLength, frameLength);
            if (at < 0)
            {
                return Action.ABORT; // the TX ring is full: the datagram waits in the flow's ring
            }
            final MutableDirectBuffer b = out.buffer();
            frame.wrapForWrite(b, at, frameLength).writeHeaders(f.remoteMac, localMac, ctx.localIp, f.remoteIp,
                EthernetFrame.PROTO_UDP, f.localPort, f.remotePort, length, (int)datagramsSent);
            b.putBytes(at + UDP_HEADERS, buffer, index, length);
            out.commit(at);
            datagramsSent++;
            flowLastActiveNs[f.localPort] = nowNs;
            return Action.CONTINUE;
        }
    }

    /** The bridge's configuration, validated by {@link #build()}. */
    public static final class Context
    {
        private EnaDriver driver;
        private SocketSide sockets;
        private int localIp;
        private IntToLongFunction macResolver;
        private final List<PortMapping> mappings = new ArrayList<>();
        private final org.agrona.collections.IntHashSet servedTcp = new org.agrona.collections.IntHashSet();
        private final org.agrona.collections.IntHashSet servedUdp = new org.agrona.collections.IntHashSet();
        private final List<Integer> servedPorts = new ArrayList<>();
        private int ringBytes = 1 << 20;
        private int udpRingBytes = 1 << 20;
        private int maxConnections = 64;
        private int maxFlows = 64;
        private long connectTimeoutNs = 3_000_000_000L;
        private long flowIdleNs = 60_000_000_000L;
        private int firstEphemeralPort = 49_152;

        /** The guest's driver of the interface (its TX queues, MAC and MTU). */
        public Context driver(final EnaDriver driver)
        {
            this.driver = driver;
            return this;
        }

        public Context sockets(final SocketSide sockets)
        {
            this.sockets = sockets;
            return this;
        }

        /** The interface's IPv4 address. */
        public Context localIp(final int localIp)
        {
            this.localIp = localIp;
            return this;
        }

        /** The MAC of an address in the VPC, 0 while unknown (what ARP would answer). */
        public Context macResolver(final IntToLongFunction macResolver)
        {
            this.macResolver = macResolver;
            return this;
        }

        /** The listen sockets of this interface, in the order the socket side numbers them. */
        public Context mappings(final List<PortMapping> mappings)
        {
            this.mappings.clear();
            this.mappings.addAll(mappings);
            return this;
        }

        /** A port this interface serves: traffic to it is handed to 127.0.0.1 on the same port. */
        public Context serve(final boolean tcp, final int port)
        {
            if (port < 1 || port > 65_535)
            {
                throw new IllegalArgumentException("served port " + port + ": accepted 1..65535");
            }
            (tcp ? servedTcp : servedUdp).add(port);
            if (!servedPorts.contains(port))
            {
                servedPorts.add(port);
            }
            return this;
        }

        /** Bytes buffered per connection and direction (the receive window), a power of two. Default 1 MiB. */
        public Context ringBytes(final int ringBytes)
        {
            this.ringBytes = ringBytes;
            return this;
        }

        public Context maxConnections(final int maxConnections)
        {
            this.maxConnections = maxConnections;
            return this;
        }

        public Context maxFlows(final int maxFlows)
        {
            this.maxFlows = maxFlows;
            return this;
        }

        /** How long an active open waits for the SYN-ACK before the local connection is refused. Default 3 s. */
        public Context connectTimeoutNs(final long connectTimeoutNs)
        {
            this.connectTimeoutNs = connectTimeoutNs;
            return this;
        }

        /** A UDP flow without traffic for this long is let go. Default 60 s. */
        public Context flowIdleNs(final long flowIdleNs)
        {
            this.flowIdleNs = flowIdleNs;
            return this;
        }

        public Context firstEphemeralPort(final int port)
        {
            this.firstEphemeralPort = port;
            return this;
        }

        public PortBridge build()
        {
            if (driver == null || sockets == null || macResolver == null)
            {
                throw new IllegalArgumentException("a port bridge needs a driver, a socket side and a MAC resolver");
            }
            if (maxConnections < 1 || maxConnections > 4096 || maxFlows < 1 || maxFlows > 4096)
            {
                throw new IllegalArgumentException("bridge limits: " + maxConnections + " connections, " + maxFlows
                    + " flows: accepted 1..4096 each");
            }
            if (firstEphemeralPort < 1024 || firstEphemeralPort + maxConnections + maxFlows + servedPorts.size() > 65_536)
            {
                throw new IllegalArgumentException("ephemeral ports from " + firstEphemeralPort + " for "
                    + (maxConnections + maxFlows) + " connections and flows do not fit 1024..65535");
            }
            if (connectTimeoutNs <= 0 || flowIdleNs <= 0)
            {
                throw new IllegalArgumentException("bridge timeouts must be positive");
            }
            new ByteRing(ringBytes); // validates the size
            return new PortBridge(this);
        }
    }
}
