package io.nitrosim.simulator.engine;

import io.nitrosim.ebs.driver.NvmeDriver;
import io.nitrosim.ebs.fio.FioJob;
import io.nitrosim.ebs.fio.FioWorkload;
import io.nitrosim.ebs.nbd.BlockQueue;
import io.nitrosim.ebs.nbd.GuestBlockDevice;
import io.nitrosim.ebs.nbd.NbdExport;
import io.nitrosim.ebs.volume.VolumeSpec;
import io.nitrosim.hypervisor.guest.MsiMessage;
import io.nitrosim.hypervisor.guest.PciAddress;
import io.nitrosim.pci.GuestMemoryAllocator;
import io.nitrosim.nic.driver.EnaDriver;
import io.nitrosim.nic.driver.EnaDriverContext;
import io.nitrosim.nic.guest.GuestIperf;

/**
 * The guest workloads on the cards' reference drivers, shared by a scenario's assembly and the real-time region:
 * an iperf on the ENA driver of one ENI, a fio on the NVMe driver of one volume, an NBD export's block device on
 * the NVMe driver of one volume, each a task of the instance's {@link GuestSide} on vCPU 0.
 */
public final class GuestWorkloads
{
    /** EC2's default MTU inside a VPC (jumbo frames); streams of 1500-byte frames fit it too. */
    public static final int GUEST_MTU = 9001;
    /** Largest READ/WRITE an NBD client may send to a volume's export. */
    public static final int NBD_MAX_PAYLOAD_BYTES = 4 << 20;

    private GuestWorkloads()
    {
    }

    /**
     * The first MSI-X vector of the guest's ENA drivers (entry 0 admin and AENQ, 1.. the IO queue pairs), above the
     * NVMe driver's (0x40 + its queues, at most 4 pairs).
     */
    public static final int ENA_FIRST_VECTOR = 0x50;

    /**
     * The reference ENA driver on {@code eni}'s function with the guest iperf on top, driven by the guest. It busy-polls
     * as Linux's ena driver does under {@code net.core.busy_poll} ({@link EnaDriverContext#busyPolling}): the admin
     * queue and AENQ are read when their vector fires, an IO pair from its first interrupt on, on every call.
     */
    public static GuestIperf iperf(final GuestSide side, final EniHandle eni, final int vcpus, final boolean timingOnly)
    {
        final EnaDriverContext driver = EnaDriver.context().function(side.function(eni.address()))
            .busyPolling(MsiMessage.ADDRESS_BASE, ENA_FIRST_VECTOR)
            .memory(side.memory()).allocator(side.allocator()).timingOnly(timingOnly)
            .queuePairs(Math.min(NetworkPlumbing.MAX_QUEUE_PAIRS, vcpus))
            .mtu(GUEST_MTU);
        final GuestIperf guest = GuestIperf.create(driver, eni.eni().primaryIp());
        side.add(guest);
        return guest;
    }

    /**
     * The reference NVMe driver on the volume at {@code address} with fio running {@code jobs} from
     * {@code startNs}, driven by the guest.
     */
    public static FioWorkload fio(final GuestSide side, final PciAddress address, final int vcpus, final long seed,
        final long startNs, final FioJob... jobs)
    {
        return fio(side, address, driverConfig(vcpus), seed, startNs, jobs);
    }

    /** The NVMe driver's configuration for a guest of {@code vcpus} vCPUs: one I/O queue pair per vCPU, up to 4. */
    public static NvmeDriver.Config driverConfig(final int vcpus)
    {
        return NvmeDriver.config().ioQueuePairs(Math.max(1, Math.min(4, vcpus)));
    }

    /** As {@link #fio(GuestSide, PciAddress, int, long, long, FioJob...)}, the driver configured by {@code config}. */
    public static FioWorkload fio(final GuestSide side, final PciAddress address, final NvmeDriver.Config config,
        final long seed, final long startNs, final FioJob... jobs)
    {
        final FioWorkload fio = FioWorkload.create(nvmeDriver(side, address, config), side.memory(), side.allocator(),
            seed, jobs);
        side.add(fio, startNs);
        return fio;
    }

    /** The reference NVMe driver fio runs on, for the volume at {@code address} (not yet brought up). */
    static NvmeDriver nvmeDriver(final GuestSide side, final PciAddress address, final NvmeDriver.Config config)
    {
        return NvmeDriver.create(side.function(address), side.memory(), side.allocator(), config);
    }

    /**
     * The reference NVMe driver on the volume at {@code address} with a {@link GuestBlockDevice} serving
     * {@code queue}, driven by the guest; its queues and {@code slots} staging buffers come from {@code allocator}.
     */
    public static GuestBlockDevice blockDevice(final GuestSide side, final GuestMemoryAllocator allocator,
        final PciAddress address, final int vcpus, final BlockQueue queue, final int slots)
    {
        final NvmeDriver driver = NvmeDriver.create(side.function(address), side.memory(), allocator,
            driverConfig(vcpus).queueEntries(256));
        final GuestBlockDevice device = GuestBlockDevice.create(driver, side.memory(), allocator, queue, slots);
        side.add(device);
        return device;
    }

    /** An NBD export of {@code volume} named {@code name}: its size and block sizes, requests to {@code queue}. */
    public static NbdExport.Builder volumeExport(final String name, final VolumeSpec volume, final int blockSizeBytes,
        final BlockQueue queue)
    {
        return NbdExport.builder(name).sizeBytes(volume.sizeBytes()).minimumBlockBytes(blockSizeBytes)
            .preferredBlockBytes(Math.max(4096, blockSizeBytes)).maxPayloadBytes(NBD_MAX_PAYLOAD_BYTES).queue(queue);
    }
}
