package io.nitrosim.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import io.nitrosim.time.WallClock;

/**
 * What this machine gives any two-thread hand-off, with no simulator in it: the floor under {@link
 * RealTimeLatencyBenchmark}'s two-worker latency. A sender thread writes a record stamped with the wall clock into
 * an Agrona {@link OneToOneRingBuffer} at a fixed rate (parked between sends, so it leaves the second core to
 * the rest of the machine); a receiver thread spins on the ring and records, per record, the wall clock minus the
 * stamp. The receiver never waits on purpose, so every microsecond above the cost of a cache line crossing cores
 * is the machine's: the scheduler descheduling the spinning thread for the JIT, the GC, another process or the
 * hypervisor. The simulator's two workers cannot do better than this on the same machine at the same time.
 * <p>
 * Not thread-safe: one measurement at a time.
 */
final class BareHandoffLatency
{
    private static final int RING_CAPACITY_BYTES = 64 * 1024;
    private static final int MSG_TYPE = 1;
    private static final long MAX_RECORDED_NS = TimeUnit.SECONDS.toNanos(10);

    private final Histogram oneWayNs = new Histogram(MAX_RECORDED_NS, 3);

    /**
     * Sends {@code recordsPerSecond} records for {@code durationNs} of wall time and returns the one-way latencies
     * in nanoseconds.
     */
    Histogram measure(final long durationNs, final long recordsPerSecond) throws InterruptedException
    {
        if (durationNs < 1 || recordsPerSecond < 1)
        {
            throw new IllegalArgumentException("duration " + durationNs + " ns and rate " + recordsPerSecond
                + " records/s must both be positive");
        }
        oneWayNs.reset();
        final OneToOneRingBuffer ring = new OneToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(RING_CAPACITY_BYTES + RingBufferDescriptor.TRAILER_LENGTH)));
        final long records = Math.max(1, Math.round(recordsPerSecond * (durationNs / 1e9)));
        final long intervalNs = Math.max(1, 1_000_000_000L / recordsPerSecond);
        final Thread receiver = new Thread(() -> receive(ring, records), "bare-handoff-receiver");
        receiver.setDaemon(true);
        receiver.start();
        final UnsafeBuffer record = new UnsafeBuffer(new byte[Long.BYTES]);
        long nextSendNs = WallClock.nanoTime();
        for (long sent = 0; sent < records; sent++)
        {
            WallClock.parkUntil(nextSendNs); // the stamp is taken after the park: its overshoot is not latency
            record.putLong(0, WallClock.nanoTime());
            while (!ring.write(MSG_TYPE, record, 0, Long.BYTES))
            {
                Thread.onSpinWait(); // full: the receiver is descheduled; its records wait, as a worker's would
            }
            nextSendNs += intervalNs;
        }
        receiver.join(TimeUnit.SECONDS.toMillis(30));
        if (receiver.isAlive())
        {
            receiver.interrupt();
            throw new IllegalStateException("receiver did not take all " + records + " records within 30 s");
        }
        return oneWayNs;
    }

    private void receive(final OneToOneRingBuffer ring, final long records)
    {
        final long[] received = new long[1];
        while (received[0] < records && !Thread.currentThread().isInterrupted())
        {
            final int read = ring.read((type, buffer, index, length) -> record(buffer, index, received));
            if (read == 0)
            {
                Thread.onSpinWait();
            }
        }
    }

    private void record(final DirectBuffer buffer, final int index, final long[] received)
    {
        oneWayNs.recordValue(Math.min(MAX_RECORDED_NS, Math.max(0, WallClock.nanoTime() - buffer.getLong(index))));
        received[0]++;
    }
}
