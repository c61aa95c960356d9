package io.nitrosim.simulator.region;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nitrosim.catalog.InstanceCatalog;
import io.nitrosim.catalog.InstanceType;
import io.nitrosim.control.Ec2Error;
import io.nitrosim.control.Ec2Exception;
import io.nitrosim.ebs.device.EbsCard;
import io.nitrosim.ebs.fio.FioJob;
import io.nitrosim.ebs.fio.FioWorkload;
import io.nitrosim.ebs.volume.VolumeSpec;
import io.nitrosim.hypervisor.Host;
import io.nitrosim.hypervisor.Instance;
import io.nitrosim.hypervisor.InstanceState;
import io.nitrosim.hypervisor.InsufficientInstanceCapacityException;
import io.nitrosim.hypervisor.StateChange;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.nic.card.VpcCard;
import io.nitrosim.nic.guest.GuestIperf;
import io.nitrosim.nic.vpc.Eni;
import io.nitrosim.nic.vpc.VpcNetwork;
import io.nitrosim.simulator.engine.EniHandle;
import io.nitrosim.simulator.engine.GuestSide;
import io.nitrosim.simulator.engine.GuestWorkloads;
import io.nitrosim.simulator.engine.NetworkPlumbing;
import io.nitrosim.simulator.engine.StoragePlumbing;
import io.nitrosim.simulator.serve.PrometheusMetrics;

/**
 * The region's data plane as a {@link RegionCommand} sees it, on the runtime thread: launch instances on the
 * hosts, plug and unplug ENIs and volumes, move instances through their lifecycle, change the VPC model, schedule
 * work. Refusals are {@link Ec2Exception}s (the hypervisor's, the VPC model's, or the region's own).
 */
public final class RegionControl
{
    /** Guest memory each instance's drivers may use for queues and buffers. */
    static final long GUEST_DMA_REGION_BYTES = 1L << 30;

    private final Region region;
    private final List<Host> hosts;
    private final List<VpcCard> cards;
    private final VpcNetwork vpc;
    private final NetworkPlumbing network;
    private final StoragePlumbing storage;
    private final CounterRegistry registry;
    private final InstanceCatalog catalog;
    private final ControlAgent agent;
    private final boolean timingOnly;
    private final Map<String, RegionInstance> instances = new LinkedHashMap<>();
    private final RegionExports exports;
    private RuntimeException lastTimerFailure;

    RegionControl(final Region region, final List<Host> hosts, final List<VpcCard> cards, final VpcNetwork vpc,
        final NetworkPlumbing network, final StoragePlumbing storage, final CounterRegistry registry,
        final InstanceCatalog catalog, final ControlAgent agent, final boolean timingOnly, final RegionExports exports)
    {
        this.exports = exports;
        this.region = region;
        this.hosts = hosts;
        this.cards = cards;
        this.vpc = vpc;
        this.network = network;
        this.storage = storage;
        this.registry = registry;
        this.catalog = catalog;
        this.agent = agent;
        this.timingOnly = timingOnly;
    }

    /** Simulated time of the region, ns since it started. */
    public long nowNs()
    {
        return region.runtime().clock().nanoTime();
    }

    public InstanceCatalog catalog()
    {
        return catalog;
    }

    /** The VPC model (VPCs, subnets, groups, ENIs); change it here, on the runtime thread. */
    public VpcNetwork vpc()
    {
        return vpc;
    }

    public List<Host> hosts()
    {
        return hosts;
    }

    public CounterRegistry counters()
    {
        return registry;
    }

    /** Every instance launched, terminated ones included, in launch order. */
    public List<RegionInstance> instances()
    {
        return List.copyOf(instances.values());
    }

    /** @throws Ec2Exception InvalidInstanceID.NotFound */
    public RegionInstance instance(final String instanceId)
    {
        final RegionInstance instance = instances.get(instanceId);
        if (instance == null)
        {
            throw new Ec2Exception(Ec2Error.INVALID_INSTANCE_ID_NOT_FOUND,
                "The instance ID '" + instanceId + "' does not exist");
        }
        return instance;
    }

