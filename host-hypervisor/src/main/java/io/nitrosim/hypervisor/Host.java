package io.nitrosim.hypervisor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import io.nitrosim.catalog.InstanceCatalog;
import io.nitrosim.catalog.InstanceType;
import io.nitrosim.catalog.UnknownInstanceTypeException;
import io.nitrosim.control.Ec2Error;
import io.nitrosim.hypervisor.memory.DeleteAtExit;
import io.nitrosim.hypervisor.memory.MappedGuestMemory;
import io.nitrosim.hypervisor.pci.AttachmentKind;
import io.nitrosim.hypervisor.pci.PciBus;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.pci.PciEndpoint;
import io.nitrosim.time.SimRuntime;

/**
 * A Nitro-style host: hardware threads and memory carved into instances without overcommit, and nothing else.
 * <p>
 * Built from a {@link Context} validated in one place. Control operations (launch, lifecycle actions,
 * attach/detach) may come from any thread; they are serialised on the host's lock. vCPUs and the devices of
 * attached functions run as agents of the {@link SimRuntime} the host was given.
 * <p>
 * Instance ids are drawn from one {@link SplittableRandom} seeded from the context: the same seed and the same
 * sequence of launches give the same ids. A launch that fails changes nothing, not even the random sequence.
 */
public final class Host implements AutoCloseable
{
    private final Object lock = new Object();
    private final Context ctx;
    private final HostTopology topology;
    private final HostResources resources;
    private final SimRuntime runtime;
    private final InstanceCatalog catalog;
    private final CounterRegistry counters;
    private final boolean ownsCounters;
    private final Path memoryDirectory;
    private final boolean ownsMemoryDirectory;
    private final SplittableRandom random;
    private final Map<String, Instance> instances = new LinkedHashMap<>();
    /** attachment id -> instance holding it; lookups only, never iterated. */
    private final Map<String, Instance> attachmentOwners = new HashMap<>();
    /** attached function -> its attachment id; lookups only, never iterated. */
    private final Map<PciEndpoint, String> attachedEndpoints = new IdentityHashMap<>();
    private boolean closed;

    public Host(final Context context)
    {
        context.conclude();
        this.ctx = context;
        this.topology = new HostTopology(
            context.sockets, context.coresPerSocket, context.threadsPerCore, context.clockHz);
        this.resources = new HostResources(topology, context.memoryBytes, context.hypervisorReserveBytes);
        this.runtime = context.runtime;
        this.catalog = context.catalog;
        this.ownsCounters = context.counters == null;
        this.counters = ownsCounters ? new CounterRegistry() : context.counters;
        this.random = new SplittableRandom(context.seed);
        if (context.guestMemoryDirectory == null)
        {
            try
            {
                this.memoryDirectory = Files.createTempDirectory("nitro-sim-guest-memory-");
                DeleteAtExit.register(memoryDirectory); // registered first, so deleted after the files in it
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot create a temporary guest memory directory: " + ex, ex);
            }
            this.ownsMemoryDirectory = true;
        }
        else
        {
            this.memoryDirectory = context.guestMemoryDirectory;
            this.ownsMemoryDirectory = false;
        }
    }

    public Context context()
    {
        return ctx;
    }

    public HostTopology topology()
    {
        return topology;
    }

    public SimRuntime runtime()
    {
        return runtime;
    }

    public CounterRegistry counters()
    {
        return counters;
    }

    public InstanceCatalog catalog()
    {
        return catalog;
    }

    /** Where guest memory files live. */
    public Path guestMemoryDirectory()
    {
        return memoryDirectory;
    }

