package io.nitrosim.nic.guest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.nitrosim.nic.driver.EnaDriver;
import io.nitrosim.nic.driver.EnaDriverContext;
import io.nitrosim.nic.frame.FrameOutlet;
import io.nitrosim.nic.frame.FrameReceiver;
import io.nitrosim.nic.traffic.PortDemux;
import io.nitrosim.nic.traffic.StreamReceiver;
import io.nitrosim.nic.traffic.StreamResult;
import io.nitrosim.nic.traffic.StreamSpec;
import io.nitrosim.nic.traffic.TrafficStream;
import io.nitrosim.pci.GuestTask;

/**
 * An iperf-like workload running inside a guest on the ENA reference driver: the guest program of one
 * instance's network interface. It owns the {@link EnaDriver} (bring-up included), the senders of the streams that
 * leave this guest and the receivers of those that arrive, and demultiplexes received frames by destination port.
 * <p>
 * Senders and receivers are the traffic model's own {@link TrafficStream} and {@link StreamReceiver} (UDP at a
 * fixed rate or unlimited, TCP-like window-limited with AIMD on losses), writing real Ethernet/IPv4/UDP or TCP
 * frames into the driver's TX queues instead of a card queue: one piece of pacing and congestion logic for the
 * card-level model and the guest. Each stream has its own 5-tuple (source port {@value #BASE_SRC_PORT} + n, a
 * destination port from {@value #BASE_DST_PORT} on the receiving guest) and uses TX queue pair n mod pairs.
 * <p>
 * Shape of a guest program: {@link #doWork(long)} (driver work, then every sender, then one doorbell per TX queue),
 * {@link #nextDeadlineNs()}, {@link #onInterrupt(int)}; the simulator wraps it as a hypervisor GuestProgram.
 * A stream starts once both guests' drivers are up (the sender learns its own MAC from its device and the peer's
 * from the peer's device, standing in for ARP). Allocation-free per frame.
 */
public final class GuestIperf implements GuestTask
{
    public static final int BASE_SRC_PORT = 40000;
    public static final int BASE_DST_PORT = 5201;

    private final EnaDriver driver;
    private final int localIp;
    private final PortDemux demux = new PortDemux();
    private final List<Stream> outgoing = new ArrayList<>();
    private final List<StreamReceiver> incoming = new ArrayList<>();
    private TrafficStream[] senders = new TrafficStream[0];
    private GuestIperf[] peers = new GuestIperf[0];
    private boolean[] resolved = new boolean[0];
    private boolean receiversResolved;
    private int nextStreamId;
    private int nextDstPort = BASE_DST_PORT;
    private long nowNs;

    private GuestIperf(final EnaDriverContext driverContext, final int localIp)
    {
        this.driver = driverContext.receiver(demux).build();
        this.localIp = localIp;
    }

    /**
     * A guest with its driver.
     *
     * @param driverContext the driver's configuration; its receiver is set to this guest's port demultiplexer.
     * @param localIp       the interface's IPv4 address (what DHCP would have given the guest).
     */
    public static GuestIperf create(final EnaDriverContext driverContext, final int localIp)
    {
        return new GuestIperf(driverContext, localIp);
    }

    /** One stream between two guests, with both ends. */
    public record Stream(int streamId, TrafficStream sender, StreamReceiver receiver, GuestIperf from, GuestIperf to)
    {
        public StreamResult result()
        {
            return StreamResult.combine(streamId, List.of(sender), List.of(receiver));
        }
    }

    /** Adds a stream from {@code from}'s interface to {@code to}'s (set up before running). */
    public static Stream stream(final StreamSpec spec, final GuestIperf from, final GuestIperf to)
    {
        final int id = from.nextStreamId++;
        final int srcPort = spec.srcPort() != 0 ? spec.srcPort() : BASE_SRC_PORT + id;
        final int dstPort = spec.dstPort() != 0 ? spec.dstPort() : to.nextDstPort++;
        final FrameOutlet dataQueue = from.driver.txQueue(id % from.driver.queuePairs());
        final boolean tcp = spec.mode() == StreamSpec.Mode.TCP;
        final FrameOutlet ackQueue = tcp ? to.driver.txQueue(id % to.driver.queuePairs()) : null;
        final TrafficStream sender = new TrafficStream(id, spec, dataQueue, null, 0, from.localIp, 0, to.localIp,
            srcPort, dstPort);
        final StreamReceiver receiver = new StreamReceiver(id, spec, ackQueue, 0, to.localIp);
        to.demux.register(dstPort, receiver);
        if (tcp)
        {
            from.demux.register(srcPort, sender.ackSink());
        }
        to.incoming.add(receiver);
        to.receiversResolved = false;
        final Stream stream = new Stream(id, sender, receiver, from, to);
        from.outgoing.add(stream);
        from.rebuild();
        return stream;
    }

