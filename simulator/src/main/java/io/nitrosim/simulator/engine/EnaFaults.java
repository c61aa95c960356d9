package io.nitrosim.simulator.engine;

import java.util.LinkedHashMap;
import java.util.Map;

import io.nitrosim.hypervisor.memory.IommuDomain;
import io.nitrosim.nic.driver.EnaDriver;
import io.nitrosim.nic.ena.EnaFunction;
import io.nitrosim.nic.ena.EnaResetReason;
import io.nitrosim.nic.shaping.EniMeter;
import io.nitrosim.pci.trace.Tracer;
import io.nitrosim.simulator.results.FaultResult;
import io.nitrosim.simulator.scenario.DurationParser;
import io.nitrosim.simulator.scenario.Scenario;

/**
 * The faults that hit an ENI's ENA function and that its guest driver recovers from by resetting the device
 * (docs/validation.md#faults): a function-level reset, and a DMA fault (a page of a posted RX buffer unmapped from
 * the instance's IOMMU domain for the fault's duration). Both are measured from the device and from the guest's
 * driver on the ENI (when a workload runs one): the driver's resets by reason, the frames it lost to them, the
 * frames the device dropped meanwhile (the driver's up to its recovery, so a later fault's resets are not counted
 * here). Recovery: the driver is up again after a reset and a frame moved.
 */
final class EnaFaults
{
    private EnaFaults()
    {
    }

    static FaultInjection of(final Scenario.Fault fault, final EniHandle eni, final EnaDriver driver,
        final IommuDomain iommu)
    {
        switch (fault.kind())
        {
            case FUNCTION_RESET:
                return new FunctionReset(fault, eni, driver);
            case DMA_FAULT:
                return new DmaFault(fault, eni, driver, iommu);
            default:
                throw new IllegalArgumentException("not an ENA function fault: " + fault.kind());
        }
    }

    private abstract static class EnaFault extends FaultInjection
    {
        final EniHandle eni;
        final EnaFunction function;
        /** The guest's driver on the ENI, or null when no workload drives it. */
        final EnaDriver driver;
        private final long[] resetsAtStart = new long[EnaDriver.RESET_REASONS];
        /** The driver's resets when it recovered (so a later fault's are not this one's), or at the run's end. */
        private final long[] resetsAtRecovery = new long[EnaDriver.RESET_REASONS];
        private boolean snapshot;
        private long lostAtStart;
        private long lostAtRecovery;
        private long droppedAtStart;
        private long dropped;
        /** Frames moved when the driver was first seen up again after a reset, -1 before. */
        private long framesWhenBackUp = -1;

        EnaFault(final Scenario.Fault fault, final EniHandle eni, final EnaDriver driver)
        {
            super(fault);
            this.eni = eni;
            this.function = eni.function();
            this.driver = driver;
        }

        long frames()
        {
            return function.txFrames() + function.rxFrames();
        }

        long noBufferDrops()
        {
            return eni.port().counters().get(EniMeter.RX_NO_BUFFER_DROPPED);
        }

        long resetsSinceStart()
        {
            long n = 0;
            for (int r = 0; r < EnaDriver.RESET_REASONS; r++)
            {
                n += driver.resets(r) - resetsAtStart[r];
            }
            return n;
        }

        private void takeSnapshot()
        {
            for (int r = 0; r < EnaDriver.RESET_REASONS; r++)
            {
                resetsAtRecovery[r] = driver.resets(r);
            }
            lostAtRecovery = driver.framesLostToResets();
            dropped = noBufferDrops() - droppedAtStart;
            snapshot = true;
        }

        @Override
        void start(final long nowNs)
        {
            if (driver != null)
            {
                for (int r = 0; r < EnaDriver.RESET_REASONS; r++)
                {
                    resetsAtStart[r] = driver.resets(r);
                }
                lostAtStart = driver.framesLostToResets();
            }
            droppedAtStart = noBufferDrops();
        }

        @Override
        void end(final long nowNs)
        {
            // nothing to undo: the counters are taken when the driver has recovered
        }

        @Override
        boolean recovered(final long nowNs)
        {
            if (driver == null)
            {
                return false;
            }
            if (framesWhenBackUp < 0)
            {
                if (driver.isUp() && resetsSinceStart() > 0)
                {
                    framesWhenBackUp = frames();
                }
                return false;
            }
            if (frames() > framesWhenBackUp)
            {
                takeSnapshot();
                return true;
            }
            return false;
        }

        @Override
        Tracer tracer()
        {
            return function.tracer();
        }

