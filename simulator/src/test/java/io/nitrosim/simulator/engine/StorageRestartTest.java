package io.nitrosim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.pci.trace.TraceRecord;
import io.nitrosim.simulator.scenario.FaultKind;
import io.nitrosim.simulator.trace.TraceReader;

import io.nitrosim.ebs.fio.FioResult;
import io.nitrosim.simulator.results.FaultResult;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.TimeSeries;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioBuilder;
import io.nitrosim.simulator.scenario.ScenarioSpec;

/**
 * A volume's storage server killed and restarted in virtual time under fio writes with full payload: the writes in
 * flight lose their answer, the card holds the volume's I/O (the guest sees latency, no error), the restarted server
 * replays its journal, the card sends the lost writes again and I/O resumes; fio then reads back every block it
 * wrote and finds each intact.
 */
class StorageRestartTest
{
    private static final String IOPS = "db.vol.data.iops";
    private static final long S = 1_000_000_000L;
    /** gp3's base service latency: the restarted connection's first round trip. */
    private static final double GP3_BASE_SECONDS = 0.0005;

    @TempDir
    Path work;

    private static Scenario scenario(final String payload)
    {
        return builder(payload).build();
    }

    private static ScenarioBuilder builder(final String payload)
    {
        // fio writes for 2.5 s, then reads back every block it wrote (verify)
        return ScenarioBuilder.named("restart").duration("3s").seed(11).payload(payload).sampleInterval("100ms")
            .instance("db", "c5.large")
            .volume("db", "data", "gp3", 100, 3000, 125)
            .workload(new ScenarioSpec.WorkloadSpec("io", "fio", null, "2500ms", null, "data", "randwrite", "16k", 8,
                null, "4m", null, "full".equals(payload) ? true : null, null, null, null, null, null, null, null))
            .fault("1s", "storage-restart", "data", "500ms", null);
    }

    @Test
    void shouldHoldIoWhileTheServerIsDownResendWhatItLostAndKeepEveryAcknowledgedWrite()
    {
        try (Simulation simulation = Simulation.prepare(scenario("full"), work))
        {
            final RunResults results = simulation.run(null);
            final TimeSeries series = simulation.timeSeries();
            final FaultResult fault = results.faults().get(0);
            assertEquals("storage-restart", fault.kind());
            assertEquals("data", fault.target());
            // fio's 8 writes were in flight at the kill: none answered, none failed, all 8 sent again after
            assertEquals(8L, fault.counters().get("iosLostInFlight"));
            assertEquals(8L, fault.counters().get("iosResubmitted"));
            assertEquals(0L, fault.counters().get("iosCompletedDuringFault"));
            assertEquals(8L, fault.counters().get("iosInFlightAtEnd"));
            assertEquals(0L, fault.counters().get("ioErrors"));
            // the restart replayed exactly the journal the killed server left past its last checkpoint
            assertTrue(fault.counters().get("journalRecordsPastCheckpointAtKill") > 0, fault.counters().toString());
            assertEquals(fault.counters().get("journalRecordsPastCheckpointAtKill"),
                fault.counters().get("journalRecordsReplayed"));
            // the first resent write completes one round trip after the restart
            assertEquals(GP3_BASE_SECONDS, fault.recoverySeconds(), 1e-9);
            assertEquals(0.0, SeriesMath.average(series, IOPS, 1_100_000_000L, 1_400_000_000L));
            assertEquals(3000.0, SeriesMath.average(series, IOPS, 0, S), 45.0, "gp3's 3000 IOPS before the kill");
            assertEquals(3000.0, SeriesMath.average(series, IOPS, 1_600_000_000L, 2_400_000_000L), 45.0, "and after");
            final FioResult fio = simulation.fioTotal("data");
            assertEquals(0, fio.errors(), "the guest saw latency, not errors");
            assertTrue(fio.verifiedBlocks() > 200, "fio read back the blocks it wrote: " + fio.verifiedBlocks());
            assertEquals(0, fio.verifyErrors(), "every acknowledged write reads back intact after the restart");
            // as after a stall (StorageFaultTest), plus the restarted connection's 0.5 ms round trip
            assertTrue(fio.maxNs() >= 500_500_000L && fio.maxNs() < 503_500_000L,
                "the writes in flight waited the 500 ms outage, a round trip and their service: " + fio.maxNs());
        }
    }

