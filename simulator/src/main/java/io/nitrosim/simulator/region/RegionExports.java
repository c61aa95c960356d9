package io.nitrosim.simulator.region;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nitrosim.ebs.driver.NvmeDriver;
import io.nitrosim.ebs.nbd.BlockQueue;
import io.nitrosim.ebs.nbd.BlockRequest;
import io.nitrosim.ebs.nbd.GuestBlockDevice;
import io.nitrosim.ebs.nbd.NbdExport;
import io.nitrosim.ebs.nbd.NbdProtocol;
import io.nitrosim.ebs.nbd.NbdServer;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.pci.GuestMemoryAllocator;
import io.nitrosim.simulator.engine.GuestSide;
import io.nitrosim.simulator.engine.GuestWorkloads;
import io.nitrosim.simulator.engine.StoragePlumbing;

/**
 * The region's NBD door (docs/ec2-api.md): one NBD server whose exports are the volumes attached to running
 * instances, each named by its volume id and served by a {@link GuestBlockDevice} on the reference NVMe driver
 * in that instance's guest, so the instance's and the volume's caps, credits and counters apply as to a
 * scenario's export.
 * <p>
 * An export appears when its volume is attached to a running instance or its instance reaches running, and is
 * withdrawn when the volume is detached or the instance stops, reboots or terminates. Withdrawing closes its
 * queue ({@link NbdServer#withdrawExport}): new sessions no longer find it, and what its device held or its
 * queue still receives is answered NBD_ESHUTDOWN (the protocol's error for requests a server will not serve);
 * {@link #drain()} keeps answering until no connection can offer to it any more.
 * <p>
 * Owned by the region's runtime thread: {@link RegionControl} calls it while it changes instances and volumes, the
 * {@link ControlAgent} drains it every pass. The protocol threads see only the server's export snapshot and the
 * queues' lock-free hand-offs.
 */
final class RegionExports implements AutoCloseable
{
    /** Commands in flight per export (x 256 KiB of staging buffers in the guest). */
    static final int STAGING_SLOTS = 32;
    /** Guest memory one export uses: its staging slots and zero chunk (33 x 256 KiB), its driver's queues. */
    static final long WINDOW_BYTES = 10L << 20;

    /** One volume served, and where its guest memory came from. */
    private record Served(String instanceId, NbdExport export, GuestBlockDevice device, GuestSide guest,
        long windowBase)
    {
    }

    private final NbdServer server;
    private final NbdServer.Context limits;
    private final Map<String, Served> served = new LinkedHashMap<>();
    /** Queues of withdrawn exports, answered until abandoned. */
    private final List<BlockQueue> withdrawn = new ArrayList<>();
    /** Guest memory windows of withdrawn exports, per instance, for the next export there (memory is per guest). */
    private final Map<String, ArrayDeque<Long>> freeWindows = new LinkedHashMap<>();
    private long exportsServed;
    private String lastRefusal;

    /** Starts the server on 127.0.0.1:{@code port} (0: any free port) with no exports. */
    RegionExports(final int port, final CounterRegistry registry)
    {
        limits = NbdServer.context().host("127.0.0.1").port(port).changeable(true)
            .registry(registry, MetricTags.of("export", "region"));
        server = limits.start();
    }

    InetSocketAddress address()
    {
        return server.address();
    }

    /** Volume ids served now, in the order they appeared. */
    List<String> volumeIds()
    {
        return List.copyOf(served.keySet());
    }

    boolean serves(final String volumeId)
    {
        return served.containsKey(volumeId);
    }

    /** Exports opened since the region started. */
    long exportsServed()
    {
        return exportsServed;
    }

    /** Why the latest export could not be opened, or null. */
    String lastRefusal()
    {
        return lastRefusal;
    }

    /** Every attached volume of {@code ri} (running) becomes an export. */
    void exportAll(final RegionInstance ri, final GuestSide guest)
    {
        for (final StoragePlumbing.PluggedVolume v : ri.volumes.values())
        {
            export(ri, guest, v);
        }
    }

