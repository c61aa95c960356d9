package io.nitrosim.simulator.engine;

import java.util.LinkedHashMap;
import java.util.Map;

import io.nitrosim.ebs.device.NvmeController;
import io.nitrosim.ebs.driver.NvmeDriver;
import io.nitrosim.ebs.fio.FioWorkload;
import io.nitrosim.hypervisor.Instance;
import io.nitrosim.hypervisor.guest.PciAddress;
import io.nitrosim.pci.trace.Tracer;
import io.nitrosim.simulator.results.FaultResult;
import io.nitrosim.simulator.scenario.DurationParser;
import io.nitrosim.simulator.scenario.Scenario;

/**
 * A volume detached from its instance at the fault's start, with I/O in flight, and attached again at its end.
 * Detach: the volume's NVMe function is hot-unplugged from the instance's bus ({@link StoragePlumbing#unplugFunction},
 * the hypervisor's path of DetachVolume); the guest's fio sees every I/O in flight fail, as Linux's NVMe driver
 * cancels them on removal, and pauses. Attach: the function is plugged back from its reset state
 * ({@link StoragePlumbing#replugFunction}), a fresh NVMe driver brings it up and fio resumes on it. The volume keeps
 * its blocks, buckets and meters meanwhile (it stays on its EBS card). Recovery: the first I/O completed after the
 * attach (the driver's bring-up included).
 */
final class VolumeDetach extends FaultInjection
{
    private final String volume;
    private final StoragePlumbing plumbing;
    private final Instance instance;
    private final NvmeController controller;
    private final GuestSide guest;
    /** The re-attached function's driver: the first one's configuration, its counters private (registered once). */
    private final NvmeDriver.Config driverConfig;
    /** The fio on the volume, or null when no workload drives it. */
    private final FioWorkload fio;
    private long completedAtStart;
    private long completedAtEnd;
    private long inFlightAtDetach;
    private long failedByDetach;
    private PciAddress addressAfter;

    VolumeDetach(final Scenario.Fault fault, final String volume, final StoragePlumbing plumbing,
        final Instance instance, final NvmeController controller, final GuestSide guest, final NvmeDriver.Config driverConfig,
        final FioWorkload fio)
    {
        super(fault);
        this.volume = volume;
        this.plumbing = plumbing;
        this.instance = instance;
        this.controller = controller;
        this.guest = guest;
        this.driverConfig = driverConfig;
        this.fio = fio;
    }

    private long completions()
    {
        return controller.readOps() + controller.writeOps() + controller.ioErrors();
    }

    @Override
    void start(final long nowNs)
    {
        completedAtStart = completions();
        inFlightAtDetach = controller.queueDepth();
        if (fio != null && fio.hasDevice())
        {
            failedByDetach = fio.deviceRemoved(nowNs);
        }
        plumbing.unplugFunction(instance, controller);
    }

    @Override
    void end(final long nowNs)
    {
        completedAtEnd = completions();
        addressAfter = plumbing.replugFunction(instance, controller);
        if (fio != null)
        {
            fio.deviceAdded(GuestWorkloads.nvmeDriver(guest, addressAfter, driverConfig));
        }
    }

    @Override
    boolean recovered(final long nowNs)
    {
        return fio == null || completions() > completedAtEnd;
    }

    @Override
    Tracer tracer()
    {
        return controller.tracer();
    }

    @Override
    FaultResult result(final Double recoverySeconds)
    {
        final Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("commandsInFlightAtDetach", inFlightAtDetach);
        counters.put("iosFailedByDetach", failedByDetach);
        counters.put("iosCompletedDuringFault", completedAtEnd - completedAtStart);
        return new FaultResult(fault.kind().key(), volume, fault.atNs() / 1e9, fault.durationNs() / 1e9, Map.of(),
            volume + " detached for " + DurationParser.format(fault.durationNs()) + " with " + inFlightAtDetach
                + " commands in flight; " + failedByDetach + " I/Os failed; attached again"
                + (addressAfter == null ? "" : " at " + addressAfter), counters,
            "until the first I/O completed after the attach (driver bring-up included)", recoverySeconds);
    }
}
