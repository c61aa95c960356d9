package io.nitrosim.simulator.region;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import io.nitrosim.catalog.InstanceCatalog;
import io.nitrosim.control.Ec2Error;
import io.nitrosim.control.Ec2Exception;
import io.nitrosim.ebs.storage.StorageEngine;
import io.nitrosim.hypervisor.Host;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.nic.card.VpcCard;
import io.nitrosim.nic.fabric.HostDirectory;
import io.nitrosim.nic.shaping.NetworkShapingConfig;
import io.nitrosim.nic.vpc.VpcNetwork;
import io.nitrosim.simulator.engine.NetworkPlumbing;
import io.nitrosim.simulator.engine.StoragePlumbing;
import io.nitrosim.time.PacedRuntime;
import io.nitrosim.time.SimRuntime;

/**
 * A real-time region that runs until closed: hosts (hypervisors), the VPC model with one VPC card per host joined
 * by fabric rings, EBS cards storing through one storage engine, all agents in one runtime paced to the wall
 * clock. It starts empty; {@link #submit} changes it while it runs.
 * <p>
 * <b>Time.</b> The runtime is the project's {@link PacedRuntime}, as in a scenario run with {@code clock: real}:
 * it waits for the wall clock before each time jump, runs behind when the work takes longer, and measures the lag
 * (exported as {@link RegionMeter#LAG} and {@link RegionMeter#MAX_LAG}). The region thread asks it for one tick
 * of simulated time after another, so a quiet region parks until the next tick.
 * <p>
 * <b>Threads.</b> One region thread drives the runtime. Commands go through a bounded queue to the region's
 * control agent, which runs them on the runtime's thread between the other agents' duty cycles (within a tick of
 * being queued): callers never touch card or host state. The region uses only the runtime's public API (add,
 * remove, runUntil, clock) and its lag, so a runtime that spreads agents over threads can replace it.
 * <p>
 * <b>NBD.</b> With {@link Context#nbdPort}, one NBD server on 127.0.0.1 exports every volume attached to a running
 * instance under its volume id, through the instance's guest NVMe driver ({@link RegionExports}); exports follow
 * attach, detach and the instances' lifecycle.
 * <p>
 * <b>Durability.</b> Volumes' blocks live in the storage engine under {@code dataDirectory/ebs} (journaled,
 * acknowledged writes survive kill -9). The control plane's state is its caller's to journal.
 */
public final class Region implements AutoCloseable
{
    private final Context ctx;
    private final PacedRuntime runtime;
    private final CounterRegistry registry;
    private final List<Host> hosts = new ArrayList<>();
    private final StorageEngine engine;
    private final StoragePlumbing storage;
    private final ControlAgent agent;
    private final RegionControl control;
    private final RegionExports exports;
    private final Path ownedDirectory;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    private Region(final Context ctx)
    {
        this.ctx = ctx;
        this.runtime = new PacedRuntime();
        this.registry = new CounterRegistry(ctx.maxCounters);
        try
        {
            exports = ctx.nbdPort < 0 ? null : new RegionExports(ctx.nbdPort, registry);
        }
        catch (final RuntimeException ex)
        {
            registry.close();
            throw ex;
        }
        try
        {
            ownedDirectory = ctx.dataDirectory == null ? Files.createTempDirectory("nitro-sim-region") : null;
            final Path dataDirectory = ctx.dataDirectory == null ? ownedDirectory : ctx.dataDirectory;
            engine = StorageEngine.context(dataDirectory.resolve("ebs")).open();
        }
        catch (final IOException | RuntimeException ex)
        {
            if (exports != null)
            {
                exports.close();
            }
            registry.close();
            if (ex instanceof RuntimeException rex)
            {
                throw rex;
            }
            throw new UncheckedIOException("cannot open the region's storage: " + ex.getMessage(), (IOException)ex);
        }
        for (int i = 0; i < ctx.hosts; i++)
        {
            hosts.add(new Host(new Host.Context().runtime(runtime).catalog(ctx.catalog).memoryBytes(ctx.hostMemoryBytes)
                .seed(ctx.seed + i).counters(registry)));
        }
        final VpcNetwork vpc = new VpcNetwork(ctx.seed);
        final NetworkShapingConfig shaping = NetworkShapingConfig.builder().build();
        final HostDirectory directory = new HostDirectory();
        final List<VpcCard> cards = new ArrayList<>();
        for (int i = 0; i < ctx.hosts; i++)
        {
            final VpcCard card = VpcCard.builder().hostId(i).network(vpc).clock(runtime.clock()).directory(directory)
                .registry(registry).shaping(shaping).build();
            cards.add(card);
            runtime.add(card);
        }
        VpcCard.connectLocal(directory, ctx.linkLatencyNs, cards.toArray(new VpcCard[0]));
        storage = new StoragePlumbing(runtime, registry, engine, false, ctx.seed);
        agent = new ControlAgent(ctx.commandQueueCapacity, runtime.clock());
        control = new RegionControl(this, List.copyOf(hosts), List.copyOf(cards), vpc,
            new NetworkPlumbing(vpc, runtime.clock(), registry, shaping, ctx.networkTimingOnly), storage, registry,
            ctx.catalog, agent, ctx.networkTimingOnly, exports);
        agent.control(control);
        agent.exports(exports);
        runtime.add(agent);
        // Read on the runtime's thread: the registry is scraped by a command (RegionControl.scrapeMetrics).
        RegionMeter.SIMULATED.newGauge(registry, MetricTags.EMPTY, () -> runtime.clock().nanoTime());
        RegionMeter.LAG.newGauge(registry, MetricTags.EMPTY, runtime::lagNs);
        RegionMeter.MAX_LAG.newGauge(registry, MetricTags.EMPTY, runtime::maxLagNs);
        thread = new Thread(this::drive, "nitro-sim-region");
        thread.setDaemon(true);
        thread.start();
    }

