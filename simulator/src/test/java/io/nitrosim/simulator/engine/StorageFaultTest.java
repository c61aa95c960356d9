package io.nitrosim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.pci.trace.TraceRecord;
import io.nitrosim.simulator.results.FaultResult;
import io.nitrosim.simulator.results.FioJobResult;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.TimeSeries;
import io.nitrosim.simulator.scenario.FaultKind;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioBuilder;
import io.nitrosim.simulator.scenario.ScenarioSpec;
import io.nitrosim.simulator.trace.TraceReader;

/**
 * Storage faults in virtual time, through the guest's fio, NVMe driver, controller and EBS card with full payload:
 * I/O waits (stall) or slows (added latency) during the fault, resumes after, every write is read back intact and
 * no I/O fails.
 */
class StorageFaultTest
{
    private static final String IOPS = "db.vol.data.iops";
    private static final long S = 1_000_000_000L;

    @TempDir
    Path work;

    private static ScenarioBuilder base(final String name, final String rw, final int iodepth)
    {
        return ScenarioBuilder.named(name).duration("3s").seed(11).payload("full").sampleInterval("100ms")
            .instance("db", "c5.large")
            .volume("db", "data", "gp3", 100, 3000, 125)
            .workload(new ScenarioSpec.WorkloadSpec("io", "fio", null, null, null, "data", rw, "16k", iodepth, null,
                "4m", null, rw.contains("write") ? true : null, null, null, null, null, null, null, null));
    }

    @Test
    void shouldHoldEveryIoDuringAStallAndResumeAtItsEndWithNothingLost()
    {
        final Scenario scenario = base("stall", "randwrite", 8).fault("1s", "storage-stall", "data", "500ms", null)
            .build();
        try (Simulation simulation = Simulation.prepare(scenario, work))
        {
            final RunResults results = simulation.run(null);
            final TimeSeries series = simulation.timeSeries();
            final FaultResult fault = results.faults().get(0);
            assertEquals("storage-stall", fault.kind());
            assertEquals("data", fault.target());
            assertEquals(1.0, fault.atSeconds());
            assertEquals(0.5, fault.durationSeconds());
            // fio's 8 writes wait in the volume's ring for the whole stall, none completes, none fails
            assertEquals(Map.of("iosCompletedDuringFault", 0L, "iosInFlightAtEnd", 8L, "ioErrors", 0L),
                fault.counters());
            // the buckets filled while storage stalled: the first waiting write completes the instant it ends
            assertEquals(0.0, fault.recoverySeconds());
            assertEquals(0.0, SeriesMath.average(series, IOPS, 1_100_000_000L, 1_400_000_000L));
            final double before = SeriesMath.average(series, IOPS, 0, S);
            final double after = SeriesMath.average(series, IOPS, 2 * S, 3 * S);
            assertEquals(3000.0, before, 45.0, "gp3's 3000 IOPS before the stall");
            assertEquals(before, after, before * 0.01, "and again after it");
            final FioJobResult fio = results.fioJobs().get(0);
            assertEquals(0, fio.verifyErrors(), "every acknowledged write reads back intact");
            assertTrue(fio.latency().maxMs() >= 500.0 && fio.latency().maxMs() < 503.0,
                "the writes that waited took the stall's 500 ms plus their service time: " + fio.latency());
        }
    }

    @Test
    void shouldSlowEveryIoQueuedDuringAddedLatencyAndRecoverWhenTheLastOneCompletes()
    {
        final Scenario scenario = base("latency", "randread", 1)
            .fault("1s", "storage-latency", "data", "500ms", "10ms").build();
        try (Simulation simulation = Simulation.prepare(scenario, work))
        {
            final RunResults results = simulation.run(null);
            final TimeSeries series = simulation.timeSeries();
            final FaultResult fault = results.faults().get(0);
            assertEquals(Map.of("latencyMs", 10.0), fault.parameters());
            // iodepth 1: each read takes gp3's 0.5 ms service time + 10 ms, so 500 ms hold ceil(500 / 10.5) = 48 reads
            // queued during the fault; the one in flight at its start was queued before it and is not delayed
            assertEquals(48L, fault.counters().get("iosDelayed"));
            assertEquals(48L, fault.counters().get("iosCompletedDuringFault"));
            assertEquals(1L, fault.counters().get("iosInFlightAtEnd"));
            assertEquals(0L, fault.counters().get("ioErrors"));
            // the 48th read was queued at 1 s + 47 x 10.5 ms = 1.4935 s and completes 10.5 ms later
            assertEquals(0.004, fault.recoverySeconds(), 1e-6);
            assertEquals(2000.0, SeriesMath.average(series, IOPS, 0, S), 1.0, "1 / 0.5 ms before the fault");
            assertEquals(1e9 / 10_500_000.0, SeriesMath.average(series, IOPS, 1_100_000_000L, 1_400_000_000L), 10.0,
                "1 / 10.5 ms during it");
            assertEquals(2000.0, SeriesMath.average(series, IOPS, 2 * S, 3 * S), 1.0, "and 1 / 0.5 ms after it");
            assertEquals(10.5, results.fioJobs().get(0).latency().maxMs(), 0.01);
        }
    }

    @Test
    void shouldTraceEachFaultsStartAndEndAtItsExactTimeAndRepeatBitForBit() throws Exception
    {
        final Scenario scenario = base("traced", "randwrite", 4)
            .fault("250ms", "storage-latency", "data", "250ms", "2ms")
            .fault("1s", "storage-stall", "data", "100ms", null)
            .trace(List.of("fault"), List.of()).build();
        final List<FaultResult> first;
        try (Simulation simulation = Simulation.prepare(scenario, work.resolve("a"), work.resolve("trace")))
        {
            first = simulation.run(null).faults();
        }
        final List<long[]> events = new ArrayList<>();
        try (TraceReader reader = TraceReader.open(work.resolve("trace")))
        {
            while (reader.next())
            {
                final TraceRecord r = reader.record();
                assertEquals(TraceKind.FAULT, r.kind());
                events.add(new long[] {r.timeNs(), r.arg0(), r.arg1(), r.arg2(), r.arg3()});
            }
        }
        final int latency = FaultKind.STORAGE_LATENCY.ordinal();
        final int stall = FaultKind.STORAGE_STALL.ordinal();
        assertEquals(List.of(
            List.of(250_000_000L, (long)latency, 0L, 2_000_000L, 250_000_000L),
            List.of(500_000_000L, (long)latency, 1L, 2_000_000L, 250_000_000L),
            List.of(1_000_000_000L, (long)stall, 0L, 0L, 100_000_000L),
            List.of(1_100_000_000L, (long)stall, 1L, 0L, 100_000_000L)),
            events.stream().map(e -> List.of(e[0], e[1], e[2], e[3], e[4])).toList());
        try (Simulation again = Simulation.prepare(scenario.withTrace(Scenario.Trace.NONE), work.resolve("b")))
        {
            assertEquals(first, again.run(null).faults(), "same scenario and seed, same faults and recoveries");
        }
    }
}
