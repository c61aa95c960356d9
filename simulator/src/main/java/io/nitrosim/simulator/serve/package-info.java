/**
 * The live view of a running scenario: a Netty HTTP server on 127.0.0.1 serving Prometheus text at /metrics
 * (the simulation's {@link io.nitrosim.metrics.CounterRegistry} bound to a Micrometer
 * {@code PrometheusMeterRegistry}) and a JSON status at /status.
 */
package io.nitrosim.simulator.serve;
