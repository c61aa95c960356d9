package io.nitrosim.nic.card;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.nic.fabric.FabricPort;
import io.nitrosim.nic.fabric.HostDirectory;
import io.nitrosim.nic.flow.FlowKey;
import io.nitrosim.nic.frame.EncapHeader;
import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.nic.shaping.EniCounters;
import io.nitrosim.nic.shaping.EniMeter;
import io.nitrosim.nic.shaping.FlowLimiter;
import io.nitrosim.nic.vpc.ConnTrackTable;
import io.nitrosim.nic.vpc.Eni;
import io.nitrosim.nic.vpc.Ipv4;
import io.nitrosim.nic.vpc.VpcNetwork;
import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.shaping.ShapedRecordHandler;
import io.nitrosim.shaping.ShapedRing;
import io.nitrosim.shaping.ShapingGate;
import io.nitrosim.shaping.ShapingReason;

/**
 * The VPC card's egress path, on the card agent's thread (described in {@link VpcCard}): the instance's
 * {@link TxQueue}s served round-robin, each head frame through its ENI's egress pipeline, classified once
 * (anti-spoofing, link-local, route, connection tracking, outbound rules), shaped by its queue's gate and
 * encapsulated into the destination host's {@link FabricPort}, after waiting for the host's uplink when it leaves
 * the host. No allocation per frame.
 */
final class EgressPath
{
    /** A head frame's decision when it is dropped; otherwise the destination host and ENI number. */
    private static final long DROP = -1;
    /** A head frame's decision while it waits to enter its ENI's egress pipeline (not classified yet). */
    private static final long IN_PIPELINE = Long.MIN_VALUE;

    private final int hostId;
    private final VpcNetwork network;
    private final HostDirectory directory;
    private final AtomicCounter fabricStalls;
    private final long shapingQuantumNs;
    private final int pollBudget;
    private final EthernetFrame frame = new EthernetFrame();
    private final EncapHeader encap = new EncapHeader();
    private final EgressHandler egressHandler = new EgressHandler();

    /**
     * The host's link to the fabric (frames to other hosts; a hairpinned frame never reaches the wire): frames
     * leave it one after the other at its line rate, each arriving a link latency after its last byte left.
     */
    private long uplinkBytesPerSec;
    private long uplinkFreeNs;
    private long uplinkRemainder;
    /** Set when a frame waits for the uplink: the card's deadline is then when the uplink frees. */
    private boolean uplinkWaited;

    EgressPath(final int hostId, final VpcNetwork network, final HostDirectory directory,
        final AtomicCounter fabricStalls, final long shapingQuantumNs, final int pollBudget,
        final long uplinkBytesPerSec)
    {
        this.hostId = hostId;
        this.network = network;
        this.directory = directory;
        this.fabricStalls = fabricStalls;
        this.shapingQuantumNs = shapingQuantumNs;
        this.pollBudget = pollBudget;
        this.uplinkBytesPerSec = uplinkBytesPerSec;
    }

    /** The port is never slower than a rate sold on it (an overridden peak above the line rate). */
    void coverRate(final long bytesPerSec)
    {
        uplinkBytesPerSec = Math.max(uplinkBytesPerSec, bytesPerSec);
    }

    /** Called at the start of each card pass: no frame has waited for the uplink yet. */
    void beginPass()
    {
        uplinkWaited = false;
    }

    /** When a frame that waited for the uplink in this pass can leave, or {@code otherwiseNs}. */
    long uplinkDeadlineNs(final long otherwiseNs)
    {
        return uplinkWaited ? uplinkFreeNs - shapingQuantumNs : otherwiseNs;
    }

