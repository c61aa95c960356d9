package io.nitrosim.shaping;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.time.SimAgent;

/**
 * Test producer for a {@link ShapedRing}: offers records of a fixed size either as fast as the ring takes them
 * or paced at an offered rate, timing-only or carrying numbered payloads a {@link RingConsumerAgent} can verify.
 * <p>
 * Payload record layout (little-endian): bytes 0..7 the sequence number (0, 1, 2, ...), byte i >= 8 is
 * {@link #payloadByte(long, int)}. In {@link OnFull#BACK_PRESSURE} mode a refused record is retried, so
 * sequence numbers arrive without gaps; in {@link OnFull#DROP} mode it is dropped (and counted by the ring)
 * and the next record takes the next number.
 * <p>
 * A paced producer sends record k of the current schedule at {@code base + ceil(k * recordBytes / rate)};
 * when the ring refuses it the producer falls behind and catches up as space frees. While blocked by a full
 * ring it reports no deadline: the consumer's progress wakes it (in virtual time the next pass calls it).
 * <p>
 * Counters read by other threads (real-time runs) are atomics; everything else belongs to the agent's thread.
 */
public final class RingProducerAgent implements SimAgent
{
    /** Whether records carry their bytes or only stand for them. */
    public enum Content
    {
        TIMING_ONLY, PAYLOAD
    }

    /** What a full ring does to the producer. */
    public enum OnFull
    {
        BACK_PRESSURE, DROP
    }

    public static final int SEQUENCE_OFFSET = 0;
    public static final int MIN_PAYLOAD_BYTES = 8;
    private static final long NANOS_PER_SEC = 1_000_000_000L;

    private final String roleName;
    private final NanoClock clock;
    private final ShapedRing ring;
    private final int recordBytes;
    private final Content content;
    private final OnFull onFull;
    private final long maxRecords;
    private final long latencyNs;
    private final long latencyJitterNs;
    private final SplittableRandom random;
    private final int tag;
    private final int batchLimit;
    private final MutableDirectBuffer scratch;

    private long rateBytesPerSec;
    private boolean paused;
    private long scheduleBaseNs;
    private long scheduleBytes;
    private long nextDueNs;
    private boolean blocked;
    private long nextSequence;

    private final AtomicLong offeredRecords = new AtomicLong();
    private final AtomicLong acceptedRecords = new AtomicLong();
    private final AtomicLong droppedRecords = new AtomicLong();
    private final AtomicLong refusedOffers = new AtomicLong();

    private RingProducerAgent(final Builder b)
    {
        this.roleName = b.roleName;
        this.clock = b.clock;
        this.ring = b.ring;
        this.recordBytes = b.recordBytes;
        this.content = b.content;
        this.onFull = b.onFull;
        this.maxRecords = b.maxRecords;
        this.latencyNs = b.latencyNs;
        this.latencyJitterNs = b.latencyJitterNs;
        this.random = new SplittableRandom(b.seed);
        this.tag = b.tag;
        this.batchLimit = b.batchLimit;
        this.rateBytesPerSec = b.rateBytesPerSec;
        this.paused = b.paused;
        this.scratch = new UnsafeBuffer(new byte[content == Content.PAYLOAD ? recordBytes : 0]);
    }

    public static Builder builder(final String roleName, final NanoClock clock, final ShapedRing ring)
    {
        return new Builder(roleName, clock, ring);
    }

    /** The byte at {@code index} (>= 8) of payload record {@code sequence}. */
    public static byte payloadByte(final long sequence, final int index)
    {
        return (byte)(sequence * 131 + index * 7 + (sequence >>> 8) + (index >>> 8));
    }

    /**
     * Changes the offered rate from now on, restarting the schedule at the current time; 0 = as fast as the
     * ring takes records. Also resumes a paused producer. Call from the agent's thread (or between runs).
     */
    public void offeredRate(final long rateBytesPerSec)
    {
        validateRate(rateBytesPerSec, onFull);
        this.rateBytesPerSec = rateBytesPerSec;
        this.paused = false;
        rebase(clock.nanoTime());
    }

    /** Stops offering until {@link #offeredRate(long)} is called. */
    public void pause()
    {
        paused = true;
    }

