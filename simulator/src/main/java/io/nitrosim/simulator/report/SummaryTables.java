package io.nitrosim.simulator.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.nitrosim.simulator.results.AllowanceCounters;
import io.nitrosim.simulator.results.BurstFigures;
import io.nitrosim.simulator.results.DirectionResult;
import io.nitrosim.simulator.results.EbsInstanceResult;
import io.nitrosim.simulator.results.EniResult;
import io.nitrosim.simulator.results.ExpectationResult;
import io.nitrosim.simulator.results.FioJobResult;
import io.nitrosim.simulator.results.InstanceResult;
import io.nitrosim.simulator.results.LatencySummary;
import io.nitrosim.simulator.results.RealTimeResult;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.StreamResult;
import io.nitrosim.simulator.results.VolumeResult;

import static io.nitrosim.simulator.report.Figures.FRACTION_DECIMALS;
import static io.nitrosim.simulator.report.Figures.GBPS_DECIMALS;
import static io.nitrosim.simulator.report.Figures.IOPS_DECIMALS;
import static io.nitrosim.simulator.report.Figures.LOSS_PERCENT_DECIMALS;
import static io.nitrosim.simulator.report.Figures.MBPS_DECIMALS;
import static io.nitrosim.simulator.report.Figures.MIBPS_DECIMALS;
import static io.nitrosim.simulator.report.Figures.MS_DECIMALS;
import static io.nitrosim.simulator.report.Figures.PERCENT_DECIMALS;
import static io.nitrosim.simulator.report.Figures.SECONDS_DECIMALS;

/**
 * The summary tables of a run, built once from {@link RunResults} and rendered by both the HTML report and the
 * console. Every figure carries the JSON Pointer of its source in results.json; tables without rows are left out.
 */
final class SummaryTables
{
    /** The expectations table, which the report shows first. */
    static final String EXPECTATIONS_TABLE_ID = "table-expectations";

    private SummaryTables()
    {
    }

    static List<Table> of(final RunResults r)
    {
        final List<Table> tables = new ArrayList<>();
        tables.add(run(r));
        addIfRows(tables, realTime(r));
        addIfRows(tables, busiestAgents(r));
        addIfRows(tables, expectations(r));
        addIfRows(tables, instances(r));
        addIfRows(tables, network(r));
        addIfRows(tables, ebs(r));
        addIfRows(tables, allowance(r));
        addIfRows(tables, enis(r));
        addIfRows(tables, volumes(r));
        addIfRows(tables, volumeLatency(r));
        addIfRows(tables, streams(r));
        addIfRows(tables, fioJobs(r));
        addIfRows(tables, derived(r));
        return tables;
    }

    private static void addIfRows(final List<Table> tables, final Table table)
    {
        if (!table.rows().isEmpty())
        {
            tables.add(table);
        }
    }

    private static Table run(final RunResults r)
    {
        final List<List<Cell>> rows = new ArrayList<>();
        rows.add(List.of(Cell.label("scenario"), Cell.text(r.scenario(), "/scenario")));
        rows.add(List.of(Cell.label("seed"), Cell.count(r.seed(), "/seed")));
        rows.add(List.of(Cell.label("clock mode"), Cell.text(r.clockMode(), "/clockMode")));
        rows.add(List.of(Cell.label("payload mode"), Cell.text(r.payloadMode(), "/payloadMode")));
        rows.add(List.of(Cell.label("simulated s"),
            Cell.number(r.simulatedSeconds(), SECONDS_DECIMALS, "/simulatedSeconds")));
        rows.add(List.of(Cell.label("wall s"), Cell.number(r.wallSeconds(), SECONDS_DECIMALS, "/wallSeconds")));
        final int total = r.expectations().size();
        rows.add(List.of(Cell.label("expectations"),
            Cell.label(total == 0 ? "none" : (total - r.failedExpectations()) + " of " + total + " passed")));
        return new Table("table-run", "Run", List.of("", ""), rows);
    }

