package io.nitrosim.nic.card;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.NanoClock;

import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.nic.fabric.FabricPort;
import io.nitrosim.nic.fabric.HostDirectory;
import io.nitrosim.nic.frame.EncapHeader;
import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.nic.shaping.EniCounters;
import io.nitrosim.nic.shaping.InstanceShaper;
import io.nitrosim.nic.shaping.NetworkShapingConfig;
import io.nitrosim.nic.vpc.ConnTrackTable;
import io.nitrosim.nic.vpc.Eni;
import io.nitrosim.nic.vpc.VpcInstance;
import io.nitrosim.nic.vpc.VpcNetwork;
import io.nitrosim.shaping.ShapedRing;
import io.nitrosim.shaping.ShapingGate;
import io.nitrosim.shaping.ShapingReason;
import io.nitrosim.shaping.TokenBucket;
import io.nitrosim.time.SimAgent;
import io.nitrosim.time.Wake;

/**
 * The VPC card of one host: one agent that serves every instance of the host, each ENI through its ENA device.
 * <p>
 * Egress ({@link EgressPath}), per frame at the head of an ENI's {@link TxQueue} (queues served round-robin per instance): the ENI's
 * egress pipeline takes it in at the line rate (each frame holds it for its wire time, whatever its fate, so a
 * guest sending into a drop is dropped at that pace and time moves on); parse;
 * anti-spoofing (source MAC and IP must be the ENI's); link-local (169.254/16) goes to the card's local services
 * through the ENI's link-local gate (1024 packets/s); route through the VPC model (own VPC, then peers: VPC
 * isolation); connection tracking, and for a new flow the ENI's outbound security group rules and the conntrack
 * allowance. That decision is made once per frame and kept in the ring's {@link ShapedRing.Head}. Then the
 * queue's gate shapes it: the instance's outbound allowance, the optional PPS limit and the flow's bucket. A
 * frame the gate holds stays at the head (the queue fills: back-pressure), is counted once per reason in the
 * ENI's allowance counters, and is retried when the ring says; when admitted it is encapsulated into the
 * destination host's {@link FabricPort}.
 * <p>
 * Ingress ({@link IngressPath}), per frame from the fabric ring (ready at send time + link latency): decapsulate;
 * VNI check (the source VPC must be the ENI's or a peer); connection tracking (replies pass), and for a new flow
 * the ENI's inbound rules and the conntrack allowance; then the instance's bounded ingress buffer: full means
 * dropped and counted in bw_in_allowance_exceeded. The buffer is a ring gated by the instance's inbound allowance
 * (a frame that waits is counted once in its ENI's bw_in / pps) and drains to the ENI's {@link FrameSink}.
 * <p>
 * Every decision lands in a counter; nothing is dropped silently. The rings' {@code nextEligibleNs} are the card's
 * deadlines. No allocation per frame.
 */
public final class VpcCard implements SimAgent
{
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

    private final IngressPath ingress;
    private final EgressPath egress;