    @Override
    public void onStart()
    {
        rebase(clock.nanoTime());
    }

    @Override
    public int doWork()
    {
        if (paused || nextSequence >= maxRecords)
        {
            return 0;
        }
        final long nowNs = clock.nanoTime();
        final boolean paced = rateBytesPerSec > 0;
        int work = 0;
        while (work < batchLimit && nextSequence < maxRecords && (!paced || nowNs >= nextDueNs))
        {
            if (offerOne(nowNs))
            {
                blocked = false;
                acceptedRecords.lazySet(acceptedRecords.get() + 1);
            }
            else if (onFull == OnFull.BACK_PRESSURE)
            {
                blocked = true;
                refusedOffers.lazySet(refusedOffers.get() + 1);
                break;
            }
            else
            {
                droppedRecords.lazySet(droppedRecords.get() + 1);
            }
            offeredRecords.lazySet(offeredRecords.get() + 1);
            nextSequence++;
            work++;
            if (paced)
            {
                scheduleBytes += recordBytes;
                nextDueNs = scheduleBaseNs + bytesToNs(scheduleBytes, rateBytesPerSec);
            }
        }
        return work;
    }

    private boolean offerOne(final long nowNs)
    {
        final long readyAtNs = nowNs + latencyNs + (latencyJitterNs > 0 ? random.nextLong(latencyJitterNs + 1) : 0);
        if (content == Content.TIMING_ONLY)
        {
            return onFull == OnFull.DROP ?
                offerTimingOnlyOrDrop(readyAtNs) : ring.offerTimingOnly(readyAtNs, recordBytes, tag);
        }
        if (onFull == OnFull.DROP)
        {
            fillPayload(scratch, 0, nextSequence, recordBytes);
            return ring.offerOrDrop(readyAtNs, tag, scratch, 0, recordBytes);
        }
        // Zero-copy: the payload is written straight into the claimed space, as a DMA would.
        final int index = ring.tryClaim(readyAtNs, recordBytes, tag, recordBytes);
        if (index < 0)
        {
            return false;
        }
        fillPayload(ring.buffer(), index, nextSequence, recordBytes);
        ring.commit(index);
        return true;
    }

    private boolean offerTimingOnlyOrDrop(final long readyAtNs)
    {
        if (ring.offerTimingOnly(readyAtNs, recordBytes, tag))
        {
            return true;
        }
        ring.recordDrop(recordBytes);
        return false;
    }

    /** Writes payload record {@code sequence} of {@code length} bytes at {@code index}. */
    public static void fillPayload(
        final MutableDirectBuffer buffer, final int index, final long sequence, final int length)
    {
        buffer.putLong(index + SEQUENCE_OFFSET, sequence);
        for (int i = MIN_PAYLOAD_BYTES; i < length; i++)
        {
            buffer.putByte(index + i, payloadByte(sequence, i));
        }
    }

    /** @return the index of the first wrong byte of a payload record, or -1 if it is intact. */
    public static int firstBadPayloadByte(
        final DirectBuffer buffer, final int index, final long sequence, final int length)
    {
        for (int i = MIN_PAYLOAD_BYTES; i < length; i++)
        {
            if (buffer.getByte(index + i) != payloadByte(sequence, i))
            {
                return i;
            }
        }
        return -1;
    }

    private void rebase(final long nowNs)
    {
        scheduleBaseNs = nowNs;
        scheduleBytes = 0;
        nextDueNs = nowNs;
    }

    /** ceil(bytes * 1e9 / rate) without overflowing for long schedules. */
    public static long bytesToNs(final long bytes, final long rateBytesPerSec)
    {
        final long wholeSeconds = bytes / rateBytesPerSec;
        final long rest = bytes % rateBytesPerSec;
        return Math.addExact(Math.multiplyExact(wholeSeconds, NANOS_PER_SEC),
            (rest * NANOS_PER_SEC + rateBytesPerSec - 1) / rateBytesPerSec);
    }

