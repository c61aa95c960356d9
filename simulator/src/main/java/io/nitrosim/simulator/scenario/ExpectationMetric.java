package io.nitrosim.simulator.scenario;

import java.util.ArrayList;
import java.util.List;

/** The metrics a scenario can gate on, each with the kind of subject it names and its unit. */
public enum ExpectationMetric
{
    NET_IN_GBPS("net-in-gbps", SubjectKind.INSTANCE, true),
    NET_OUT_GBPS("net-out-gbps", SubjectKind.INSTANCE, true),
    EBS_MBPS("ebs-mbps", SubjectKind.INSTANCE, true),
    EBS_IOPS("ebs-iops", SubjectKind.INSTANCE, true),
    ALLOWANCE_EXCEEDED("allowance-exceeded", SubjectKind.INSTANCE, false),
    BW_IN_ALLOWANCE_EXCEEDED("bw_in_allowance_exceeded", SubjectKind.INSTANCE, false),
    BW_OUT_ALLOWANCE_EXCEEDED("bw_out_allowance_exceeded", SubjectKind.INSTANCE, false),
    PPS_ALLOWANCE_EXCEEDED("pps_allowance_exceeded", SubjectKind.INSTANCE, false),
    CONNTRACK_ALLOWANCE_EXCEEDED("conntrack_allowance_exceeded", SubjectKind.INSTANCE, false),
    LINKLOCAL_ALLOWANCE_EXCEEDED("linklocal_allowance_exceeded", SubjectKind.INSTANCE, false),
    VOLUME_IOPS("volume-iops", SubjectKind.VOLUME, true),
    VOLUME_MIBPS("volume-mibps", SubjectKind.VOLUME, true),
    VOLUME_P50_MS("volume-p50-ms", SubjectKind.VOLUME, false),
    VOLUME_P99_MS("volume-p99-ms", SubjectKind.VOLUME, false),
    VOLUME_P999_MS("volume-p999-ms", SubjectKind.VOLUME, false),
    WORKLOAD_GBPS("workload-gbps", SubjectKind.WORKLOAD, false),
    WORKLOAD_LOSS_PERCENT("workload-loss-percent", SubjectKind.WORKLOAD, false),
    WORKLOAD_IOPS("workload-iops", SubjectKind.WORKLOAD, false),
    WORKLOAD_MIBPS("workload-mibps", SubjectKind.WORKLOAD, false),
    WORKLOAD_P99_MS("workload-p99-ms", SubjectKind.WORKLOAD, false),
    WORKLOAD_VERIFY_ERRORS("workload-verify-errors", SubjectKind.WORKLOAD, false),
    /** The largest lag of a real-time run behind the wall clock, in ms. */
    MAX_LAG_MS("max-lag-ms", SubjectKind.RUN, false);

    /** What an expectation names: an instance, a volume, a workload, or nothing (the run as a whole). */
    public enum SubjectKind
    {
        INSTANCE, VOLUME, WORKLOAD, RUN
    }

    private final String key;
    private final SubjectKind subjectKind;
    private final boolean windowed;

    ExpectationMetric(final String key, final SubjectKind subjectKind, final boolean windowed)
    {
        this.key = key;
        this.subjectKind = subjectKind;
        this.windowed = windowed;
    }

    public String key()
    {
        return key;
    }

    public SubjectKind subjectKind()
    {
        return subjectKind;
    }

    /** Whether the metric is an average over a time window (from/to) rather than a whole-run figure. */
    public boolean windowed()
    {
        return windowed;
    }

    public static ExpectationMetric fromKey(final String key)
    {
        for (final ExpectationMetric m : values())
        {
            if (m.key.equals(key))
            {
                return m;
            }
        }
        return null;
    }

    public static List<String> keys()
    {
        final List<String> keys = new ArrayList<>();
        for (final ExpectationMetric m : values())
        {
            keys.add(m.key);
        }
        return keys;
    }
}
