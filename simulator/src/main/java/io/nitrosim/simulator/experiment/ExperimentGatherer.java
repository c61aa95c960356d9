package io.nitrosim.simulator.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.nitrosim.simulator.analysis.DerivedMetric;
import io.nitrosim.simulator.results.BurstFigures;
import io.nitrosim.simulator.results.ExperimentMetric;
import io.nitrosim.simulator.results.ExperimentPoint;
import io.nitrosim.simulator.results.ExperimentResults;
import io.nitrosim.simulator.results.ExpectationResult;
import io.nitrosim.simulator.results.FioJobResult;
import io.nitrosim.simulator.results.InstanceResult;
import io.nitrosim.simulator.results.LatencySummary;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.SeriesKeys;
import io.nitrosim.simulator.results.StreamResult;
import io.nitrosim.simulator.results.VolumeResult;

/**
 * Turns the points' runs into {@link ExperimentResults}: per point the run averages against caps (as before),
 * the derived figures of every quantity that carried traffic ({@code <subject>.<quantity>-<figure>}), per
 * workload its throughput, loss and latency percentiles, per volume its latency percentiles; and the outcome of
 * the sweep's expectations. The metric list is the union over the points, in order of first appearance within
 * each of those groups.
 */
final class ExperimentGatherer
{
    /** The name of the per-workload aggregate row among stream and fio results. */
    private static final String TOTAL = "total";

    private final Map<String, ExperimentMetric> averages = new LinkedHashMap<>();
    private final Map<String, ExperimentMetric> derived = new LinkedHashMap<>();
    private final Map<String, ExperimentMetric> workloads = new LinkedHashMap<>();
    private final Map<String, ExperimentMetric> volumes = new LinkedHashMap<>();

    private ExperimentGatherer()
    {
    }

    static ExperimentResults gather(
        final ExperimentPlan plan, final List<RunResults> runs, final double[] pointWallSeconds,
        final double wallSeconds)
    {
        final ExperimentGatherer g = new ExperimentGatherer();
        final List<ExperimentPoint> points = new ArrayList<>();
        for (int i = 0; i < plan.points().size(); i++)
        {
            points.add(g.point(plan, plan.points().get(i), runs.get(i), pointWallSeconds[i]));
        }
        final List<ExperimentMetric> metrics = new ArrayList<>(g.averages.values());
        metrics.addAll(g.derived.values());
        metrics.addAll(g.workloads.values());
        metrics.addAll(g.volumes.values());
        final List<String> parameters = new ArrayList<>();
        plan.sweep().parameters().forEach(p -> parameters.add(p.name()));
        return new ExperimentResults(plan.sweep().name(), plan.sweep().scenario(), parameters, metrics, points,
            plan.sweep().scenarioExpectationsGate(), wallSeconds);
    }

    /** One point's row on its own (for progress lines, before the others are in). */
    static ExperimentPoint single(
        final ExperimentPlan plan, final ExperimentPlan.PlannedPoint planned, final RunResults run,
        final double wallSeconds)
    {
        return new ExperimentGatherer().point(plan, planned, run, wallSeconds);
    }

