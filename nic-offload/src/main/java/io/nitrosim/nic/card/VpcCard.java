package io.nitrosim.nic.card;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.nic.fabric.FabricPort;
import io.nitrosim.nic.fabric.HostDirectory;
import io.nitrosim.nic.flow.FlowKey;
import io.nitrosim.nic.frame.EncapHeader;
import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.nic.shaping.EniCounters;
import io.nitrosim.nic.shaping.FlowLimiter;
import io.nitrosim.nic.shaping.InstanceShaper;
import io.nitrosim.nic.shaping.NetworkShapingConfig;
import io.nitrosim.nic.vpc.ConnTrackTable;
import io.nitrosim.nic.vpc.Eni;
import io.nitrosim.nic.vpc.Ipv4;
import io.nitrosim.nic.vpc.VpcInstance;
import io.nitrosim.nic.vpc.VpcNetwork;
import io.nitrosim.shaping.ShapedRecordHandler;
import io.nitrosim.shaping.ShapedRing;
import io.nitrosim.shaping.TokenBucket;
import io.nitrosim.time.SimAgent;

/**
 * The VPC card of one host, without its PCI face (the ENA device comes in the next phase): one agent that
 * serves every instance of the host.
 * <p>
 * Egress, per frame at the head of an ENI's {@link TxQueue} (queues served round-robin per instance):
 * parse; anti-spoofing (source MAC and IP must be the ENI's); link-local (169.254/16) goes to the card's local
 * services through a 1024 packets/s per-ENI bucket; route through the VPC model (own VPC, then peers: VPC
 * isolation); connection tracking, and for a new flow the ENI's outbound security group rules and the
 * conntrack allowance; then shaping: the instance's outbound allowance, the optional PPS limit and the flow's
 * bucket. A frame the allowances hold stays at the head (the queue fills: back-pressure) and is counted once
 * in bw_out / pps / flow allowance counters; when admitted it is encapsulated into the destination host's
 * {@link FabricPort}.
 * <p>
 * Ingress, per frame from the fabric ring (ready at send time + link latency): decapsulate; VNI check (the
 * source VPC must be the ENI's or a peer); connection tracking (replies pass), and for a new flow the ENI's
 * inbound rules and the conntrack allowance; then the instance's bounded ingress buffer: full means dropped and
 * counted in bw_in_allowance_exceeded. The buffer drains through the instance's inbound allowance (a frame that
 * waits is counted once in bw_in) to the ENI's {@link FrameSink}.
 * <p>
 * Every decision lands in a counter; nothing is dropped silently. No allocation per frame.
 */
public final class VpcCard implements SimAgent
{
    private static final int ACT_DROP = 0;
    private static final int ACT_FORWARD = 1;

    private final Context ctx;
    private final int hostId;
    private final VpcNetwork network;
    private final NanoClock clock;
    private final HostDirectory directory;
    private final ShapedRing fabricInbound;
    private final List<CardInstance> instances = new ArrayList<>();
    private final Map<String, EniPort> portsById = new LinkedHashMap<>();
    private final Int2ObjectHashMap<EniPort> portsByNumber = new Int2ObjectHashMap<>();
    private CardInstance[] instanceArray = new CardInstance[0];

    private final EthernetFrame frame = new EthernetFrame();
    private final EncapHeader encap = new EncapHeader();
    private final EgressHandler egressHandler = new EgressHandler();
    private final FabricHandler fabricHandler = new FabricHandler();
    private final IngressHandler ingressHandler = new IngressHandler();

    private final AtomicCounter fabricMalformed;
    private final AtomicCounter fabricMisrouted;
    private final AtomicCounter fabricStalls;

    private VpcCard(final Context ctx)
    {
        this.ctx = ctx;
        this.hostId = ctx.hostId;
        this.network = ctx.network;
        this.clock = ctx.clock;
        this.directory = ctx.directory;
        final MetricTags tags = MetricTags.of("host", Integer.toString(hostId));
        this.fabricInbound = ShapedRing.builder("fabric-in host" + hostId)
            .capacityBytes(ctx.fabricRingCapacityBytes)
            .maxPayloadBytes(EncapHeader.LENGTH + EthernetFrame.MAX_FRAME_LENGTH)
            .manyProducers(true)
            .counters(ctx.registry, tags.and("ring", "fabric-in"))
            .build();
        fabricMalformed = counter("nic.fabric.malformed_dropped", tags);
        fabricMisrouted = counter("nic.fabric.misrouted_dropped", tags);
        fabricStalls = counter("nic.fabric.stalls", tags);
    }

