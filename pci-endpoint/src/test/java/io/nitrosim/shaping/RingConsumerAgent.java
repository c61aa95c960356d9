package io.nitrosim.shaping;

import java.util.concurrent.atomic.AtomicLong;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;

import io.nitrosim.time.SimAgent;

/**
 * Test consumer: polls one or more {@link ShapedRing}s (all on this agent's thread, so they may share
 * buckets), records what it was given and reports the rings' {@code nextEligibleNs} as its deadline.
 * <p>
 * Rings are polled in turn starting after the ring that delivered last, so rings sharing a bucket alternate
 * instead of the first one taking every token (a fixed order would starve the others under a shared cap).
 * <p>
 * Optionally it logs every delivery ({@link DeliveryLog}), bins delivered bytes ({@link RateBins}) and checks
 * payload records from a {@link RingProducerAgent}: sequence order per ring and every payload byte.
 */
public final class RingConsumerAgent implements SimAgent
{
    /** What sequence numbers a payload-checking consumer expects on each ring. */
    public enum SequenceCheck
    {
        NONE, EXACT, INCREASING
    }

    private final String roleName;
    private final NanoClock clock;
    private final ShapedRing[] rings;
    private final int pollLimit;
    private final SequenceCheck sequenceCheck;
    private final DeliveryLog log;
    private final RateBins bins;
    private final long[] deliveredRecords;
    private final long[] deliveredBytes;
    private final long[] nextSequence;
    private final Handler handler = new Handler();
    private int startIndex;
    private long deliveryHash = 0xcbf29ce484222325L;
    private long lastDeliveryNs = -1;
    private String firstError;

    private final AtomicLong totalRecords = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    /**
     * @param pollLimit     records per ring per poll.
     * @param sequenceCheck how payload sequence numbers are checked ({@link SequenceCheck#NONE}: not at all,
     *                      and payload bytes are not checked either).
     * @param log           where to log each delivery, or null.
     * @param bins          where to bin delivered bytes, or null.
     */
    public RingConsumerAgent(
        final String roleName,
        final NanoClock clock,
        final int pollLimit,
        final SequenceCheck sequenceCheck,
        final DeliveryLog log,
        final RateBins bins,
        final ShapedRing... rings)
    {
        if (rings.length == 0 || pollLimit < 1)
        {
            throw new IllegalArgumentException(
                "need at least one ring (got " + rings.length + ") and a poll limit >= 1 (got " + pollLimit + ")");
        }
        this.roleName = roleName;
        this.clock = clock;
        this.rings = rings.clone();
        this.pollLimit = pollLimit;
        this.sequenceCheck = sequenceCheck;
        this.log = log;
        this.bins = bins;
        this.deliveredRecords = new long[rings.length];
        this.deliveredBytes = new long[rings.length];
        this.nextSequence = new long[rings.length];
    }

    /** A consumer of one ring that only counts. */
    public static RingConsumerAgent counting(final String roleName, final NanoClock clock, final ShapedRing ring)
    {
        return new RingConsumerAgent(roleName, clock, 64, SequenceCheck.NONE, null, null, ring);
    }

    @Override
    public int doWork()
    {
        final long nowNs = clock.nanoTime();
        final ShapedRing[] rings = this.rings;
        final int count = rings.length;
        int work = 0;
        int lastDelivering = -1;
        for (int k = 0; k < count; k++)
        {
            final int i = (startIndex + k) % count;
            handler.ringIndex = i;
            final int delivered = rings[i].poll(handler, pollLimit, nowNs);
            if (delivered > 0)
            {
                work += delivered;
                lastDelivering = i;
            }
        }
        if (lastDelivering >= 0)
        {
            startIndex = (lastDelivering + 1) % count;
        }
        return work;
    }

