package io.nitrosim.ebs.device;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.nitrosim.ebs.driver.NvmeDriver;
import io.nitrosim.ebs.fio.FioJob;
import io.nitrosim.ebs.fio.FioWorkload;
import io.nitrosim.ebs.shaping.EbsInstanceCaps;
import io.nitrosim.ebs.storage.EmbeddedStorageBackend;
import io.nitrosim.ebs.storage.StorageBackend;
import io.nitrosim.ebs.storage.StorageEngine;
import io.nitrosim.ebs.volume.ServiceLatencyModel;
import io.nitrosim.ebs.volume.VolumeSpec;
import io.nitrosim.ebs.volume.VolumeType;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.pci.FakeGuestMemory;
import io.nitrosim.pci.FakeGuestMemoryAccess;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.GuestMemoryAllocator;
import io.nitrosim.pci.MsiSink;
import io.nitrosim.time.SimAgent;
import io.nitrosim.time.VirtualTimeRuntime;

/** One instance in virtual time: guest memory, a guest agent (drivers, fio), an EBS card and its controllers. */
final class EbsRig implements AutoCloseable
{
    static final long MSI_ADDRESS = 0xFEE0_0000L;
    static final int FIRST_VECTOR = 0x40;
    static final long GUEST_BASE = 0;

    final VirtualTimeRuntime runtime = new VirtualTimeRuntime();
    final FakeGuestMemory memory;
    final FakeGuestMemoryAccess guest;
    final GuestMemoryAllocator allocator;
    final CounterRegistry registry = new CounterRegistry();
    final StorageBackend backend;
    final EbsCard card;
    final GuestAgent guestAgent = new GuestAgent();

    EbsRig(final EbsInstanceCaps caps, final int memoryBytes, final Path storageDir, final ServiceLatencyModel latency)
    {
        this(caps, memoryBytes, storageDir, latency, 512);
    }

    EbsRig(final EbsInstanceCaps caps, final int memoryBytes, final Path storageDir, final ServiceLatencyModel latency,
        final int blockSizeBytes)
    {
        this(caps, memoryBytes, storageDir == null ? null
            : new EmbeddedStorageBackend(StorageEngine.context(storageDir).open(), true, 256), latency, blockSizeBytes);
    }

    /** A rig whose card stores through {@code backend} (null: timing-only). */
    EbsRig(final EbsInstanceCaps caps, final int memoryBytes, final StorageBackend backend,
        final ServiceLatencyModel latency, final int blockSizeBytes)
    {
        memory = new FakeGuestMemory(GUEST_BASE, memoryBytes);
        guest = new FakeGuestMemoryAccess(memory);
        allocator = new GuestMemoryAllocator(GUEST_BASE + 4096, memoryBytes - 4096);
        this.backend = backend;
        card = EbsCard.context().instanceId("i-0123456789abcdef0").caps(caps).clock(runtime.clock())
            .registry(registry).backend(backend).timingOnly(backend == null)
            .latencyModel(latency == null ? ServiceLatencyModel.defaults() : latency).blockSizeBytes(blockSizeBytes).build();
        runtime.add(guestAgent);
        runtime.add(card);
    }

    static VolumeSpec volume(final String id, final VolumeType type, final int sizeGiB, final int iops,
        final int throughputMiBps, final String device)
    {
        final VolumeSpec.Builder b = VolumeSpec.builder().volumeId(id).type(type).sizeGiB(sizeGiB).deviceName(device);
        if (iops > 0)
        {
            b.iops(iops);
        }
        if (throughputMiBps > 0)
        {
            b.throughputMiBps(throughputMiBps);
        }
        return b.build();
    }

    NvmeController attach(final VolumeSpec spec, final Router router)
    {
        final NvmeController c = card.attach(spec);
        c.connect(memory, router);
        runtime.add(c.agent());
        return c;
    }

    NvmeDriver driver(final NvmeController c, final NvmeDriver.Config config)
    {
        return NvmeDriver.create(FunctionAccess.of(c), guest, allocator, config.msix(MSI_ADDRESS, FIRST_VECTOR));
    }

    /** Attaches, creates a driver and a fio workload on it, interrupts routed to it. */
    FioWorkload fio(final VolumeSpec spec, final NvmeDriver.Config config, final long seed, final FioJob... jobs)
    {
        final Router router = new Router();
        final NvmeController c = attach(spec, router);
        final FioWorkload w = FioWorkload.create(driver(c, config), guest, allocator, seed, jobs);
        router.workload = w;
        guestAgent.workloads.add(w);
        return w;
    }

    /** Runs until every workload is done, or {@code limitNs} of simulated time. */
    long runUntilDone(final long limitNs)
    {
        final long end = runtime.clock().nanoTime() + limitNs;
        while (runtime.clock().nanoTime() < end && !guestAgent.allDone())
        {
            runtime.runUntil(Math.min(end, runtime.clock().nanoTime() + 1_000_000_000L));
        }
        return runtime.clock().nanoTime();
    }

    @Override
    public void close()
    {
        runtime.close();
        if (backend != null)
        {
            backend.close();
        }
        registry.close();
    }

    /** Routes MSI messages (vector = data bits 7:0) to a workload or driver, and records them. */
    static final class Router implements MsiSink
    {
        FioWorkload workload;
        NvmeDriver driver;
        final List<Integer> vectors = new ArrayList<>();

        @Override
        public void deliver(final long messageAddress, final int messageData)
        {
            vectors.add(messageData & 0xFF);
            if (workload != null)
            {
                workload.onInterrupt(messageData & 0xFF);
            }
            if (driver != null)
            {
                driver.onInterrupt(messageData & 0xFF);
            }
        }
    }

    /** The vCPU: runs drivers and workloads. */
    final class GuestAgent implements SimAgent
    {
        final List<FioWorkload> workloads = new ArrayList<>();
        final List<NvmeDriver> drivers = new ArrayList<>();

        boolean allDone()
        {
            for (final FioWorkload w : workloads)
            {
                if (!w.isDone())
                {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int doWork()
        {
            final long now = runtime.clock().nanoTime();
            int work = 0;
            for (int i = 0; i < workloads.size(); i++)
            {
                work += workloads.get(i).doWork(now);
            }
            for (int i = 0; i < drivers.size(); i++)
            {
                work += drivers.get(i).doWork(now);
            }
            return work;
        }

        @Override
        public long nextDeadlineNs()
        {
            final long now = runtime.clock().nanoTime();
            long deadline = NO_DEADLINE;
            for (final FioWorkload w : workloads)
            {
                deadline = Math.min(deadline, w.nextDeadlineNs());
            }
            for (final NvmeDriver d : drivers)
            {
                deadline = Math.min(deadline, d.nextDeadlineNs());
            }
            return deadline;
        }

        @Override
        public String roleName()
        {
            return "guest";
        }
    }
}
