package io.nitrosim.simulator.engine;

import java.util.LinkedHashMap;
import java.util.Map;

import io.nitrosim.ebs.device.EbsCard;
import io.nitrosim.ebs.device.NvmeController;
import io.nitrosim.ebs.storage.EmbeddedStorageServer;
import io.nitrosim.pci.trace.Tracer;
import io.nitrosim.simulator.results.FaultResult;
import io.nitrosim.simulator.scenario.DurationParser;
import io.nitrosim.simulator.scenario.Scenario;

/**
 * The storage faults: added latency, a stall and a storage server restart on one volume's storage, injected on the
 * volume's EBS card ({@link EbsCard#addStorageLatency}, {@link EbsCard#stallStorage}, {@link EbsCard#storageKilled})
 * and the volume's own storage server, and measured from its NVMe controller (I/O completed, in flight, failed).
 */
final class StorageFaults
{
    private StorageFaults()
    {
    }

    /**
     * A volume a storage fault hits: its name, its card, its controller and the storage server of its own that a
     * storage-restart kills (null when the run stores no data).
     */
    record Target(String volume, EbsCard card, NvmeController controller, EmbeddedStorageServer server)
    {
        /** I/O commands the controller completed, successfully or not. */
        long completions()
        {
            return controller.readOps() + controller.writeOps() + controller.ioErrors();
        }
    }

    static FaultInjection of(final Scenario.Fault fault, final Target target)
    {
        switch (fault.kind())
        {
            case STORAGE_LATENCY:
                return new Latency(fault, target);
            case STORAGE_STALL:
                return new Stall(fault, target);
            case STORAGE_RESTART:
                return new Restart(fault, target);
            default:
                throw new IllegalArgumentException("not a storage fault: " + fault.kind());
        }
    }

    private abstract static class StorageFault extends FaultInjection
    {
        final Target target;
        long completedAtStart;
        long errorsAtStart;
        /** I/O errors when the recovery was seen (a later fault's errors are not this one's); -1 before. */
        long errorsAtRecovery = -1;
        long completedAtEnd;
        long inFlightAtEnd;

        StorageFault(final Scenario.Fault fault, final Target target)
        {
            super(fault);
            this.target = target;
        }

        @Override
        void start(final long nowNs)
        {
            completedAtStart = target.completions();
            errorsAtStart = target.controller().ioErrors();
        }

        @Override
        void end(final long nowNs)
        {
            completedAtEnd = target.completions();
            inFlightAtEnd = target.controller().queueDepth();
        }

        @Override
        void onRecovered(final long nowNs)
        {
            errorsAtRecovery = target.controller().ioErrors();
        }

        @Override
        Tracer tracer()
        {
            return target.controller().tracer();
        }

        /** By default: recovered at the first I/O completed after the fault's end. */
        @Override
        boolean recovered(final long nowNs)
        {
            return target.completions() > completedAtEnd;
        }

        Map<String, Long> counters()
        {
            final Map<String, Long> counters = new LinkedHashMap<>();
            counters.put("iosCompletedDuringFault", completedAtEnd - completedAtStart);
            counters.put("iosInFlightAtEnd", inFlightAtEnd);
            counters.put("ioErrors",
                (errorsAtRecovery >= 0 ? errorsAtRecovery : target.controller().ioErrors()) - errorsAtStart);
            return counters;
        }
    }

    /** Storage answers every I/O queued during the fault {@code latency} later than its service time. */
    private static final class Latency extends StorageFault
    {
        private long delayedAtStart;
        private long delayed;

        Latency(final Scenario.Fault fault, final Target target)
        {
            super(fault, target);
        }

        @Override
        void start(final long nowNs)
        {
            super.start(nowNs);
            delayedAtStart = target.card().delayedRequests(target.controller());
            target.card().addStorageLatency(target.controller(), fault.latencyNs());
        }

        @Override
        void end(final long nowNs)
        {
            target.card().addStorageLatency(target.controller(), 0);
            delayed = target.card().delayedRequests(target.controller()) - delayedAtStart;
            super.end(nowNs);
        }

