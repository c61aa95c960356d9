package io.nitrosim.simulator.results;

import java.util.ArrayList;
import java.util.List;

/**
 * Made-up results shaped like a demo run: a c5.large that bursts at 10 Gbps until its credits run out and
 * falls to its 0.75 Gbps baseline, a c5.9xlarge at a flat 10 Gbps, and EBS volumes of three types.
 */
public final class SyntheticRun
{
    public static final long S = 1_000_000_000L;

    private SyntheticRun()
    {
    }

    public static RunResults results()
    {
        final InstanceResult web = new InstanceResult("web-1", "i-0a1b2c3d4e5f60001", "c5.large", "host-1",
            new DirectionResult(0.1234, 10.0, 0.75, 100.0, 1_234_567, 987_654_321),
            new DirectionResult(6.4567891, 10.0, 0.75, 0.0, 45_678_901, 339_000_000_123L),
            new EbsInstanceResult(1987.65, 2250.0, 525.0, 15_999.6, 16_000.0, 4_000.0, 12.345, 0.05, 321, 3_210_000),
            AllowanceCounters.of(0, 5_432, 0, 0, 3),
            List.of(
                new EniResult("eth0", "eni-0aa0000000000001", "02:00:00:00:00:01", "10.0.1.10", 987_654_321,
                    300_000_000_000L, AllowanceCounters.of(0, 5_000, 0, 0, 3)),
                new EniResult("eth1", "eni-0aa0000000000002", "02:00:00:00:00:02", "10.0.2.10", 0,
                    39_000_000_123L, AllowanceCounters.of(0, 432, 0, 0, 0))));
        final InstanceResult db = new InstanceResult("db-1", "i-0a1b2c3d4e5f60002", "c5.9xlarge", "host-1",
            new DirectionResult(6.4567891, 10.0, 10.0, 100.0, 45_678_901, 339_000_000_123L),
            new DirectionResult(0.0005, 10.0, 10.0, 100.0, 1_000, 500_000),
            new EbsInstanceResult(4499.95, 4500.0, 4500.0, 31_999.5, 32_000.0, 32_000.0, 100.0, 100.0, 0, 0),
            AllowanceCounters.zero(),
            List.of(new EniResult("eth0", "eni-0bb0000000000001", "02:00:00:00:01:01", "10.0.1.20", 339_000_000_123L,
                500_000, AllowanceCounters.zero())));
        final List<VolumeResult> volumes = List.of(
            new VolumeResult("data-1", "vol-0123456789abcdef0", "web-1", "gp2", "/dev/sdf", 1500.25, 1499.75, 5.86,
                5.86, 3000, 250, new LatencySummary(0.512, 1.9876, 4.25, 12.5), 17, 69_632, 42.5),
            new VolumeResult("logs-1", "vol-0123456789abcdef1", "web-1", "gp3", "/dev/sdg", 0, 2999.5, 0, 125.0,
                3000, 125, new LatencySummary(0.301, 0.75, 0.999, 2.0), 0, 0, 100.0),
            new VolumeResult("db-data", "vol-0123456789abcdef2", "db-1", "io2", "/dev/sdf", 16_000, 16_000, 500.0,
                500.0, 32_000, 1000, new LatencySummary(0.25, 0.5, 0.5995, 1.25), 0, 0, 100.0));
        final List<StreamResult> streams = List.of(
            new StreamResult("iperf", "0", "web-1", "db-1", "tcp", 9001, 6.4567891, 0.0, new LatencySummary(
                0.05, 0.12, 0.2, 0.5)),
            new StreamResult("iperf", "1", "db-1", "web-1", "udp", 1500, 0.0005, 0.125, LatencySummary.NONE));
        final List<FioJobResult> fio = List.of(
            new FioJobResult("fio", "randrw-4k", "web-1", "data-1", "randrw", 4096, 32, 3000.0, 11.71875,
                new LatencySummary(0.512, 1.9876, 4.25, 12.5), 0),
            new FioJobResult("fio", "seq-1m", "db-1", "db-data", "write", 1 << 20, 4, 1000.0, 1000.0,
                new LatencySummary(0.25, 0.5, 0.5995, 1.25), 0));
        final List<ExpectationResult> expectations = List.of(
            new ExpectationResult("instance web-1 net-out average between 0.74 and 0.76 Gbps over 420-600 s", true,
                "0.750 Gbps", "0.740..0.760 Gbps"),
            new ExpectationResult("volume data-1 p99 latency under 1 ms", false, "1.988 ms", "< 1.000 ms"),
            new ExpectationResult("no allowance exceeded on db-1", true, "0", "0"));
        final List<BurstFigures> derived = List.of(
            new BurstFigures("web-1", "web-1", "net-out", "Gbps", 10.0, 0.75, 0.0, 9.9990, true, 420.0049, 0.7499,
                419.9871, false, 0.0, 0.2559),
            new BurstFigures("data-1", "web-1", "volume-iops", "IOPS", 3000.0, 300.0, 1.25, 2999.5, false, null,
                null, 1234.5678, true, 42.5, 0.0012));
        return new RunResults("demo <two sizes> & EBS", 42, "virtual", "timing-only", 600.0, 12.3456, null,
            List.of(web, db), volumes, streams, fio, expectations, derived, List.of());
    }

