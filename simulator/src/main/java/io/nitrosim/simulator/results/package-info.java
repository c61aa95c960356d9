/**
 * The neutral data model of a simulation run: what every writer (results.json, timeseries.csv, report.html,
 * the console table, experiment comparisons) reads, independent of how the cards and the hypervisor count.
 * <p>
 * Units are in the field names. Network rates are Gbps (10^9 bit/s), instance EBS rates Mbps (10^6 bit/s) as
 * AWS quotes them, volume and fio bandwidth "MBps" is MiB/s (2^20 B/s) as AWS quotes volume throughput and fio
 * reports it, latencies are ms, balances are percent (0-100). {@code peak*} and {@code baseline*} fields are
 * the caps of the instance type or volume, not achieved values.
 * <p>
 * Records serialize with Jackson under their component names; the names are the stable schema of
 * results.json (documented in docs/reports.md).
 */
package io.nitrosim.simulator.results;
