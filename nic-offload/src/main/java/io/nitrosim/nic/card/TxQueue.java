package io.nitrosim.nic.card;

import java.util.concurrent.atomic.AtomicLong;

import org.agrona.BitUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;

import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.nic.frame.FrameOutlet;
import io.nitrosim.nic.vpc.Eni;
import io.nitrosim.shaping.ShapedRing;

/**
 * One egress queue of an ENI: a {@link ShapedRing} from one producer (an ENA TX queue, or a card-level traffic
 * stream) to the card, bounded to {@code depthFrames} frames like an ENA submission queue, and gated by the ENI's
 * egress gate (the instance's outbound allowance and PPS limit, plus each frame's flow bucket). When the gate
 * holds the head, the queue stays full and {@link #tryClaim} fails: back-pressure reaches the producer and
 * nothing is dropped.
 * <p>
 * Records carry the frame's first {@code capturedLength} bytes (all of it in payload mode, at least its headers
 * in timing-only mode) and are charged {@code frameLength}. Single producer thread.
 */
public final class TxQueue implements FrameOutlet
{
    private final EniPort port;
    private final int queueId;
    private final int depthFrames;
    private final int maxCapturedBytes;
    private final NanoClock clock;
    private final ShapedRing ring;
    /** Frames committed: the producer's count, and the same published (release) for the card. */
    private long produced;
    private final AtomicLong producedPublished = new AtomicLong();
    private final AtomicLong consumed = new AtomicLong();

    TxQueue(final EniPort port, final int queueId, final int depthFrames, final int maxCapturedBytes,
        final NanoClock clock)
    {
        if (depthFrames < 1 || depthFrames > 65_536)
        {
            throw new IllegalArgumentException("TX queue depth " + depthFrames + " out of range, accepted 1..65536 frames");
        }
        if (maxCapturedBytes < EthernetFrame.L4_OFFSET + EthernetFrame.TCP_HEADER_LENGTH
            || maxCapturedBytes > EthernetFrame.MAX_FRAME_LENGTH)
        {
            throw new IllegalArgumentException("TX queue max captured bytes " + maxCapturedBytes
                + " out of range, accepted " + (EthernetFrame.L4_OFFSET + EthernetFrame.TCP_HEADER_LENGTH) + ".."
                + EthernetFrame.MAX_FRAME_LENGTH);
        }
        this.port = port;
        this.queueId = queueId;
        this.depthFrames = depthFrames;
        this.maxCapturedBytes = maxCapturedBytes;
        this.clock = clock;
        // Agrona record header + ShapedRing header + capture, 8-aligned; one spare record for wrap padding.
        final int recordBytes = BitUtil.align(RecordDescriptor.HEADER_LENGTH + ShapedRing.HEADER_LENGTH
            + maxCapturedBytes, RecordDescriptor.ALIGNMENT);
        final long capacity = Math.max(1024L, (long)recordBytes * (depthFrames + 1));
        if (capacity > (1 << 30))
        {
            throw new IllegalArgumentException("TX queue of " + depthFrames + " frames x " + maxCapturedBytes
                + " B needs " + capacity + " B, accepted at most " + (1 << 30) + " B");
        }
        final Eni eni = port.eni();
        this.ring = ShapedRing.builder("tx " + eni.id() + "/" + queueId)
            .capacityBytes((int)capacity)
            .maxPayloadBytes(maxCapturedBytes)
            .gate(port.egressGate())
            .countQueued(true) // bw_out / pps count every frame queued because of the allowance, as ENA does
            .build();
        ring.tracer(port.tracer());
    }

    public EniPort port()
    {
        return port;
    }

    public int queueId()
    {
        return queueId;
    }

    public int depthFrames()
    {
        return depthFrames;
    }

    public int maxCapturedBytes()
    {
        return maxCapturedBytes;
    }

    /**
     * Claims a slot for a frame whose first {@code capturedLength} bytes will be written at the returned index
     * of {@link #buffer()}, then {@link #commit(int)}.
     *
     * @return the index, or -1 when the queue is full.
     */
    @Override
    public int tryClaim(final int capturedLength, final int frameLength)
    {
        if (capturedLength < EthernetFrame.L4_OFFSET || capturedLength > maxCapturedBytes || capturedLength > frameLength)
        {
            throw new IllegalArgumentException("captured length " + capturedLength + " B out of range, accepted "
                + EthernetFrame.L4_OFFSET + ".." + Math.min(maxCapturedBytes, frameLength) + " B (frame " + frameLength + " B)");
        }
        if (produced - consumed.get() >= depthFrames)
        {
            return -1;
        }
        return ring.tryClaim(clock.nanoTime(), frameLength, queueId, capturedLength);
    }

    @Override
    public MutableDirectBuffer buffer()
    {
        return ring.buffer();
    }

    @Override
    public void commit(final int index)
    {
        // Counted before the record is committed (and the card woken): a card woken by the commit sees the count; one
        // that sees the count first at worst polls before the record is there, and is woken again by the commit.
        producedPublished.lazySet(++produced);
        ring.commit(index);
    }

    public void abort(final int index)
    {
        ring.abort(index);
    }

    /** Whether a frame can be claimed now (producer side). */
    @Override
    public boolean hasRoom()
    {
        return produced - consumed.get() < depthFrames;
    }

    /** Frames waiting (approximate when read from another thread). */
    public long queuedFrames()
    {
        return produced - consumed.get();
    }

    public boolean isEmpty()
    {
        return ring.isEmpty();
    }

    /**
     * Card side: whether every frame committed so far has left the ring (admitted or dropped), so a poll would find
     * it empty (a frame being committed may already be counted: the card then polls once for nothing). One acquire read instead of a poll of the ring (its positions, its head record, its deadline).
     */
    boolean isDrained()
    {
        return producedPublished.get() == consumed.get();
    }

    ShapedRing ring()
    {
        return ring;
    }

    void onConsumed()
    {
        consumed.lazySet(consumed.get() + 1);
    }
}
