package io.nitrosim.simulator.scenario;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.nitrosim.simulator.scenario.ScenarioSpec.ExpectationSpec;

/** {@code expectations}: a metric, the subject it names, an optional window within the run, and bounds. */
final class ExpectationsValidator
{
    private final FieldChecks checks;
    private final long scenarioNs;

    ExpectationsValidator(final FieldChecks checks, final long scenarioNs)
    {
        this.checks = checks;
        this.scenarioNs = scenarioNs;
    }

    List<Scenario.Expectation> expectations(
        final List<ExpectationSpec> specs, final List<Scenario.Instance> instances, final List<Scenario.Workload> workloads)
    {
        final List<Scenario.Expectation> result = new ArrayList<>();
        final Set<String> instanceNames = new LinkedHashSet<>();
        final Set<String> volumeNames = new LinkedHashSet<>();
        for (final Scenario.Instance i : instances)
        {
            instanceNames.add(i.name());
            i.volumes().forEach(v -> volumeNames.add(v.name()));
        }
        final Set<String> workloadNames = new LinkedHashSet<>();
        workloads.forEach(w -> workloadNames.add(w.name()));
        final List<ExpectationSpec> list = checks.list("expectations", specs, ScenarioLimits.MAX_EXPECTATIONS);
        for (int i = 0; i < list.size(); i++)
        {
            final String path = "expectations[" + i + "]";
            final ExpectationSpec e = checks.entry(path, list.get(i), "an expectation {metric, instance, min, max, ...}");
            final String key = checks.oneOf(path + ".metric", e.metric(), null, ExpectationMetric.keys());
            final ExpectationMetric metric = ExpectationMetric.fromKey(key);
            final String subject;
            switch (metric.subjectKind())
            {
                case INSTANCE:
                    checks.notFor(path, key, "volume", e.volume());
                    checks.notFor(path, key, "workload", e.workload());
                    subject = checks.reference(path + ".instance", e.instance(), instanceNames, "instance");
                    break;
                case VOLUME:
                    checks.notFor(path, key, "instance", e.instance());
                    checks.notFor(path, key, "workload", e.workload());
                    subject = checks.reference(path + ".volume", e.volume(), volumeNames, "volume");
                    break;
                case RUN:
                    checks.notFor(path, key, "instance", e.instance());
                    checks.notFor(path, key, "volume", e.volume());
                    checks.notFor(path, key, "workload", e.workload());
                    subject = "run";
                    break;
                default:
                    checks.notFor(path, key, "instance", e.instance());
                    checks.notFor(path, key, "volume", e.volume());
                    subject = checks.reference(path + ".workload", e.workload(), workloadNames, "workload");
                    checkKind(path + ".workload", metric, subject, workloads);
                    break;
            }
            long fromNs = 0;
            long toNs = scenarioNs;
            if (!metric.windowed())
            {
                checks.notFor(path, key, "from", e.from());
                checks.notFor(path, key, "to", e.to());
            }
            else
            {
                fromNs = checks.duration(path + ".from", e.from(), 0, ScenarioLimits.MAX_DURATION_NS);
                toNs = checks.positiveDuration(path + ".to", e.to(), scenarioNs, ScenarioLimits.MAX_DURATION_NS);
                if (fromNs >= toNs)
                {
                    throw checks.error(path + ".from", "the window " + MessageText.value(e.from()) + ".."
                        + MessageText.value(e.to()) + " is empty; from must be before to");
                }
                if (toNs > scenarioNs)
                {
                    throw checks.error(path + ".to", MessageText.value(e.to()) + " is after the end of the scenario ("
                        + DurationParser.format(scenarioNs) + ")");
                }
            }
            if (e.min() == null && e.max() == null)
            {
                throw checks.error(path, "needs min, max or both");
            }
            bound(path + ".min", e.min());
            bound(path + ".max", e.max());
            if (e.min() != null && e.max() != null && e.min() > e.max())
            {
                throw checks.error(path + ".min", e.min() + " is above max " + e.max());
            }
            final String name = e.name() != null ? e.name()
                : metric.subjectKind() == ExpectationMetric.SubjectKind.RUN ? key : key + " " + subject;
            if (name.length() > 200 || name.chars().anyMatch(Character::isISOControl))
            {
                throw checks.error(path + ".name", MessageText.quoted(name)
                    + " is not accepted: up to 200 printable characters");
            }
            result.add(new Scenario.Expectation(name, metric, subject, fromNs, toNs, e.min(), e.max()));
        }
        return result;
    }

    /** workload-gbps and workload-loss-percent measure iperf streams; the other workload metrics fio jobs. */
    private void checkKind(final String path, final ExpectationMetric metric, final String subject,
        final List<Scenario.Workload> workloads)
    {
        final boolean iperfMetric = metric == ExpectationMetric.WORKLOAD_GBPS
            || metric == ExpectationMetric.WORKLOAD_LOSS_PERCENT;
        for (final Scenario.Workload w : workloads)
        {
            if (w.name().equals(subject) && (w instanceof Scenario.IperfWorkload) != iperfMetric)
            {
                throw checks.error(path, metric.key() + " measures " + (iperfMetric ? "iperf" : "fio")
                    + " workloads; " + subject + " is " + (iperfMetric ? "fio" : "iperf"));
            }
        }
    }

    private void bound(final String path, final Double value)
    {
        if (value != null && !Double.isFinite(value))
        {
            throw checks.error(path, value + " is not a finite number");
        }
    }
}