    /** Runs {@code command} on this thread after {@code delayNs} of simulated time. */
    public void schedule(final long delayNs, final RegionCommand<?> command)
    {
        agent.schedule(nowNs() + Math.max(0, delayNs), command);
    }

    // ---- instances ----

    /**
     * Places an instance of {@code instanceType} on the first host with room (EC2 RunInstances for one
     * instance), serves it on the host's VPC card and plugs the existing, unattached ENI {@code primaryEniId} at
     * device index 0. The instance is pending; {@link #completeTransition} boots it.
     *
     * @throws Ec2Exception InsufficientInstanceCapacity when no host has room; the ENI's refusals otherwise
     */
    public RegionInstance launch(final String instanceType, final String primaryEniId)
    {
        final InstanceType type = catalog.find(instanceType).orElseThrow(() -> new Ec2Exception(
            Ec2Error.INVALID_PARAMETER_VALUE, "Invalid value '" + instanceType + "' for InstanceType."));
        final Eni eni = vpc.eni(primaryEniId);
        if (eni.instance() != null)
        {
            throw new Ec2Exception(Ec2Error.INVALID_NETWORK_INTERFACE_IN_USE,
                "Interface: [" + primaryEniId + "] in use.");
        }
        Instance instance = null;
        int hostIndex = -1;
        InsufficientInstanceCapacityException lastRefusal = null;
        for (int i = 0; i < hosts.size() && instance == null; i++)
        {
            try
            {
                instance = hosts.get(i).launch(instanceType);
                hostIndex = i;
            }
            catch (final InsufficientInstanceCapacityException ex)
            {
                lastRefusal = ex;
            }
        }
        if (instance == null)
        {
            throw new InsufficientInstanceCapacityException("We currently do not have sufficient " + instanceType
                + " capacity in the region: none of its " + hosts.size() + " hosts has room ("
                + lastRefusal.detail() + ")");
        }
        final VpcCard card = cards.get(hostIndex);
        final RegionInstance launched = new RegionInstance(instance, hostIndex, card);
        try
        {
            network.addInstance(card, instance.id(), type, hostIndex);
            launched.enis.put(primaryEniId, network.plugEni(card, instance, "eth0", eni, 0));
        }
        catch (final RuntimeException ex)
        {
            card.removeInstance(instance.id());
            instance.terminate();
            instance.completeTransition();
            registry.remove(MetricTags.of("instance", instance.id()), "instance");
            throw ex;
        }
        instances.put(instance.id(), launched);
        return launched;
    }

    public StateChange start(final String instanceId)
    {
        return instance(instanceId).instance().start();
    }

    /** Stops the instance; its volumes' NBD exports are withdrawn (its vCPUs no longer run their drivers). */
    public StateChange stop(final String instanceId)
    {
        final RegionInstance ri = instance(instanceId);
        final StateChange change = ri.instance().stop();
        withdrawExports(ri);
        return change;
    }

    /** Reboots the instance: functions reset, so its NBD exports start over with new drivers. */
    public StateChange reboot(final String instanceId)
    {
        final RegionInstance ri = instance(instanceId);
        final StateChange change = ri.instance().reboot();
        withdrawExports(ri);
        exportVolumes(ri);
        return change;
    }

    /** Terminates the instance; its volumes' NBD exports are withdrawn. */
    public StateChange terminate(final String instanceId)
    {
        final RegionInstance ri = instance(instanceId);
        final StateChange change = ri.instance().terminate();
        withdrawExports(ri);
        return change;
    }

    /**
     * Finishes the instance's transition (pending -> running, stopping -> stopped, shutting-down -> terminated).
     * A terminated instance leaves the data plane: its ENIs are unplugged (and stay in the VPC model, detached),
     * its volumes leave its EBS card, the cards stop serving it and its meters are freed.
     */
    public StateChange completeTransition(final String instanceId)
    {
        final RegionInstance ri = instance(instanceId);
        final StateChange change = ri.instance().completeTransition();
        if (change.currentState() == InstanceState.RUNNING)
        {
            exportVolumes(ri);
        }
        if (change.currentState() == InstanceState.TERMINATED)
        {
            if (exports != null)
            {
                exports.forget(instanceId);
            }
            for (final EniHandle eni : List.copyOf(ri.enis.values()))
            {
                network.unplugEni(ri.vpcCard(), ri.instance(), eni);
            }
            ri.enis.clear();
            if (ri.ebsCard != null)
            {
                for (final StoragePlumbing.PluggedVolume v : List.copyOf(ri.volumes.values()))
                {
                    storage.unplugVolume(ri.ebsCard, ri.instance(), v.controller());
                }
                storage.removeCard(ri.ebsCard);
                ri.ebsCard = null;
            }
            ri.volumes.clear();
            ri.vpcCard().removeInstance(instanceId);
            ri.guest = null;
            ri.iperf = null;
            registry.remove(MetricTags.of("instance", instanceId), "instance");
        }
        return change;
    }

