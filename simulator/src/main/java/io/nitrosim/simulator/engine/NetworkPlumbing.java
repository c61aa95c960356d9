package io.nitrosim.simulator.engine;

import org.agrona.concurrent.NanoClock;

import io.nitrosim.catalog.InstanceType;
import io.nitrosim.hypervisor.Instance;
import io.nitrosim.hypervisor.pci.Attachment;
import io.nitrosim.hypervisor.pci.AttachmentKind;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.nic.card.CardInstance;
import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.card.VpcCard;
import io.nitrosim.nic.ena.EnaFunction;
import io.nitrosim.nic.shaping.NetworkInstanceCaps;
import io.nitrosim.nic.shaping.NetworkShapingConfig;
import io.nitrosim.nic.vpc.Eni;
import io.nitrosim.nic.vpc.VpcNetwork;

/**
 * How an instance joins the network, shared by a scenario's assembly and the real-time region: registered with
 * the VPC model and served by its host's VPC card; each ENI attached in the model, given a port on the card and
 * an ENA function on the instance's PCI bus. Runs on the thread that runs the cards.
 */
public final class NetworkPlumbing
{
    /** Queue pairs per ENA function: one per vCPU as Linux's ena driver does, at most this many. */
    public static final int MAX_QUEUE_PAIRS = 4;

    private final VpcNetwork network;
    private final NanoClock clock;
    private final CounterRegistry registry;
    private final NetworkShapingConfig shaping;
    private final boolean timingOnly;

    public NetworkPlumbing(final VpcNetwork network, final NanoClock clock, final CounterRegistry registry,
        final NetworkShapingConfig shaping, final boolean timingOnly)
    {
        this.network = network;
        this.clock = clock;
        this.registry = registry;
        this.shaping = shaping;
        this.timingOnly = timingOnly;
    }

    /** The network caps of an instance type, as the cards take them (plain data). */
    public static NetworkInstanceCaps caps(final InstanceType type)
    {
        return new NetworkInstanceCaps(type.networkPeakBytesPerSec(), type.networkBaselineBytesPerSec(),
            type.networkBurstSeconds(), type.ipv4PerEni(), type.maxEnis());
    }

    public NetworkShapingConfig shaping()
    {
        return shaping;
    }

    /** Registers an instance with the VPC model and its host's card (before its ENIs are plugged). */
    public CardInstance addInstance(final VpcCard card, final String instanceId, final InstanceType type, final int hostIndex)
    {
        network.registerInstance(instanceId, caps(type), hostIndex);
        return card.addInstance(instanceId, shaping);
    }

    /** Attaches an existing ENI at {@code deviceIndex}: VPC model, card port, ENA function on the PCI bus. */
    public EniHandle plugEni(final VpcCard card, final Instance instance, final String name, final Eni eni,
        final int deviceIndex)
    {
        network.attachNetworkInterface(eni.id(), instance.id(), deviceIndex);
        final EniPort port;
        try
        {
            port = card.attachEni(eni.id());
        }
        catch (final RuntimeException ex)
        {
            network.detachNetworkInterface(eni.id());
            throw ex;
        }
        final EnaFunction function = EnaFunction.context().port(port).clock(clock).registry(registry)
            .maxQueuePairs(Math.min(MAX_QUEUE_PAIRS, instance.type().vcpus())).timingOnly(timingOnly).build();
        final Attachment attachment;
        try
        {
            attachment = instance.attach(function, AttachmentKind.NETWORK_INTERFACE, eni.id());
        }
        catch (final RuntimeException ex)
        {
            card.detachEni(eni.id());
            network.detachNetworkInterface(eni.id());
            throw ex;
        }
        return new EniHandle(name, eni, port, function, attachment.address());
    }

    /** The reverse of {@link #plugEni}: off the bus (if still on it), off the card, detached in the model. */
    public void unplugEni(final VpcCard card, final Instance instance, final EniHandle handle)
    {
        final String eniId = handle.eni().id();
        if (instance.attachment(eniId) != null)
        {
            instance.detach(eniId);
        }
        card.detachEni(eniId);
        if (handle.eni().instance() != null)
        {
            network.detachNetworkInterface(eniId);
        }
    }
}