    @Override
    public long nextDeadlineNs()
    {
        long deadlineNs = NO_DEADLINE;
        for (final ShapedRing ring : rings)
        {
            deadlineNs = Math.min(deadlineNs, ring.nextEligibleNs());
        }
        return deadlineNs;
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    public long deliveredRecords(final int ringIndex)
    {
        return deliveredRecords[ringIndex];
    }

    public long deliveredBytes(final int ringIndex)
    {
        return deliveredBytes[ringIndex];
    }

    /** Records delivered on all rings; safe to read from another thread. */
    public long totalRecords()
    {
        return totalRecords.get();
    }

    public long totalBytes()
    {
        long total = 0;
        for (final long bytes : deliveredBytes)
        {
            total += bytes;
        }
        return total;
    }

    /** Payload or ordering errors seen; safe to read from another thread. */
    public long errors()
    {
        return errors.get();
    }

    /** The first error's description, or null. */
    public String firstError()
    {
        return firstError;
    }

    /** FNV-style hash over (ring, tag, charged bytes, ready time, delivery time) of every delivery in order. */
    public long deliveryHash()
    {
        return deliveryHash;
    }

    /** Time of the last delivery, -1 if none. */
    public long lastDeliveryNs()
    {
        return lastDeliveryNs;
    }

    private void error(final String message)
    {
        if (firstError == null)
        {
            firstError = message;
        }
        errors.lazySet(errors.get() + 1);
    }

    private static long mix(final long hash, final long value)
    {
        return (hash ^ value) * 0x100000001b3L;
    }

    private final class Handler implements ShapedRecordHandler
    {
        int ringIndex;

        @Override
        public boolean onRecord(
            final int tag,
            final DirectBuffer buffer,
            final int payloadIndex,
            final int payloadLength,
            final int chargedBytes,
            final long readyAtNs,
            final long nowNs)
        {
            final int ring = ringIndex;
            if (nowNs < readyAtNs)
            {
                error("ring " + ring + ": record ready at " + readyAtNs + " ns delivered early at " + nowNs + " ns");
            }
            if (sequenceCheck != SequenceCheck.NONE)
            {
                checkPayload(ring, buffer, payloadIndex, payloadLength, chargedBytes);
            }
            deliveredRecords[ring]++;
            deliveredBytes[ring] += chargedBytes;
            totalRecords.lazySet(totalRecords.get() + 1);
            lastDeliveryNs = nowNs;
            long hash = mix(deliveryHash, ring);
            hash = mix(hash, tag);
            hash = mix(hash, chargedBytes);
            hash = mix(hash, readyAtNs);
            deliveryHash = mix(hash, nowNs);
            if (log != null)
            {
                log.add(nowNs, chargedBytes, ring);
            }
            if (bins != null)
            {
                bins.add(nowNs, chargedBytes);
            }
            return true;
        }

        private void checkPayload(
            final int ring, final DirectBuffer buffer, final int payloadIndex, final int payloadLength,
            final int chargedBytes)
        {
            if (payloadLength != chargedBytes || payloadLength < RingProducerAgent.MIN_PAYLOAD_BYTES)
            {
                error("ring " + ring + ": payload " + payloadLength + " B for a record charged " + chargedBytes + " B");
                return;
            }
            final long sequence = buffer.getLong(payloadIndex + RingProducerAgent.SEQUENCE_OFFSET);
            final long expected = nextSequence[ring];
            if (sequenceCheck == SequenceCheck.EXACT ? sequence != expected : sequence < expected)
            {
                error("ring " + ring + ": record " + sequence + " arrived, expected "
                    + (sequenceCheck == SequenceCheck.EXACT ? "" : ">= ") + expected);
            }
            nextSequence[ring] = sequence + 1;
            final int bad = RingProducerAgent.firstBadPayloadByte(buffer, payloadIndex, sequence, payloadLength);
            if (bad >= 0)
            {
                error("ring " + ring + ": record " + sequence + " payload byte " + bad + " corrupt");
            }
        }
    }
}