    // ---- network interfaces ----

    /** Plugs an existing, unattached ENI into a pending, running or stopped instance (hot if running). */
    public EniHandle attachNetworkInterface(final String instanceId, final String eniId, final int deviceIndex)
    {
        final RegionInstance ri = instance(instanceId);
        final EniHandle handle = network.plugEni(ri.vpcCard(), ri.instance(), "eth" + deviceIndex, vpc.eni(eniId),
            deviceIndex);
        ri.enis.put(eniId, handle);
        return handle;
    }

    /** Unplugs an ENI from whichever instance has it. @return the instance it left */
    public RegionInstance detachNetworkInterface(final String eniId)
    {
        for (final RegionInstance ri : instances.values())
        {
            final EniHandle handle = ri.enis.get(eniId);
            if (handle != null)
            {
                network.unplugEni(ri.vpcCard(), ri.instance(), handle);
                ri.enis.remove(eniId);
                registry.remove(MetricTags.of("eni", eniId), "eni");
                return ri;
            }
        }
        throw new Ec2Exception(Ec2Error.INVALID_ATTACHMENT_ID_NOT_FOUND, eniId + " is not attached to an instance");
    }

    // ---- volumes ----

    /** Attaches a volume (an NVMe function on the instance's EBS card, created with its first volume). */
    public StoragePlumbing.PluggedVolume attachVolume(final String instanceId, final VolumeSpec spec)
    {
        final RegionInstance ri = instance(instanceId);
        final boolean newCard = ri.ebsCard == null;
        if (newCard)
        {
            ri.ebsCard = storage.addCard(instanceId, ri.instance().type());
        }
        try
        {
            final StoragePlumbing.PluggedVolume plugged = storage.plugVolume(ri.ebsCard, ri.instance(), spec);
            ri.volumes.put(spec.volumeId().toString(), plugged);
            if (exports != null && ri.instance().state() == InstanceState.RUNNING)
            {
                exports.export(ri, guest(ri), plugged);
            }
            return plugged;
        }
        catch (final RuntimeException ex)
        {
            if (newCard)
            {
                storage.removeCard(ri.ebsCard);
                ri.ebsCard = null;
            }
            throw ex;
        }
    }

    /** Detaches a volume from whichever instance has it (its blocks stay in the storage engine). */
    public RegionInstance detachVolume(final String volumeId)
    {
        final RegionInstance ri = volumeOwner(volumeId);
        if (exports != null)
        {
            exports.withdraw(volumeId); // its driver leaves the guest before the function leaves the bus
        }
        storage.unplugVolume(ri.ebsCard, ri.instance(), ri.volumes.remove(volumeId).controller());
        return ri;
    }

    /** Applies a modified spec (IOPS, throughput) to an attached volume's buckets, live. */
    public void modifyVolume(final VolumeSpec modified)
    {
        final RegionInstance ri = volumeOwner(modified.volumeId().toString());
        ri.ebsCard.modifyVolume(modified);
    }

    /** The instance a volume is attached to, or null. */
    public RegionInstance findVolumeOwner(final String volumeId)
    {
        for (final RegionInstance ri : instances.values())
        {
            if (ri.volumes.containsKey(volumeId))
            {
                return ri;
            }
        }
        return null;
    }

    private RegionInstance volumeOwner(final String volumeId)
    {
        final RegionInstance ri = findVolumeOwner(volumeId);
        if (ri == null)
        {
            throw new Ec2Exception(Ec2Error.INCORRECT_STATE, "Volume '" + volumeId + "' is not attached");
        }
        return ri;
    }