    public static Context builder()
    {
        return new Context();
    }

    private AtomicCounter counter(final String name, final MetricTags tags)
    {
        return ctx.registry == null ? CounterRegistry.unregistered() : ctx.registry.counter(name, tags);
    }

    /** Routes every card's host to its fabric ring in {@code directory}, with one link latency. */
    public static void connectLocal(final HostDirectory directory, final long latencyNs, final VpcCard... cards)
    {
        for (final VpcCard card : cards)
        {
            directory.addLocalHost(card.hostId(), card.fabricInbound(), latencyNs);
        }
    }

    public int hostId()
    {
        return hostId;
    }

    public Context context()
    {
        return ctx;
    }

    NanoClock clock()
    {
        return clock;
    }

    /** The ring other cards (and the UDP transport) write encapsulated frames into. */
    public ShapedRing fabricInbound()
    {
        return fabricInbound;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Configuration (before running, or from the card's thread)

    /** Serves an instance registered in the VPC model on this host, with the card's default shaping config. */
    public CardInstance addInstance(final String instanceId)
    {
        return addInstance(instanceId, ctx.shaping);
    }

    /** Serves an instance with its own shaping config (PPS limit, cluster placement group, ...). */
    public CardInstance addInstance(final String instanceId, final NetworkShapingConfig config)
    {
        final VpcInstance vpcInstance = network.instance(instanceId);
        if (vpcInstance.hostId() != hostId)
        {
            throw new IllegalArgumentException(
                "instance " + instanceId + " runs on host " + vpcInstance.hostId() + ", this card is host " + hostId);
        }
        for (final CardInstance existing : instances)
        {
            if (existing.instanceId().equals(instanceId))
            {
                throw new IllegalArgumentException("instance " + instanceId + " is already served by host " + hostId);
            }
        }
        final long nowNs = clock.nanoTime();
        final InstanceShaper shaper = new InstanceShaper(instanceId, vpcInstance.caps(), config, nowNs);
        final ConnTrackTable conntrack = new ConnTrackTable(config.conntrackAllowance(), config.tcpIdleTimeoutNs(),
            config.udpIdleTimeoutNs(), config.otherIdleTimeoutNs());
        // Sized so that the buffer's byte bound, not the ring, limits it for frames of 64 B and up.
        final ShapedRing ingress = ShapedRing.builder("ingress " + instanceId)
            .capacityBytes(Math.max(64 * 1024, config.ingressBufferBytes() * 2))
            .maxPayloadBytes(EthernetFrame.MAX_FRAME_LENGTH)
            .counters(ctx.registry, MetricTags.of("instance", instanceId, "ring", "ingress"))
            .build();
        final CardInstance instance = new CardInstance(vpcInstance, shaper, conntrack, ingress, config.ingressBufferBytes());
        instances.add(instance);
        instanceArray = instances.toArray(new CardInstance[0]);
        for (final Eni eni : vpcInstance.enis())
        {
            addPort(instance, eni);
        }
        return instance;
    }

    /** Starts serving an ENI attached (in the VPC model) to an instance of this card after it was added. */
    public EniPort attachEni(final String eniId)
    {
        final Eni eni = network.eni(eniId);
        if (portsById.containsKey(eniId))
        {
            throw new IllegalArgumentException(eniId + " is already served by host " + hostId);
        }
        final String instanceId = eni.instanceId();
        for (final CardInstance instance : instances)
        {
            if (instance.instanceId().equals(instanceId))
            {
                return addPort(instance, eni);
            }
        }
        throw new IllegalArgumentException(eniId + " is attached to " + instanceId + ", which host " + hostId + " does not serve");
    }

    private EniPort addPort(final CardInstance instance, final Eni eni)
    {
        final NetworkShapingConfig config = instance.shaper().config();
        final TokenBucket linkLocal = new TokenBucket("linklocal " + eni.id(), config.linkLocalPacketsPerSec(),
            config.linkLocalBurstPackets(), clock.nanoTime());
        final EniPort port = new EniPort(this, instance, eni, instance.ports.size(),
            new EniCounters(ctx.registry, instance.instanceId(), eni.id()), linkLocal);
        instance.addPort(port);
        portsById.put(eni.id(), port);
        portsByNumber.put(eni.number(), port);
        return port;
    }

    /**
     * Stops serving an ENI (hot unplug): its queues are no longer polled, frames still buffered for it are
     * discarded and the fabric no longer reaches it here. Call from the card's thread after its function left the
     * instance's bus. The port keeps its local index, so frames of the instance's other ports stay addressed.
     *
     * @return whether this card served the ENI.
     */
    public boolean detachEni(final String eniId)
    {
        final EniPort port = portsById.remove(eniId);
        if (port == null)
        {
            return false;
        }
        portsByNumber.remove(port.eni().number());
        port.detached = true;
        port.sink(FrameSink.DISCARD);
        port.instance().rebuildQueues();
        return true;
    }

    /** Stops serving an instance and every ENI of it (after termination). @return whether it was served here. */
    public boolean removeInstance(final String instanceId)
    {
        for (int i = 0; i < instances.size(); i++)
        {
            final CardInstance instance = instances.get(i);
            if (instance.instanceId().equals(instanceId))
            {
                for (final EniPort port : instance.ports())
                {
                    detachEni(port.eni().id());
                }
                instances.remove(i);
                instanceArray = instances.toArray(new CardInstance[0]);
                return true;
            }
        }
        return false;
    }

    public EniPort eniPort(final String eniId)
    {
        final EniPort port = portsById.get(eniId);
        if (port == null)
        {
            throw new IllegalArgumentException("host " + hostId + " serves no ENI " + eniId);
        }
        return port;
    }

    public CardInstance instance(final String instanceId)
    {
        for (final CardInstance instance : instances)
        {
            if (instance.instanceId().equals(instanceId))
            {
                return instance;
            }
        }
        throw new IllegalArgumentException("host " + hostId + " serves no instance " + instanceId);
    }

    public List<CardInstance> instances()
    {
        return Collections.unmodifiableList(instances);
    }

    public long fabricMalformedDropped()
    {
        return fabricMalformed.get();
    }

    public long fabricMisroutedDropped()
    {
        return fabricMisrouted.get();
    }

    /** Times an admitted frame found its fabric link full and waited in its queue. */
    public long fabricStalls()
    {
        return fabricStalls.get();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Agent

    @Override
    public String roleName()
    {
        return "vpc-card-host" + hostId;
    }

    @Override
    public int doWork()
    {
        final long nowNs = clock.nanoTime();
        int work = fabricInbound.poll(fabricHandler, ctx.pollBudget, nowNs);
        for (final CardInstance instance : instanceArray)
        {
            work += pollIngress(instance, nowNs);
            work += pollEgress(instance, nowNs);
        }
        return work;
    }

    @Override
    public long nextDeadlineNs()
    {
        final long nowNs = clock.nanoTime();
        long deadline = fabricInbound.nextEligibleNs();
        for (final CardInstance instance : instanceArray)
        {
            if (!instance.ingress.isEmpty())
            {
                deadline = Math.min(deadline, Math.max(nowNs, instance.ingressBlockedUntilNs));
            }
            for (final TxQueue queue : instance.queueArray)
            {
                if (queue.ring.isEmpty() || queue.downstreamBlocked)
                {
                    continue; // empty: the producer brings work; downstream: the fabric's consumer does
                }
                if (queue.blockedUntilNs > nowNs)
                {
                    deadline = Math.min(deadline, queue.blockedUntilNs);
                }
                else
                {
                    final long eligible = queue.ring.nextEligibleNs();
                    deadline = Math.min(deadline, eligible == NO_DEADLINE ? nowNs : eligible);
                }
            }
        }
        return deadline;
    }

    private int pollIngress(final CardInstance instance, final long nowNs)
    {
        if (instance.ingress.isEmpty() || nowNs < instance.ingressBlockedUntilNs)
        {
            return 0;
        }
        ingressHandler.instance = instance;
        return instance.ingress.poll(ingressHandler, ctx.pollBudget, nowNs);
    }

    /**
     * Serves the instance's queues one frame each in turn, resuming after the last queue served (so queues
     * that wake at the same instant share the allowance fairly), until a full turn makes no progress.
     */
    private int pollEgress(final CardInstance instance, final long nowNs)
    {
        final TxQueue[] queues = instance.queueArray;
        final int n = queues.length;
        final int budget = ctx.pollBudget;
        int work = 0;
        int idle = 0;
        int i = instance.roundRobin < n ? instance.roundRobin : 0;
        while (idle < n && work < budget)
        {
            final TxQueue queue = queues[i];
            i = i + 1 == n ? 0 : i + 1;
            if (nowNs < queue.blockedUntilNs || queue.ring.isEmpty())
            {
                idle++;
                continue;
            }
            egressHandler.queue = queue;
            if (queue.ring.poll(egressHandler, 1, nowNs) > 0)
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

    // ---------------------------------------------------------------------------------------------------------
    // Egress

    /** Decides a head frame's fate once (the decision is cached while the frame waits for its allowance). */
    private void classify(final TxQueue queue, final DirectBuffer buffer, final int index, final int captured,
        final int chargedBytes, final long nowNs)
    {
        final EniPort port = queue.port();
        final EniCounters counters = port.counters();
        final Eni eni = port.eni();
        queue.action = ACT_DROP;
        final EthernetFrame frame = this.frame.wrap(buffer, index, captured);
        if (frame.validate() != EthernetFrame.VALID || frame.frameLength() != chargedBytes)
        {
            counters.malformedDropped.increment();
            return;
        }
        final int srcIp = frame.srcIp();
        if (frame.srcMac() != eni.mac() || !eni.hasIp(srcIp))
        {
            counters.spoofDropped.increment();
            return;
        }
        final int dstIp = frame.dstIp();
        if (Ipv4.isLinkLocal(dstIp))
        {
            if (port.linkLocal.tryConsume(1, nowNs))
            {
                counters.linkLocalFrames.increment(); // answered by the card's local services
            }
            else
            {
                counters.linklocalAllowanceExceeded.increment();
            }
            return;
        }
        final Eni dstEni = network.resolve(eni.vpc(), dstIp);
        final int dstHost = dstEni == null ? -1 : dstEni.hostId();
        if (dstHost < 0 || !directory.knows(dstHost))
        {
            counters.noRouteDropped.increment();
            return;
        }
        final int protocol = frame.protocol();
        final int srcPort = frame.srcPort();
        final int dstPort = frame.dstPort();
        final long hi = FlowKey.hi(srcIp, dstIp);
        final long lo = FlowKey.lo(srcPort, dstPort, protocol, eni.number());
        final ConnTrackTable conntrack = port.instance().conntrack();
        if (conntrack.lookup(hi, lo, nowNs) < 0)
        {
            if (!eni.allowsEgress(protocol, dstPort, dstIp, dstEni))
            {
                counters.sgEgressDropped.increment();
                return;
            }
            if (conntrack.track(hi, lo, nowNs) < 0)
            {
                counters.conntrackAllowanceExceeded.increment();
                return;
            }
        }
        queue.action = ACT_FORWARD;
        queue.dstHost = dstHost;
        queue.dstEniNumber = dstEni.number();
        queue.flowHi = hi;
        queue.flowLo = lo;
        queue.flowHash = FlowKey.hash(hi, lo);
    }

    private final class EgressHandler implements ShapedRecordHandler
    {
        TxQueue queue;

        @Override
        public boolean onRecord(final int tag, final DirectBuffer buffer, final int index, final int captured,
            final int chargedBytes, final long readyAtNs, final long nowNs)
        {
            final TxQueue queue = this.queue;
            if (!queue.decided)
            {
                classify(queue, buffer, index, captured, chargedBytes, nowNs);
                queue.decided = true;
            }
            if (queue.action == ACT_DROP)
            {
                queue.resetHead();
                return true;
            }
            final EniPort port = queue.port();
            final CardInstance instance = port.instance();
            final InstanceShaper shaper = instance.shaper();
            final FlowLimiter flows = shaper.flows();
            if (queue.flowEntry < 0 || !flows.isEntryOf(queue.flowEntry, queue.flowHi, queue.flowLo))
            {
                queue.flowEntry = flows.acquire(queue.flowHi, queue.flowLo, nowNs);
                if (queue.flowEntry < 0)
                {
                    queue.blockedUntilNs = nowNs + flows.refillNs(); // table full of active flows: retry later
                    return false;
                }
            }
            final int blocked = shaper.checkEgress(queue.flowEntry, chargedBytes, nowNs);
            if (blocked != 0)
            {
                final int firstTime = blocked & ~queue.countedMask;
                queue.countedMask |= blocked;
                final EniCounters counters = port.counters();
                if ((firstTime & InstanceShaper.BLOCKED_BANDWIDTH) != 0)
                {
                    counters.bwOutAllowanceExceeded.increment();
                }
                if ((firstTime & InstanceShaper.BLOCKED_PPS) != 0)
                {
                    counters.ppsAllowanceExceeded.increment();
                }
                if ((firstTime & InstanceShaper.BLOCKED_FLOW) != 0)
                {
                    counters.flowAllowanceExceeded.increment();
                }
                queue.blockedUntilNs = Math.max(shaper.waitUntilNs(), nowNs + shaper.config().shapingQuantumNs());
                return false;
            }
            final FabricPort fabric = directory.port(queue.dstHost);
            final int length = EncapHeader.LENGTH + captured;
            final int claimed = fabric.tryClaim(length, chargedBytes, nowNs);
            if (claimed < 0)
            {
                if (!queue.downstreamBlocked)
                {
                    queue.downstreamBlocked = true;
                    fabricStalls.increment();
                }
                return false;
            }
            shaper.consumeEgress(queue.flowEntry, chargedBytes, nowNs);
            final MutableDirectBuffer out = fabric.buffer();
            final Eni eni = port.eni();
            encap.wrapForWrite(out, claimed).write(eni.vpc().vni(), hostId, queue.dstHost, eni.number(),
                queue.dstEniNumber, chargedBytes, queue.flowHash, captured < chargedBytes);
            out.putBytes(claimed + EncapHeader.LENGTH, buffer, index, captured);
            fabric.commit(claimed);
            final EniCounters counters = port.counters();
            counters.txFrames.increment();
            counters.txBytes.getAndAdd(chargedBytes);
            queue.resetHead();
            return true;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Ingress

    private final class FabricHandler implements ShapedRecordHandler
    {
        @Override
        public boolean onRecord(final int tag, final DirectBuffer buffer, final int index, final int length,
            final int chargedBytes, final long readyAtNs, final long nowNs)
        {
            final EncapHeader encap = VpcCard.this.encap.wrap(buffer, index);
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
            final EthernetFrame frame = VpcCard.this.frame.wrap(buffer, frameIndex, captured);
            if (frame.validate() != EthernetFrame.VALID || frame.frameLength() != encap.innerLength())
            {
                counters.malformedDropped.increment();
                return true;
            }
            final Eni srcEni = network.eniByNumber(encap.srcEni());
            if (srcEni == null || srcEni.vpc().vni() != encap.vni() || !eni.vpc().isPeeredWith(srcEni.vpc()))
            {
                counters.vniMismatchDropped.increment();
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
            if (conntrack.lookup(hi, lo, nowNs) < 0)
            {
                if (!eni.allowsIngress(protocol, dstPort, srcIp, srcEni))
                {
                    counters.sgIngressDropped.increment();
                    return true;
                }
                if (conntrack.track(hi, lo, nowNs) < 0)
                {
                    counters.conntrackAllowanceExceeded.increment();
                    return true;
                }
            }
            final int frameLength = encap.innerLength();
            if (instance.ingressQueuedBytes + frameLength > instance.ingressBufferBytes)
            {
                counters.bwInAllowanceExceeded.increment();
                instance.ingress.recordDrop(frameLength);
                return true;
            }
            final int claimed = instance.ingress.tryClaim(nowNs, frameLength, port.localIndex(), captured);
            if (claimed < 0)
            {
                counters.bwInAllowanceExceeded.increment();
                instance.ingress.recordDrop(frameLength);
                return true;
            }
            instance.ingress.buffer().putBytes(claimed, buffer, frameIndex, captured);
            instance.ingress.commit(claimed);
            instance.ingressQueuedBytes += frameLength;
            return true;
        }
    }

    private static final class IngressHandler implements ShapedRecordHandler
    {
        CardInstance instance;

        @Override
        public boolean onRecord(final int tag, final DirectBuffer buffer, final int index, final int captured,
            final int chargedBytes, final long readyAtNs, final long nowNs)
        {
            final CardInstance instance = this.instance;
            final EniPort port = instance.portArray[tag];
            final InstanceShaper shaper = instance.shaper();
            final int blocked = shaper.checkIngress(chargedBytes, nowNs);
            if (blocked != 0)
            {
                final int firstTime = blocked & ~instance.ingressCountedMask;
                instance.ingressCountedMask |= blocked;
                if ((firstTime & InstanceShaper.BLOCKED_BANDWIDTH) != 0)
                {
                    port.counters().bwInAllowanceExceeded.increment();
                }
                if ((firstTime & InstanceShaper.BLOCKED_PPS) != 0)
                {
                    port.counters().ppsAllowanceExceeded.increment();
                }
                instance.ingressBlockedUntilNs =
                    Math.max(shaper.waitUntilNs(), nowNs + shaper.config().shapingQuantumNs());
                return false;
            }
            shaper.consumeIngress(chargedBytes, nowNs);
            instance.ingressQueuedBytes -= chargedBytes;
            instance.ingressCountedMask = 0;
            final EniCounters counters = port.counters();
            counters.rxFrames.increment();
            counters.rxBytes.getAndAdd(chargedBytes);
            if (!port.sink.onFrame(port, buffer, index, captured, chargedBytes, nowNs))
            {
                counters.rxNoBufferDropped.increment();
            }
            return true;
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** The card's configuration, validated in one place ({@link #build()}). */
    public static final class Context
    {
        private int hostId = -1;
        private VpcNetwork network;
        private NanoClock clock;
        private HostDirectory directory;
        private CounterRegistry registry;
        private NetworkShapingConfig shaping = NetworkShapingConfig.DEFAULT;
        private int fabricRingCapacityBytes = 4 << 20;
        private int txQueueDepthFrames = 256;
        private int txMaxCapturedBytes = EthernetFrame.MAX_FRAME_LENGTH;
        private int pollBudget = 256;

        private Context()
        {
        }

        public Context hostId(final int hostId)
        {
            this.hostId = hostId;
            return this;
        }

        public Context network(final VpcNetwork network)
        {
            this.network = network;
            return this;
        }

        public Context clock(final NanoClock clock)
        {
            this.clock = clock;
            return this;
        }

        public Context directory(final HostDirectory directory)
        {
            this.directory = directory;
            return this;
        }

        /** Where counters are registered; null keeps them unregistered. */
        public Context registry(final CounterRegistry registry)
        {
            this.registry = registry;
            return this;
        }

        /** Default shaping config for instances added without one. */
        public Context shaping(final NetworkShapingConfig shaping)
        {
            this.shaping = shaping;
            return this;
        }

        public Context fabricRingCapacityBytes(final int bytes)
        {
            this.fabricRingCapacityBytes = bytes;
            return this;
        }

        public Context txQueueDepthFrames(final int frames)
        {
            this.txQueueDepthFrames = frames;
            return this;
        }

        public Context txMaxCapturedBytes(final int bytes)
        {
            this.txMaxCapturedBytes = bytes;
            return this;
        }

        /** Most records handled per ring per doWork. */
        public Context pollBudget(final int records)
        {
            this.pollBudget = records;
            return this;
        }

        public int hostId()
        {
            return hostId;
        }

        public NetworkShapingConfig shaping()
        {
            return shaping;
        }

        public int txQueueDepthFrames()
        {
            return txQueueDepthFrames;
        }

        public int txMaxCapturedBytes()
        {
            return txMaxCapturedBytes;
        }

        public VpcCard build()
        {
            if (hostId < 0)
            {
                throw new IllegalArgumentException("card host id " + hostId + " must be >= 0");
            }
            if (network == null || clock == null || directory == null)
            {
                throw new IllegalArgumentException("card for host " + hostId + " needs a network, a clock and a directory"
                    + " (network=" + network + ", clock=" + clock + ", directory=" + directory + ")");
            }
            if (shaping == null)
            {
                throw new IllegalArgumentException("card for host " + hostId + " needs a shaping config");
            }
            if (fabricRingCapacityBytes < 64 * 1024 || fabricRingCapacityBytes > (1 << 30))
            {
                throw new IllegalArgumentException("fabric ring capacity " + fabricRingCapacityBytes
                    + " B out of range, accepted 65536.." + (1 << 30) + " B");
            }
            if (txQueueDepthFrames < 1 || txQueueDepthFrames > 65_536)
            {
                throw new IllegalArgumentException(
                    "TX queue depth " + txQueueDepthFrames + " out of range, accepted 1..65536 frames");
            }
            if (txMaxCapturedBytes < EthernetFrame.L4_OFFSET + EthernetFrame.TCP_HEADER_LENGTH
                || txMaxCapturedBytes > EthernetFrame.MAX_FRAME_LENGTH)
            {
                throw new IllegalArgumentException("TX max captured bytes " + txMaxCapturedBytes + " out of range, accepted "
                    + (EthernetFrame.L4_OFFSET + EthernetFrame.TCP_HEADER_LENGTH) + ".." + EthernetFrame.MAX_FRAME_LENGTH);
            }
            if (pollBudget < 1 || pollBudget > 1 << 20)
            {
                throw new IllegalArgumentException("poll budget " + pollBudget + " out of range, accepted 1.." + (1 << 20));
            }
            return new VpcCard(this);
        }
    }
}
