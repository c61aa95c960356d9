package io.nitrosim.hypervisor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.nitrosim.catalog.InstanceType;
import io.nitrosim.hypervisor.guest.GuestMemory;
import io.nitrosim.hypervisor.guest.GuestProgram;
import io.nitrosim.hypervisor.guest.PciAddress;
import io.nitrosim.hypervisor.memory.DriverMemoryAccess;
import io.nitrosim.hypervisor.memory.IommuDomain;
import io.nitrosim.hypervisor.memory.MappedGuestMemory;
import io.nitrosim.hypervisor.pci.Attachment;
import io.nitrosim.hypervisor.pci.AttachmentKind;
import io.nitrosim.hypervisor.pci.PciBus;
import io.nitrosim.hypervisor.pci.SlotFunctionAccess;
import io.nitrosim.hypervisor.vcpu.InterruptRouter;
import io.nitrosim.hypervisor.vcpu.Vcpu;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.pci.DmaWindow;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.GuestMemoryAccess;
import io.nitrosim.pci.MsiSink;
import io.nitrosim.pci.PciEndpoint;
import io.nitrosim.time.SimRuntime;

/**
 * One instance on a {@link Host}: its vCPUs, guest memory, IOMMU domain, PCI bus, interrupt router and EC2
 * lifecycle.
 * <p>
 * Lifecycle (see {@link InstanceAction} for the table): actions move the instance into a transitional state
 * and {@link #completeTransition()} finishes it, as the Nitro controller would once the host reports back.
 * <ul>
 *   <li>pending -> running: vCPU agents join the runtime and their programs start.</li>
 *   <li>stop: running -> stopping (vCPUs leave the runtime) -> stopped (threads and host memory range are
 *   released; guest memory contents and attachments are kept).</li>
 *   <li>start: stopped -> pending: placed again (maybe on other threads; may fail with
 *   InsufficientInstanceCapacity, leaving it stopped) and every attached function is reset (power-on).</li>
 *   <li>terminate: -> shutting-down (vCPUs leave the runtime) -> terminated: every attachment is detached,
 *   the IOMMU domain and interrupt router are revoked, the memory file is unmapped and deleted, and the
 *   threads and memory range return to the host.</li>
 * </ul>
 * Every failed operation throws a {@link HypervisorException} before changing anything. Control methods are
 * serialised on the host's lock.
 */
public final class Instance
{
    private final Host host;
    private final Object lock;
    private final SimRuntime runtime;
    /** The runtime group of the instance's vCPUs and functions. */
    private final String ownershipGroup;
    private final String id;
    private final InstanceType type;
    private final MappedGuestMemory memory;
    private final IommuDomain domain;
    private final InterruptRouter router;
    private final Vcpu[] vcpus;
    private final PciBus bus;
    private final GuestMemoryAccess driverMemory;
    private final long launchTimeNs;
    private final Map<String, Bound> attached = new LinkedHashMap<>();
    private volatile InstanceState state = InstanceState.PENDING;
    private volatile Placement placement;
    private boolean vcpusInRuntime;

    Instance(
        final Host host, final String id, final InstanceType type, final Placement placement, final MappedGuestMemory memory)
    {
        this.host = host;
        this.lock = host.lock();
        this.runtime = host.runtime();
        this.id = id;
        this.type = type;
        this.memory = memory;
        this.placement = placement;
        this.launchTimeNs = runtime.clock().nanoTime();
        // vCPUs and PCI functions share registers, queues in guest memory and MSI-X delivery: one ownership group,
        // also for the functions hot-plugged later
        this.ownershipGroup = runtime.placement() != null ? runtime.placement() : "guest-" + id;

        final CounterRegistry counters = host.counters();
        final MetricTags tags = MetricTags.of("instance", id);
        this.domain = new IommuDomain(memory,
            HostMeter.IOMMU_REFUSED.newCounter(counters, tags),
            HostMeter.IOMMU_READ_BYTES.newCounter(counters, tags),
            HostMeter.IOMMU_WRITTEN_BYTES.newCounter(counters, tags));
        this.bus = new PciBus(0, host.maxAttachments());
        this.driverMemory = new DriverMemoryAccess(memory);
        this.vcpus = new Vcpu[type.vcpus()];
        final var coalesced = HostMeter.MSI_COALESCED.newCounter(counters, tags);
        final var lost = HostMeter.MSI_LOST.newCounter(counters, tags);
        for (int i = 0; i < vcpus.length; i++)
        {
            vcpus[i] = new Vcpu(id, i, vcpus.length, runtime.clock(), memory, bus,
                HostMeter.VCPU_INTERRUPTS.newCounter(counters, tags.and("vcpu", Integer.toString(i))), coalesced, lost);
        }
        this.router = new InterruptRouter(vcpus,
            HostMeter.MSI_ROUTED.newCounter(counters, tags),
            HostMeter.MSI_DROPPED.newCounter(counters, tags.and("reason", "bad-address")),
            HostMeter.MSI_DROPPED.newCounter(counters, tags.and("reason", "unknown-apic-id")),
            HostMeter.MSI_DROPPED.newCounter(counters, tags.and("reason", "detached")));
        pin(placement);
    }