    long fabricStalls()
    {
        return fabricStalls.get();
    }
    /**
     * Serves the instance's queues one frame each in turn, resuming after the last queue served (so queues
     * that wake at the same instant share the allowance fairly), until a full turn makes no progress.
     */
    int poll(final CardInstance instance, final long nowNs)
    {
        final TxQueue[] queues = instance.queueArray;
        final int n = queues.length;
        final int budget = pollBudget;
        int work = 0;
        int idle = 0;
        int i = instance.roundRobin < n ? instance.roundRobin : 0;
        while (idle < n && work < budget)
        {
            final TxQueue queue = queues[i];
            i = i + 1 == n ? 0 : i + 1;
            egressHandler.port = queue.port();
            // A drained queue's poll would find nothing (and leave its ring's deadline as it is: none).
            if (!queue.isDrained() && queue.ring().poll(egressHandler, 1, nowNs) > 0)
            {
                queue.onConsumed();
                work++;
                idle = 0;
                instance.roundRobin = i;
            }
            else
            {
                idle++;
            }
        }
        return work;
    }

    /**
     * Decides a head frame's fate, once per frame: drops it (counted by reason) or returns its route, the
     * destination host and ENI number.
     */
    private long classify(final EniPort port, final DirectBuffer buffer, final int index, final int captured,
        final int chargedBytes, final long nowNs)
    {
        final EniCounters counters = port.counters();
        final Eni eni = port.eni();
        final EthernetFrame frame = this.frame.wrap(buffer, index, captured);
        if (frame.validate() != EthernetFrame.VALID || frame.frameLength() != chargedBytes)
        {
            counters.increment(EniMeter.MALFORMED_DROPPED);
            return DROP;
        }
        final int srcIp = frame.srcIp();
        if (frame.srcMac() != eni.mac() || !eni.hasIp(srcIp))
        {
            counters.increment(EniMeter.SPOOF_DROPPED);
            return DROP;
        }
        final int dstIp = frame.dstIp();
        if (Ipv4.isLinkLocal(dstIp))
        {
            final ShapingGate linkLocal = port.linkLocalGate();
            final int refused = linkLocal.check(chargedBytes, nowNs);
            if (refused == 0)
            {
                linkLocal.consume(chargedBytes, nowNs);
                counters.increment(EniMeter.LINKLOCAL_FRAMES); // answered by the card's local services
            }
            else
            {
                linkLocal.counters().countDropped(refused, chargedBytes, 1);
            }
            return DROP;
        }
        final Eni dstEni = network.resolve(eni.vpc(), dstIp);
        final int dstHost = dstEni == null ? -1 : dstEni.hostId();
        if (dstHost < 0 || !directory.knows(dstHost))
        {
            counters.increment(EniMeter.NO_ROUTE_DROPPED);
            return DROP;
        }
        final int protocol = frame.protocol();
        final int dstPort = frame.dstPort();
        final long hi = FlowKey.hi(srcIp, dstIp);
        final long lo = FlowKey.lo(frame.srcPort(), dstPort, protocol, eni.number());
        final ConnTrackTable conntrack = port.instance().conntrack();
        if (conntrack.lookup(hi, lo, nowNs) < 0)
        {
            if (!eni.allowsEgress(protocol, dstPort, dstIp, dstEni))
            {
                counters.increment(EniMeter.SG_EGRESS_DROPPED);
                return DROP;
            }
            if (conntrack.track(hi, lo, nowNs) < 0)
            {
                counters.egress().countDropped(ShapingReason.CONNTRACK, chargedBytes, 1);
                return DROP;
            }
        }
        return (long)dstHost << 32 | dstEni.number() & 0xFFFF_FFFFL;
    }

    private final class EgressHandler implements ShapedRecordHandler
    {
        EniPort port;
        ShapedRing.Head head;
        int flowHash;