    /**
     * The same run in real time: it fell 812.5 ms behind the wall clock (100 ms allowed) with a guest vCPU busiest.
     */
    public static RunResults realTimeResults()
    {
        final RunResults r = results();
        final RealTimeResult realTime = new RealTimeResult(812.5, 7.25, 0.1234, 100.0, false, 99.5, List.of(
            new RealTimeResult.AgentBusy("vcpu-i-0a1b2c3d4e5f60001-0 (web-1)", 61.25),
            new RealTimeResult.AgentBusy("vpc-card-host0", 30.5)));
        return new RunResults(r.scenario(), r.seed(), "real", r.payloadMode(), r.simulatedSeconds(), 4862.1, realTime,
            r.instances(), r.volumes(), r.streams(), r.fioJobs(), r.expectations(), r.derived(), r.faults());
    }

    public static List<Column> columns()
    {
        final List<Column> cols = new ArrayList<>();
        for (final String instance : List.of("web-1", "db-1"))
        {
            final boolean burst = instance.equals("web-1");
            for (final String dir : List.of("in", "out"))
            {
                cols.add(Column.of(instance + ".net." + dir + ".gbps", instance + " " + dir, "Gbps", instance,
                    instance, dir, SeriesKind.NET_THROUGHPUT).withReferenceLines(10.0, burst ? 0.75 : 10.0));
                cols.add(Column.of(instance + ".net." + dir + ".credits", instance + " " + dir + " credits", "%",
                    instance, instance, dir, SeriesKind.NET_CREDITS));
            }
            cols.add(Column.of(instance + ".ebs.iops", instance + " EBS", "IOPS", instance, instance, null,
                SeriesKind.EBS_IOPS).withReferenceLines(burst ? 16_000.0 : 32_000.0, burst ? 4_000.0 : 32_000.0));
            cols.add(Column.of(instance + ".ebs.mbps", instance + " EBS", "Mbps", instance, instance, null,
                SeriesKind.EBS_THROUGHPUT).withReferenceLines(burst ? 2250.0 : 4500.0, burst ? 525.0 : 4500.0));
            cols.add(Column.of(instance + ".ebs.io_balance", instance + " EBSIOBalance", "%", instance, instance,
                null, SeriesKind.EBS_CREDITS));
            cols.add(Column.of(instance + ".bw_out_allowance_exceeded", instance + " bw_out_allowance_exceeded",
                "count", instance, instance, "out", SeriesKind.ALLOWANCE));
        }
        cols.add(Column.of("data-1.iops", "data-1", "IOPS", "web-1", "data-1", null, SeriesKind.EBS_IOPS)
            .withReferenceLines(3000.0, 300.0));
        cols.add(Column.of("data-1.mibps", "data-1", "MiB/s", "web-1", "data-1", null, SeriesKind.EBS_THROUGHPUT)
            .withReferenceLines(250.0, 250.0));
        cols.add(Column.of("data-1.burst_balance", "data-1 BurstBalance", "%", "web-1", "data-1", null,
            SeriesKind.EBS_CREDITS));
        cols.add(Column.of("data-1.p99_ms", "data-1 p99", "ms", "web-1", "data-1", null, SeriesKind.LATENCY));
        return cols;
    }

    /** 60 samples, one per 10 s: web-1 bursts out at 10 Gbps for 420 s, then runs at its baseline. */
    public static TimeSeries timeSeries()
    {
        final List<Column> cols = columns();
        final TimeSeries.Builder b = TimeSeries.builder(cols);
        for (int i = 1; i <= 60; i++)
        {
            final double t = i * 10.0;
            final boolean bursting = t <= 420;
            final double[] row = new double[cols.size()];
            int c = 0;
            // web-1
            row[c++] = 0.12;
            row[c++] = 100.0;
            row[c++] = bursting ? 10.0 : 0.75;
            row[c++] = bursting ? 100.0 - t / 4.2 : 0.0;
            row[c++] = bursting ? 16_000 : 4_000;
            row[c++] = bursting ? 2250 : 525;
            row[c++] = bursting ? 100 - t / 4.2 : 0;
            row[c++] = bursting ? 0 : (t - 420) * 30;
            // db-1
            row[c++] = bursting ? 10.0 : 0.75;
            row[c++] = 100.0;
            row[c++] = 0.0005;
            row[c++] = 100.0;
            row[c++] = 32_000;
            row[c++] = 4499.95;
            row[c++] = 100;
            row[c++] = 0;
            // data-1
            row[c++] = bursting ? 3000 : 300;
            row[c++] = bursting ? 11.7 : 1.2;
            row[c++] = bursting ? 100 - t / 6 : 30;
            row[c] = bursting ? 1.9 : 12.5;
            b.add(i * 10 * S, row);
        }
        return b.build();
    }
}
