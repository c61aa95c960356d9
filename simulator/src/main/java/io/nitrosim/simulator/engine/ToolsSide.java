package io.nitrosim.simulator.engine;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.agrona.collections.Long2LongHashMap;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

import io.nitrosim.ebs.nbd.BlockQueue;
import io.nitrosim.ebs.nbd.NbdExport;
import io.nitrosim.ebs.nbd.NbdServer;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.nic.bridge.BridgeMeter;
import io.nitrosim.nic.bridge.BridgeSockets;
import io.nitrosim.nic.bridge.PortBridge;
import io.nitrosim.nic.bridge.PortMapping;
import io.nitrosim.nic.guest.GuestIperf;
import io.nitrosim.nic.vpc.Ipv4;
import io.nitrosim.simulator.scenario.Scenario;

/**
 * The doors for outside programs (docs/tools.md): NBD exports of volumes and bridged ENI ports. Both run inside
 * the guests, on the same reference drivers as the workloads, so every byte crosses the device models: an
 * export is a {@link io.nitrosim.ebs.nbd.GuestBlockDevice} on the volume's NVMe driver behind an {@link NbdServer}; a port is a
 * {@link PortBridge} on the instance's ENA driver behind its {@link BridgeSockets}. The servers' sockets run on
 * one Netty event loop of their own and meet the guests only through bounded lock-free queues and rings.
 * <p>
 * This is the simulator's binding of the two doors to its guests: the only place that knows how a guest program
 * is installed and where its drivers come from.
 */
final class ToolsSide implements AutoCloseable
{
    private static final int STAGING_SLOTS = 64;

    private final EventLoopGroup group;
    private final List<NbdServer> servers = new ArrayList<>();
    private final Map<String, NbdServer> serverOfExport = new LinkedHashMap<>();
    private final List<BridgeSockets> sockets = new ArrayList<>();
    private final List<InetSocketAddress> portAddresses = new ArrayList<>();
    private final List<String> doors = new ArrayList<>();