        /** The counters every ENA function fault reports; {@code happened} says what the fault did. */
        FaultResult result(final String happened, final Map<String, Long> own, final Double recoverySeconds)
        {
            final Map<String, Long> counters = new LinkedHashMap<>(own);
            if (driver == null)
            {
                dropped = noBufferDrops() - droppedAtStart;
            }
            else if (!snapshot)
            {
                takeSnapshot(); // not recovered: what happened up to the run's end
            }
            counters.put("framesDroppedNoBuffer", dropped);
            if (driver != null)
            {
                long resets = 0;
                for (int r = 0; r < EnaDriver.RESET_REASONS; r++)
                {
                    resets += resetsAtRecovery[r] - resetsAtStart[r];
                }
                counters.put("driverResets", resets);
                for (int r = 0; r < EnaDriver.RESET_REASONS; r++)
                {
                    if (resetsAtRecovery[r] > resetsAtStart[r])
                    {
                        counters.put("driverResets." + EnaResetReason.name(r), resetsAtRecovery[r] - resetsAtStart[r]);
                    }
                }
                counters.put("framesLostToResets", lostAtRecovery - lostAtStart);
            }
            return new FaultResult(fault.kind().key(), eni.name(), fault.atNs() / 1e9, fault.durationNs() / 1e9,
                Map.of(), happened, counters, "until the first frame moved after the guest's driver reset the "
                    + "device and came back up", recoverySeconds);
        }
    }

    /**
     * An FLR of the ENI's ENA function at the fault's start ({@link EnaFunction#functionLevelReset}): configuration
     * space and registers return to reset values (memory space and bus mastering off), the device forgets its queues
     * and stops sending keep-alives; frames in flight are lost. The guest's driver finds DEV_STS reading all ones at
     * its next health check (or misses the keep-alive), resets the device with the reason and brings it up again.
     */
    static final class FunctionReset extends EnaFault
    {
        FunctionReset(final Scenario.Fault fault, final EniHandle eni, final EnaDriver driver)
        {
            super(fault, eni, driver);
        }

        @Override
        void start(final long nowNs)
        {
            super.start(nowNs);
            function.functionLevelReset();
        }

        @Override
        FaultResult result(final Double recoverySeconds)
        {
            return result("function-level reset of " + eni.name() + "'s ENA function; the driver reset and "
                + "re-initialised the device", Map.of(), recoverySeconds);
        }
    }

    /**
     * The page(s) of the posted RX buffer the device fills next (queue pair 0, as the guest's driver knows it) are
     * unmapped from the instance's IOMMU domain at the fault's start and mapped back at its end. The device's DMA
     * write of a received frame into it is refused: the device enters its fatal state (DEV_STS.fatal_error, AENQ
     * FATAL_ERROR with reset reason RX_DESCRIPTOR_MALFORMED, as it treats every refused RX buffer); the driver resets
     * it. Reset again while the page is still unmapped, it fails the same way when it reaches that buffer again.
     */
    static final class DmaFault extends EnaFault
    {
        private final IommuDomain iommu;
        private long address = -1;
        private long lengthBytes;
        private long refusedAtStart;
        private long refused;
        private long fatalAtStart;
        private long fatal;

        DmaFault(final Scenario.Fault fault, final EniHandle eni, final EnaDriver driver, final IommuDomain iommu)
        {
            super(fault, eni, driver);
            this.iommu = iommu;
        }

        @Override
        void start(final long nowNs)
        {
            super.start(nowNs);
            refusedAtStart = iommu.refusedCount();
            fatalAtStart = function.fatalErrors();
            if (driver != null && driver.isUp())
            {
                address = driver.nextRxBufferAddress(0);
                lengthBytes = driver.rxBufferBytes();
                if (!iommu.unmapRange(address, lengthBytes))
                {
                    address = -1;
                }
            }
        }

        @Override
        void end(final long nowNs)
        {
            super.end(nowNs);
            if (address >= 0)
            {
                iommu.mapRange(address, lengthBytes);
            }
            refused = iommu.refusedCount() - refusedAtStart;
            fatal = function.fatalErrors() - fatalAtStart;
        }

        @Override
        FaultResult result(final Double recoverySeconds)
        {
            final Map<String, Long> counters = new LinkedHashMap<>();
            counters.put("unmappedGuestAddress", address);
            counters.put("dmaRefused", refused);
            counters.put("deviceFatalErrors", fatal);
            return result(address < 0 ? "no RX buffer of " + eni.name() + " to unmap (no driver up on it)"
                : "unmapped the page(s) of an RX buffer of " + eni.name() + " for "
                    + DurationParser.format(fault.durationNs()) + "; " + refused + " DMA refused, " + fatal
                    + " device fatal errors", counters, recoverySeconds);
        }
    }
}
