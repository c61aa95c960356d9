package io.nitrosim.simulator.results;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The five ENA "allowance exceeded" counters, named and ordered exactly as ENA's GET_STATS type ENI returns
 * them (and as ethtool -S shows them on an instance).
 */
public final class AllowanceCounters
{
    public static final String BW_IN = "bw_in_allowance_exceeded";
    public static final String BW_OUT = "bw_out_allowance_exceeded";
    public static final String PPS = "pps_allowance_exceeded";
    public static final String CONNTRACK = "conntrack_allowance_exceeded";
    public static final String LINKLOCAL = "linklocal_allowance_exceeded";

    /** The names in ENA's order. */
    public static final List<String> NAMES = List.of(BW_IN, BW_OUT, PPS, CONNTRACK, LINKLOCAL);

    private AllowanceCounters()
    {
    }

    /** An unmodifiable map of the five counters in ENA's order. */
    public static Map<String, Long> of(
        final long bwIn, final long bwOut, final long pps, final long conntrack, final long linklocal)
    {
        final Map<String, Long> map = new LinkedHashMap<>();
        map.put(BW_IN, Checks.nonNegative(BW_IN, bwIn));
        map.put(BW_OUT, Checks.nonNegative(BW_OUT, bwOut));
        map.put(PPS, Checks.nonNegative(PPS, pps));
        map.put(CONNTRACK, Checks.nonNegative(CONNTRACK, conntrack));
        map.put(LINKLOCAL, Checks.nonNegative(LINKLOCAL, linklocal));
        return Collections.unmodifiableMap(map);
    }

    public static Map<String, Long> zero()
    {
        return of(0, 0, 0, 0, 0);
    }

    /** Sum of all five counters (0 means "no allowance exceeded"). */
    public static long total(final Map<String, Long> counters)
    {
        long sum = 0;
        for (final String name : NAMES)
        {
            sum += counters.get(name);
        }
        return sum;
    }

    /**
     * Validates a counters map and returns it in ENA's order: exactly the five names, each a count >= 0.
     * A null map means all zero.
     */
    static Map<String, Long> normalize(final String field, final Map<String, Long> counters)
    {
        if (counters == null)
        {
            return zero();
        }
        for (final String key : counters.keySet())
        {
            if (!NAMES.contains(key))
            {
                throw new IllegalArgumentException(field + ": unknown allowance counter '" + key
                    + "', expected one of " + NAMES);
            }
        }
        final long[] values = new long[NAMES.size()];
        for (int i = 0; i < values.length; i++)
        {
            final Long value = counters.get(NAMES.get(i));
            if (value == null)
            {
                throw new IllegalArgumentException(field + ": missing allowance counter '" + NAMES.get(i) + "'");
            }
            values[i] = value;
        }
        return of(values[0], values[1], values[2], values[3], values[4]);
    }
}
