package io.nitrosim.simulator.engine;

import io.nitrosim.ebs.driver.NvmeDriver;
import io.nitrosim.ebs.fio.FioJob;
import io.nitrosim.ebs.fio.FioWorkload;
import io.nitrosim.hypervisor.guest.PciAddress;
import io.nitrosim.nic.driver.EnaDriver;
import io.nitrosim.nic.driver.EnaDriverContext;
import io.nitrosim.nic.guest.GuestIperf;

/**
 * The guest workloads on the cards' reference drivers, shared by a scenario's assembly and the real-time region:
 * an iperf on the ENA driver of one ENI, a fio on the NVMe driver of one volume, each a task of the instance's
 * {@link GuestSide} on vCPU 0.
 */
public final class GuestWorkloads
{
    /** EC2's default MTU inside a VPC (jumbo frames); streams of 1500-byte frames fit it too. */
    public static final int GUEST_MTU = 9001;

    private GuestWorkloads()
    {
    }

    /** The reference ENA driver on {@code eni}'s function with the guest iperf on top, driven by the guest. */
    public static GuestIperf iperf(final GuestSide side, final EniHandle eni, final int vcpus, final boolean timingOnly)
    {
        final EnaDriverContext driver = EnaDriver.context().function(side.function(eni.address()))
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
        final NvmeDriver driver = NvmeDriver.create(side.function(address), side.memory(), side.allocator(),
            NvmeDriver.config().ioQueuePairs(Math.max(1, Math.min(4, vcpus))));
        final FioWorkload fio = FioWorkload.create(driver, side.memory(), side.allocator(), seed, jobs);
        side.add(fio, startNs);
        return fio;
    }
}