        @Override
        boolean recovered(final long nowNs)
        {
            return target.controller().delayedInFlight() == 0;
        }

        @Override
        long traceParameter()
        {
            return fault.latencyNs();
        }

        @Override
        FaultResult result(final Double recoverySeconds)
        {
            final Map<String, Long> counters = counters();
            counters.put("iosDelayed", delayed);
            return new FaultResult(fault.kind().key(), target.volume(), fault.atNs() / 1e9, fault.durationNs() / 1e9,
                Map.of("latencyMs", fault.latencyNs() / 1e6),
                "storage of " + target.volume() + " answered " + delayed + " I/Os "
                    + DurationParser.format(fault.latencyNs()) + " later than usual",
                counters, "until the last I/O that carried the added latency completed", recoverySeconds);
        }
    }

    /** Storage takes no I/O for the fault's duration: I/O waits in the volume's ring and resumes after. */
    private static final class Stall extends StorageFault
    {
        Stall(final Scenario.Fault fault, final Target target)
        {
            super(fault, target);
        }

        @Override
        void start(final long nowNs)
        {
            super.start(nowNs);
            target.card().stallStorage(target.controller(), fault.endNs());
        }

        @Override
        void end(final long nowNs)
        {
            target.card().stallStorage(target.controller(), 0);
            super.end(nowNs);
        }

        @Override
        FaultResult result(final Double recoverySeconds)
        {
            return new FaultResult(fault.kind().key(), target.volume(), fault.atNs() / 1e9, fault.durationNs() / 1e9,
                Map.of(), "storage of " + target.volume() + " took no I/O for " + DurationParser.format(fault.durationNs())
                    + "; " + inFlightAtEnd + " I/Os waited", counters(),
                "until the first I/O completed after the stall", recoverySeconds);
        }
    }

    /**
     * The volume's storage server killed at the fault's start and restarted at its end: the requests it had not
     * answered are lost and the card holds the volume's I/O; the restarted server replays its journal, then the card
     * sends the lost requests again. Recovery: the first I/O completed after the restart.
     */
    private static final class Restart extends StorageFault
    {
        private long unansweredAtKill;
        private long resubmittedBefore;
        private long replayedRecords = -1;
        private long pastCheckpointAtKill;

        Restart(final Scenario.Fault fault, final Target target)
        {
            super(fault, target);
        }

        @Override
        void start(final long nowNs)
        {
            super.start(nowNs);
            // commands fetched and not completed: after every agent's last pass, all are waiting on storage
            unansweredAtKill = target.controller().queueDepth();
            resubmittedBefore = target.card().resubmittedRequests(target.controller());
            target.card().storageKilled(target.controller());
            if (target.server() != null)
            {
                pastCheckpointAtKill = target.server().engine().recordsSinceCheckpoint();
                target.server().kill();
            }
        }

        @Override
        void end(final long nowNs)
        {
            if (target.server() != null)
            {
                replayedRecords = target.server().restart();
            }
            target.card().storageRestarted(target.controller(), unansweredAtKill);
            super.end(nowNs);
        }

        @Override
        FaultResult result(final Double recoverySeconds)
        {
            final Map<String, Long> counters = counters();
            counters.put("iosLostInFlight", unansweredAtKill);
            counters.put("iosResubmitted", target.card().resubmittedRequests(target.controller()) - resubmittedBefore);
            if (replayedRecords >= 0)
            {
                counters.put("journalRecordsPastCheckpointAtKill", pastCheckpointAtKill);
                counters.put("journalRecordsReplayed", replayedRecords);
            }
            return new FaultResult(fault.kind().key(), target.volume(), fault.atNs() / 1e9, fault.durationNs() / 1e9,
                Map.of(), "storage server of " + target.volume() + " killed for "
                    + DurationParser.format(fault.durationNs()) + "; " + unansweredAtKill
                    + " I/Os in flight lost their answer and were sent again after the restart", counters,
                "until the first I/O completed after the restart", recoverySeconds);
        }
    }
}
