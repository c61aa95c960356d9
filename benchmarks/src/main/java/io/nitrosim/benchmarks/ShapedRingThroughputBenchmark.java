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
 * {@link OneToOneRingBuffer}, on one thread, in the same run. Three rings:
 * <ul>
 *   <li>{@code raw*}: the bare ring, {@code write} + {@code read} (the baseline);</li>
 *   <li>{@code rawFmt*}: the bare ring carrying ShapedRing's record format the way ShapedRing does
 *       ({@code tryClaim}, 16-byte header, {@code commit}; {@code controlledRead} decoding the header and calling a
 *       {@link ShapedRecordHandler}), without gate, counters or poll bookkeeping;</li>
 *   <li>{@code shaped*}: ShapedRing itself.</li>
 * </ul>
 * raw to rawFmt is what the record format costs; rawFmt to shaped is ShapedRing's own logic.
 * <p>
 * Two schemes, each applied identically to every ring; one JMH operation is one record:
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
    private static final int MSG_TYPE = ShapedRing.MSG_TYPE_PAYLOAD;
    // Room for a whole batch of the largest records, and within Agrona's max message = capacity / 8.
    private static final int CAPACITY_BYTES = 1 << 20;
    private static final int MAX_RECORD_BYTES = 9001;

    @Param({"64", "1500", "9001"})
    public int recordBytes;

    private ShapedRing shaped;
    private OneToOneRingBuffer raw;
    private final MutableDirectBuffer source = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_RECORD_BYTES));
    private final PayloadSink sink = new PayloadSink();
    private final RawSink rawSink = new RawSink();
    private final FormatReader formatReader = new FormatReader();

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
        formatReader.sink = sink;
    }

    @Benchmark
    public long rawOne()
    {
        writeRaw();
        readRaw(1);
        return rawSink.checksum;
    }

    @Benchmark
    public long rawFmtOne()
    {
        writeRawFormat();
        readRawFormat(1);
        return sink.checksum;
    }

    @Benchmark
    public long shapedOne()
    {
        offerShaped();
        pollShaped(1);
        return sink.checksum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long rawBatch()
    {
        for (int i = 0; i < BATCH; i++)
        {
            writeRaw();
        }
        readRaw(BATCH);
        return rawSink.checksum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long rawFmtBatch()
    {
        for (int i = 0; i < BATCH; i++)
        {
            writeRawFormat();
        }
        readRawFormat(BATCH);
        return sink.checksum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long shapedBatch()
    {
        for (int i = 0; i < BATCH; i++)
        {
            offerShaped();
        }
        pollShaped(BATCH);
        return sink.checksum;
    }

    private void writeRaw()
    {
        if (!raw.write(MSG_TYPE, source, 0, recordBytes))
        {
            throw new IllegalStateException("raw ring full");
        }
    }

    private void writeRawFormat()
    {
        final OneToOneRingBuffer raw = this.raw;
        final int recordBytes = this.recordBytes;
        final int index = raw.tryClaim(MSG_TYPE, ShapedRing.HEADER_LENGTH + recordBytes);
        if (index < 0)
        {
            throw new IllegalStateException("raw ring full");
        }
        final MutableDirectBuffer buffer = raw.buffer();
        buffer.putLong(index + ShapedRing.READY_AT_OFFSET, 0L);
        buffer.putInt(index + ShapedRing.CHARGED_BYTES_OFFSET, recordBytes);
        buffer.putInt(index + ShapedRing.TAG_OFFSET, TAG);
        buffer.putBytes(index + ShapedRing.HEADER_LENGTH, source, 0, recordBytes);
        raw.commit(index);
    }

    private void offerShaped()
    {
        if (!shaped.offer(0L, TAG, source, 0, recordBytes))
        {
            throw new IllegalStateException("shaped ring full");
        }
    }

    // A read stops at the end of the buffer (Agrona reads one contiguous block), so a batch that wraps takes
    // two calls; every ring pays this alike. Two calls always suffice: a batch is far smaller than the ring.
    private void readRaw(final int records)
    {
        int delivered = raw.read(rawSink, records);
        if (delivered < records)
        {
            delivered += raw.read(rawSink, records - delivered);
            checkDelivered("raw", delivered, records);
        }
    }

    private void readRawFormat(final int records)
    {
        int delivered = raw.controlledRead(formatReader, records);
        if (delivered < records)
        {
            delivered += raw.controlledRead(formatReader, records - delivered);
            checkDelivered("raw (format)", delivered, records);
        }
    }

    private void pollShaped(final int records)
    {
        int delivered = shaped.poll(sink, records, 0L);
        if (delivered < records)
        {
            delivered += shaped.poll(sink, records - delivered, 0L);
            checkDelivered("shaped", delivered, records);
        }
    }

    private static void checkDelivered(final String ring, final int delivered, final int records)
    {
        if (delivered != records)
        {
            throw new IllegalStateException(ring + " ring delivered " + delivered + " of " + records + " records");
        }
    }

    /** The consumer's handler for both rings that carry ShapedRing's record format. */
    private static final class PayloadSink implements ShapedRecordHandler
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

    /** Decodes ShapedRing's header as its reader does, minus the gate and the counters. */
    private static final class FormatReader implements ControlledMessageHandler
    {
        ShapedRecordHandler sink;

        @Override
        public Action onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            final long readyAtNs = buffer.getLong(index + ShapedRing.READY_AT_OFFSET);
            final int chargedBytes = buffer.getInt(index + ShapedRing.CHARGED_BYTES_OFFSET);
            final int tag = buffer.getInt(index + ShapedRing.TAG_OFFSET);
            final int payloadLength = length - ShapedRing.HEADER_LENGTH;
            return sink.onRecord(tag, buffer, index + ShapedRing.HEADER_LENGTH, payloadLength, chargedBytes, readyAtNs, 0L) ?
                Action.COMMIT : Action.ABORT;
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