    private ExperimentPoint point(
        final ExperimentPlan plan, final ExperimentPlan.PlannedPoint planned, final RunResults run,
        final double wallSeconds)
    {
        final Map<String, Double> values = new LinkedHashMap<>();
        final Map<String, Double> caps = new LinkedHashMap<>();
        for (final InstanceResult r : run.instances())
        {
            average(values, caps, SeriesKeys.netGbps(r.name(), "out"), r.name() + " net out", "Gbps",
                r.netOut().averageGbps(), r.netOut().peakGbps());
            average(values, caps, SeriesKeys.netGbps(r.name(), "in"), r.name() + " net in", "Gbps",
                r.netIn().averageGbps(), r.netIn().peakGbps());
            average(values, caps, SeriesKeys.ebsMbps(r.name()), r.name() + " EBS", "Mbps",
                r.ebs().averageMbps(), r.ebs().peakMbps());
            average(values, caps, SeriesKeys.ebsIops(r.name()), r.name() + " EBS IOPS", "IOPS",
                r.ebs().averageIops(), r.ebs().peakIops());
        }
        for (final BurstFigures b : run.derived())
        {
            for (final DerivedMetric.Figure f : DerivedMetric.Figure.values())
            {
                final DerivedMetric m = new DerivedMetric(b.quantity(), f);
                final Double value = m.value(b);
                final String key = b.subject() + "." + m.key();
                derived.putIfAbsent(key, new ExperimentMetric(key, b.subject() + " " + b.quantity() + " "
                    + f.label(), m.unit(b.unit()), b.subject() + " " + b.quantity()));
                if (value != null)
                {
                    values.put(key, value);
                }
            }
        }
        for (final StreamResult s : run.streams())
        {
            if (s.stream().equals(TOTAL))
            {
                workload(values, s.workload(), "workload-gbps", "throughput", "Gbps", s.throughputGbps());
                workload(values, s.workload(), "workload-loss-percent", "loss", "%", s.lossPercent());
                latency(values, s.workload(), s.oneWayLatency());
            }
        }
        for (final FioJobResult f : run.fioJobs())
        {
            if (f.job().equals(TOTAL))
            {
                workload(values, f.workload(), "workload-iops", "IOPS", "IOPS", f.iops());
                workload(values, f.workload(), "workload-mibps", "throughput", "MiB/s", f.bandwidthMBps());
                latency(values, f.workload(), f.latency());
            }
        }
        for (final VolumeResult v : run.volumes())
        {
            volume(values, v.name(), "volume-p50-ms", "p50", v.latency().p50Ms());
            volume(values, v.name(), "volume-p99-ms", "p99", v.latency().p99Ms());
            volume(values, v.name(), "volume-p999-ms", "p99.9", v.latency().p999Ms());
        }
        final List<ExpectationResult> scenarioExpectations =
            run.expectations().subList(0, planned.scenarioExpectationCount());
        final List<ExpectationResult> checks = new ArrayList<>();
        for (final ExperimentPlan.Check c : planned.checks())
        {
            checks.add(c.isDerived() ? derivedCheck(c, run) : run.expectations().get(c.resultIndex()));
        }
        boolean passed = true;
        for (final ExpectationResult e : checks)
        {
            passed &= e.passed();
        }
        if (plan.sweep().scenarioExpectationsGate())
        {
            for (final ExpectationResult e : scenarioExpectations)
            {
                passed &= e.passed();
            }
        }
        return new ExperimentPoint(planned.parameters(), values, caps, passed, checks, scenarioExpectations,
            wallSeconds);
    }

    private void average(
        final Map<String, Double> values, final Map<String, Double> caps, final String key, final String label,
        final String unit, final double value, final double cap)
    {
        averages.putIfAbsent(key, new ExperimentMetric(key, label, unit));
        values.put(key, value);
        caps.put(key, cap);
    }

    private void workload(
        final Map<String, Double> values, final String workload, final String metric, final String label,
        final String unit, final double value)
    {
        final String key = workload + "." + metric;
        workloads.putIfAbsent(key, new ExperimentMetric(key, workload + " " + label, unit, workload + " workload"));
        values.put(key, value);
    }

    private void latency(final Map<String, Double> values, final String workload, final LatencySummary l)
    {
        workload(values, workload, "workload-p50-ms", "p50 latency", "ms", l.p50Ms());
        workload(values, workload, "workload-p99-ms", "p99 latency", "ms", l.p99Ms());
        workload(values, workload, "workload-p999-ms", "p99.9 latency", "ms", l.p999Ms());
    }

    private void volume(
        final Map<String, Double> values, final String volume, final String metric, final String label,
        final double value)
    {
        final String key = volume + "." + metric;
        volumes.putIfAbsent(key, new ExperimentMetric(key, volume + " " + label + " latency", "ms",
            volume + " volume latency"));
        values.put(key, value);
    }

    /** A derived-figure expectation against the point's results; "no data" fails it. */
    private static ExpectationResult derivedCheck(final ExperimentPlan.Check c, final RunResults run)
    {
        final BurstFigures b = DerivedMetric.find(run.derived(), c.subject(), c.derived().quantity());
        final Double actual = b == null ? null : c.derived().value(b);
        final boolean passed = actual != null && (c.min() == null || actual >= c.min())
            && (c.max() == null || actual <= c.max());
        final SweepExpectation e = c.expectation();
        final String bounds = bounds(c.min(), c.max());
        final String description = e.metric() + " " + e.subjectField() + " " + e.subject() + " " + bounds;
        return new ExpectationResult(description, passed, actual == null ? "no data" : format(actual), bounds);
    }

    private static String bounds(final Double min, final Double max)
    {
        if (min != null && max != null)
        {
            return "between " + format(min) + " and " + format(max);
        }
        return min != null ? "at least " + format(min) : "at most " + format(max);
    }

    /** As the scenario's expectations print figures: whole numbers plain, others with four decimals. */
    private static String format(final double value)
    {
        if (value == Math.rint(value) && Math.abs(value) < 1e15)
        {
            return String.valueOf((long)value);
        }
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
