package io.nitrosim.shaping;

import java.util.ArrayList;
import java.util.List;

/**
 * The limits that govern a record: byte buckets charged the record's bytes and op buckets charged its operations,
 * each tagged with the {@link ShapingReason} it stands for, plus an optional bucket of the record's own (the
 * per-flow limit, reason {@link ShapingReason#FLOW}) given per call. One gate answers for both cards, as
 * Firecracker's one bytes-plus-ops {@code RateLimiter} serves its block and net devices:
 * <pre>
 *   int reasons = gate.check(bytes, recordBucket, nowNs);        // 0: admit now
 *   if (reasons == 0) gate.consume(bytes, recordBucket, nowNs);
 *   else wait until gate.admitTimeNs(bytes, recordBucket, nowNs) // reasons: which limits held it
 * </pre>
 * A caller that counts operations itself (EBS merges contiguous I/Os into one operation) passes the count
 * explicitly: {@code check(bytes, ops, recordBucket, nowNs)} and the same for {@code admitTimeNs} and
 * {@code consume}; the others use {@link #opsFor}.
 * <p>
 * A record passes only if every bucket admits it; then all are charged. Nothing is charged for a record that
 * waits. The admit time is the earliest time every bucket admits the record (buckets only fill while nothing is
 * taken), and no sooner than the gate's quantum after the refusal. Integer nanoseconds, waits rounded up.
 * <p>
 * The gate also names the {@link ThrottleCounters} its refusals are counted in (by the ring that holds the record).
 * A gate keeps no state of its own: buckets may be shared with other gates (every ENI of an instance shares the
 * instance's buckets) provided one agent uses them all. Allocation-free.
 */
public final class ShapingGate
{
    /** A gate that admits everything (caps off). */
    public static final ShapingGate OPEN =
        new ShapingGate(new TokenBucket[0], new int[0], new TokenBucket[0], new int[0], 0, 0, ThrottleCounters.NONE);

    private final TokenBucket[] byteBuckets;
    private final int[] byteReasons;
    private final TokenBucket[] opBuckets;
    private final int[] opReasons;
    private final long opUnitBytes;
    private final long quantumNs;
    private final ThrottleCounters counters;

    private ShapingGate(
        final TokenBucket[] byteBuckets, final int[] byteReasons, final TokenBucket[] opBuckets, final int[] opReasons,
        final long opUnitBytes, final long quantumNs, final ThrottleCounters counters)
    {
        this.byteBuckets = byteBuckets;
        this.byteReasons = byteReasons;
        this.opBuckets = opBuckets;
        this.opReasons = opReasons;
        this.opUnitBytes = opUnitBytes;
        this.quantumNs = quantumNs;
        this.counters = counters;
    }

    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * Operations a record of {@code bytes} counts: 1, or with an op unit (EBS: 256 KiB for SSD volumes, 1 MiB
     * for HDD) {@code ceil(bytes / unit)}, at least 1.
     */
    public long opsFor(final long bytes)
    {
        return opUnitBytes <= 0 || bytes <= opUnitBytes ? 1 : (bytes + opUnitBytes - 1) / opUnitBytes;
    }

    /** Whether the gate has no bucket of its own (a per-record bucket may still hold a record). */
    public boolean isOpen()
    {
        return byteBuckets.length == 0 && opBuckets.length == 0;
    }

    /**
     * Whether a record of {@code bytes} may pass now.
     *
     * @param recordBucket the record's own byte bucket (its flow's), or null.
     * @return 0 when every bucket admits it; otherwise the {@link ShapingReason} bits of the buckets that hold
     * it ({@link #admitTimeNs} says when all of them will admit it).
     */
    public int check(final long bytes, final TokenBucket recordBucket, final long nowNs)
    {
        return (int)scan(bytes, opsFor(bytes), recordBucket, nowNs, true, null);
    }

    /** {@link #check(long, TokenBucket, long)} charging {@code ops} operations instead of {@link #opsFor}. */
    public int check(final long bytes, final long ops, final TokenBucket recordBucket, final long nowNs)
    {
        return (int)scan(bytes, ops, recordBucket, nowNs, true, null);
    }

    /**
     * {@link #check(long, long, TokenBucket, long)} and, for a record it holds, {@link #admitTimeNs(long, long,
     * TokenBucket, long)} in one pass over the buckets (a consumer asks both for every refused head). The same
     * figures as the two calls: a bucket refilled to {@code nowNs} does not change when asked again.
     *
     * @param hold filled with the reasons and the admit time ({@code nowNs} when admitted); the caller's own.
     * @return the reasons, as {@link #check(long, long, TokenBucket, long)}.
     */
    public int check(final long bytes, final long ops, final TokenBucket recordBucket, final long nowNs, final Hold hold)
    {
        return (int)scan(bytes, ops, recordBucket, nowNs, true, hold);
    }