    /** "i-" followed by 17 lowercase hex digits. */
    public String id()
    {
        return id;
    }

    public InstanceType type()
    {
        return type;
    }

    public InstanceState state()
    {
        return state;
    }

    /** EC2 state code: 0 pending, 16 running, 32 shutting-down, 48 terminated, 64 stopping, 80 stopped. */
    public int stateCode()
    {
        return state.code();
    }

    public Host host()
    {
        return host;
    }

    /** Simulated time of the launch. */
    public long launchTimeNs()
    {
        return launchTimeNs;
    }

    /** Threads and host memory range while placed (pending, running, stopping, shutting-down); else null. */
    public Placement placement()
    {
        return placement;
    }

    /** Guest-physical memory, for the host side (loading images, checking results); kept while stopped. */
    public GuestMemory memory()
    {
        return memory;
    }

    /** The sparse file behind guest memory (deleted at termination). */
    public Path memoryFile()
    {
        return memory.file();
    }

    /** The instance's IOMMU domain with its counters. */
    public IommuDomain iommu()
    {
        return domain;
    }

    /** The instance's IOMMU domain as functions see it. */
    public DmaWindow dmaWindow()
    {
        return domain;
    }

    public InterruptRouter interruptRouter()
    {
        return router;
    }

    /** The instance's interrupt router as functions see it. */
    public MsiSink msiSink()
    {
        return router;
    }

    public int vcpuCount()
    {
        return vcpus.length;
    }

    public Vcpu vcpu(final int index)
    {
        checkVcpuIndex(index);
        return vcpus[index];
    }

    /**
     * A guest driver's view of the function at {@code address} of this instance's bus (configuration space and
     * BAR MMIO, routed by the bus as a vCPU's accesses are; an empty slot answers like a master abort).
     */
    public FunctionAccess functionAccess(final PciAddress address)
    {
        return new SlotFunctionAccess(bus, address);
    }

    /** A guest driver's view of this instance's memory (the CPU path: out-of-range accesses throw). */
    public GuestMemoryAccess driverMemory()
    {
        return driverMemory;
    }

    /** The bus, for inspection; attach and detach go through the instance. */
    public PciBus bus()
    {
        return bus;
    }

    /** Attachments in attach order. */
    public List<Attachment> attachments()
    {
        synchronized (lock)
        {
            final List<Attachment> list = new ArrayList<>(attached.size());
            for (final Bound b : attached.values())
            {
                list.add(b.attachment);
            }
            return list;
        }
    }

    /** The attachment with this id, or null. */
    public Attachment attachment(final String attachmentId)
    {
        synchronized (lock)
        {
            final Bound b = attached.get(attachmentId);
            return b == null ? null : b.attachment;
        }
    }

    /**
     * Loads the program vCPU {@code vcpuIndex} runs (null halts it). It starts when the instance reaches running,
     * or at the vCPU's next duty cycle if it is running; it survives stop and start.
     */
    public void loadProgram(final int vcpuIndex, final GuestProgram program)
    {
        checkVcpuIndex(vcpuIndex);
        synchronized (lock)
        {
            requireAllowed(InstanceAction.LOAD_PROGRAM);
            vcpus[vcpuIndex].loadProgram(program);
        }
    }

    // ---- lifecycle ----

