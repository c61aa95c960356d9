package io.nitrosim.simulator.results;

/**
 * One metric an experiment compares across its points.
 *
 * @param key   stable key used in {@link ExperimentPoint#metrics()}, {@link ExperimentPoint#caps()} and as the
 *              CSV column (same characters as a {@link Column} key), e.g. {@code netOutGbps}.
 * @param label human label, e.g. "net out average".
 * @param unit  unit, e.g. Gbps.
 */
public record ExperimentMetric(String key, String label, String unit)
{
    public ExperimentMetric
    {
        Checks.key("metric key", key);
        Checks.text("label", label);
        Checks.text("unit", unit);
    }
}