    ToolsSide(final Scenario scenario, final Map<String, Simulation.InstanceHandle> instances,
        final StorageSide storage, final NetworkWorkloads network, final CounterRegistry registry)
    {
        final boolean any = !scenario.exports().isEmpty() || !scenario.ports().isEmpty();
        group = any ? new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory()) : null;
        try
        {
            exports(scenario, storage, registry);
            ports(scenario, instances, network, registry);
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // NBD exports

    private void exports(final Scenario scenario, final StorageSide storage, final CounterRegistry registry)
    {
        // exports that name one port share one server; each port 0 gets a server of its own
        final Map<String, List<Scenario.Export>> byPort = new LinkedHashMap<>();
        for (final Scenario.Export e : scenario.exports())
        {
            byPort.computeIfAbsent(e.port() == 0 ? "any " + e.volume() : String.valueOf(e.port()),
                k -> new ArrayList<>()).add(e);
        }
        for (final List<Scenario.Export> onPort : byPort.values())
        {
            final List<String> names = onPort.stream().map(Scenario.Export::volume).toList();
            final NbdServer.Context server = NbdServer.context().host("127.0.0.1").port(onPort.get(0).port())
                .group(group).registry(registry, MetricTags.of("export", String.join(",", names)));
            for (final Scenario.Export e : onPort)
            {
                server.export(export(e, storage.exportTarget(e.volume()), server.queueCapacityNeeded()));
            }
            final NbdServer started = server.start();
            servers.add(started);
            for (final Scenario.Export e : onPort)
            {
                serverOfExport.put(e.volume(), started);
                final StorageSide.ExportTarget t = storage.exportTarget(e.volume());
                doors.add(String.format(Locale.ROOT, "nbd://127.0.0.1:%d/%s  volume %s (%s) of %s, %d GiB%s",
                    started.port(), e.volume(), e.volume(), t.volume().volumeId(), t.instance(), t.volume().sizeGiB(),
                    e.readOnly() ? ", read-only" : ""));
            }
        }
    }

    private static NbdExport export(final Scenario.Export e, final StorageSide.ExportTarget t, final int queueCapacity)
    {
        final BlockQueue queue = new BlockQueue(queueCapacity);
        final GuestSide guest = t.guest();
        GuestWorkloads.blockDevice(guest, guest.allocator(), t.address(), t.type().vcpus(), queue, STAGING_SLOTS);
        return GuestWorkloads.volumeExport(e.volume(), t.volume(), t.blockSizeBytes(), queue)
            .alias(t.volume().volumeId().toString())
            .description("EBS volume " + e.volume() + " (" + t.volume().volumeId() + ") of instance " + t.instance())
            .readOnly(e.readOnly()).build();
    }

    // ---------------------------------------------------------------------------------------------------------
    // ENI ports

    /** One instance's bridge as the scenario asks for it. */
    private static final class BridgePlan
    {
        final List<PortMapping> mappings = new ArrayList<>();
        final List<Integer> mappingIndexes = new ArrayList<>();
        final List<int[]> served = new ArrayList<>();
    }

    private void ports(final Scenario scenario, final Map<String, Simulation.InstanceHandle> instances,
        final NetworkWorkloads network, final CounterRegistry registry)
    {
        if (scenario.ports().isEmpty())
        {
            return;
        }
        final Map<String, BridgePlan> plans = new LinkedHashMap<>();
        final Long2LongHashMap macs = new Long2LongHashMap(0);
        for (int i = 0; i < scenario.ports().size(); i++)
        {
            final Scenario.Port p = scenario.ports().get(i);
            final EniHandle target = instances.get(p.toInstance()).network().primary();
            final boolean tcp = p.protocol().equals("tcp");
            final BridgePlan source = plans.computeIfAbsent(p.instance(), k -> new BridgePlan());
            source.mappings.add(new PortMapping(tcp, p.listenHost(), p.listenPort(), target.eni().primaryIp(), p.toPort()));
            source.mappingIndexes.add(i);
            plans.computeIfAbsent(p.toInstance(), k -> new BridgePlan()).served.add(new int[] {tcp ? 1 : 0, p.toPort()});
            portAddresses.add(null);
        }
        for (final Map.Entry<String, BridgePlan> e : plans.entrySet())
        {
            final EniHandle eni = instances.get(e.getKey()).network().primary();
            macs.put(eni.eni().primaryIp(), eni.eni().mac());
        }
        for (final Map.Entry<String, BridgePlan> e : plans.entrySet())
        {
            bridge(e.getKey(), e.getValue(), instances.get(e.getKey()), network, macs, registry);
        }
        for (int i = 0; i < scenario.ports().size(); i++)
        {
            final Scenario.Port p = scenario.ports().get(i);
            final InetSocketAddress a = portAddresses.get(i);
            doors.add(String.format(Locale.ROOT, "%s %s:%d  -> %s:%d (%s) through %s", p.protocol(),
                a.getHostString(), a.getPort(), p.toInstance(), p.toPort(),
                Ipv4.format(instances.get(p.toInstance()).network().primary().eni().primaryIp()), p.instance()));
        }
    }

    private void bridge(final String name, final BridgePlan plan, final Simulation.InstanceHandle h,
        final NetworkWorkloads network, final Long2LongHashMap macs, final CounterRegistry registry)
    {
        final GuestIperf guestNet = network.guestOf(h);
        final PortBridge.Context context = PortBridge.context().driver(guestNet.driver())
            .localIp(h.network().primary().eni().primaryIp()).mappings(plan.mappings)
            .macResolver(ip -> macs.get(ip)); // the VPC's own answer, as its router gives to ARP
        for (final int[] s : plan.served)
        {
            context.serve(s[0] == 1, s[1]);
        }
        final BridgeSockets socketSide = new BridgeSockets(group, plan.mappings, 1 << 20, 1 << 20, 64, 64);
        sockets.add(socketSide);
        final PortBridge bridge = context.sockets(socketSide).build();
        // read when exported (a few plain fields of the guest's bridge; a scrape may see them a pass old)
        final MetricTags tags = MetricTags.of("instance", h.instance().id(), "eni", h.network().primary().eni().id());
        BridgeMeter.CONNECTIONS.newGauge(registry, tags, bridge::connections);
        BridgeMeter.CONNECTIONS_OPENED.newGauge(registry, tags, bridge::connectionsOpened);
        BridgeMeter.CONNECTIONS_ACCEPTED.newGauge(registry, tags, bridge::connectionsAccepted);
        BridgeMeter.CONNECTIONS_REFUSED.newGauge(registry, tags, () -> bridge.connectionsRefused() + socketSide.refusedConnections());
        BridgeMeter.CONNECTIONS_RESET.newGauge(registry, tags, bridge::connectionsReset);
        BridgeMeter.RETRANSMITS.newGauge(registry, tags, bridge::retransmits);
        BridgeMeter.TIMEOUTS.newGauge(registry, tags, bridge::timeouts);
        BridgeMeter.LOSS_EVENTS.newGauge(registry, tags, bridge::lossEvents);
        BridgeMeter.DATAGRAMS_SENT.newGauge(registry, tags, bridge::datagramsSent);
        BridgeMeter.DATAGRAMS_RECEIVED.newGauge(registry, tags, bridge::datagramsReceived);
        BridgeMeter.DATAGRAMS_DROPPED.newGauge(registry, tags, () -> bridge.datagramsDropped() + socketSide.datagramsDropped());
        for (final int port : bridge.ports())
        {
            try
            {
                guestNet.register(port, bridge);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("ports: port " + port + " of instance " + name + " is already "
                    + "taken by an iperf workload's stream; bridge another port", ex);
            }
        }
        h.guest().add(bridge); // after the guest's network program, which runs the driver and its interrupts
        socketSide.start();
        for (int i = 0; i < plan.mappings.size(); i++)
        {
            portAddresses.set(plan.mappingIndexes.get(i), socketSide.listenAddress(i));
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Where the NBD export of {@code volume} listens. */
    InetSocketAddress exportAddress(final String volume)
    {
        final NbdServer server = serverOfExport.get(volume);
        if (server == null)
        {
            throw new IllegalArgumentException("volume '" + volume + "' is not exported; exports: "
                + serverOfExport.keySet());
        }
        return server.address();
    }

    /** Where port mapping {@code index} (in the scenario's order) listens. */
    InetSocketAddress portAddress(final int index)
    {
        return portAddresses.get(index);
    }

    /** One line per door, for the console. */
    List<String> doors()
    {
        return List.copyOf(doors);
    }

    @Override
    public void close()
    {
        for (final NbdServer s : servers)
        {
            s.close();
        }
        for (final BridgeSockets s : sockets)
        {
            s.close();
        }
        if (group != null)
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
