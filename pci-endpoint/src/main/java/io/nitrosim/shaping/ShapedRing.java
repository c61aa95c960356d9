package io.nitrosim.shaping;

import java.nio.ByteBuffer;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.pci.queue.RingReads;
import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.pci.trace.Tracer;
import io.nitrosim.time.SimAgent;
import io.nitrosim.time.Wake;

/**
 * The one primitive every hop of an instance's bytes goes through: an Agrona ring buffer whose records carry
 * {@code readyAtNs} and whose consumer is gated by a {@link ShapingGate}.
 * <p>
 * Record layout after Agrona's 8-byte record header, in the machine's native byte order (Agrona's
 * {@code UnsafeBuffer} default; records never leave this process's memory, so their order is never observed
 * outside it and no swap is paid on either side):
 * <pre>
 *   0  readyAtNs     i64  send time + modelled latency of the hop
 *   8  chargedBytes  i32  bytes the record stands for (charged to byte buckets)
 *  12  tag           i32  producer's tag (queue id, flow id, ...)
 *  16  payload       payloadLength bytes; absent in a timing-only record
 * </pre>
 * The consumer takes the head only when it is ready ({@code now >= readyAtNs}), the handler has not held or
 * dropped it ({@link ShapedRecordHandler#onHead}), and the gate admits it with the handler's per-record bucket;
 * then the handler takes it ({@link ShapedRecordHandler#onRecord}) and the gate is charged. Otherwise the ring
 * stops (controlledRead ABORT) so the record stays, the ring fills and back-pressure reaches the producer.
 * Nothing is dropped unless the producer asks for drop-on-full (the ring counts it) or the handler drops the head
 * (the handler counts why).
 * <p>
 * The ring keeps what is known about its head while it waits ({@link Head}): the handler's decision about it,
 * which counters already counted it, whether it waited for downstream; and, per try, the operations it counts
 * when the handler counts them itself ({@link Head#ops}). A head the gate holds is counted once in
 * the ring's throttled totals and, by reason, in the gate's {@link ThrottleCounters} (or those the handler names
 * for it); and {@link #nextEligibleNs()} says when it can pass. That is the consumer's one deadline. A ring built
 * with {@link Builder#countQueued(boolean)} also counts, when it admits a record, the reasons that held any head
 * while that record was queued (it waited behind them): every record queued because of a limit is counted once,
 * as ENA's allowance counters count packets "queued or dropped".
 * <p>
 * One producer thread (or many, for a many-to-one ring) and one consumer thread.
 */
public final class ShapedRing
{
    public static final int READY_AT_OFFSET = 0;
    public static final int CHARGED_BYTES_OFFSET = 8;
    public static final int TAG_OFFSET = 12;
    public static final int HEADER_LENGTH = 16;
    public static final int MSG_TYPE_PAYLOAD = 1;
    public static final int MSG_TYPE_TIMING_ONLY = 2;

    private final String name;
    private final RingBuffer ring;
    private final MutableDirectBuffer buffer;
    private final ShapingGate gate;
    private final AtomicCounter admittedRecords;
    private final AtomicCounter admittedBytes;
    private final AtomicCounter throttledRecords;
    private final AtomicCounter throttledBytes;
    private final AtomicCounter droppedRecords;
    private final AtomicCounter droppedBytes;
    private Wake consumerWake = Wake.NONE;
    private Wake producerWake = Wake.NONE;
    private final Reader reader = new Reader();
    private final boolean countQueued;
    /** Per reason bit, the last time the gate held a head for it (countQueued only). */
    private final long[] lastHeldNs = new long[Integer.SIZE];
    /** The reason bits that ever held a head (countQueued only). */
    private int heldReasons;

    // Consumer-side state.
    private final Head head = new Head();
    private long notBeforeNs;
    private long nextEligibleNs = SimAgent.NO_DEADLINE;
    private Tracer tracer = Tracer.OFF;

