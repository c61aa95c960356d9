package io.nitrosim.nic.traffic;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.card.TxQueue;
import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.time.SimRuntime;

/**
 * An iperf-like traffic model over VPC cards: streams between ENI ports, each a sender agent with its own TX
 * queue and a receiver on the destination ENI, with results per stream and in total. Set up before running.
 */
public final class Iperf
{
    /** First automatic destination port (iperf's 5201), one per stream. */
    public static final int BASE_DST_PORT = 5201;
    /** First automatic source port. */
    public static final int BASE_SRC_PORT = 40000;

    private final SimRuntime runtime;
    private final List<Stream> streams = new ArrayList<>();
    private final Map<EniPort, PortDemux> demuxes = new IdentityHashMap<>();
    private int nextId;

    public Iperf(final SimRuntime runtime)
    {
        this.runtime = runtime;
    }

    /** A sender and its receiver. */
    public record Stream(TrafficStream sender, StreamReceiver receiver, EniPort from, EniPort to)
    {
        public StreamResult result()
        {
            return Iperf.result(sender.streamId(), List.of(this));
        }
    }

    /**
     * Adds a stream from {@code from}'s primary address to {@code to}'s, and registers its sender agent with the
     * runtime.
     */
    public Stream stream(final StreamSpec spec, final EniPort from, final EniPort to)
    {
        final int id = nextId++;
        final int srcPort = spec.srcPort() != 0 ? spec.srcPort() : BASE_SRC_PORT + id;
        final int dstPort = spec.dstPort() != 0 ? spec.dstPort() : BASE_DST_PORT + id;
        final TxQueue dataQueue = from.addTxQueue(spec.queueDepthFrames(), spec.capturedLength());
        final TxQueue ackQueue = spec.mode() == StreamSpec.Mode.TCP ? to.addTxQueue(spec.queueDepthFrames(),
            EthernetFrame.frameLengthFor(EthernetFrame.PROTO_TCP, StreamPayload.LENGTH)) : null;
        final TrafficStream sender = new TrafficStream(id, spec, dataQueue, runtime.clock(), to.eni().mac(),
            to.eni().primaryIp(), srcPort, dstPort);
        final StreamReceiver receiver = new StreamReceiver(id, spec, ackQueue, to.eni().mac(), to.eni().primaryIp());
        demux(to).register(dstPort, receiver);
        if (ackQueue != null)
        {
            demux(from).register(srcPort, sender.ackSink());
        }
        final Stream stream = new Stream(sender, receiver, from, to);
        streams.add(stream);
        runtime.add(sender);
        return stream;
    }

    /**
     * A UDP sender whose receiver is elsewhere (another process of a multi-process VPC): frames go to
     * {@code to}'s primary address. Registers the sender agent with the runtime.
     */
    public TrafficStream sender(final StreamSpec spec, final EniPort from, final io.nitrosim.nic.vpc.Eni to)
    {
        if (spec.mode() == StreamSpec.Mode.TCP)
        {
            throw new IllegalArgumentException("a TCP-like stream needs its receiver in this process for acks");
        }
        final int id = nextId++;
        final int srcPort = spec.srcPort() != 0 ? spec.srcPort() : BASE_SRC_PORT + id;
        final int dstPort = spec.dstPort() != 0 ? spec.dstPort() : BASE_DST_PORT + id;
        final TxQueue dataQueue = from.addTxQueue(spec.queueDepthFrames(), spec.capturedLength());
        final TrafficStream sender = new TrafficStream(id, spec, dataQueue, runtime.clock(), to.mac(), to.primaryIp(),
            srcPort, dstPort);
        runtime.add(sender);
        return sender;
    }

    private PortDemux demux(final EniPort port)
    {
        PortDemux demux = demuxes.get(port);
        if (demux == null)
        {
            if (port.sink() instanceof PortDemux)
            {
                demux = (PortDemux)port.sink();
            }
            else
            {
                demux = new PortDemux();
                port.sink(demux);
            }
            demuxes.put(port, demux);
        }
        return demux;
    }

    public List<Stream> streams()
    {
        return Collections.unmodifiableList(streams);
    }

    /** Bytes received by all streams so far (for sampling rates over windows). */
    public long totalBytesReceived()
    {
        long total = 0;
        for (final Stream s : streams)
        {
            total += s.receiver().bytesReceived();
        }
        return total;
    }

    public List<StreamResult> results()
    {
        final List<StreamResult> results = new ArrayList<>();
        for (final Stream s : streams)
        {
            results.add(s.result());
        }
        return results;
    }

    /** All streams together (stream id -1); throughput over the union of their sending windows. */
    public StreamResult total()
    {
        return result(-1, streams);
    }

    static StreamResult result(final int id, final List<Stream> streams)
    {
        final List<TrafficStream> senders = new ArrayList<>();
        final List<StreamReceiver> receivers = new ArrayList<>();
        for (final Stream s : streams)
        {
            senders.add(s.sender());
            receivers.add(s.receiver());
        }
        return StreamResult.combine(id, senders, receivers);
    }
}
