package io.nitrosim.simulator.engine;

import java.util.LinkedHashMap;
import java.util.Map;

import io.nitrosim.ebs.device.EbsMeter;
import io.nitrosim.ebs.device.NvmeController;
import io.nitrosim.hypervisor.memory.IommuDomain;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.pci.trace.Tracer;
import io.nitrosim.simulator.results.FaultResult;
import io.nitrosim.simulator.scenario.DurationParser;
import io.nitrosim.simulator.scenario.Scenario;

/**
 * The faults of a volume's NVMe function: a function level reset with I/O in flight, and a DMA fault (a guest page
 * under an in-flight command unmapped from the instance's IOMMU domain). The device's answer is the controller's
 * (commands lost to the reset; Data Transfer Error for a refused data DMA); the recovery is the guest driver's
 * (timeout, controller reset and resubmission; retries), read from its {@code ebs.driver.*} meters.
 */
final class NvmeFaults
{
    private NvmeFaults()
    {
    }

    /** A volume an NVMe fault hits: its name, controller, instance's IOMMU domain and its meters' tags. */
    record Target(String volume, NvmeController controller, IommuDomain iommu, MetricTags tags)
    {
    }

    static FaultInjection of(final Scenario.Fault fault, final Target target, final CardMeters meters,
        final boolean timingOnly)
    {
        switch (fault.kind())
        {
            case FUNCTION_RESET:
                return new FunctionReset(fault, target, meters);
            case DMA_FAULT:
                if (timingOnly)
                {
                    throw new IllegalArgumentException("faults: dma-fault on volume " + target.volume()
                        + " needs 'payload: full' (a timing-only run moves no data by DMA)");
                }
                return new DmaFault(fault, target, meters);
            default:
                throw new IllegalArgumentException("not an NVMe fault: " + fault.kind());
        }
    }

    private abstract static class NvmeFault extends FaultInjection
    {
        final Target target;
        final CardMeters meters;
        private final long[] atStart = new long[COUNTED.length];
        /** The counted meters when the recovery was seen (a later fault on the volume must not count here); null before. */
        private long[] atRecovery;

        /** The driver's and controller's meters each result reports as its change over the fault. */
        private static final EbsMeter[] COUNTED = {EbsMeter.DRIVER_TIMEOUTS, EbsMeter.DRIVER_ABORTS,
            EbsMeter.DRIVER_RESETS, EbsMeter.DRIVER_RESUBMITTED, EbsMeter.DRIVER_RETRIES, EbsMeter.DRIVER_FAILED,
            EbsMeter.IO_ERRORS};
        private static final String[] NAMES = {"timeouts", "abortsSent", "controllerResets", "commandsResubmitted",
            "commandsRetried", "commandsFailed", "ioErrors"};

        NvmeFault(final Scenario.Fault fault, final Target target, final CardMeters meters)
        {
            super(fault);
            this.target = target;
            this.meters = meters;
        }

        @Override
        void start(final long nowNs)
        {
            for (int i = 0; i < COUNTED.length; i++)
            {
                atStart[i] = value(COUNTED[i]);
            }
        }

        final long value(final EbsMeter meter)
        {
            return meters.value(meter, target.tags());
        }

        /** Successful I/O completions so far. */
        final long successes()
        {
            return target.controller().readOps() + target.controller().writeOps();
        }

        @Override
        void onRecovered(final long nowNs)
        {
            atRecovery = new long[COUNTED.length];
            for (int i = 0; i < COUNTED.length; i++)
            {
                atRecovery[i] = value(COUNTED[i]);
            }
        }

        /** Meter {@code i}'s change from the fault's start to its recovery (to now, before the recovery). */
        private long change(final int i)
        {
            return (atRecovery != null ? atRecovery[i] : value(COUNTED[i])) - atStart[i];
        }

        final long since(final EbsMeter meter)
        {
            for (int i = 0; i < COUNTED.length; i++)
            {
                if (COUNTED[i] == meter)
                {
                    return change(i);
                }
            }
            throw new IllegalArgumentException(meter.name());
        }

        /** The change of each counted meter from the fault's start to its recovery. */
        final Map<String, Long> counters()
        {
            final Map<String, Long> counters = new LinkedHashMap<>();
            for (int i = 0; i < COUNTED.length; i++)
            {
                counters.put(NAMES[i], change(i));
            }
            return counters;
        }