    /**
     * Launches an instance (EC2 RunInstances for one instance on this host): places it, creates its memory and
     * returns it in state pending. {@link Instance#completeTransition()} boots it to running.
     *
     * @throws UnknownInstanceTypeException          naming the valid types
     * @throws InsufficientInstanceCapacityException when threads or memory do not suffice; nothing changed
     */
    public Instance launch(final String instanceType)
    {
        synchronized (lock)
        {
            ensureOpen();
            final InstanceType type = catalog.require(instanceType);
            final Placement placement = place(type);
            final String id = nextInstanceId();
            final MappedGuestMemory memory;
            try
            {
                memory = MappedGuestMemory.create(
                    memoryDirectory.resolve(id + ".mem"), type.memoryBytes(), ctx.guestMemoryChunkBytes);
            }
            catch (final RuntimeException ex)
            {
                resources.release(placement);
                throw ex;
            }
            final Instance instance;
            try
            {
                instance = new Instance(this, id, type, placement, memory);
            }
            catch (final RuntimeException ex)
            {
                memory.close();
                resources.release(placement);
                throw ex;
            }
            instances.put(id, instance);
            return instance;
        }
    }

    /** {@link #launch} then {@link Instance#completeTransition()}: the instance is running when this returns. */
    public Instance launchRunning(final String instanceType)
    {
        synchronized (lock)
        {
            final Instance instance = launch(instanceType);
            instance.completeTransition();
            return instance;
        }
    }

    /** @throws InstanceNotFoundException if no instance (live or terminated) has this id */
    public Instance instance(final String instanceId)
    {
        synchronized (lock)
        {
            final Instance instance = instances.get(instanceId);
            if (instance == null)
            {
                throw new InstanceNotFoundException(instanceId);
            }
            return instance;
        }
    }

    /** Every instance launched on this host, terminated ones included, in launch order. */
    public List<Instance> instances()
    {
        synchronized (lock)
        {
            return List.copyOf(instances.values());
        }
    }

    public int freeThreadCount()
    {
        synchronized (lock)
        {
            return resources.freeThreads();
        }
    }

    public long freeMemoryBytes()
    {
        synchronized (lock)
        {
            return resources.freeMemoryBytes();
        }
    }

    /** The id of the instance whose vCPU is pinned to {@code hostThreadId}, or null if the thread is free. */
    public String threadOwner(final int hostThreadId)
    {
        topology.thread(hostThreadId);
        synchronized (lock)
        {
            for (final Instance instance : instances.values())
            {
                final Placement p = instance.placement();
                if (p != null && p.hostThreadIds().contains(hostThreadId))
                {
                    return instance.id();
                }
            }
            return null;
        }
    }

    /** Terminates every instance (releasing memory files and attachments) and removes the owned temp directory. */
    @Override
    public void close()
    {
        synchronized (lock)
        {
            if (closed)
            {
                return;
            }
            for (final Instance instance : instances.values())
            {
                if (instance.state() != InstanceState.TERMINATED)
                {
                    instance.terminate();
                    instance.completeTransition();
                }
            }
            closed = true;
            if (ownsMemoryDirectory)
            {
                deleteTree(memoryDirectory);
                DeleteAtExit.release(memoryDirectory);
            }
            if (ownsCounters)
            {
                counters.close();
            }
        }
    }

    @Override
    public String toString()
    {
        synchronized (lock)
        {
            return "Host{" + topology + ", " + ctx.memoryBytes + " B memory, " + resources.freeThreads()
                + " threads and " + resources.freeMemoryBytes() + " B free, " + instances.size() + " instances}";
        }
    }

    // ---- package-private services for Instance (all called under the lock) ----

    Object lock()
    {
        return lock;
    }

    Placement place(final InstanceType type)
    {
        final Placement placement = resources.tryPlace(type.vcpus(), type.memoryBytes());
        if (placement == null)
        {
            throw new InsufficientInstanceCapacityException("Insufficient capacity on this host for " + type.type()
                + ": it needs " + type.vcpus() + " vCPUs and " + formatBytes(type.memoryBytes()) + " of memory; free: "
                + resources.freeThreads() + " of " + topology.threadCount() + " hardware threads and "
                + formatBytes(resources.freeMemoryBytes()) + " of " + formatBytes(resources.guestMemoryCapacityBytes())
                + " guest memory (largest range " + formatBytes(resources.largestFreeMemoryBytes()) + ")");
        }
        return placement;
    }