    /** How a real-time run kept pace (no rows for a virtual run). */
    private static Table realTime(final RunResults r)
    {
        final List<List<Cell>> rows = new ArrayList<>();
        final RealTimeResult rt = r.realTime();
        if (rt != null)
        {
            final String p = "/realTime";
            rows.add(List.of(Cell.label("kept pace"), Cell.passFail(rt.keptPace(), p + "/keptPace")));
            rows.add(List.of(Cell.label("largest lag ms"), Cell.number(rt.maxLagMs(), MS_DECIMALS, p + "/maxLagMs")));
            rows.add(List.of(Cell.label("allowed lag ms"), rt.allowedLagMs() == null ? Cell.label("unlimited")
                : Cell.number(rt.allowedLagMs(), MS_DECIMALS, p + "/allowedLagMs")));
            rows.add(List.of(Cell.label("time behind s (lag > 1 ms)"),
                Cell.number(rt.timeBehindSeconds(), SECONDS_DECIMALS, p + "/timeBehindSeconds")));
            rows.add(List.of(Cell.label("real-time factor"),
                Cell.number(rt.realTimeFactor(), SECONDS_DECIMALS, p + "/realTimeFactor")));
            rows.add(List.of(Cell.label("thread busy %"),
                Cell.number(rt.threadBusyPercent(), PERCENT_DECIMALS, p + "/threadBusyPercent")));
        }
        return new Table("table-real-time", "Real time (wall clock)", List.of("", ""), rows);
    }

    /** The agents that took most of a real-time run's thread. */
    private static Table busiestAgents(final RunResults r)
    {
        final List<List<Cell>> rows = new ArrayList<>();
        if (r.realTime() != null)
        {
            for (int i = 0; i < r.realTime().busiestAgents().size(); i++)
            {
                final RealTimeResult.AgentBusy a = r.realTime().busiestAgents().get(i);
                final String p = "/realTime/busiestAgents/" + i;
                rows.add(List.of(Cell.text(a.agent(), p + "/agent"),
                    Cell.number(a.busyPercent(), PERCENT_DECIMALS, p + "/busyPercent")));
            }
        }
        return new Table("table-busiest-agents", "Busiest agents (real time)", List.of("agent", "busy % of wall time"),
            rows);
    }

    private static Table expectations(final RunResults r)
    {
        final List<List<Cell>> rows = new ArrayList<>();
        for (int i = 0; i < r.expectations().size(); i++)
        {
            final ExpectationResult e = r.expectations().get(i);
            final String p = "/expectations/" + i;
            rows.add(List.of(
                Cell.passFail(e.passed(), p + "/passed"),
                Cell.text(e.description(), p + "/description"),
                Cell.text(e.expected(), p + "/expected"),
                Cell.text(e.actual(), p + "/actual")));
        }
        return new Table(EXPECTATIONS_TABLE_ID, "Expectations",
            List.of("result", "expectation", "expected", "actual"), rows);
    }

    private static Table instances(final RunResults r)
    {
        final List<List<Cell>> rows = new ArrayList<>();
        for (int i = 0; i < r.instances().size(); i++)
        {
            final InstanceResult in = r.instances().get(i);
            final String p = "/instances/" + i;
            rows.add(List.of(
                Cell.text(in.name(), p + "/name"),
                Cell.text(in.id(), p + "/id"),
                Cell.text(in.type(), p + "/type"),
                Cell.text(in.host(), p + "/host")));
        }
        return new Table("table-instances", "Instances", List.of("instance", "id", "type", "host"), rows);
    }

    private static Table network(final RunResults r)
    {
        final List<List<Cell>> rows = new ArrayList<>();
        for (int i = 0; i < r.instances().size(); i++)
        {
            final InstanceResult in = r.instances().get(i);
            rows.add(direction(in.name(), "in", in.netIn(), "/instances/" + i, "/netIn"));
            rows.add(direction(in.name(), "out", in.netOut(), "/instances/" + i, "/netOut"));
        }
        return new Table("table-network", "Network per instance (achieved vs the type's peak and baseline caps)",
            List.of("instance", "dir", "avg Gbps", "peak cap Gbps", "baseline cap Gbps", "credits %", "packets", "bytes"),
            rows);
    }