    /** EC2 StartInstances: stopped -> pending (placed again, functions reset). No-op if pending or running. */
    public StateChange start()
    {
        synchronized (lock)
        {
            final InstanceState previous = state;
            if (InstanceAction.START.isNoOpIn(previous))
            {
                return new StateChange(id, previous, previous);
            }
            requireAllowed(InstanceAction.START);
            final Placement p = host.place(type); // may refuse; nothing changed yet
            placement = p;
            pin(p);
            resetFunctions();
            return moveTo(previous, InstanceState.PENDING);
        }
    }

    /** EC2 StopInstances: running -> stopping (vCPUs halt). No-op if stopping or stopped. */
    public StateChange stop()
    {
        synchronized (lock)
        {
            final InstanceState previous = state;
            if (InstanceAction.STOP.isNoOpIn(previous))
            {
                return new StateChange(id, previous, previous);
            }
            requireAllowed(InstanceAction.STOP);
            haltVcpus();
            return moveTo(previous, InstanceState.STOPPING);
        }
    }

    /** EC2 RebootInstances: running stays running; programs restart and functions reset; memory kept. */
    public StateChange reboot()
    {
        synchronized (lock)
        {
            requireAllowed(InstanceAction.REBOOT);
            haltVcpus();
            resetFunctions();
            startVcpus();
            return new StateChange(id, InstanceState.RUNNING, InstanceState.RUNNING);
        }
    }

    /** EC2 TerminateInstances: -> shutting-down (vCPUs halt). No-op if shutting-down or terminated. */
    public StateChange terminate()
    {
        synchronized (lock)
        {
            final InstanceState previous = state;
            if (InstanceAction.TERMINATE.isNoOpIn(previous))
            {
                return new StateChange(id, previous, previous);
            }
            requireAllowed(InstanceAction.TERMINATE);
            haltVcpus();
            return moveTo(previous, InstanceState.SHUTTING_DOWN);
        }
    }

    /**
     * Finishes the transition in progress: pending -> running, stopping -> stopped, shutting-down -> terminated.
     *
     * @throws IncorrectInstanceStateException in a stable state (running, stopped, terminated)
     */
    public StateChange completeTransition()
    {
        synchronized (lock)
        {
            final InstanceState previous = state;
            requireAllowed(InstanceAction.COMPLETE_TRANSITION);
            switch (previous)
            {
                case PENDING:
                    startVcpus();
                    return moveTo(previous, InstanceState.RUNNING);
                case STOPPING:
                    unplace();
                    return moveTo(previous, InstanceState.STOPPED);
                case SHUTTING_DOWN:
                    releaseEverything();
                    return moveTo(previous, InstanceState.TERMINATED);
                default:
                    throw new IllegalStateException("unreachable: " + previous);
            }
        }
    }

    // ---- attachments ----

    /**
     * Attaches a PCI function (hot if running): it takes the lowest free slot from 00:03.0, is connected to this
     * instance's IOMMU domain and interrupt router, and its agent joins the runtime.
     *
     * @throws IncorrectInstanceStateException   unless pending, running or stopped
     * @throws AttachmentInUseException          if the id or the function is already attached on this host
     * @throws AttachmentLimitExceededException  beyond 28 attachments, or beyond the type's ENI limit
     */
    public Attachment attach(final PciEndpoint endpoint, final AttachmentKind kind, final String attachmentId)
    {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(kind, "kind");
        if (attachmentId == null || attachmentId.isBlank())
        {
            throw new IllegalArgumentException("attachmentId must be a non-blank id such as vol-... or eni-..., got '"
                + attachmentId + "'");
        }
        synchronized (lock)
        {
            requireAllowed(InstanceAction.ATTACH);
            host.checkAttachable(attachmentId, kind, endpoint);
            if (bus.isFull())
            {
                throw new AttachmentLimitExceededException(AttachmentLimitExceededException.ATTACHMENT_LIMIT_MESSAGE);
            }
            if (kind == AttachmentKind.NETWORK_INTERFACE)
            {
                final int interfaces = count(AttachmentKind.NETWORK_INTERFACE) + 1;
                if (interfaces > type.maxEnis())
                {
                    throw new AttachmentLimitExceededException(
                        "Interface count " + interfaces + " exceeds the limit for " + type.type());
                }
            }
            final PciAddress address = bus.nextFreeAddress();
            final Attachment attachment = new Attachment(attachmentId, kind, address, endpoint);
            final Bound bound = new Bound(attachment, domain.bind(), router.bind());
            endpoint.connect(bound.dma, bound.msi);
            try
            {
                runtime.add(endpoint.agent(), ownershipGroup);
            }
            catch (final RuntimeException ex)
            {
                endpoint.disconnect();
                bound.revoke();
                throw ex;
            }
            bus.insert(attachment); // the guest sees it last, once it is live
            attached.put(attachmentId, bound);
            host.registerAttachment(attachmentId, endpoint, this);
            return attachment;
        }
    }