    private void rebuild()
    {
        final int n = outgoing.size();
        senders = new TrafficStream[n];
        peers = new GuestIperf[n];
        final boolean[] wasResolved = resolved;
        resolved = new boolean[n];
        for (int i = 0; i < n; i++)
        {
            senders[i] = outgoing.get(i).sender();
            peers[i] = outgoing.get(i).to();
            resolved[i] = i < wasResolved.length && wasResolved[i];
        }
    }

    public EnaDriver driver()
    {
        return driver;
    }

    /**
     * Hands frames for {@code port} to {@code receiver} (another program of this guest on the same interface,
     * such as a port bridge). @throws IllegalArgumentException if the port already has a receiver.
     */
    public void register(final int port, final FrameReceiver receiver)
    {
        demux.register(port, receiver);
    }

    public int localIp()
    {
        return localIp;
    }

    /** Streams leaving this guest. */
    public List<Stream> streams()
    {
        return Collections.unmodifiableList(outgoing);
    }

    /** Frames that matched no stream's port. */
    public long unmatchedFrames()
    {
        return demux.unmatched();
    }

    /** All {@code streams} together (id -1): throughput over the union of their windows, merged latencies. */
    public static StreamResult total(final List<Stream> streams)
    {
        final List<TrafficStream> s = new ArrayList<>();
        final List<StreamReceiver> r = new ArrayList<>();
        for (final Stream stream : streams)
        {
            s.add(stream.sender());
            r.add(stream.receiver());
        }
        return StreamResult.combine(-1, s, r);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Guest program face

    private int nextFirstSender;

    /** One slice of guest execution. @return work done. */
    @Override
    public int doWork(final long nowNs)
    {
        this.nowNs = nowNs;
        int work = driver.doWork(nowNs);
        if (!driver.isUp() || driver.carrierOff())
        {
            return work; // no carrier: nothing to send until LINK_CHANGE says the link is up (an interrupt)
        }
        if (!receiversResolved)
        {
            for (final StreamReceiver receiver : incoming)
            {
                receiver.localMac(driver.macAddress());
            }
            receiversResolved = true;
        }
        final TrafficStream[] senders = this.senders;
        // Start each slice that sends at the next stream: streams sharing a TX ring then share its room fairly, as
        // flows sharing a qdisc would, instead of the first one always finding the ring's free slots. (It turns per
        // slice that sent, not per call: how often an idle guest is called is the runtime's affair.)
        final int n = senders.length;
        final int first = n == 0 ? 0 : nextFirstSender % n;
        int sent = 0;
        for (int k = 0; k < n; k++)
        {
            final int i = first + k < n ? first + k : first + k - n;
            if (!resolved[i])
            {
                if (!peers[i].driver.isUp())
                {
                    continue; // the peer's address is not known yet
                }
                senders[i].macs(driver.macAddress(), peers[i].driver.macAddress());
                resolved[i] = true;
            }
            sent += senders[i].doWork(nowNs);
        }
        if (sent > 0)
        {
            nextFirstSender++;
        }
        work += sent;
        work += driver.flushTx();
        return work;
    }

    /** When doWork next has something to do without new input. */
    @Override
    public long nextDeadlineNs()
    {
        long deadline = driver.nextDeadlineNs();
        if (driver.isUp() && !driver.carrierOff())
        {
            for (int i = 0; i < senders.length; i++)
            {
                if (resolved[i])
                {
                    deadline = Math.min(deadline, senders[i].nextDeadlineNs(nowNs));
                }
            }
        }
        return deadline;
    }

    /**
     * Whether it reacts to its own instance only: not while a stream still waits for its peer's driver to come up
     * (another guest's state, polled).
     */
    @Override
    public boolean wakesOnInput()
    {
        for (final boolean r : resolved)
        {
            if (!r)
            {
                return false;
            }
        }
        return true;
    }

    /** An interrupt reached the vCPU running this guest. */
    @Override
    public void onInterrupt(final int vector)
    {
        driver.onInterrupt(vector);
    }

    /** Simulated time of the last doWork. */
    public long nowNs()
    {
        return nowNs;
    }

    @Override
    public String toString()
    {
        return "GuestIperf{" + io.nitrosim.nic.vpc.Ipv4.format(localIp) + ", " + outgoing.size() + " streams out, "
            + incoming.size() + " in}";
    }
}
