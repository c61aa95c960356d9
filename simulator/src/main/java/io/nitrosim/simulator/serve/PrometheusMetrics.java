package io.nitrosim.simulator.serve;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MicrometerBinder;

/**
 * A Prometheus registry reading a simulation's counters on scrape.
 * <p>
 * Micrometer names use dots ({@code ena.bw_in_allowance_exceeded}); the Prometheus naming convention turns
 * dots into underscores and appends {@code _total} to counters ({@code ena_bw_in_allowance_exceeded_total}).
 * Prometheus requires every meter of one name to carry the same tag keys, so components must tag a name
 * consistently (binding fails otherwise).
 */
public final class PrometheusMetrics
{
    /** Content type of the Prometheus text exposition format 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusMetrics()
    {
    }

    /**
     * A new Prometheus registry with every counter and gauge of {@code registry} bound to it. Meters registered
     * in {@code registry} afterwards are not included: bind after the scenario is built.
     */
    public static PrometheusMeterRegistry bind(final CounterRegistry registry)
    {
        final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MicrometerBinder.bind(registry, prometheus);
        return prometheus;
    }
}
