package io.nitrosim.pci.trace;

/**
 * The credit buckets whose balances a trace records ({@link TraceKind#CREDIT}, argument 0), with their names. The
 * network buckets belong to the instance's VPC card (shared by its ENIs), {@link #EBS_IO} and {@link #EBS_BYTES}
 * to its EBS card (shared by its volumes), {@link #VOLUME_BURST} to one volume. New buckets go at the end.
 */
public final class CreditBucket
{
    public static final int NET_IN = 0;
    public static final int NET_OUT = 1;
    /** The EBS card's IOPS credits (CloudWatch's EBSIOBalance%). */
    public static final int EBS_IO = 2;
    /** The EBS card's throughput credits (EBSByteBalance%). */
    public static final int EBS_BYTES = 3;
    /** A volume's own burst bucket (BurstBalance%; 100 % for volumes that do not burst). */
    public static final int VOLUME_BURST = 4;

    private static final String[] NAMES = {"net-in", "net-out", "ebs-io", "ebs-bytes", "volume-burst"};

    private CreditBucket()
    {
    }

    /** The bucket's name, or {@code bucket-N} for an id this version does not know. */
    public static String name(final long bucket)
    {
        return bucket >= 0 && bucket < NAMES.length ? NAMES[(int)bucket] : "bucket-" + bucket;
    }
}
