package io.nitrosim.simulator.engine;

import java.util.LinkedHashMap;
import java.util.Map;

import io.nitrosim.catalog.InstanceType;
import io.nitrosim.ebs.device.EbsCard;
import io.nitrosim.ebs.device.NvmeController;
import io.nitrosim.ebs.shaping.EbsInstanceCaps;
import io.nitrosim.ebs.storage.EmbeddedStorageBackend;
import io.nitrosim.ebs.storage.StorageBackend;
import io.nitrosim.ebs.storage.StorageEngine;
import io.nitrosim.ebs.volume.VolumeSpec;
import io.nitrosim.hypervisor.Instance;
import io.nitrosim.hypervisor.guest.PciAddress;
import io.nitrosim.hypervisor.pci.Attachment;
import io.nitrosim.hypervisor.pci.AttachmentKind;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.time.SimRuntime;

/**
 * How volumes reach an instance, shared by a scenario's assembly and the real-time region: one EBS card per
 * instance (owning its EBS buckets) in the runtime, storing through the storage engine or a storage server when
 * there is one; one NVMe controller per volume on the instance's PCI bus. Runs on the thread that runs the cards.
 */
public final class StoragePlumbing implements AutoCloseable
{
    /** A volume plugged into an instance; {@code tags} are those its controller's and bucket's meters carry. */
    public record PluggedVolume(VolumeSpec spec, NvmeController controller, PciAddress address, MetricTags tags)
    {
    }

    /** Opens the storage backend of a new EBS card (on the thread that builds the cards, not an agent's). */
    @FunctionalInterface
    public interface Backends
    {
        StorageBackend open();
    }

    private final SimRuntime runtime;
    private final CounterRegistry registry;
    private final Backends backendSource;
    private final boolean timingOnly;
    private final long seed;
    /** Insertion-ordered: backends close in creation order. */
    private final Map<EbsCard, StorageBackend> backends = new LinkedHashMap<>();

    /** @param engine where volumes keep their blocks; null for timing-only cards. */
    public StoragePlumbing(final SimRuntime runtime, final CounterRegistry registry, final StorageEngine engine,
        final boolean timingOnly, final long seed)
    {
        this(runtime, registry, engine == null ? null : () -> new EmbeddedStorageBackend(engine, false, 256), timingOnly,
            seed);
    }

    /** @param backends one backend per card (each card's own connection to a storage server); null: timing-only. */
    public StoragePlumbing(final SimRuntime runtime, final CounterRegistry registry, final Backends backends,
        final boolean timingOnly, final long seed)
    {
        this.runtime = runtime;
        this.registry = registry;
        this.backendSource = backends;
        this.timingOnly = timingOnly;
        this.seed = seed;
    }

    /** The tags of an instance's EBS card meters (its EBS buckets' balances and throttle counts). */
    public static MetricTags instanceTags(final String instanceId)
    {
        return MetricTags.of("instance", instanceId);
    }

    /** The EBS caps of an instance type, as the card takes them (plain data). */
    public static EbsInstanceCaps caps(final InstanceType t)
    {
        return new EbsInstanceCaps(t.ebsPeakBytesPerSec(), t.ebsBaselineBytesPerSec(), t.ebsPeakIops(),
            t.ebsBaselineIops(), t.ebsBurstSeconds());
    }

    /** A new EBS card for the instance, in the runtime. */
    public EbsCard addCard(final String instanceId, final InstanceType type)
    {
        final EbsCard.Context context = EbsCard.context().instanceId(instanceId).caps(caps(type))
            .clock(runtime.clock()).registry(registry).timingOnly(timingOnly).seed(seed);
        StorageBackend backend = null;
        if (backendSource != null)
        {
            backend = backendSource.open();
            context.backend(backend);
        }
        final EbsCard card;
        try
        {
            card = context.build();
        }
        catch (final RuntimeException ex)
        {
            if (backend != null)
            {
                backend.close();
            }
            throw ex;
        }
        // its own ownership group: the card meets its volumes' controllers through rings only, and the engine the
        // cards share serialises its calls
        runtime.add(card, "ebs-card-" + instanceId);
        if (backend != null)
        {
            backends.put(card, backend);
        }
        return card;
    }

    /** The backend of {@code card} (its own connection to storage), or null for a timing-only card. */
    StorageBackend backendOf(final EbsCard card)
    {
        return backends.get(card);
    }

    /** Attaches a volume: an NVMe controller on the card, plugged into the instance's bus (hot if running). */
    public PluggedVolume plugVolume(final EbsCard card, final Instance instance, final VolumeSpec spec)
    {
        final NvmeController controller = card.attach(spec);
        final Attachment attachment;
        try
        {
            attachment = instance.attach(controller, AttachmentKind.EBS_VOLUME, spec.volumeId().toString());
        }
        catch (final RuntimeException ex)
        {
            card.detach(controller);
            throw ex;
        }
        return new PluggedVolume(spec, controller, attachment.address(),
            instanceTags(instance.id()).and("volume", spec.volumeId().toString()));
    }

    /** The reverse of {@link #plugVolume}: off the bus (if still on it), then off the card. */
    public void unplugVolume(final EbsCard card, final Instance instance, final NvmeController controller)
    {
        unplugFunction(instance, controller);
        card.detach(controller);
    }

    /**
     * Hot-unplugs the volume's NVMe function from the instance's bus (if on it), the hypervisor's path of a detach:
     * the guest loses the function, its agent leaves the runtime, its DMA and interrupts are revoked. The volume
     * stays on its card (its buckets, meters and ring), as an EBS volume outlives its attachment.
     */
    public void unplugFunction(final Instance instance, final NvmeController controller)
    {
        final String volumeId = controller.volumeSpec().volumeId().toString();
        if (instance.attachment(volumeId) != null)
        {
            instance.detach(volumeId);
        }
    }

    /**
     * Hot-plugs an unplugged volume's function back into the instance's bus, reset first to its power-on state, as a
     * newly added function is. @return its address on the bus.
     */
    public PciAddress replugFunction(final Instance instance, final NvmeController controller)
    {
        controller.functionLevelReset();
        return instance.attach(controller, AttachmentKind.EBS_VOLUME, controller.volumeSpec().volumeId().toString())
            .address();
    }

    /** Takes a card out of the runtime (its volumes unplugged first) and closes its backend. */
    public void removeCard(final EbsCard card)
    {
        runtime.remove(card);
        final StorageBackend backend = backends.remove(card);
        if (backend != null)
        {
            backend.close();
        }
    }

    @Override
    public void close()
    {
        for (final StorageBackend backend : backends.values())
        {
            backend.close();
        }
        backends.clear();
    }
}