    private static List<Cell> direction(
        final String instance, final String dir, final DirectionResult d, final String instancePointer,
        final String field)
    {
        final String p = instancePointer + field;
        return List.of(
            Cell.text(instance, instancePointer + "/name"),
            Cell.label(dir),
            Cell.number(d.averageGbps(), GBPS_DECIMALS, p + "/averageGbps"),
            Cell.number(d.peakGbps(), GBPS_DECIMALS, p + "/peakGbps"),
            Cell.number(d.baselineGbps(), GBPS_DECIMALS, p + "/baselineGbps"),
            Cell.number(d.finalCreditBalancePercent(), PERCENT_DECIMALS, p + "/finalCreditBalancePercent"),
            Cell.count(d.packets(), p + "/packets"),
            Cell.count(d.bytes(), p + "/bytes"));
    }

    private static Table ebs(final RunResults r)
    {
        final List<List<Cell>> rows = new ArrayList<>();
        for (int i = 0; i < r.instances().size(); i++)
        {
            final InstanceResult in = r.instances().get(i);
            final EbsInstanceResult e = in.ebs();
            final String p = "/instances/" + i + "/ebs";
            rows.add(List.of(
                Cell.text(in.name(), "/instances/" + i + "/name"),
                Cell.number(e.averageMbps(), MBPS_DECIMALS, p + "/averageMbps"),
                Cell.number(e.peakMbps(), MBPS_DECIMALS, p + "/peakMbps"),
                Cell.number(e.baselineMbps(), MBPS_DECIMALS, p + "/baselineMbps"),
                Cell.number(e.averageIops(), IOPS_DECIMALS, p + "/averageIops"),
                Cell.number(e.peakIops(), IOPS_DECIMALS, p + "/peakIops"),
                Cell.number(e.baselineIops(), IOPS_DECIMALS, p + "/baselineIops"),
                Cell.number(e.finalIoBalancePercent(), PERCENT_DECIMALS, p + "/finalIoBalancePercent"),
                Cell.number(e.finalByteBalancePercent(), PERCENT_DECIMALS, p + "/finalByteBalancePercent"),
                Cell.count(e.throttledOps(), p + "/throttledOps"),
                Cell.count(e.throttledBytes(), p + "/throttledBytes")));
        }
        return new Table("table-ebs", "EBS per instance (achieved vs the type's peak and baseline caps)",
            List.of("instance", "avg Mbps", "peak cap Mbps", "baseline cap Mbps", "avg IOPS", "peak cap IOPS",
                "baseline cap IOPS",
                "IO balance %", "byte balance %", "throttled ops", "throttled bytes"),
            rows);
    }

    private static Table allowance(final RunResults r)
    {
        final List<String> headers = new ArrayList<>(List.of("instance", "eni"));
        headers.addAll(AllowanceCounters.NAMES);
        final List<List<Cell>> rows = new ArrayList<>();
        for (int i = 0; i < r.instances().size(); i++)
        {
            final InstanceResult in = r.instances().get(i);
            final String p = "/instances/" + i;
            rows.add(allowanceRow(Cell.text(in.name(), p + "/name"), Cell.label("(all)"), in.allowance(),
                p + "/allowance"));
            for (int j = 0; j < in.enis().size(); j++)
            {
                final EniResult eni = in.enis().get(j);
                final String ep = p + "/enis/" + j;
                rows.add(allowanceRow(Cell.text(in.name(), p + "/name"), Cell.text(eni.name(), ep + "/name"),
                    eni.allowance(), ep + "/allowance"));
            }
        }
        return new Table("table-allowance", "ENA allowance counters (packets queued or dropped)", headers, rows);
    }

    private static List<Cell> allowanceRow(
        final Cell instance, final Cell eni, final Map<String, Long> counters, final String pointer)
    {
        final List<Cell> row = new ArrayList<>(List.of(instance, eni));
        for (final String name : AllowanceCounters.NAMES)
        {
            row.add(Cell.count(counters.get(name), pointer + "/" + name));
        }
        return row;
    }