    @Override
    public long nextDeadlineNs()
    {
        if (paused || blocked || nextSequence >= maxRecords)
        {
            return NO_DEADLINE;
        }
        return rateBytesPerSec > 0 ? nextDueNs : clock.nanoTime();
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    /** Records tried (accepted or dropped; a retried record counts once). */
    public long offeredRecords()
    {
        return offeredRecords.get();
    }

    public long acceptedRecords()
    {
        return acceptedRecords.get();
    }

    /** Records dropped on a full ring ({@link OnFull#DROP} mode). */
    public long droppedRecords()
    {
        return droppedRecords.get();
    }

    /** Offers the ring refused in {@link OnFull#BACK_PRESSURE} mode (back-pressure seen). */
    public long refusedOffers()
    {
        return refusedOffers.get();
    }

    public boolean isDone()
    {
        return nextSequence >= maxRecords;
    }

    public int recordBytes()
    {
        return recordBytes;
    }

    private static void validateRate(final long rateBytesPerSec, final OnFull onFull)
    {
        if (rateBytesPerSec < 0)
        {
            throw new IllegalArgumentException("offered rate " + rateBytesPerSec + " B/s must be >= 0");
        }
        if (rateBytesPerSec == 0 && onFull == OnFull.DROP)
        {
            // Unpaced drop-on-full would always have work and never let virtual time advance.
            throw new IllegalArgumentException("a dropping producer needs an offered rate > 0 B/s");
        }
    }

    /** Configuration, validated in one place. */
    public static final class Builder
    {
        private final String roleName;
        private final NanoClock clock;
        private final ShapedRing ring;
        private int recordBytes = 9001;
        private Content content = Content.TIMING_ONLY;
        private OnFull onFull = OnFull.BACK_PRESSURE;
        private long rateBytesPerSec;
        private long maxRecords = Long.MAX_VALUE;
        private long latencyNs;
        private long latencyJitterNs;
        private long seed = 42;
        private int tag;
        private int batchLimit = 256;
        private boolean paused;

        private Builder(final String roleName, final NanoClock clock, final ShapedRing ring)
        {
            this.roleName = roleName;
            this.clock = clock;
            this.ring = ring;
        }

        public Builder recordBytes(final int recordBytes)
        {
            this.recordBytes = recordBytes;
            return this;
        }

        public Builder content(final Content content)
        {
            this.content = content;
            return this;
        }

        public Builder onFull(final OnFull onFull)
        {
            this.onFull = onFull;
            return this;
        }

        /** Offered rate in bytes per second; 0 (the default) = as fast as the ring takes records. */
        public Builder offeredRate(final long rateBytesPerSec)
        {
            this.rateBytesPerSec = rateBytesPerSec;
            return this;
        }

        public Builder maxRecords(final long maxRecords)
        {
            this.maxRecords = maxRecords;
            return this;
        }

        /** readyAt = send time + latencyNs + a uniform jitter in [0, jitterNs] from a seeded random. */
        public Builder latency(final long latencyNs, final long jitterNs, final long seed)
        {
            this.latencyNs = latencyNs;
            this.latencyJitterNs = jitterNs;
            this.seed = seed;
            return this;
        }

        public Builder tag(final int tag)
        {
            this.tag = tag;
            return this;
        }

        public Builder batchLimit(final int batchLimit)
        {
            this.batchLimit = batchLimit;
            return this;
        }

        public Builder startPaused()
        {
            this.paused = true;
            return this;
        }

        public RingProducerAgent build()
        {
            if (recordBytes < 1)
            {
                throw new IllegalArgumentException("record size " + recordBytes + " B must be positive");
            }
            if (content == Content.PAYLOAD && recordBytes < MIN_PAYLOAD_BYTES)
            {
                throw new IllegalArgumentException(
                    "payload record size " + recordBytes + " B must be >= " + MIN_PAYLOAD_BYTES + " B");
            }
            if (maxRecords < 0 || latencyNs < 0 || latencyJitterNs < 0 || batchLimit < 1)
            {
                throw new IllegalArgumentException("maxRecords " + maxRecords + ", latency " + latencyNs
                    + " ns, jitter " + latencyJitterNs + " ns must be >= 0 and batch limit " + batchLimit + " >= 1");
            }
            validateRate(rateBytesPerSec, onFull);
            return new RingProducerAgent(this);
        }
    }
}