    @Test
    void shouldStopTheKilledVolumesStorageAloneWhileAnotherVolumeOfTheInstanceGoesOn()
    {
        final Scenario scenario = builder("full")
            .volume("db", "logs", "gp3", 100, 3000, 125)
            .workload(new ScenarioSpec.WorkloadSpec("log", "fio", null, "2500ms", null, "logs", "randwrite", "16k", 8,
                null, "4m", null, true, null, null, null, null, null, null, null))
            .build();
        try (Simulation simulation = Simulation.prepare(scenario, work))
        {
            final RunResults results = simulation.run(null);
            final TimeSeries series = simulation.timeSeries();
            final FaultResult fault = results.faults().get(0);
            assertEquals(8L, fault.counters().get("iosLostInFlight"));
            assertEquals(8L, fault.counters().get("iosResubmitted"));
            assertEquals(0.0, SeriesMath.average(series, IOPS, 1_100_000_000L, 1_400_000_000L), "data waits");
            assertEquals(3000.0, SeriesMath.average(series, "db.vol.logs.iops", 1_100_000_000L, 1_400_000_000L), 45.0,
                "logs, on the shared storage, keeps its 3000 IOPS through data's restart");
            for (final String volume : new String[] {"data", "logs"})
            {
                final FioResult fio = simulation.fioTotal(volume);
                assertEquals(0, fio.errors(), volume);
                assertTrue(fio.verifiedBlocks() > 200, volume + ": " + fio.verifiedBlocks());
                assertEquals(0, fio.verifyErrors(), volume + ": every acknowledged write reads back intact");
            }
        }
    }

    @Test
    void shouldHoldAndResendTheSameWayInATimingOnlyRunAndRepeatBitForBit()
    {
        final FaultResult first;
        final Scenario traced = builder("timing-only").trace(java.util.List.of("fault"), java.util.List.of()).build();
        try (Simulation simulation = Simulation.prepare(traced, work.resolve("a"), work.resolve("trace")))
        {
            first = simulation.run(null).faults().get(0);
        }
        final long code = FaultKind.STORAGE_RESTART.ordinal();
        assertEquals(java.util.List.of(java.util.List.of(S, code, 0L, 0L, 500_000_000L),
            java.util.List.of(1_500_000_000L, code, 1L, 0L, 500_000_000L)), faultEvents(work.resolve("trace")),
            "the kill and the restart on the volume's controller, at their exact times");
        assertEquals(8L, first.counters().get("iosLostInFlight"));
        assertEquals(8L, first.counters().get("iosResubmitted"));
        assertEquals(null, first.counters().get("journalRecordsReplayed"), "a timing-only run stores nothing");
        assertEquals(GP3_BASE_SECONDS, first.recoverySeconds(), 1e-9);
        try (Simulation again = Simulation.prepare(traced.withTrace(Scenario.Trace.NONE), work.resolve("b")))
        {
            assertEquals(first, again.run(null).faults().get(0), "same scenario and seed, same fault and recovery");
        }
    }

    /** The trace's fault events as (time, code, phase, parameter, duration). */
    static java.util.List<java.util.List<Long>> faultEvents(final Path trace)
    {
        final java.util.List<java.util.List<Long>> events = new java.util.ArrayList<>();
        try (TraceReader reader = TraceReader.open(trace))
        {
            while (reader.next())
            {
                final TraceRecord r = reader.record();
                assertEquals(TraceKind.FAULT, r.kind());
                events.add(java.util.List.of(r.timeNs(), r.arg0(), r.arg1(), r.arg2(), r.arg3()));
            }
        }
        return events;
    }
}