    /** {@link #check(long, TokenBucket, long)} without a per-record bucket. */
    public int check(final long bytes, final long nowNs)
    {
        return check(bytes, null, nowNs);
    }

    /**
     * {@code nowNs} when the record passes now; otherwise the earliest time every bucket admits it (buckets only
     * fill while nothing is taken), and no sooner than the quantum after {@code nowNs}.
     */
    public long admitTimeNs(final long bytes, final TokenBucket recordBucket, final long nowNs)
    {
        return admitTimeNs(bytes, opsFor(bytes), recordBucket, nowNs);
    }

    /** {@link #admitTimeNs(long, TokenBucket, long)} for a record of {@code ops} operations. */
    public long admitTimeNs(final long bytes, final long ops, final TokenBucket recordBucket, final long nowNs)
    {
        return admitTimeAfterNs(scan(bytes, ops, recordBucket, nowNs, false, null), nowNs);
    }

    private long admitTimeAfterNs(final long waitNs, final long nowNs)
    {
        if (waitNs == 0)
        {
            return nowNs;
        }
        final long admitNs = nowNs + Math.max(waitNs, quantumNs);
        // On the quantum's grid: every record held by the same buckets is retried at the same instant, so the
        // consumer's round robin, not the phase at which each was refused, decides who goes first.
        return quantumNs == 0 ? admitNs : (admitNs + quantumNs - 1) / quantumNs * quantumNs;
    }

    public long admitTimeNs(final long bytes, final long nowNs)
    {
        return admitTimeNs(bytes, null, nowNs);
    }

    /** One pass over the buckets: the reasons that hold the record, or the longest wait (0 = admitted now). */
    private long scan(
        final long bytes, final long ops, final TokenBucket recordBucket, final long nowNs, final boolean reasonsWanted,
        final Hold hold)
    {
        int reasons = 0;
        long waitNs = 0;
        for (int i = 0; i < byteBuckets.length; i++)
        {
            final long bucketWaitNs = byteBuckets[i].nanosUntilAdmit(bytes, nowNs);
            if (bucketWaitNs > 0)
            {
                reasons |= byteReasons[i];
                waitNs = Math.max(waitNs, bucketWaitNs);
            }
        }
        if (ops > 0)
        {
            for (int i = 0; i < opBuckets.length; i++)
            {
                final long bucketWaitNs = opBuckets[i].nanosUntilAdmit(ops, nowNs);
                if (bucketWaitNs > 0)
                {
                    reasons |= opReasons[i];
                    waitNs = Math.max(waitNs, bucketWaitNs);
                }
            }
        }
        if (recordBucket != null)
        {
            final long bucketWaitNs = recordBucket.nanosUntilAdmit(bytes, nowNs);
            if (bucketWaitNs > 0)
            {
                reasons |= ShapingReason.FLOW;
                waitNs = Math.max(waitNs, bucketWaitNs);
            }
        }
        if (hold != null)
        {
            hold.reasons = reasons;
            hold.admitNs = admitTimeAfterNs(waitNs, nowNs);
        }
        return reasonsWanted ? reasons : waitNs;
    }

    /** The answer of {@link #check(long, long, TokenBucket, long, Hold)}; one per consumer, reused. */
    public static final class Hold
    {
        private int reasons;
        private long admitNs;

        /** The {@link ShapingReason} bits that held the record (0: admitted now). */
        public int reasons()
        {
            return reasons;
        }

        /** When every bucket admits the record, as {@link ShapingGate#admitTimeNs(long, TokenBucket, long)}. */
        public long admitNs()
        {
            return admitNs;
        }
    }

    /** Charges every bucket (and the record's own, if any); may leave a bucket in debt for an oversized record. */
    public void consume(final long bytes, final TokenBucket recordBucket, final long nowNs)
    {
        consume(bytes, opsFor(bytes), recordBucket, nowNs);
    }

    /** {@link #consume(long, TokenBucket, long)} charging {@code ops} operations (0: the op buckets are left alone). */
    public void consume(final long bytes, final long ops, final TokenBucket recordBucket, final long nowNs)
    {
        for (final TokenBucket bucket : byteBuckets)
        {
            bucket.consume(bytes, nowNs);
        }
        if (ops > 0)
        {
            for (final TokenBucket bucket : opBuckets)
            {
                bucket.consume(ops, nowNs);
            }
        }
        if (recordBucket != null)
        {
            recordBucket.consume(bytes, nowNs);
        }
    }

    public void consume(final long bytes, final long nowNs)
    {
        consume(bytes, null, nowNs);
    }

