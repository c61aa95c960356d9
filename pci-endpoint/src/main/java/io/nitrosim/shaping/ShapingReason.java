package io.nitrosim.shaping;

/**
 * Why a record was held back or refused: one bit per limit, combined in a reason mask. {@link ShapingGate#check}
 * returns one (0 = admitted), and {@link ThrottleCounters} counts records under the reasons that held them. Both
 * cards use these bits: the VPC card's ENA allowance counters and the EBS card's throttle counters are the counts
 * of these reasons.
 */
public final class ShapingReason
{
    /** The instance's aggregate bandwidth: network in or out (ENA bw_in/bw_out_allowance_exceeded), EBS bytes. */
    public static final int INSTANCE_BANDWIDTH = 1;
    /** The instance's operation rate: network packets per second (ENA pps_allowance_exceeded), EBS IOPS. */
    public static final int INSTANCE_OPS = 1 << 1;
    /** A volume's own limits (its IOPS and throughput buckets, credits included). */
    public static final int VOLUME = 1 << 2;
    /** The record's own bucket, given per record to {@link ShapingGate#check}: the per-flow limit. */
    public static final int FLOW = 1 << 3;
    /** Link-local traffic (DNS, metadata, time) beyond its allowance: ENA linklocal_allowance_exceeded. */
    public static final int LINK_LOCAL = 1 << 4;
    /** A new connection beyond the connection-tracking allowance: ENA conntrack_allowance_exceeded. */
    public static final int CONNTRACK = 1 << 5;

    /** Every reason. */
    public static final int ALL = (1 << 6) - 1;

    private static final String[] LABELS =
        {"instance_bandwidth", "instance_ops", "volume", "flow", "link_local", "conntrack"};

    private ShapingReason()
    {
    }

    /** Whether {@code reason} is exactly one of the reasons above. */
    public static boolean isSingle(final int reason)
    {
        return reason != 0 && (reason & ~ALL) == 0 && Integer.bitCount(reason) == 1;
    }

    /** The reasons of a mask by name, for messages: {@code "instance_bandwidth|flow"}, {@code "none"} for 0. */
    public static String describe(final int mask)
    {
        if (mask == 0)
        {
            return "none";
        }
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < LABELS.length; i++)
        {
            if ((mask & (1 << i)) != 0)
            {
                sb.append(sb.length() == 0 ? "" : "|").append(LABELS[i]);
            }
        }
        if ((mask & ~ALL) != 0)
        {
            sb.append(sb.length() == 0 ? "" : "|").append("unknown 0x").append(Integer.toHexString(mask & ~ALL));
        }
        return sb.toString();
    }
}