    void release(final Placement placement)
    {
        resources.release(placement);
    }

    /** Refuses an attachment id or function already attached anywhere on this host. */
    void checkAttachable(final String attachmentId, final AttachmentKind kind,
        final PciEndpoint endpoint)
    {
        final Instance owner = attachmentOwners.get(attachmentId);
        if (owner != null)
        {
            throw kind == AttachmentKind.EBS_VOLUME
                ? new AttachmentInUseException(Ec2Error.VOLUME_IN_USE,
                    attachmentId + " is already attached to an instance (" + owner.id() + ")")
                : new AttachmentInUseException(Ec2Error.INVALID_NETWORK_INTERFACE_IN_USE,
                    "Interface: [" + attachmentId + "] in use (attached to " + owner.id() + ")");
        }
        final String existingId = attachedEndpoints.get(endpoint);
        if (existingId != null)
        {
            throw new AttachmentInUseException(Ec2Error.INVALID_PARAMETER_VALUE, "the PCI function given for " + attachmentId
                + " is already attached as " + existingId + " to " + attachmentOwners.get(existingId).id());
        }
    }

    void registerAttachment(final String attachmentId, final PciEndpoint endpoint, final Instance instance)
    {
        attachmentOwners.put(attachmentId, instance);
        attachedEndpoints.put(endpoint, attachmentId);
    }

    void unregisterAttachment(final String attachmentId, final PciEndpoint endpoint)
    {
        attachmentOwners.remove(attachmentId);
        attachedEndpoints.remove(endpoint);
    }

    int maxAttachments()
    {
        return ctx.maxAttachments;
    }

    static String formatBytes(final long bytes)
    {
        if (bytes != 0 && bytes % (1L << 30) == 0)
        {
            return (bytes >> 30) + " GiB";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0)
        {
            return (bytes >> 20) + " MiB";
        }
        return bytes + " B";
    }

