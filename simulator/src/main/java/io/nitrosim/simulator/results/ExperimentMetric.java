package io.nitrosim.simulator.results;

/**
 * One metric an experiment compares across its points.
 *
 * @param key   stable key used in {@link ExperimentPoint#metrics()}, {@link ExperimentPoint#caps()} and as the
 *              CSV column (same characters as a {@link Column} key), e.g. {@code web-1.net-out-burst-seconds}.
 * @param label human label, e.g. "web-1 net-out burst".
 * @param unit  unit, e.g. Gbps, s, %.
 * @param group the table the report shows it in: a subject and quantity ("web-1 net-out"), a workload
 *              ("bulk workload"), or {@link #AVERAGES} for run averages against caps.
 */
public record ExperimentMetric(String key, String label, String unit, String group)
{
    /** The group of run averages shown against their caps. */
    public static final String AVERAGES = "run averages";

    public ExperimentMetric
    {
        Checks.key("metric key", key);
        Checks.text("label", label);
        Checks.text("unit", unit);
        Checks.text("group", group);
    }

    /** A metric of the {@link #AVERAGES} group. */
    public ExperimentMetric(final String key, final String label, final String unit)
    {
        this(key, label, unit, AVERAGES);
    }
}