    // ---- guest workloads (the reference drivers inside an instance) ----

    /** The guest iperf on the instance's primary ENI (ENA reference driver), started on first use. */
    public GuestIperf iperf(final String instanceId)
    {
        final RegionInstance ri = instance(instanceId);
        if (ri.iperf == null)
        {
            final EniHandle primary = ri.enis.values().iterator().next();
            ri.iperf = GuestWorkloads.iperf(guest(ri), primary, ri.instance().type().vcpus(), timingOnly);
        }
        return ri.iperf;
    }

    /** fio on the NVMe reference driver of an attached volume, from {@code startNs} of simulated time. */
    public FioWorkload fio(final String instanceId, final String volumeId, final long startNs, final FioJob... jobs)
    {
        final RegionInstance ri = instance(instanceId);
        final StoragePlumbing.PluggedVolume volume = ri.volumes.get(volumeId);
        if (volume == null)
        {
            throw new Ec2Exception(Ec2Error.INVALID_ATTACHMENT_NOT_FOUND, volumeId + " is not attached to " + instanceId);
        }
        if (exports != null && exports.serves(volumeId))
        {
            throw new Ec2Exception(Ec2Error.INCORRECT_STATE, volumeId + " is served over NBD: its driver belongs to the "
                + "export (one driver per device); run fio through the export instead");
        }
        return GuestWorkloads.fio(guest(ri), volume.address(), ri.instance().type().vcpus(), region.seed(),
            startNs, jobs);
    }

    // ---- NBD exports of volumes ----

    /** Where the region's NBD server listens, or null without one. */
    public InetSocketAddress nbdAddress()
    {
        return exports == null ? null : exports.address();
    }

    /** Volume ids exported over NBD now (attached to a running instance), in the order they appeared. */
    public List<String> nbdExports()
    {
        return exports == null ? List.of() : exports.volumeIds();
    }

    /** Why the latest volume could not be exported, or null. */
    public String nbdRefusal()
    {
        return exports == null ? null : exports.lastRefusal();
    }

    private void exportVolumes(final RegionInstance ri)
    {
        if (exports != null && !ri.volumes.isEmpty())
        {
            exports.exportAll(ri, guest(ri));
        }
    }

    private void withdrawExports(final RegionInstance ri)
    {
        if (exports != null)
        {
            exports.withdrawAll(ri);
        }
    }

    private GuestSide guest(final RegionInstance ri)
    {
        if (ri.guest == null)
        {
            ri.guest = new GuestSide(ri.instance(), GUEST_DMA_REGION_BYTES);
            ri.guest.install();
        }
        return ri.guest;
    }

    // ---- observation ----

    /** Every meter of the data plane in the Prometheus text format (bound now: new devices included). */
    public String scrapeMetrics()
    {
        return PrometheusMetrics.bind(registry).scrape();
    }

    /** What the region holds now. */
    public RegionStatus status()
    {
        final List<RegionStatus.HostStatus> hostStatus = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++)
        {
            final Host host = hosts.get(i);
            int live = 0;
            for (final Instance instance : host.instances())
            {
                live += instance.state() == InstanceState.TERMINATED ? 0 : 1;
            }
            hostStatus.add(new RegionStatus.HostStatus(i, host.topology().threadCount(), host.freeThreadCount(),
                host.freeMemoryBytes() >> 30, live));
        }
        final Map<String, Integer> byState = new LinkedHashMap<>();
        for (final InstanceState s : InstanceState.values())
        {
            byState.put(s.ec2Name(), 0);
        }
        for (final RegionInstance ri : instances.values())
        {
            byState.merge(ri.instance().state().ec2Name(), 1, Integer::sum);
        }
        return new RegionStatus(region.failure() == null ? "running" : "failed: " + region.failure(),
            nowNs() / 1e9, region.lagNs() / 1e6, region.maxLagNs() / 1e6, agent.commandsRun(), hostStatus, byState,
            lastTimerFailure == null ? null : lastTimerFailure.toString());
    }

    void timerFailed(final RuntimeException ex)
    {
        lastTimerFailure = ex;
    }
}