    private ShapedRing(final Builder b)
    {
        this.name = b.name;
        final int capacity = BitUtil.findNextPositivePowerOfTwo(b.capacityBytes);
        final UnsafeBuffer ringBuffer =
            new UnsafeBuffer(ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH));
        this.ring = b.manyProducers ? new ManyToOneRingBuffer(ringBuffer) : new OneToOneRingBuffer(ringBuffer);
        this.buffer = ring.buffer();
        this.gate = b.gate;
        this.countQueued = b.countQueued;
        java.util.Arrays.fill(lastHeldNs, Long.MIN_VALUE);
        if (b.maxPayloadBytes + HEADER_LENGTH > ring.maxMsgLength())
        {
            // Agrona's largest message is an eighth of the ring's capacity.
            final long neededBytes = BitUtil.findNextPositivePowerOfTwo(8L * (b.maxPayloadBytes + HEADER_LENGTH));
            throw new IllegalArgumentException(name + ": ring capacity " + capacity + " B holds records up to "
                + (ring.maxMsgLength() - HEADER_LENGTH) + " B of payload, asked " + b.maxPayloadBytes
                + " B; needs capacityBytes >= " + neededBytes);
        }
        final CounterRegistry registry = b.registry;
        final MetricTags tags = b.tags;
        this.admittedRecords = RingMeter.ADMITTED_RECORDS.newCounter(registry, tags);
        this.admittedBytes = RingMeter.ADMITTED_BYTES.newCounter(registry, tags);
        this.throttledRecords = RingMeter.THROTTLED_RECORDS.newCounter(registry, tags);
        this.throttledBytes = RingMeter.THROTTLED_BYTES.newCounter(registry, tags);
        this.droppedRecords = RingMeter.DROPPED_RECORDS.newCounter(registry, tags);
        this.droppedBytes = RingMeter.DROPPED_BYTES.newCounter(registry, tags);
    }

    public static Builder builder(final String name)
    {
        return new Builder(name);
    }

    public String name()
    {
        return name;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Producer side

    /**
     * Claims space for a record with {@code payloadLength} bytes of payload, to be filled in place (DMA straight
     * into the claimed space) and then {@link #commit(int)}ted or {@link #abort(int)}ed.
     *
     * @return the index of the payload in {@link #buffer()}, or -1 if the ring is full.
     */
    public int tryClaim(final long readyAtNs, final int chargedBytes, final int tag, final int payloadLength)
    {
        final int msgType = payloadLength == 0 ? MSG_TYPE_TIMING_ONLY : MSG_TYPE_PAYLOAD;
        final int index = ring.tryClaim(msgType, HEADER_LENGTH + payloadLength);
        if (index < 0)
        {
            return -1;
        }
        buffer.putLong(index + READY_AT_OFFSET, readyAtNs);
        buffer.putInt(index + CHARGED_BYTES_OFFSET, chargedBytes);
        buffer.putInt(index + TAG_OFFSET, tag);
        return index + HEADER_LENGTH;
    }

    public void commit(final int payloadIndex)
    {
        ring.commit(payloadIndex - HEADER_LENGTH);
        if (consumerWake != Wake.NONE) // a runtime that calls everyone: no call at all
        {
            consumerWake.wake();
        }
    }

    public void abort(final int payloadIndex)
    {
        ring.abort(payloadIndex - HEADER_LENGTH);
    }

    /** Copies a payload in; charged bytes = payload length. @return false if the ring is full. */
    public boolean offer(final long readyAtNs, final int tag, final DirectBuffer src, final int offset, final int length)
    {
        final int index = tryClaim(readyAtNs, length, tag, length);
        if (index < 0)
        {
            return false;
        }
        buffer.putBytes(index, src, offset, length);
        commit(index);
        return true;
    }

    /** A record that stands for {@code chargedBytes} without carrying them. @return false if full. */
    public boolean offerTimingOnly(final long readyAtNs, final int chargedBytes, final int tag)
    {
        final int index = tryClaim(readyAtNs, chargedBytes, tag, 0);
        if (index < 0)
        {
            return false;
        }
        commit(index);
        return true;
    }

    /** As {@link #offer}, but a full ring drops the record and counts it. @return false if dropped. */
    public boolean offerOrDrop(
        final long readyAtNs, final int tag, final DirectBuffer src, final int offset, final int length)
    {
        if (offer(readyAtNs, tag, src, offset, length))
        {
            return true;
        }
        recordDrop(length);
        return false;
    }

    /** Counts a record the producer could not place (drop-on-full). */
    public void recordDrop(final int chargedBytes)
    {
        droppedRecords.incrementRelease();
        droppedBytes.getAndAddRelease(chargedBytes);
    }

    /** The ring's buffer, for writing claimed payload in place. */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Consumer side

    /**
     * Delivers up to {@code limit} admitted records to {@code handler}.
     *
     * @return the number of records taken off the ring: delivered, or dropped by the handler.
     */
    public int poll(final ShapedRecordHandler handler, final int limit, final long nowNs)
    {
        if (nowNs < notBeforeNs)
        {
            return 0; // the head cannot pass before then; skip the bucket arithmetic
        }
        final Reader reader = this.reader;
        reader.handler = handler;
        reader.nowNs = nowNs;
        reader.stopReason = Reader.STOP_NONE;
        reader.admittedBytesInPoll = 0;
        final int delivered;
        try
        {
            delivered = RingReads.controlledRead(ring, reader, limit);
        }
        finally
        {
            // Counted once per poll rather than per record: one release store each instead of two per record.
            if (reader.admittedRecordsInPoll > 0)
            {
                admittedRecords.getAndAddRelease(reader.admittedRecordsInPoll);
                admittedBytes.getAndAddRelease(reader.admittedBytesInPoll);
                reader.admittedRecordsInPoll = 0;
                reader.admittedBytesInPoll = 0;
            }
        }
        reader.handler = null;
        switch (reader.stopReason)
        {
            case Reader.STOP_WAIT:
                nextEligibleNs = reader.waitUntilNs;
                notBeforeNs = reader.waitUntilNs;
                break;
            case Reader.STOP_DOWNSTREAM:
                nextEligibleNs = SimAgent.NO_DEADLINE; // downstream progress will bring us back
                notBeforeNs = 0;
                break;
            default:
                notBeforeNs = 0;
                nextEligibleNs = ring.size() > 0 ? nowNs : SimAgent.NO_DEADLINE;
                break;
        }
        if (delivered > 0)
        {
            if (producerWake != Wake.NONE) // room: a producer that found the ring full (or waits for it to drain) goes on
            {
                producerWake.wake();
            }
        }
        return delivered;
    }

    /** The consumer's group {@link Wake}: called after every record committed. */
    public void wakeConsumer(final Wake wake)
    {
        this.consumerWake = wake == null ? Wake.NONE : wake;
    }

    /** The producer's group {@link Wake}: called after every poll that took records off the ring. */
    public void wakeProducer(final Wake wake)
    {
        this.producerWake = wake == null ? Wake.NONE : wake;
    }

    /**
     * The earliest time the consumer can make progress without new input, as of the last poll: when the head
     * becomes ready, its hold ends or every bucket admits it; {@link SimAgent#NO_DEADLINE} when the ring was
     * empty or its head waits for downstream (whose progress, not time, brings the consumer back).
     */
    public long nextEligibleNs()
    {
        return nextEligibleNs;
    }

    public boolean isEmpty()
    {
        return ring.size() == 0;
    }

    /** Bytes occupied in the ring (records and headers). */
    public int sizeBytes()
    {
        return ring.size();
    }

    public int capacityBytes()
    {
        return ring.capacity();
    }

    /** Where the ring's shaping decisions are traced (admitted, or held with the gate's reasons); set before the run. */
    public void tracer(final Tracer tracer)
    {
        this.tracer = tracer == null ? Tracer.OFF : tracer;
    }

    public ShapingGate gate()
    {
        return gate;
    }

    public long admittedRecords()
    {
        return admittedRecords.get();
    }

    public long admittedBytes()
    {
        return admittedBytes.get();
    }

    public long throttledRecords()
    {
        return throttledRecords.get();
    }

    public long throttledBytes()
    {
        return throttledBytes.get();
    }

    public long droppedRecords()
    {
        return droppedRecords.get();
    }

    public long droppedBytes()
    {
        return droppedBytes.get();
    }

    /**
     * What the ring knows about its head record while it waits, kept from one try to the next and forgotten when
     * the record leaves. The handler sees it in {@link ShapedRecordHandler#onHead} and may, on every try, name the
     * record's own bucket, hold it until a time, drop it, or name the counters its throttling is counted in; and
     * keep one decision about it (a 64-bit value of its own) while it waits.
     */
    public static final class Head
    {
        private boolean fresh = true;
        private long decision;
        private int countedEntries;
        private boolean throttleCounted;
        private boolean stalled;
        private TokenBucket recordBucket;
        private long ops;
        private long holdUntilNs;
        private boolean drop;
        private ThrottleCounters counters;

        private Head()
        {
        }

        /** Whether this is the record's first try (its decision is not made yet). */
        public boolean isFresh()
        {
            return fresh;
        }

        /** The handler's decision about the record, as set on an earlier try (0 until set). */
        public long decision()
        {
            return decision;
        }

        /** Keeps a decision about the record until it leaves the ring. */
        public void decision(final long decision)
        {
            this.decision = decision;
        }

        /** This try, the gate also checks and charges the record's own byte bucket (reason FLOW). */
        public void recordBucket(final TokenBucket bucket)
        {
            this.recordBucket = bucket;
        }

        /**
         * This try, the record counts {@code ops} operations against the gate's op buckets instead of
         * {@link ShapingGate#opsFor} of its bytes (0: it continues an operation already charged, as EBS counts a
         * contiguous I/O merged into the one before it).
         */
        public void ops(final long ops)
        {
            if (ops < 0)
            {
                throw new IllegalArgumentException("a record's operations " + ops + " must be >= 0");
            }
            this.ops = ops;
        }

        /** This try, the record waits until {@code untilNs} without being shaped or counted. */
        public void holdUntil(final long untilNs)
        {
            this.holdUntilNs = untilNs;
        }

        /** The record leaves the ring without being shaped or delivered (the handler counts why). */
        public void drop()
        {
            this.drop = true;
        }

        /** This try, the record's throttling is counted in {@code counters} instead of the gate's. */
        public void countIn(final ThrottleCounters counters)
        {
            this.counters = counters;
        }

        /** Whether the record has already found downstream full (the handler refused it) on an earlier try. */
        public boolean stalled()
        {
            return stalled;
        }

        void beginTry(final ThrottleCounters gateCounters)
        {
            recordBucket = null;
            ops = -1;
            holdUntilNs = 0;
            drop = false;
            counters = gateCounters;
        }

        void reset()
        {
            fresh = true;
            decision = 0;
            countedEntries = 0;
            throttleCounted = false;
            stalled = false;
        }
    }

    private final class Reader implements ControlledMessageHandler
    {
        static final int STOP_NONE = 0;
        static final int STOP_WAIT = 1;
        static final int STOP_DOWNSTREAM = 2;

        ShapedRecordHandler handler;
        long nowNs;
        private final ShapingGate.Hold hold = new ShapingGate.Hold();
        long admittedRecordsInPoll;
        long admittedBytesInPoll;
        int stopReason;
        long waitUntilNs;

        @Override
        public Action onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            final long readyAtNs = buffer.getLong(index + READY_AT_OFFSET);
            final long nowNs = this.nowNs;
            if (nowNs < readyAtNs)
            {
                return waitUntil(readyAtNs);
            }
            final int chargedBytes = buffer.getInt(index + CHARGED_BYTES_OFFSET);
            final int tag = buffer.getInt(index + TAG_OFFSET);
            final int payloadIndex = index + HEADER_LENGTH;
            final int payloadLength = length - HEADER_LENGTH;
            final ShapingGate gate = ShapedRing.this.gate;
            final Head head = ShapedRing.this.head;
            head.beginTry(gate.counters());
            handler.onHead(head, tag, buffer, payloadIndex, payloadLength, chargedBytes, nowNs);
            head.fresh = false;
            if (head.drop)
            {
                head.reset(); // the handler counted why; the ring's dropped counters are the producer's
                return Action.COMMIT;
            }
            if (nowNs < head.holdUntilNs)
            {
                return waitUntil(head.holdUntilNs);
            }
            final TokenBucket recordBucket = head.recordBucket;
            final long ops = head.ops >= 0 ? head.ops : gate.opsFor(chargedBytes);
            final int reasons = gate.check(chargedBytes, ops, recordBucket, nowNs, hold);
            if (reasons != 0)
            {
                if (!head.throttleCounted)
                {
                    head.throttleCounted = true;
                    throttledRecords.incrementRelease();
                    throttledBytes.getAndAddRelease(chargedBytes);
                }
                head.countedEntries =
                    head.counters.countHeld(reasons, head.countedEntries, chargedBytes, ops);
                if (countQueued)
                {
                    heldReasons |= reasons;
                    for (int bits = reasons; bits != 0; bits &= bits - 1)
                    {
                        lastHeldNs[Integer.numberOfTrailingZeros(bits)] = nowNs;
                    }
                }
                final long admitNs = hold.admitNs(); // from the same pass over the buckets as the check
                tracer.emit(TraceKind.SHAPING_THROTTLED, tag, chargedBytes, reasons, admitNs, 0);
                return waitUntil(admitNs);
            }
            if (!handler.onRecord(tag, buffer, payloadIndex, payloadLength, chargedBytes, readyAtNs, nowNs))
            {
                head.stalled = true;
                stopReason = STOP_DOWNSTREAM;
                return Action.ABORT;
            }
            gate.consume(chargedBytes, ops, recordBucket, nowNs);
            if (countQueued)
            {
                countQueuedBehind(head, chargedBytes, readyAtNs);
            }
            tracer.emit(TraceKind.SHAPING_ADMITTED, tag, chargedBytes, 0, 0, 0);
            head.reset();
            admittedRecordsInPoll++;
            admittedBytesInPoll += chargedBytes;
            return Action.COMMIT;
        }

        /** Counts an admitted record for the reasons that held a head while it was queued (since it was ready). */
        private void countQueuedBehind(final Head head, final int chargedBytes, final long readyAtNs)
        {
            int reasons = 0;
            for (int bits = heldReasons; bits != 0; bits &= bits - 1)
            {
                final int bit = Integer.numberOfTrailingZeros(bits);
                if (lastHeldNs[bit] >= readyAtNs)
                {
                    reasons |= 1 << bit;
                }
            }
            if (reasons != 0)
            {
                head.counters.countHeld(reasons, head.countedEntries, chargedBytes, gate.opsFor(chargedBytes));
            }
        }

        private Action waitUntil(final long untilNs)
        {
            stopReason = STOP_WAIT;
            waitUntilNs = untilNs;
            return Action.ABORT;
        }
    }

    /** Validates and builds a ring (one place for all of its configuration). */
    public static final class Builder
    {
        private final String name;
        private int capacityBytes = 128 * 1024; // the smallest ring whose records hold the default max payload
        private int maxPayloadBytes = 9216;
        private boolean manyProducers;
        private boolean countQueued;
        private ShapingGate gate = ShapingGate.OPEN;
        private CounterRegistry registry;
        private MetricTags tags = MetricTags.EMPTY;

        private Builder(final String name)
        {
            this.name = name;
        }

        /** Data capacity in bytes (default 128 KiB); rounded up to a power of two, at least 1 KiB. */
        public Builder capacityBytes(final int capacityBytes)
        {
            if (capacityBytes < 1024 || capacityBytes > (1 << 30))
            {
                throw new IllegalArgumentException(
                    name + ": ring capacity " + capacityBytes + " B out of range, accepted 1024.." + (1 << 30) + " B");
            }
            this.capacityBytes = capacityBytes;
            return this;
        }

        /** Largest payload a record will carry (checked against the ring's maximum message). */
        public Builder maxPayloadBytes(final int maxPayloadBytes)
        {
            if (maxPayloadBytes < 0)
            {
                throw new IllegalArgumentException(name + ": max payload " + maxPayloadBytes + " B must be >= 0");
            }
            this.maxPayloadBytes = maxPayloadBytes;
            return this;
        }

        public Builder manyProducers(final boolean manyProducers)
        {
            this.manyProducers = manyProducers;
            return this;
        }

        /**
         * Also counts, when a record is admitted, the reasons that held a head while it was queued: each record
         * queued because of a limit is counted once per counter, not only the ones that reached the head while
         * the limit held (default false: only heads are counted).
         */
        public Builder countQueued(final boolean countQueued)
        {
            this.countQueued = countQueued;
            return this;
        }

        public Builder gate(final ShapingGate gate)
        {
            this.gate = gate == null ? ShapingGate.OPEN : gate;
            return this;
        }

        /** Registers the ring's meters ({@link RingMeter}) with these tags; without a registry, not exported. */
        public Builder counters(final CounterRegistry registry, final MetricTags tags)
        {
            this.registry = registry;
            this.tags = tags == null ? MetricTags.EMPTY : tags;
            return this;
        }

        public ShapedRing build()
        {
            return new ShapedRing(this);
        }
    }
}