    private String nextInstanceId()
    {
        while (true)
        {
            // EC2 form: "i-" + 17 lowercase hex digits (68 bits).
            final String id = "i-" + Character.forDigit(random.nextInt(16), 16) + String.format("%016x", random.nextLong());
            if (!instances.containsKey(id))
            {
                return id;
            }
        }
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("host is closed");
        }
    }

    /**
     * Deletes the directory and what is in it. What is already gone is no error: at JVM exit {@link DeleteAtExit}'s
     * hook runs at the same time as the application's own (a CLI closing its simulation on SIGTERM) and may have
     * deleted some or all of it first.
     */
    private static void deleteTree(final Path root)
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            final List<Path> all = new ArrayList<>();
            paths.forEach(all::add);
            all.sort(Comparator.reverseOrder());
            for (final Path p : all)
            {
                Files.deleteIfExists(p);
            }
        }
        catch (final NoSuchFileException gone)
        {
            // deleted meanwhile
        }
        catch (final UncheckedIOException ex)
        {
            if (!(ex.getCause() instanceof NoSuchFileException))
            {
                throw new UncheckedIOException("cannot delete guest memory directory " + root + ": " + ex.getCause(),
                    ex.getCause());
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot delete guest memory directory " + root + ": " + ex, ex);
        }
    }

    /**
     * Host configuration. Every value is checked in {@link #conclude()}, called by the host's constructor; a bad
     * value gives one IllegalArgumentException naming it and the accepted range.
     */
    public static final class Context
    {
        public static final int DEFAULT_SOCKETS = 2;
        public static final int DEFAULT_CORES_PER_SOCKET = 18;
        public static final int DEFAULT_THREADS_PER_CORE = 2;
        public static final long DEFAULT_CLOCK_HZ = 3_000_000_000L;
        /** 192 GiB: a c5.18xlarge (144 GiB) or 36 c5.large fit beside the reserve. Sparse, so free until touched. */
        public static final long DEFAULT_MEMORY_BYTES = 192L << 30;
        public static final long DEFAULT_HYPERVISOR_RESERVE_BYTES = 2L << 30;
        public static final int DEFAULT_GUEST_MEMORY_CHUNK_BYTES = 1 << 30;
        public static final int MIN_GUEST_MEMORY_CHUNK_BYTES = 2 << 20;
        public static final long DEFAULT_SEED = 0x6E6974726FL;
        /** Nitro instances of this generation: 28 attachments shared by ENIs and EBS volumes (docs/sources.md section 2). */
        public static final int DEFAULT_MAX_ATTACHMENTS = 28;
        public static final int MAX_THREADS = 1024;

        private SimRuntime runtime;
        private InstanceCatalog catalog = InstanceCatalog.c5();
        private CounterRegistry counters;
        private int sockets = DEFAULT_SOCKETS;
        private int coresPerSocket = DEFAULT_CORES_PER_SOCKET;
        private int threadsPerCore = DEFAULT_THREADS_PER_CORE;
        private long clockHz = DEFAULT_CLOCK_HZ;
        private long memoryBytes = DEFAULT_MEMORY_BYTES;
        private long hypervisorReserveBytes = DEFAULT_HYPERVISOR_RESERVE_BYTES;
        private Path guestMemoryDirectory;
        private int guestMemoryChunkBytes = DEFAULT_GUEST_MEMORY_CHUNK_BYTES;
        private long seed = DEFAULT_SEED;
        private int maxAttachments = DEFAULT_MAX_ATTACHMENTS;

        /** Required: where vCPU and device agents run (virtual or real time). */
        public Context runtime(final SimRuntime runtime)
        {
            this.runtime = runtime;
            return this;
        }

        public Context catalog(final InstanceCatalog catalog)
        {
            this.catalog = catalog;
            return this;
        }

        /** Where the host registers its counters; by default a registry of its own, closed with the host. */
        public Context counters(final CounterRegistry counters)
        {
            this.counters = counters;
            return this;
        }

        public Context sockets(final int sockets)
        {
            this.sockets = sockets;
            return this;
        }

        public Context coresPerSocket(final int coresPerSocket)
        {
            this.coresPerSocket = coresPerSocket;
            return this;
        }

        public Context threadsPerCore(final int threadsPerCore)
        {
            this.threadsPerCore = threadsPerCore;
            return this;
        }

        public Context clockHz(final long clockHz)
        {
            this.clockHz = clockHz;
            return this;
        }

        /** Simulated host memory, a multiple of 2 MiB. */
        public Context memoryBytes(final long memoryBytes)
        {
            this.memoryBytes = memoryBytes;
            return this;
        }

        /** Memory kept for the hypervisor and never given to instances, a multiple of 2 MiB below memoryBytes. */
        public Context hypervisorReserveBytes(final long hypervisorReserveBytes)
        {
            this.hypervisorReserveBytes = hypervisorReserveBytes;
            return this;
        }

        /** Directory for guest memory files; by default a temporary directory deleted when the host closes. */
        public Context guestMemoryDirectory(final Path guestMemoryDirectory)
        {
            this.guestMemoryDirectory = guestMemoryDirectory;
            return this;
        }

        /** Size of one mapping of a guest memory file: a power of two from 2 MiB to 1 GiB. */
        public Context guestMemoryChunkBytes(final int guestMemoryChunkBytes)
        {
            this.guestMemoryChunkBytes = guestMemoryChunkBytes;
            return this;
        }

        /** Seed of the host's random source (instance ids). */
        public Context seed(final long seed)
        {
            this.seed = seed;
            return this;
        }

        /** PCI attachments per instance, 1..29 (device numbers 3..31); EC2's is 28. */
        public Context maxAttachments(final int maxAttachments)
        {
            this.maxAttachments = maxAttachments;
            return this;
        }

        public SimRuntime runtime()
        {
            return runtime;
        }

        public InstanceCatalog catalog()
        {
            return catalog;
        }

        public int sockets()
        {
            return sockets;
        }

        public int coresPerSocket()
        {
            return coresPerSocket;
        }

        public int threadsPerCore()
        {
            return threadsPerCore;
        }

        public long clockHz()
        {
            return clockHz;
        }

        public long memoryBytes()
        {
            return memoryBytes;
        }

        public long hypervisorReserveBytes()
        {
            return hypervisorReserveBytes;
        }

        public Path guestMemoryDirectory()
        {
            return guestMemoryDirectory;
        }

        public int guestMemoryChunkBytes()
        {
            return guestMemoryChunkBytes;
        }

        public long seed()
        {
            return seed;
        }

        public int maxAttachments()
        {
            return maxAttachments;
        }

        /** Validates everything; the first bad value fails with a one-line message. */
        public void conclude()
        {
            if (runtime == null)
            {
                throw new IllegalArgumentException(
                    "runtime is required: pass a VirtualTimeRuntime (deterministic) or a RealTimeRuntime");
            }
            Objects.requireNonNull(catalog, "catalog");
            range("sockets", sockets, 1, 8);
            range("coresPerSocket", coresPerSocket, 1, 128);
            range("threadsPerCore", threadsPerCore, 1, 8);
            if ((long)sockets * coresPerSocket * threadsPerCore > MAX_THREADS)
            {
                throw new IllegalArgumentException("sockets x coresPerSocket x threadsPerCore = "
                    + ((long)sockets * coresPerSocket * threadsPerCore) + " hardware threads, accepted 1.." + MAX_THREADS);
            }
            if (clockHz < 1_000_000L || clockHz > 100_000_000_000L)
            {
                throw new IllegalArgumentException("clockHz " + clockHz + " out of range 1000000..100000000000");
            }
            final long alignment = HostResources.MEMORY_ALIGNMENT_BYTES;
            if (memoryBytes <= 0 || memoryBytes % alignment != 0)
            {
                throw new IllegalArgumentException(
                    "memoryBytes " + memoryBytes + " must be a positive multiple of 2 MiB (" + alignment + ")");
            }
            if (hypervisorReserveBytes < 0 || hypervisorReserveBytes >= memoryBytes
                || hypervisorReserveBytes % alignment != 0)
            {
                throw new IllegalArgumentException("hypervisorReserveBytes " + hypervisorReserveBytes
                    + " must be a multiple of 2 MiB in [0, memoryBytes " + memoryBytes + ")");
            }
            if (guestMemoryChunkBytes < MIN_GUEST_MEMORY_CHUNK_BYTES
                || guestMemoryChunkBytes > MappedGuestMemory.MAX_CHUNK_BYTES
                || Integer.bitCount(guestMemoryChunkBytes) != 1)
            {
                throw new IllegalArgumentException("guestMemoryChunkBytes " + guestMemoryChunkBytes
                    + " must be a power of two in [" + MIN_GUEST_MEMORY_CHUNK_BYTES + ", " + MappedGuestMemory.MAX_CHUNK_BYTES + "]");
            }
            range("maxAttachments", maxAttachments, 1, PciBus.MAX_SLOTS);
            if (guestMemoryDirectory != null)
            {
                try
                {
                    Files.createDirectories(guestMemoryDirectory);
                }
                catch (final IOException ex)
                {
                    throw new IllegalArgumentException(
                        "guestMemoryDirectory " + guestMemoryDirectory + " is not a usable directory: " + ex.getMessage());
                }
                if (!Files.isWritable(guestMemoryDirectory))
                {
                    throw new IllegalArgumentException("guestMemoryDirectory " + guestMemoryDirectory + " is not writable");
                }
            }
        }

        private static void range(final String name, final long value, final long min, final long max)
        {
            if (value < min || value > max)
            {
                throw new IllegalArgumentException(name + " " + value + " out of range " + min + ".." + max);
            }
        }
    }
}
