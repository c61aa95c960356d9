package io.nitrosim.simulator.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.nitrosim.simulator.results.AllowanceCounters;
import io.nitrosim.simulator.results.ExpectationResult;
import io.nitrosim.simulator.results.FioJobResult;
import io.nitrosim.simulator.results.InstanceResult;
import io.nitrosim.simulator.results.RealTimeResult;
import io.nitrosim.simulator.results.SeriesKeys;
import io.nitrosim.simulator.results.StreamResult;
import io.nitrosim.simulator.results.TimeSeries;
import io.nitrosim.simulator.results.VolumeResult;
import io.nitrosim.simulator.scenario.Scenario;

/** Checks a scenario's CI gates against a finished run's series and results. */
final class ExpectationEvaluator
{
    /** The name of the per-workload aggregate row among stream and fio results. */
    static final String TOTAL = "total";

    private final TimeSeries series;
    private final List<InstanceResult> instances;
    private final List<VolumeResult> volumes;
    private final List<StreamResult> streams;
    private final List<FioJobResult> jobs;
    private final RealTimeResult realTime;

    /** @param realTime how a real-time run kept pace; null in virtual time. */
    ExpectationEvaluator(
        final TimeSeries series, final List<InstanceResult> instances, final List<VolumeResult> volumes,
        final List<StreamResult> streams, final List<FioJobResult> jobs, final RealTimeResult realTime)
    {
        this.realTime = realTime;
        this.series = series;
        this.instances = instances;
        this.volumes = volumes;
        this.streams = streams;
        this.jobs = jobs;
    }

    List<ExpectationResult> evaluate(final List<Scenario.Expectation> expectations)
    {
        final List<ExpectationResult> results = new ArrayList<>();
        for (final Scenario.Expectation e : expectations)
        {
            final double actual = actual(e);
            final boolean passed = !Double.isNaN(actual) && (e.min() == null || actual >= e.min())
                && (e.max() == null || actual <= e.max());
            results.add(new ExpectationResult(e.describe(), passed,
                Double.isNaN(actual) ? "no data" : format(actual), expected(e)));
        }
        return results;
    }

    private double actual(final Scenario.Expectation e)
    {
        final String s = e.subject();
        switch (e.metric())
        {
            case NET_IN_GBPS:
                return SeriesMath.average(series, SeriesKeys.netGbps(s, "in"), e.fromNs(), e.toNs());
            case NET_OUT_GBPS:
                return SeriesMath.average(series, SeriesKeys.netGbps(s, "out"), e.fromNs(), e.toNs());
            case EBS_MBPS:
                return SeriesMath.average(series, SeriesKeys.ebsMbps(s), e.fromNs(), e.toNs());
            case EBS_IOPS:
                return SeriesMath.average(series, SeriesKeys.ebsIops(s), e.fromNs(), e.toNs());
            case ALLOWANCE_EXCEEDED:
                return AllowanceCounters.total(instance(s).allowance());
            case BW_IN_ALLOWANCE_EXCEEDED:
            case BW_OUT_ALLOWANCE_EXCEEDED:
            case PPS_ALLOWANCE_EXCEEDED:
            case CONNTRACK_ALLOWANCE_EXCEEDED:
            case LINKLOCAL_ALLOWANCE_EXCEEDED:
                return instance(s).allowance().get(e.metric().key());
            case VOLUME_IOPS:
                return volume(s) == null ? Double.NaN :
                    SeriesMath.average(series, SeriesKeys.volumeIops(volume(s).instance(), s), e.fromNs(), e.toNs());
            case VOLUME_MIBPS:
                return volume(s) == null ? Double.NaN :
                    SeriesMath.average(series, SeriesKeys.volumeMibps(volume(s).instance(), s), e.fromNs(), e.toNs());
            case VOLUME_P50_MS:
                return volume(s) == null ? Double.NaN : volume(s).latency().p50Ms();
            case VOLUME_P99_MS:
                return volume(s) == null ? Double.NaN : volume(s).latency().p99Ms();
            case VOLUME_P999_MS:
                return volume(s) == null ? Double.NaN : volume(s).latency().p999Ms();
            case WORKLOAD_GBPS:
                return stream(s) == null ? Double.NaN : stream(s).throughputGbps();
            case WORKLOAD_LOSS_PERCENT:
                return stream(s) == null ? Double.NaN : stream(s).lossPercent();
            case WORKLOAD_IOPS:
                return job(s) == null ? Double.NaN : job(s).iops();
            case WORKLOAD_MIBPS:
                return job(s) == null ? Double.NaN : job(s).bandwidthMBps();
            case WORKLOAD_P99_MS:
                return job(s) == null ? Double.NaN : job(s).latency().p99Ms();
            case WORKLOAD_VERIFY_ERRORS:
                return job(s) == null ? Double.NaN : job(s).verifyErrors();
            case MAX_LAG_MS:
                return realTime == null ? Double.NaN : realTime.maxLagMs();
            default:
                return Double.NaN;
        }
    }

    private InstanceResult instance(final String name)
    {
        return instances.stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
    }

    private VolumeResult volume(final String name)
    {
        return volumes.stream().filter(v -> v.name().equals(name)).findFirst().orElse(null);
    }

    private StreamResult stream(final String workload)
    {
        return streams.stream().filter(r -> r.workload().equals(workload) && r.stream().equals(TOTAL)).findFirst()
            .orElse(null);
    }

    private FioJobResult job(final String workload)
    {
        return jobs.stream().filter(r -> r.workload().equals(workload) && r.job().equals(TOTAL)).findFirst()
            .orElse(null);
    }

    private static String expected(final Scenario.Expectation e)
    {
        if (e.min() != null && e.max() != null)
        {
            return "between " + format(e.min()) + " and " + format(e.max());
        }
        return e.min() != null ? "at least " + format(e.min()) : "at most " + format(e.max());
    }

    static String format(final double value)
    {
        if (value == Math.rint(value) && Math.abs(value) < 1e15)
        {
            return String.valueOf((long)value);
        }
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
