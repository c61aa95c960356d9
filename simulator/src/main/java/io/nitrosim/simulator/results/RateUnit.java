package io.nitrosim.simulator.results;

/** How a rate probe turns a counter delta per second into its column's unit. */
public enum RateUnit
{
    /** Bytes counted, Gbps reported (10^9 bit/s). */
    GBPS_FROM_BYTES(8.0 / 1e9),
    /** Bytes counted, Mbps reported (10^6 bit/s). */
    MBPS_FROM_BYTES(8.0 / 1e6),
    /** Bytes counted, MiB/s reported (2^20 B/s). */
    MIBPS_FROM_BYTES(1.0 / (1 << 20)),
    /** Events counted (operations, packets), events per second reported. */
    PER_SECOND(1.0);

    private final double factorPerCount;

    RateUnit(final double factorPerCount)
    {
        this.factorPerCount = factorPerCount;
    }

    /** The rate in this unit of {@code delta} counted over {@code elapsedNs}. */
    public double rate(final long delta, final long elapsedNs)
    {
        return delta * factorPerCount * 1e9 / elapsedNs;
    }
}
