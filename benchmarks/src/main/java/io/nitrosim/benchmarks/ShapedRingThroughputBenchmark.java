package io.nitrosim.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.nitrosim.shaping.ShapedRecordHandler;
import io.nitrosim.shaping.ShapedRing;
import io.nitrosim.shaping.ShapingGate;

/**
 * Cost of the shaped ring with caps off ({@link ShapingGate#OPEN}, {@code readyAtNs} 0) against a bare Agrona
 * {@link OneToOneRingBuffer}, on one thread, in the same run. The bare ring is read two ways: {@code raw*}
 * with {@code read} (the baseline), {@code rawCtl*} with {@code controlledRead} committing each record as
 * ShapedRing does, which splits the gap into Agrona's controlled read and ShapedRing's own work.
 * <p>
 * Two schemes, each applied identically to both rings; one JMH operation is one record:
 * <ul>
 *   <li>{@code *One}: write one record, then read it (ring always empty: the worst case for per-poll
 *       overhead);</li>
 *   <li>{@code *Batch}: write {@value #BATCH} records, then read them with one poll (per-record cost).</li>
 * </ul>
 * Writers copy {@code recordBytes} of payload in; readers read the first 8 payload bytes and the length, so the
 * record is really delivered and nothing is dead code. Payload bytes per second = messages/s x recordBytes.
 * The rings hold 1 MiB, so the working set stays in cache: this is the rings' own cost, not memory bandwidth.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
public class ShapedRingThroughputBenchmark
{
    static final int BATCH = 32;
    private static final int TAG = 7;
    private static final int RAW_MSG_TYPE = ShapedRing.MSG_TYPE_PAYLOAD;
    // Room for a whole batch of the largest records, and within Agrona's max message = capacity / 8.
    private static final int CAPACITY_BYTES = 1 << 20;
    private static final int MAX_RECORD_BYTES = 9001;

    @Param({"64", "1500", "9001"})
    public int recordBytes;

    private ShapedRing shaped;
    private OneToOneRingBuffer raw;
    private final MutableDirectBuffer source = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_RECORD_BYTES));
    private final ShapedSink shapedSink = new ShapedSink();
    private final RawSink rawSink = new RawSink();
    private final RawControlledSink rawControlledSink = new RawControlledSink();

    @Setup
    public void setUp()
    {
        JvmFlagsCheck.requireProjectJvmFlags();
        if (recordBytes < Long.BYTES || recordBytes > MAX_RECORD_BYTES)
        {
            throw new IllegalArgumentException(
                "recordBytes " + recordBytes + " out of range, accepted " + Long.BYTES + ".." + MAX_RECORD_BYTES);
        }
        for (int i = 0; i < MAX_RECORD_BYTES; i++)
        {
            source.putByte(i, (byte)i);
        }
        shaped = ShapedRing.builder("bench")
            .capacityBytes(CAPACITY_BYTES)
            .maxPayloadBytes(MAX_RECORD_BYTES)
            .gate(ShapingGate.OPEN)
            .build();
        raw = new OneToOneRingBuffer(
            new UnsafeBuffer(ByteBuffer.allocateDirect(CAPACITY_BYTES + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    @Benchmark
    public long shapedOne()
    {
        if (!shaped.offer(0L, TAG, source, 0, recordBytes))
        {
            throw new IllegalStateException("shaped ring full");
        }
        pollShaped(1);
        return shapedSink.checksum;
    }

    @Benchmark
    public long rawOne()
    {
        if (!raw.write(RAW_MSG_TYPE, source, 0, recordBytes))
        {
            throw new IllegalStateException("raw ring full");
        }
        readRaw(1);
        return rawSink.checksum;
    }

    @Benchmark
    public long rawCtlOne()
    {
        if (!raw.write(RAW_MSG_TYPE, source, 0, recordBytes))
        {
            throw new IllegalStateException("raw ring full");
        }
        readRawControlled(1);
        return rawControlledSink.checksum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long shapedBatch()
    {
        final ShapedRing shaped = this.shaped;
        final int recordBytes = this.recordBytes;
        for (int i = 0; i < BATCH; i++)
        {
            if (!shaped.offer(0L, TAG, source, 0, recordBytes))
            {
                throw new IllegalStateException("shaped ring full");
            }
        }
        pollShaped(BATCH);
        return shapedSink.checksum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long rawBatch()
    {
        final OneToOneRingBuffer raw = this.raw;
        final int recordBytes = this.recordBytes;
        for (int i = 0; i < BATCH; i++)
        {
            if (!raw.write(RAW_MSG_TYPE, source, 0, recordBytes))
            {
                throw new IllegalStateException("raw ring full");
            }
        }
        readRaw(BATCH);
        return rawSink.checksum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long rawCtlBatch()
    {
        final OneToOneRingBuffer raw = this.raw;
        final int recordBytes = this.recordBytes;
        for (int i = 0; i < BATCH; i++)
        {
            if (!raw.write(RAW_MSG_TYPE, source, 0, recordBytes))
            {
                throw new IllegalStateException("raw ring full");
            }
        }
        readRawControlled(BATCH);
        return rawControlledSink.checksum;
    }

    // A read stops at the end of the buffer (Agrona reads one contiguous block), so a batch that wraps takes
    // two calls; both rings pay this alike. Two calls always suffice: a batch is far smaller than the ring.
    private void pollShaped(final int records)
    {
        int delivered = shaped.poll(shapedSink, records, 0L);
        if (delivered < records)
        {
            delivered += shaped.poll(shapedSink, records - delivered, 0L);
            if (delivered != records)
            {
                throw new IllegalStateException("shaped ring delivered " + delivered + " of " + records + " records");
            }
        }
    }

    private void readRaw(final int records)
    {
        int delivered = raw.read(rawSink, records);
        if (delivered < records)
        {
            delivered += raw.read(rawSink, records - delivered);
            if (delivered != records)
            {
                throw new IllegalStateException("raw ring delivered " + delivered + " of " + records + " records");
            }
        }
    }

    private void readRawControlled(final int records)
    {
        int delivered = raw.controlledRead(rawControlledSink, records);
        if (delivered < records)
        {
            delivered += raw.controlledRead(rawControlledSink, records - delivered);
            if (delivered != records)
            {
                throw new IllegalStateException("raw ring delivered " + delivered + " of " + records + " records");
            }
        }
    }

    private static final class ShapedSink implements ShapedRecordHandler
    {
        long checksum;

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
            checksum += buffer.getLong(payloadIndex) + payloadLength;
            return true;
        }
    }

    private static final class RawControlledSink implements ControlledMessageHandler
    {
        long checksum;

        @Override
        public Action onMessage(
            final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            checksum += buffer.getLong(index) + length;
            return Action.COMMIT;
        }
    }

    private static final class RawSink implements MessageHandler
    {
        long checksum;

        @Override
        public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            checksum += buffer.getLong(index) + length;
        }
    }
}