    private static Table enis(final RunResults r)
    {
        final List<List<Cell>> rows = new ArrayList<>();
        for (int i = 0; i < r.instances().size(); i++)
        {
            final InstanceResult in = r.instances().get(i);
            for (int j = 0; j < in.enis().size(); j++)
            {
                final EniResult eni = in.enis().get(j);
                final String p = "/instances/" + i + "/enis/" + j;
                rows.add(List.of(
                    Cell.text(in.name(), "/instances/" + i + "/name"),
                    Cell.text(eni.name(), p + "/name"),
                    Cell.text(eni.id(), p + "/id"),
                    Cell.text(eni.mac(), p + "/mac"),
                    Cell.text(eni.ipv4(), p + "/ipv4"),
                    Cell.count(eni.bytesIn(), p + "/bytesIn"),
                    Cell.count(eni.bytesOut(), p + "/bytesOut")));
            }
        }
        return new Table("table-enis", "ENIs",
            List.of("instance", "eni", "id", "mac", "ipv4", "bytes in", "bytes out"), rows);
    }

    private static Table volumes(final RunResults r)
    {
        final List<List<Cell>> rows = new ArrayList<>();
        for (int i = 0; i < r.volumes().size(); i++)
        {
            final VolumeResult v = r.volumes().get(i);
            final String p = "/volumes/" + i;
            rows.add(List.of(
                Cell.text(v.name(), p + "/name"),
                Cell.text(v.id(), p + "/id"),
                Cell.text(v.instance(), p + "/instance"),
                Cell.text(v.type(), p + "/type"),
                Cell.text(v.device(), p + "/device"),
                Cell.number(v.readIops(), IOPS_DECIMALS, p + "/readIops"),
                Cell.number(v.writeIops(), IOPS_DECIMALS, p + "/writeIops"),
                Cell.number(v.capIops(), IOPS_DECIMALS, p + "/capIops"),
                Cell.number(v.readMBps(), MIBPS_DECIMALS, p + "/readMBps"),
                Cell.number(v.writeMBps(), MIBPS_DECIMALS, p + "/writeMBps"),
                Cell.number(v.capMBps(), MIBPS_DECIMALS, p + "/capMBps"),
                Cell.count(v.throttledOps(), p + "/throttledOps"),
                Cell.count(v.throttledBytes(), p + "/throttledBytes"),
                Cell.number(v.finalBurstBalancePercent(), PERCENT_DECIMALS, p + "/finalBurstBalancePercent")));
        }
        return new Table("table-volumes", "EBS volumes (achieved vs volume cap)",
            List.of("volume", "id", "instance", "type", "device", "read IOPS", "write IOPS", "cap IOPS",
                "read MiB/s", "write MiB/s", "cap MiB/s", "throttled ops", "throttled bytes", "burst balance %"),
            rows);
    }

    private static Table volumeLatency(final RunResults r)
    {
        final List<List<Cell>> rows = new ArrayList<>();
        for (int i = 0; i < r.volumes().size(); i++)
        {
            final VolumeResult v = r.volumes().get(i);
            final String p = "/volumes/" + i;
            final List<Cell> row = new ArrayList<>();
            row.add(Cell.text(v.name(), p + "/name"));
            addLatency(row, v.latency(), p + "/latency");
            rows.add(row);
        }
        return new Table("table-volume-latency", "EBS volume latency",
            List.of("volume", "p50 ms", "p99 ms", "p99.9 ms", "max ms"), rows);
    }

    private static Table streams(final RunResults r)
    {
        final List<List<Cell>> rows = new ArrayList<>();
        for (int i = 0; i < r.streams().size(); i++)
        {
            final StreamResult s = r.streams().get(i);
            final String p = "/streams/" + i;
            final List<Cell> row = new ArrayList<>(List.of(
                Cell.text(s.workload(), p + "/workload"),
                Cell.text(s.stream(), p + "/stream"),
                Cell.text(s.from(), p + "/from"),
                Cell.text(s.to(), p + "/to"),
                Cell.text(s.protocol(), p + "/protocol"),
                Cell.count(s.frameBytes(), p + "/frameBytes"),
                Cell.number(s.throughputGbps(), GBPS_DECIMALS, p + "/throughputGbps"),
                Cell.number(s.lossPercent(), LOSS_PERCENT_DECIMALS, p + "/lossPercent")));
            addLatency(row, s.oneWayLatency(), p + "/oneWayLatency");
            rows.add(row);
        }
        return new Table("table-streams", "Network streams (iperf-like)",
            List.of("workload", "stream", "from", "to", "protocol", "frame B", "Gbps", "loss %",
                "p50 ms", "p99 ms", "p99.9 ms", "max ms"),
            rows);
    }