    /**
     * Serves {@code volume} of the running instance {@code ri}. A volume whose export cannot be opened (the guest's
     * memory for drivers is used up) stays attached without one: the reason is kept for {@link #lastRefusal()}.
     */
    void export(final RegionInstance ri, final GuestSide guest, final StoragePlumbing.PluggedVolume volume)
    {
        final String volumeId = volume.spec().volumeId().toString();
        if (served.containsKey(volumeId))
        {
            return;
        }
        final ArrayDeque<Long> free = freeWindows.computeIfAbsent(ri.id(), k -> new ArrayDeque<>());
        long window = -1;
        GuestBlockDevice device = null;
        try
        {
            window = free.isEmpty() ? guest.allocator().allocate(WINDOW_BYTES, NvmeDriver.PAGE_SIZE) : free.poll();
            final BlockQueue queue = new BlockQueue(limits.queueCapacityNeeded());
            device = GuestWorkloads.blockDevice(guest, new GuestMemoryAllocator(window, WINDOW_BYTES), volume.address(),
                ri.instance().type().vcpus(), queue, STAGING_SLOTS);
            final NbdExport export = GuestWorkloads.volumeExport(volumeId, volume.spec(),
                volume.controller().blockSizeBytes(), queue)
                .description("EBS volume " + volumeId + " (" + volume.spec().type().apiName() + ", "
                    + volume.spec().sizeGiB() + " GiB) attached to " + ri.id() + " as " + volume.spec().deviceName())
                .build();
            server.addExport(export);
            served.put(volumeId, new Served(ri.id(), export, device, guest, window));
            exportsServed++;
        }
        catch (final RuntimeException ex)
        {
            if (device != null)
            {
                guest.remove(device);
            }
            if (window >= 0)
            {
                free.push(window);
            }
            lastRefusal = "no NBD export for " + volumeId + ": " + ex.getMessage();
        }
    }

    /**
     * Withdraws the export of {@code volumeId}, if there is one: what its device holds is answered NBD_ESHUTDOWN now,
     * later requests by {@link #drain()}; its driver leaves the guest (before its function does).
     */
    void withdraw(final String volumeId)
    {
        final Served s = served.remove(volumeId);
        if (s == null)
        {
            return;
        }
        server.withdrawExport(volumeId); // closes the queue: connections stop offering to it
        s.device().retire(NbdProtocol.ESHUTDOWN);
        s.guest().remove(s.device());
        freeWindows.computeIfAbsent(s.instanceId(), k -> new ArrayDeque<>()).push(s.windowBase());
        withdrawn.add(s.export().queue());
        drain();
    }

    /** Withdraws every export of {@code ri} (it stops, reboots or terminates). */
    void withdrawAll(final RegionInstance ri)
    {
        for (final String volumeId : List.copyOf(ri.volumes.keySet()))
        {
            withdraw(volumeId);
        }
    }

    /** The instance is terminated: its guest memory is gone, and its windows with it. */
    void forget(final String instanceId)
    {
        freeWindows.remove(instanceId);
    }

    /**
     * Answers NBD_ESHUTDOWN to every request that reached a withdrawn export's queue, and forgets a queue once no
     * connection can offer to it (see {@link BlockQueue#isAbandoned()}).
     *
     * @return requests answered and queues forgotten.
     */
    int drain()
    {
        int work = 0;
        for (int i = withdrawn.size() - 1; i >= 0; i--)
        {
            final BlockQueue queue = withdrawn.get(i);
            final boolean abandoned = queue.isAbandoned(); // read before the poll: nothing can follow it
            BlockRequest r;
            while ((r = queue.poll()) != null)
            {
                r.complete(NbdProtocol.ESHUTDOWN);
                work++;
            }
            if (abandoned)
            {
                withdrawn.remove(i);
                work++;
            }
        }
        return work;
    }

    /** Closes the server and its connections. */
    @Override
    public void close()
    {
        server.close();
    }
}