    /** Builds the region and starts its thread. */
    public static Region start(final Context ctx)
    {
        ctx.conclude();
        return new Region(ctx);
    }

    public static Context context()
    {
        return new Context();
    }

    /**
     * Queues a command for the runtime thread.
     *
     * @return its result, or its exception; RequestLimitExceeded when the queue is full, ServiceUnavailable once
     * the region stopped.
     */
    public <T> CompletableFuture<T> submit(final RegionCommand<T> command)
    {
        final CompletableFuture<T> future = new CompletableFuture<>();
        final Throwable failed = failure;
        if (!running || failed != null)
        {
            future.completeExceptionally(new Ec2Exception(Ec2Error.SERVICE_UNAVAILABLE,
                failed == null ? "the region is shutting down" : "the region stopped: " + failed));
            return future;
        }
        if (!agent.offer(new ControlAgent.Pending<>(command, future)))
        {
            future.completeExceptionally(new Ec2Exception(Ec2Error.REQUEST_LIMIT_EXCEEDED,
                "Request limit exceeded: " + ctx.commandQueueCapacity + " requests are already queued for the region"));
            return future;
        }
        return future;
    }

    /** The seed of every id the data plane generates. */
    public long seed()
    {
        return ctx.seed;
    }

    public int hostCount()
    {
        return ctx.hosts;
    }

    SimRuntime runtime()
    {
        return runtime;
    }

    /** Where the region's NBD server listens (volumes attached to running instances), or null without one. */
    public InetSocketAddress nbdAddress()
    {
        return exports == null ? null : exports.address();
    }

    /** Why the region stopped, or null while it runs. */
    public Throwable failure()
    {
        return failure;
    }

    /** How far simulated time trailed the wall clock at the latest time jump; on the runtime's thread (a command). */
    long lagNs()
    {
        return runtime.lagNs();
    }

    /** The largest lag since the region started; on the runtime's thread (a command). */
    long maxLagNs()
    {
        return runtime.maxLagNs();
    }

    private void drive()
    {
        try
        {
            while (running)
            {
                // The paced runtime returns once the wall clock reached the tick's end (later when behind).
                runtime.runUntil(runtime.clock().nanoTime() + ctx.tickNs);
            }
        }
        catch (final Throwable ex)
        {
            failure = ex;
        }
        agent.failAll(new Ec2Exception(Ec2Error.SERVICE_UNAVAILABLE,
            failure == null ? "the region is shutting down" : "the region stopped: " + failure));
    }

