package io.nitrosim.nic.testbed;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.card.VpcCard;
import io.nitrosim.nic.fabric.HostDirectory;
import io.nitrosim.nic.shaping.NetworkInstanceCaps;
import io.nitrosim.nic.shaping.NetworkShapingConfig;
import io.nitrosim.nic.vpc.Eni;
import io.nitrosim.nic.vpc.SecurityGroup;
import io.nitrosim.nic.vpc.SecurityGroupRule;
import io.nitrosim.nic.vpc.Subnet;
import io.nitrosim.nic.vpc.Vpc;
import io.nitrosim.nic.vpc.VpcNetwork;
import io.nitrosim.time.VirtualTimeRuntime;

/** A VPC with one subnet and an open group, hosts with cards on one virtual-time runtime. */
public final class TestBed implements AutoCloseable
{
    public static final long MS = 1_000_000L;
    public static final long SECOND = 1_000_000_000L;

    public final VpcNetwork net = new VpcNetwork(7);
    public final VirtualTimeRuntime runtime = new VirtualTimeRuntime();
    public final CounterRegistry registry = new CounterRegistry();
    public final HostDirectory directory = new HostDirectory();
    public final Vpc vpc;
    public final Subnet subnet;
    public final SecurityGroup open;
    private final Map<Integer, VpcCard> cards = new TreeMap<>();
    private final NetworkShapingConfig shaping;
    private final long latencyNs;
    private final Ticker ticker = new Ticker();

    public TestBed()
    {
        this(NetworkShapingConfig.DEFAULT, HostDirectory.DEFAULT_LINK_LATENCY_NS);
    }

    public TestBed(final NetworkShapingConfig shaping, final long latencyNs)
    {
        this.shaping = shaping;
        this.latencyNs = latencyNs;
        vpc = net.createVpc("10.0.0.0/16");
        subnet = net.createSubnet(vpc.id(), "10.0.1.0/24");
        open = net.createSecurityGroup(vpc.id(), "open");
        net.authorizeIngress(open.id(), SecurityGroupRule.all("10.0.0.0/8"));
        runtime.add(ticker);
    }

    /** Runs until {@code timeNs} even when nothing is left to do before (virtual time stops when quiescent). */
    public void advanceTo(final long timeNs)
    {
        ticker.targetNs = timeNs;
        runtime.runUntil(timeNs);
    }

    /** An agent whose only deadline is the time a test wants to reach. */
    private final class Ticker implements io.nitrosim.time.SimAgent
    {
        long targetNs;

        @Override
        public int doWork()
        {
            return 0;
        }

        @Override
        public long nextDeadlineNs()
        {
            return runtime.clock().nanoTime() < targetNs ? targetNs : NO_DEADLINE;
        }

        @Override
        public String roleName()
        {
            return "ticker";
        }
    }

    public VpcCard card(final int hostId)
    {
        return cards.computeIfAbsent(hostId, id ->
        {
            final VpcCard card = VpcCard.builder().hostId(id).network(net).clock(runtime.clock()).directory(directory)
                .registry(registry).shaping(shaping).build();
            directory.addLocalHost(id, card.fabricInbound(), latencyNs);
            runtime.add(card);
            return card;
        });
    }

    /** An instance on {@code hostId} with {@code enis} ENIs in the open group; returns their ports. */
    public List<EniPort> instance(final String instanceId, final NetworkInstanceCaps caps, final int hostId,
        final int enis)
    {
        return instance(instanceId, caps, hostId, enis, shaping, subnet);
    }

    public List<EniPort> instance(final String instanceId, final NetworkInstanceCaps caps, final int hostId,
        final int enis, final NetworkShapingConfig config, final Subnet inSubnet)
    {
        final VpcCard card = card(hostId);
        net.registerInstance(instanceId, caps, hostId);
        final java.util.ArrayList<EniPort> ports = new java.util.ArrayList<>();
        final java.util.ArrayList<Eni> created = new java.util.ArrayList<>();
        for (int i = 0; i < enis; i++)
        {
            final SecurityGroup group = inSubnet.vpc() == vpc ? open : inSubnet.vpc().defaultSecurityGroup();
            final Eni eni = net.createNetworkInterface(inSubnet.id(), group.id());
            net.attachNetworkInterface(eni.id(), instanceId, i);
            created.add(eni);
        }
        card.addInstance(instanceId, config);
        for (final Eni eni : created)
        {
            ports.add(card.eniPort(eni.id()));
        }
        return ports;
    }

    public EniPort port(final String instanceId, final NetworkInstanceCaps caps, final int hostId)
    {
        return instance(instanceId, caps, hostId, 1).get(0);
    }

    @Override
    public void close()
    {
        runtime.close();
        registry.close();
    }
}