    private static Table fioJobs(final RunResults r)
    {
        final List<List<Cell>> rows = new ArrayList<>();
        for (int i = 0; i < r.fioJobs().size(); i++)
        {
            final FioJobResult f = r.fioJobs().get(i);
            final String p = "/fioJobs/" + i;
            final List<Cell> row = new ArrayList<>(List.of(
                Cell.text(f.workload(), p + "/workload"),
                Cell.text(f.job(), p + "/job"),
                Cell.text(f.instance(), p + "/instance"),
                Cell.text(f.volume(), p + "/volume"),
                Cell.text(f.rw(), p + "/rw"),
                Cell.count(f.blockSizeBytes(), p + "/blockSizeBytes"),
                Cell.count(f.iodepth(), p + "/iodepth"),
                Cell.number(f.iops(), IOPS_DECIMALS, p + "/iops"),
                Cell.number(f.bandwidthMBps(), MIBPS_DECIMALS, p + "/bandwidthMBps")));
            addLatency(row, f.latency(), p + "/latency");
            row.add(Cell.count(f.verifyErrors(), p + "/verifyErrors"));
            rows.add(row);
        }
        return new Table("table-fio", "EBS jobs (fio-like)",
            List.of("workload", "job", "instance", "volume", "rw", "bs B", "iodepth", "IOPS", "MiB/s",
                "p50 ms", "p99 ms", "p99.9 ms", "max ms", "verify errors"),
            rows);
    }

    /** Derived figures: one row per quantity that carried traffic; "-" where a figure does not apply. */
    private static Table derived(final RunResults r)
    {
        final List<List<Cell>> rows = new ArrayList<>();
        for (int i = 0; i < r.derived().size(); i++)
        {
            final BurstFigures b = r.derived().get(i);
            final String p = "/derived/" + i;
            final int decimals = Figures.rateDecimals(b.unit());
            rows.add(List.of(
                Cell.text(b.subject(), p + "/subject"),
                Cell.text(b.instance(), p + "/instance"),
                Cell.text(b.quantity(), p + "/quantity"),
                Cell.text(b.unit(), p + "/unit"),
                Cell.number(b.peakCap(), decimals, p + "/peakCap"),
                Cell.number(b.baselineCap(), decimals, p + "/baselineCap"),
                Cell.number(b.startSeconds(), SECONDS_DECIMALS, p + "/startSeconds"),
                Cell.number(b.peakHeld(), decimals, p + "/peakHeld"),
                Cell.flag(b.burstEnded(), p + "/burstEnded"),
                Cell.optionalNumber(b.burstSeconds(), SECONDS_DECIMALS, p + "/burstSeconds"),
                Cell.optionalNumber(b.baselineAfter(), decimals, p + "/baselineAfter"),
                Cell.optionalNumber(b.drainSeconds(), SECONDS_DECIMALS, p + "/drainSeconds"),
                Cell.flag(b.drainProjected(), p + "/drainProjected"),
                Cell.optionalNumber(b.finalCreditsPercent(), PERCENT_DECIMALS, p + "/finalCreditsPercent"),
                Cell.number(b.throttledFraction(), FRACTION_DECIMALS, p + "/throttledFraction")));
        }
        return new Table("table-derived", "Derived figures: peak and baseline caps, the rate held in the burst, "
            + "its length, the rate after it, time to drain the credits, credits at the end, throttled fraction",
            List.of("subject", "instance", "quantity", "unit", "peak", "baseline", "start s", "held", "ended",
                "burst s", "after", "drain s", "projected", "credits %", "throttled"),
            rows);
    }

    private static void addLatency(final List<Cell> row, final LatencySummary l, final String p)
    {
        row.add(Cell.number(l.p50Ms(), MS_DECIMALS, p + "/p50Ms"));
        row.add(Cell.number(l.p99Ms(), MS_DECIMALS, p + "/p99Ms"));
        row.add(Cell.number(l.p999Ms(), MS_DECIMALS, p + "/p999Ms"));
        row.add(Cell.number(l.maxMs(), MS_DECIMALS, p + "/maxMs"));
    }
}