    /**
     * Closes the NBD server (no new requests), stops the region thread, then closes the runtime, the hosts, the
     * storage engine and the registry.
     */
    @Override
    public void close()
    {
        if (exports != null)
        {
            exports.close();
        }
        running = false;
        try
        {
            thread.join(10_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        runtime.close();
        storage.close();
        engine.close();
        for (final Host host : hosts)
        {
            host.close();
        }
        registry.close();
        if (ownedDirectory != null)
        {
            deleteTree(ownedDirectory);
        }
    }

    private static void deleteTree(final Path root)
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path p : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(p);
            }
        }
        catch (final IOException ex)
        {
            // a temporary directory left behind is not worth failing a shutdown for
        }
    }

    /** The region's settings, checked in {@link #conclude()}. */
    public static final class Context
    {
        public static final int MAX_HOSTS = 64;

        private int hosts = 1;
        private long hostMemoryBytes = Host.Context.DEFAULT_MEMORY_BYTES;
        private long seed = 1;
        private Path dataDirectory;
        private int commandQueueCapacity = 1024;
        private long tickNs = 1_000_000L;
        private long linkLatencyNs = 25_000L;
        private boolean networkTimingOnly = true;
        private int maxCounters = 1 << 16;
        private InstanceCatalog catalog = InstanceCatalog.c5();
        private int nbdPort = -1;

        public Context hosts(final int hosts)
        {
            this.hosts = hosts;
            return this;
        }

        public Context hostMemoryBytes(final long bytes)
        {
            this.hostMemoryBytes = bytes;
            return this;
        }

        public Context seed(final long seed)
        {
            this.seed = seed;
            return this;
        }

        /** Where volumes' blocks are kept (null: a temporary directory, deleted on close). */
        public Context dataDirectory(final Path dataDirectory)
        {
            this.dataDirectory = dataDirectory;
            return this;
        }

        public Context commandQueueCapacity(final int capacity)
        {
            this.commandQueueCapacity = capacity;
            return this;
        }

        /** Simulated time the region thread asks the runtime for at once: the longest a queued command waits. */
        public Context tickNs(final long tickNs)
        {
            this.tickNs = tickNs;
            return this;
        }

        public Context linkLatencyNs(final long linkLatencyNs)
        {
            this.linkLatencyNs = linkLatencyNs;
            return this;
        }

        /** Frames carry headers only (default) or every byte. Volumes always carry their data. */
        public Context networkTimingOnly(final boolean timingOnly)
        {
            this.networkTimingOnly = timingOnly;
            return this;
        }

        public Context maxCounters(final int maxCounters)
        {
            this.maxCounters = maxCounters;
            return this;
        }

        public Context catalog(final InstanceCatalog catalog)
        {
            this.catalog = catalog;
            return this;
        }

        /**
         * Serve the volumes attached to running instances over NBD on 127.0.0.1:{@code port} (0: any free port;
         * -1, the default: no NBD server).
         */
        public Context nbdPort(final int port)
        {
            this.nbdPort = port;
            return this;
        }

        public int hosts()
        {
            return hosts;
        }

        public long seed()
        {
            return seed;
        }

        void conclude()
        {
            if (hosts < 1 || hosts > MAX_HOSTS)
            {
                throw new IllegalArgumentException("hosts " + hosts + " out of range 1.." + MAX_HOSTS);
            }
            if (commandQueueCapacity < 2 || Integer.bitCount(commandQueueCapacity) != 1)
            {
                throw new IllegalArgumentException("commandQueueCapacity " + commandQueueCapacity
                    + " must be a power of two >= 2");
            }
            if (tickNs < 10_000L || tickNs > 1_000_000_000L)
            {
                throw new IllegalArgumentException("tickNs " + tickNs + " out of range 10000..1000000000");
            }
            if (linkLatencyNs < 0 || linkLatencyNs > 1_000_000_000L)
            {
                throw new IllegalArgumentException("linkLatencyNs " + linkLatencyNs + " out of range 0..1000000000");
            }
            if (maxCounters < 1024)
            {
                throw new IllegalArgumentException("maxCounters " + maxCounters + " must be at least 1024");
            }
            if (nbdPort < -1 || nbdPort > 65_535)
            {
                throw new IllegalArgumentException("NBD port " + nbdPort + " out of range 0..65535 (0: any free port)");
            }
            if (catalog == null)
            {
                throw new IllegalArgumentException("catalog must be set");
            }
        }
    }
}