        /** Classifies a new head frame, then on every try names its flow's bucket for the queue's gate. */
        @Override
        public void onHead(final ShapedRing.Head head, final int tag, final DirectBuffer buffer, final int index,
            final int captured, final int chargedBytes, final long nowNs)
        {
            this.head = head;
            final EniPort port = this.port;
            if (head.isFresh())
            {
                // The pipeline takes frames in at the line rate before it decides their fate: a frame waits
                // (at most a shaping quantum early) for those before it, so drops, like departures, keep the
                // wire's pace and simulated time moves on.
                final long enterNs = port.enterPipeline(nowNs, chargedBytes)
                    - port.instance().shaper().config().shapingQuantumNs();
                if (enterNs > nowNs)
                {
                    head.decision(IN_PIPELINE);
                    head.holdUntil(enterNs); // the ring comes back no sooner
                    return;
                }
            }
            if (head.isFresh() || head.decision() == IN_PIPELINE)
            {
                final long route = classify(port, buffer, index, captured, chargedBytes, nowNs);
                if (route == DROP)
                {
                    head.drop();
                    return;
                }
                head.decision(route);
            }
            final EthernetFrame frame = EgressPath.this.frame.wrap(buffer, index, captured);
            final long hi = FlowKey.hi(frame.srcIp(), frame.dstIp());
            final long lo = FlowKey.lo(frame.srcPort(), frame.dstPort(), frame.protocol(), port.eni().number());
            flowHash = FlowKey.hash(hi, lo);
            final FlowLimiter flows = port.instance().shaper().flows();
            final int flowEntry = flows.acquire(hi, lo, nowNs);
            if (flowEntry < 0)
            {
                head.holdUntil(nowNs + flows.refillNs()); // table full of active flows: retry later
                return;
            }
            head.recordBucket(flows.bucket(flowEntry));
        }

        /** An admitted frame: encapsulated into its destination host's fabric link (if it has room). */
        @Override
        public boolean onRecord(final int tag, final DirectBuffer buffer, final int index, final int captured,
            final int chargedBytes, final long readyAtNs, final long nowNs)
        {
            final long route = head.decision();
            final int dstHost = (int)(route >>> 32);
            final FabricPort fabric = directory.port(dstHost);
            final boolean onWire = dstHost != hostId;
            long sentNs = nowNs;
            long remainder = 0;
            if (onWire)
            {
                // Waits while the uplink is busy (at most a shaping quantum ahead, like the gates), then takes its
                // wire time on it.
                if (uplinkFreeNs - shapingQuantumNs > nowNs)
                {
                    uplinkWaited = true;
                    return stalled();
                }
                final long startNs = Math.max(nowNs, uplinkFreeNs);
                final long scaled = chargedBytes * 1_000_000_000L + (nowNs >= uplinkFreeNs ? 0 : uplinkRemainder);
                sentNs = startNs + scaled / uplinkBytesPerSec;
                remainder = scaled % uplinkBytesPerSec;
            }
            final int claimed = fabric.tryClaim(EncapHeader.LENGTH + captured, chargedBytes, sentNs);
            if (claimed < 0)
            {
                return stalled();
            }
            if (onWire)
            {
                uplinkFreeNs = sentNs;
                uplinkRemainder = remainder;
            }
            final MutableDirectBuffer out = fabric.buffer();
            final Eni eni = port.eni();
            encap.wrapForWrite(out, claimed).write(eni.vpc().vni(), hostId, dstHost, eni.number(), (int)route,
                chargedBytes, flowHash, captured < chargedBytes);
            out.putBytes(claimed + EncapHeader.LENGTH, buffer, index, captured);
            fabric.commit(claimed);
            port.tracer().emit(TraceKind.FRAME_OUT, tag, chargedBytes, dstHost, eni.vpc().vni(), 0);
            final EniCounters counters = port.counters();
            counters.increment(EniMeter.TX_FRAMES);
            counters.add(EniMeter.TX_BYTES, chargedBytes);
            return true;
        }

        /** The frame stays at the head: its link is full or busy (counted once per frame). */
        private boolean stalled()
        {
            if (!head.stalled())
            {
                fabricStalls.increment();
            }
            return false;
        }
    }
}