    /**
     * Detaches a function (hot if running): the guest loses it first, then its agent leaves the runtime, it is
     * disconnected, and its IOMMU and MSI bindings are revoked so a late DMA or interrupt goes nowhere.
     *
     * @throws IncorrectInstanceStateException unless pending, running or stopped
     * @throws AttachmentNotFoundException     if nothing with this id is attached to this instance
     */
    public Attachment detach(final String attachmentId)
    {
        synchronized (lock)
        {
            requireAllowed(InstanceAction.DETACH);
            final Bound bound = attached.get(attachmentId);
            if (bound == null)
            {
                throw new AttachmentNotFoundException("'" + attachmentId + "' is not attached to instance " + id
                    + "; attached: " + attached.keySet());
            }
            release(bound);
            return bound.attachment;
        }
    }

    @Override
    public String toString()
    {
        return id + " (" + type.type() + ", " + state + ")";
    }

    // ---- internals, under the lock ----

    private void requireAllowed(final InstanceAction action)
    {
        if (!action.isAllowedFrom(state))
        {
            throw new IncorrectInstanceStateException(id, state, action);
        }
    }

    private StateChange moveTo(final InstanceState previous, final InstanceState next)
    {
        state = next;
        return new StateChange(id, previous, next);
    }

    private void checkVcpuIndex(final int index)
    {
        if (index < 0 || index >= vcpus.length)
        {
            throw new IllegalArgumentException("vCPU index " + index + " out of range 0.." + (vcpus.length - 1)
                + " for " + type.type());
        }
    }

    private int count(final AttachmentKind kind)
    {
        int n = 0;
        for (final Bound b : attached.values())
        {
            if (b.attachment.kind() == kind)
            {
                n++;
            }
        }
        return n;
    }

    private void pin(final Placement p)
    {
        for (int i = 0; i < vcpus.length; i++)
        {
            vcpus[i].pinTo(p == null ? -1 : p.hostThreadId(i));
        }
    }

    private void unplace()
    {
        final Placement p = placement;
        if (p != null)
        {
            placement = null;
            pin(null);
            host.release(p);
        }
    }

    private void startVcpus()
    {
        if (!vcpusInRuntime)
        {
            vcpusInRuntime = true;
            for (final Vcpu vcpu : vcpus)
            {
                runtime.add(vcpu, ownershipGroup);
            }
        }
    }

    private void haltVcpus()
    {
        if (vcpusInRuntime)
        {
            vcpusInRuntime = false;
            for (final Vcpu vcpu : vcpus)
            {
                runtime.remove(vcpu);
            }
        }
    }

    private void resetFunctions()
    {
        for (final Bound b : attached.values())
        {
            b.attachment.endpoint().functionLevelReset();
        }
    }

    private void release(final Bound bound)
    {
        final Attachment a = bound.attachment;
        bus.remove(a);
        runtime.remove(a.endpoint().agent());
        a.endpoint().disconnect();
        bound.revoke();
        attached.remove(a.attachmentId());
        host.unregisterAttachment(a.attachmentId(), a.endpoint());
    }

    private void releaseEverything()
    {
        for (final Bound b : new ArrayList<>(attached.values()))
        {
            release(b);
        }
        router.revoke();
        domain.revoke();
        memory.close();
        unplace();
    }

    /** An attachment with the revocable views its function holds. */
    private static final class Bound
    {
        final Attachment attachment;
        final IommuDomain.Binding dma;
        final InterruptRouter.Binding msi;

        Bound(final Attachment attachment, final IommuDomain.Binding dma, final InterruptRouter.Binding msi)
        {
            this.attachment = attachment;
            this.dma = dma;
            this.msi = msi;
        }

        void revoke()
        {
            dma.revoke();
            msi.revoke();
        }
    }
}
