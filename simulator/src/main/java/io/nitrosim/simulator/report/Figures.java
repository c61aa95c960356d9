package io.nitrosim.simulator.report;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * How every figure is printed in the report and the console table: fixed decimals per unit, '.' as decimal
 * separator, no grouping. A shown figure is the results.json value rounded half-up to these decimals.
 */
public final class Figures
{
    public static final int GBPS_DECIMALS = 3;
    public static final int MBPS_DECIMALS = 1;
    public static final int MIBPS_DECIMALS = 1;
    public static final int IOPS_DECIMALS = 0;
    public static final int PERCENT_DECIMALS = 1;
    public static final int LOSS_PERCENT_DECIMALS = 3;
    public static final int MS_DECIMALS = 3;
    public static final int SECONDS_DECIMALS = 3;
    /** Fractions (0..1) such as the throttled fraction. */
    public static final int FRACTION_DECIMALS = 4;
    /** Experiment metrics, whose unit is free. */
    public static final int METRIC_DECIMALS = 3;

    private Figures()
    {
    }

    /** Decimals for a rate in this unit (Gbps, Mbps, MiB/s, IOPS); 3 for any other unit. */
    public static int rateDecimals(final String unit)
    {
        switch (unit)
        {
            case "Gbps":
                return GBPS_DECIMALS;
            case "Mbps":
                return MBPS_DECIMALS;
            case "MiB/s":
                return MIBPS_DECIMALS;
            case "IOPS":
                return IOPS_DECIMALS;
            case "%":
                return PERCENT_DECIMALS;
            case "s":
                return SECONDS_DECIMALS;
            case "ms":
                return MS_DECIMALS;
            default:
                return METRIC_DECIMALS;
        }
    }

    /** {@code value} with exactly {@code decimals} decimals (negative zero prints as zero). */
    public static String fixed(final double value, final int decimals)
    {
        final String s = String.format(Locale.ROOT, "%." + decimals + "f", value);
        return isNegativeZero(s) ? s.substring(1) : s;
    }

    public static String count(final long value)
    {
        return Long.toString(value);
    }

    /** The shortest plain decimal that reads back as exactly {@code value} (CSV cells, chart labels). */
    public static String plain(final double value)
    {
        if (!Double.isFinite(value))
        {
            return Double.toString(value);
        }
        if (value == 0)
        {
            return "0";
        }
        return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
    }

    private static boolean isNegativeZero(final String s)
    {
        if (s.charAt(0) != '-')
        {
            return false;
        }
        for (int i = 1; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            if (c != '0' && c != '.')
            {
                return false;
            }
        }
        return true;
    }
}
