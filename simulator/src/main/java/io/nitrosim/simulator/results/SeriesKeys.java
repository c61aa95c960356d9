package io.nitrosim.simulator.results;

/**
 * The keys of a run's time series: timeseries.csv's header, the expectations' windowed metrics, the derived
 * figures and a sweep's run averages all name a series through these, so the scheme documented in
 * docs/reports.md ("timeseries.csv") lives in one place:
 * <pre>
 *   &lt;instance&gt;.net.&lt;in|out&gt;.gbps          &lt;instance&gt;.net.&lt;in|out&gt;.credit_pct
 *   &lt;instance&gt;.&lt;ENA allowance counter&gt;
 *   &lt;instance&gt;.ebs.mbps  .ebs.iops  .ebs.io_balance_pct  .ebs.byte_balance_pct
 *   &lt;instance&gt;.vol.&lt;volume&gt;.iops  .mibps  .burst_balance_pct
 * </pre>
 */
public final class SeriesKeys
{
    private SeriesKeys()
    {
    }

    /** Network throughput of an instance in one direction ("in" or "out"), Gbps. */
    public static String netGbps(final String instance, final String direction)
    {
        return instance + ".net." + direction + ".gbps";
    }

    /** Network credit balance of an instance in one direction, percent of a full bucket. */
    public static String netCreditPct(final String instance, final String direction)
    {
        return instance + ".net." + direction + ".credit_pct";
    }

    /** One of ENA's five allowance counters of an instance (summed over its ENIs), cumulative packets. */
    public static String allowance(final String instance, final String counter)
    {
        return instance + "." + counter;
    }

    /** EBS bandwidth of an instance (all its volumes), Mbps. */
    public static String ebsMbps(final String instance)
    {
        return instance + ".ebs.mbps";
    }

    /** EBS operations of an instance (all its volumes), per second. */
    public static String ebsIops(final String instance)
    {
        return instance + ".ebs.iops";
    }

    /** EBSIOBalance% of an instance. */
    public static String ebsIoBalancePct(final String instance)
    {
        return instance + ".ebs.io_balance_pct";
    }

    /** EBSByteBalance% of an instance. */
    public static String ebsByteBalancePct(final String instance)
    {
        return instance + ".ebs.byte_balance_pct";
    }

    /** Operations of one volume, per second. */
    public static String volumeIops(final String instance, final String volume)
    {
        return instance + ".vol." + volume + ".iops";
    }

    /** Bandwidth of one volume, MiB/s. */
    public static String volumeMibps(final String instance, final String volume)
    {
        return instance + ".vol." + volume + ".mibps";
    }

    /** BurstBalance% of one volume (100 for a type without a burst bucket). */
    public static String volumeBurstBalancePct(final String instance, final String volume)
    {
        return instance + ".vol." + volume + ".burst_balance_pct";
    }
}