    /** Where the records this gate holds back are counted, by reason. */
    public ThrottleCounters counters()
    {
        return counters;
    }

    /** The least time between a refusal and the next try (0: exactly when the buckets admit). */
    public long quantumNs()
    {
        return quantumNs;
    }

    /** Collects a gate's buckets, each with the reason it stands for. */
    public static final class Builder
    {
        private final List<TokenBucket> bytes = new ArrayList<>();
        private final List<Integer> byteReasons = new ArrayList<>();
        private final List<TokenBucket> ops = new ArrayList<>();
        private final List<Integer> opReasons = new ArrayList<>();
        private long opUnitBytes;
        private long quantumNs;
        private ThrottleCounters counters = ThrottleCounters.NONE;

        private Builder()
        {
        }

        /** Counts a record as ceil(bytes / unit) operations instead of one (0 = one op per record). */
        public Builder opUnitBytes(final long opUnitBytes)
        {
            if (opUnitBytes < 0)
            {
                throw new IllegalArgumentException("op unit " + opUnitBytes + " B must be >= 0 (0 = one op per record)");
            }
            this.opUnitBytes = opUnitBytes;
            return this;
        }

        /**
         * Retries a refused record no sooner than {@code quantumNs} after the refusal, so one time step moves every
         * record due within it (the VPC card's shaping quantum; 0 = exact).
         */
        public Builder quantumNs(final long quantumNs)
        {
            if (quantumNs < 0)
            {
                throw new IllegalArgumentException("shaping quantum " + quantumNs + " ns must be >= 0");
            }
            this.quantumNs = quantumNs;
            return this;
        }

        /** Where refusals are counted (default: nowhere). */
        public Builder counters(final ThrottleCounters counters)
        {
            this.counters = counters == null ? ThrottleCounters.NONE : counters;
            return this;
        }

        /** The limit's buckets charged bytes, reported as {@code reason}; a null limit adds nothing. */
        public Builder bytes(final int reason, final BurstableLimit limit)
        {
            if (limit != null)
            {
                bytes(reason, limit.peakBucket());
                if (limit.hasCredits())
                {
                    bytes(reason, limit.creditBucket());
                }
            }
            return this;
        }

        /** The limit's buckets charged operations, reported as {@code reason}; a null limit adds nothing. */
        public Builder ops(final int reason, final BurstableLimit limit)
        {
            if (limit != null)
            {
                ops(reason, limit.peakBucket());
                if (limit.hasCredits())
                {
                    ops(reason, limit.creditBucket());
                }
            }
            return this;
        }

        public Builder bytes(final int reason, final TokenBucket bucket)
        {
            bytes.add(requireBucket(bucket));
            byteReasons.add(requireReason(reason));
            return this;
        }

        public Builder ops(final int reason, final TokenBucket bucket)
        {
            ops.add(requireBucket(bucket));
            opReasons.add(requireReason(reason));
            return this;
        }

        /** An instance bandwidth limit ({@link ShapingReason#INSTANCE_BANDWIDTH}). */
        public Builder bytes(final BurstableLimit limit)
        {
            return bytes(ShapingReason.INSTANCE_BANDWIDTH, limit);
        }

        /** An instance operation-rate limit ({@link ShapingReason#INSTANCE_OPS}). */
        public Builder ops(final BurstableLimit limit)
        {
            return ops(ShapingReason.INSTANCE_OPS, limit);
        }

        public Builder bytes(final TokenBucket bucket)
        {
            return bytes(ShapingReason.INSTANCE_BANDWIDTH, bucket);
        }

        public Builder ops(final TokenBucket bucket)
        {
            return ops(ShapingReason.INSTANCE_OPS, bucket);
        }

        private static TokenBucket requireBucket(final TokenBucket bucket)
        {
            if (bucket == null)
            {
                throw new IllegalArgumentException("a gate bucket must not be null");
            }
            return bucket;
        }

        private static int requireReason(final int reason)
        {
            if (!ShapingReason.isSingle(reason))
            {
                throw new IllegalArgumentException("bucket reason 0x" + Integer.toHexString(reason)
                    + " must be exactly one ShapingReason bit (0x1..0x"
                    + Integer.toHexString(ShapingReason.CONNTRACK) + ")");
            }
            return reason;
        }

        public ShapingGate build()
        {
            if (bytes.isEmpty() && ops.isEmpty() && quantumNs == 0 && counters == ThrottleCounters.NONE)
            {
                return OPEN;
            }
            return new ShapingGate(bytes.toArray(new TokenBucket[0]), byteReasons.stream().mapToInt(i -> i).toArray(),
                ops.toArray(new TokenBucket[0]), opReasons.stream().mapToInt(i -> i).toArray(), opUnitBytes, quantumNs,
                counters);
        }
    }
}
