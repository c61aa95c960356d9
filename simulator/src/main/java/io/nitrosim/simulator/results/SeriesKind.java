package io.nitrosim.simulator.results;

/** What a time-series column measures; the report groups columns into charts by kind. */
public enum SeriesKind
{
    /** Network throughput of an instance or ENI in one direction (Gbps). */
    NET_THROUGHPUT,
    /** Network I/O credit balance in one direction (percent). */
    NET_CREDITS,
    /** EBS bandwidth of an instance or volume (Mbps or MiB/s). */
    EBS_THROUGHPUT,
    /** EBS operations per second of an instance or volume. */
    EBS_IOPS,
    /** EBS balances: EBSIOBalance%, EBSByteBalance%, a volume's BurstBalance (percent). */
    EBS_CREDITS,
    /** A latency over time (ms). */
    LATENCY,
    /** Cumulative ENA allowance counters. */
    ALLOWANCE
}
