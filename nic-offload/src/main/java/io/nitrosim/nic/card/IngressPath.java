package io.nitrosim.nic.card;

import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.nic.flow.FlowKey;
import io.nitrosim.nic.frame.EncapHeader;
import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.nic.shaping.EniCounters;
import io.nitrosim.nic.shaping.EniMeter;
import io.nitrosim.nic.vpc.ConnTrackTable;
import io.nitrosim.nic.vpc.Eni;
import io.nitrosim.nic.vpc.VpcNetwork;
import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.shaping.ShapedRecordHandler;
import io.nitrosim.shaping.ShapedRing;
import io.nitrosim.shaping.ShapingReason;

/**
 * The VPC card's ingress path, on the card agent's thread: frames from the host's fabric ring are decapsulated and
 * checked (VNI, connection tracking, the ENI's inbound rules and conntrack allowance), then queued in the
 * instance's bounded ingress buffer (full: dropped and counted in bw_in_allowance_exceeded); the buffer is a ring
 * gated by the instance's inbound allowance, and admitted frames go to their ENI's {@link FrameSink}. A frame the
 * gate holds is counted once per reason in its ENI's counters. No allocation per frame.
 */
final class IngressPath
{
    private final int hostId;
    private final VpcNetwork network;
    private final Int2ObjectHashMap<EniPort> portsByNumber;
    private final AtomicCounter fabricMalformed;
    private final AtomicCounter fabricMisrouted;
    private final EthernetFrame frame = new EthernetFrame();
    private final EncapHeader encap = new EncapHeader();
    private final FabricHandler fabricHandler = new FabricHandler();
    private final IngressHandler ingressHandler = new IngressHandler();

    IngressPath(final int hostId, final VpcNetwork network, final Int2ObjectHashMap<EniPort> portsByNumber,
        final AtomicCounter fabricMalformed, final AtomicCounter fabricMisrouted)
    {
        this.hostId = hostId;
        this.network = network;
        this.portsByNumber = portsByNumber;
        this.fabricMalformed = fabricMalformed;
        this.fabricMisrouted = fabricMisrouted;
    }

    /** Takes the ready frames of the host's fabric ring into their instances' ingress buffers. */
    int pollFabric(final ShapedRing fabricInbound, final int budget, final long nowNs)
    {
        return fabricInbound.poll(fabricHandler, budget, nowNs);
    }

    /** Delivers what the instance's inbound allowance admits from its ingress buffer. */
    int pollIngress(final CardInstance instance, final int budget, final long nowNs)
    {
        ingressHandler.instance = instance;
        return instance.ingress.poll(ingressHandler, budget, nowNs);
    }

    long malformedDropped()
    {
        return fabricMalformed.get();
    }

    long misroutedDropped()
    {
        return fabricMisrouted.get();
    }

    private final class FabricHandler implements ShapedRecordHandler
    {
        @Override
        public boolean onRecord(final int tag, final DirectBuffer buffer, final int index, final int length,
            final int chargedBytes, final long readyAtNs, final long nowNs)
        {
            final EncapHeader encap = IngressPath.this.encap.wrap(buffer, index);
            if (!encap.isValid(length))
            {
                fabricMalformed.increment();
                return true;
            }
            final EniPort port = encap.dstHostId() == hostId ? portsByNumber.get(encap.dstEni()) : null;
            if (port == null)
            {
                fabricMisrouted.increment();
                return true;
            }
            final EniCounters counters = port.counters();
            final Eni eni = port.eni();
            final int captured = length - EncapHeader.LENGTH;
            final int frameIndex = index + EncapHeader.LENGTH;
            final EthernetFrame frame = IngressPath.this.frame.wrap(buffer, frameIndex, captured);
            if (frame.validate() != EthernetFrame.VALID || frame.frameLength() != encap.innerLength())
            {
                counters.increment(EniMeter.MALFORMED_DROPPED);
                return true;
            }
            final Eni srcEni = network.eniByNumber(encap.srcEni());
            if (srcEni == null || srcEni.vpc().vni() != encap.vni() || !eni.vpc().isPeeredWith(srcEni.vpc()))
            {
                counters.increment(EniMeter.VNI_MISMATCH_DROPPED);
                return true;
            }
            final int dstIp = frame.dstIp();
            if (!eni.hasIp(dstIp))
            {
                fabricMisrouted.increment();
                return true;
            }
            final int srcIp = frame.srcIp();
            final int protocol = frame.protocol();
            final int dstPort = frame.dstPort();
            final long hi = FlowKey.hi(dstIp, srcIp);
            final long lo = FlowKey.lo(dstPort, frame.srcPort(), protocol, eni.number());
            final CardInstance instance = port.instance();
            final ConnTrackTable conntrack = instance.conntrack();
            final int frameLength = encap.innerLength();
            if (conntrack.lookup(hi, lo, nowNs) < 0)
            {
                if (!eni.allowsIngress(protocol, dstPort, srcIp, srcEni))
                {
                    counters.increment(EniMeter.SG_INGRESS_DROPPED);
                    return true;
                }
                if (conntrack.track(hi, lo, nowNs) < 0)
                {
                    counters.ingress().countDropped(ShapingReason.CONNTRACK, frameLength, 1);
                    return true;
                }
            }
            final int claimed = instance.ingressQueuedBytes + frameLength > instance.ingressBufferBytes ? -1
                : instance.ingress.tryClaim(nowNs, frameLength, port.localIndex(), captured);
            if (claimed < 0)
            {
                // The ingress buffer is full: the frame is dropped for the instance's inbound allowance.
                counters.ingress().countDropped(ShapingReason.INSTANCE_BANDWIDTH, frameLength, 1);
                instance.ingress.recordDrop(frameLength);
                return true;
            }
            instance.ingress.buffer().putBytes(claimed, buffer, frameIndex, captured);
            instance.ingress.commit(claimed);
            instance.ingressQueuedBytes += frameLength;
            return true;
        }
    }

    /** Delivers the frames the instance's ingress gate admits, counting the ones it holds in their ENI's counters. */
    private static final class IngressHandler implements ShapedRecordHandler
    {
        CardInstance instance;

        @Override
        public void onHead(final ShapedRing.Head head, final int tag, final DirectBuffer buffer, final int index,
            final int captured, final int chargedBytes, final long nowNs)
        {
            head.countIn(instance.portArray[tag].counters().ingress());
        }

        @Override
        public boolean onRecord(final int tag, final DirectBuffer buffer, final int index, final int captured,
            final int chargedBytes, final long readyAtNs, final long nowNs)
        {
            final CardInstance instance = this.instance;
            final EniPort port = instance.portArray[tag];
            instance.ingressQueuedBytes -= chargedBytes;
            port.tracer().emit(TraceKind.FRAME_IN, -1, chargedBytes, 0, 0, 0);
            final EniCounters counters = port.counters();
            counters.increment(EniMeter.RX_FRAMES);
            counters.add(EniMeter.RX_BYTES, chargedBytes);
            if (!port.sink.onFrame(port, buffer, index, captured, chargedBytes, nowNs))
            {
                counters.increment(EniMeter.RX_NO_BUFFER_DROPPED);
            }
            return true;
        }
    }
}