    /** The card's group wake ({@link #bindWake}); the ENI ports and the fabric ring call it. */
    private Wake wake = Wake.NONE;
    /** Every card that writes into this one's fabric ring is woken when it drains ({@link #connectLocal}). */
    private boolean fabricWakesSenders;

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
        ingress = new IngressPath(hostId, network, portsByNumber,
            VpcCardMeter.FABRIC_MALFORMED_DROPPED.newCounter(ctx.registry, tags),
            VpcCardMeter.FABRIC_MISROUTED_DROPPED.newCounter(ctx.registry, tags));
        egress = new EgressPath(hostId, network, directory, VpcCardMeter.FABRIC_STALLS.newCounter(ctx.registry, tags),
            ctx.shaping.shapingQuantumNs(), ctx.pollBudget, ctx.shaping.lineRateBytesPerSec());
    }

    public static Context builder()
    {
        return new Context();
    }

    /** Routes every card's host to its fabric ring in {@code directory}, with one link latency. */
    public static void connectLocal(final HostDirectory directory, final long latencyNs, final VpcCard... cards)
    {
        final VpcCard[] senders = cards.clone();
        // a card held by a full fabric ring waits for that ring to drain: wake every card that may write into it
        final Wake wakeSenders = () ->
        {
            for (final VpcCard sender : senders)
            {
                sender.wake.wake();
            }
        };
        for (final VpcCard card : cards)
        {
            directory.addLocalHost(card.hostId(), card.fabricInbound(), latencyNs);
            card.fabricInbound().wakeProducer(wakeSenders);
            card.fabricWakesSenders = true;
        }
    }

    /** Its rings (egress queues, fabric ring) wake the card's group; the ports' hand-offs wake it when they drain. */
    @Override
    public void bindWake(final Wake wake)
    {
        this.wake = wake;
        fabricInbound.wakeConsumer(wake);
        for (final EniPort port : portsById.values())
        {
            port.bindCardWake(wake);
        }
    }

    /**
     * Whether all its input wakes it: frames from the ENA functions (egress queues) and from cards of this process
     * ({@link #connectLocal}); a fabric ring that also takes frames from another thread (a UDP transport) does not.
     */
    @Override
    public boolean wakesOnInput()
    {
        return fabricWakesSenders;
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
            .gate(shaper.ingressGate())
            .countQueued(true) // bw_in / pps count every frame queued because of the allowance, as ENA does
            .counters(ctx.registry, MetricTags.of("instance", instanceId, "ring", "ingress"))
            .build();
        VpcCardMeter.CREDIT_BALANCE.newGauge(ctx.registry, MetricTags.of("instance", instanceId, "direction", "in"),
            () -> shaper.inboundCreditPpm(clock.nanoTime()));
        VpcCardMeter.CREDIT_BALANCE.newGauge(ctx.registry, MetricTags.of("instance", instanceId, "direction", "out"),
            () -> shaper.outboundCreditPpm(clock.nanoTime()));
        final CardInstance instance = new CardInstance(vpcInstance, shaper, conntrack, ingress, config.ingressBufferBytes());
        egress.coverRate(vpcInstance.caps().peakBytesPerSec());
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
        final EniCounters counters = new EniCounters(ctx.registry, instance.instanceId(), eni.id());
        final ShapingGate linkLocal = ShapingGate.builder().counters(counters.egress())
            .ops(ShapingReason.LINK_LOCAL, new TokenBucket("linklocal " + eni.id(), config.linkLocalPacketsPerSec(),
                config.linkLocalBurstPackets(), clock.nanoTime()))
            .build();
        final EniPort port = new EniPort(this, instance, eni, instance.ports.size(), counters,
            instance.shaper().egressGate(counters.egress()), linkLocal);
        port.bindCardWake(wake);
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
        return ingress.malformedDropped();
    }

    public long fabricMisroutedDropped()
    {
        return ingress.misroutedDropped();
    }

    /** Times an admitted frame found its fabric link full and waited in its queue. */
    public long fabricStalls()
    {
        return egress.fabricStalls();
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
        egress.beginPass();
        int work = ingress.pollFabric(fabricInbound, ctx.pollBudget, nowNs);
        for (final CardInstance instance : instanceArray)
        {
            if (instance.ingressQueuedBytes > 0) // the card's own count: an empty ingress ring has nothing to poll
            {
                work += ingress.pollIngress(instance, ctx.pollBudget, nowNs);
            }
            work += egress.poll(instance, nowNs);
        }
        return work;
    }

    /** The earliest time any of the card's rings can make progress: each ring knows its own. */
    @Override
    public long nextDeadlineNs()
    {
        long deadline = egress.uplinkDeadlineNs(fabricInbound.nextEligibleNs());
        deadline = Math.min(deadline, fabricInbound.nextEligibleNs());
        for (final CardInstance instance : instanceArray)
        {
            deadline = Math.min(deadline, instance.ingress.nextEligibleNs());
            for (final TxQueue queue : instance.queueArray)
            {
                deadline = Math.min(deadline, queue.ring().nextEligibleNs());
            }
        }
        return deadline;
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