        @Override
        Tracer tracer()
        {
            return target.controller().tracer();
        }
    }

    /**
     * A function level reset of the volume's NVMe function at the fault's start: the controller forgets its queues
     * and the commands in flight; the driver sees a command time out, reads CSTS (all ones or RDY clear), resets and
     * re-initialises the controller and submits its outstanding commands again.
     */
    private static final class FunctionReset extends NvmeFault
    {
        private long lostInController;
        private long successesAtReset;
        private long resetNs;
        private long resumedAfterNs = -1;

        FunctionReset(final Scenario.Fault fault, final Target target, final CardMeters meters)
        {
            super(fault, target, meters);
        }

        @Override
        void start(final long nowNs)
        {
            super.start(nowNs);
            lostInController = target.controller().queueDepth();
            successesAtReset = successes();
            resetNs = nowNs;
            target.controller().functionLevelReset();
        }

        @Override
        void end(final long nowNs)
        {
        }

        /** The driver reset the controller and I/O completed since (asked from the fault's end on). */
        @Override
        boolean recovered(final long nowNs)
        {
            if (resumedAfterNs < 0 && since(EbsMeter.DRIVER_RESETS) > 0 && successes() > successesAtReset)
            {
                resumedAfterNs = nowNs - resetNs;
            }
            return resumedAfterNs >= 0;
        }

        @Override
        FaultResult result(final Double recoverySeconds)
        {
            final Map<String, Long> counters = new LinkedHashMap<>();
            counters.put("commandsLostInController", lostInController);
            counters.putAll(counters());
            return new FaultResult(fault.kind().key(), target.volume(), fault.atNs() / 1e9, fault.durationNs() / 1e9,
                Map.of(), "function level reset of " + target.volume() + "'s NVMe function with " + lostInController
                    + " commands in the controller" + (resumedAfterNs < 0 ? "; I/O did not resume"
                    : "; I/O resumed " + DurationParser.format(resumedAfterNs) + " after the reset"),
                counters, "until the driver had reset the controller and an I/O completed", recoverySeconds);
        }
    }

    /**
     * The guest page under a command in flight unmapped from the instance's IOMMU domain for the fault's duration:
     * the controller's DMA to or from it is refused and the command completes with Data Transfer Error, which the
     * driver retries (no DNR) up to 5 times; the page is mapped back at the end.
     */
    private static final class DmaFault extends NvmeFault
    {
        private long pageAddress = -1;
        private long refusedAtStart;
        private long refused;
        private long successesAtEnd;

        DmaFault(final Scenario.Fault fault, final Target target, final CardMeters meters)
        {
            super(fault, target, meters);
        }

        @Override
        void start(final long nowNs)
        {
            super.start(nowNs);
            refusedAtStart = target.iommu().refusedCount();
            pageAddress = target.controller().inFlightDataAddress();
            if (pageAddress >= 0 && !target.iommu().unmapRange(pageAddress, 1))
            {
                pageAddress = -1; // the domain holds its most unmapped ranges already: nothing unmapped
            }
        }

        @Override
        void end(final long nowNs)
        {
            if (pageAddress >= 0)
            {
                target.iommu().mapRange(pageAddress, 1);
            }
            refused = target.iommu().refusedCount() - refusedAtStart;
            successesAtEnd = successes();
        }

        @Override
        boolean recovered(final long nowNs)
        {
            return successes() > successesAtEnd;
        }

        @Override
        long traceParameter()
        {
            return pageAddress;
        }

        @Override
        FaultResult result(final Double recoverySeconds)
        {
            final Map<String, Long> counters = new LinkedHashMap<>();
            counters.put("pagesUnmapped", pageAddress < 0 ? 0L : 1L);
            counters.put("dmaRefused", refused);
            counters.putAll(counters());
            return new FaultResult(fault.kind().key(), target.volume(), fault.atNs() / 1e9, fault.durationNs() / 1e9,
                Map.of(), pageAddress < 0 ? "no command of " + target.volume() + " was moving data: nothing unmapped"
                    : "guest page 0x" + Long.toHexString(pageAddress & ~(IommuDomain.PAGE_BYTES - 1)) + " under a "
                    + "command of " + target.volume() + " unmapped from the IOMMU for "
                    + DurationParser.format(fault.durationNs()) + "; " + refused + " DMAs refused",
                counters, "until the first I/O completed after the page was mapped back", recoverySeconds);
        }
    }
}
