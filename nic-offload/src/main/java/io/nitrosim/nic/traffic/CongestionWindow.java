package io.nitrosim.nic.traffic;

/**
 * The TCP-like congestion window shared by the iperf model's {@link TrafficStream} and the port bridge's
 * reliable stream: slow start (one segment per segment delivered) up to the slow-start threshold, then additive
 * increase of one segment per window, halving once per loss episode (a loss counts only if its sequence is at
 * or past the point where the last halving happened), and collapse to one segment on a retransmission timeout.
 * Fixed-point arithmetic in 1/1024 segments; capped at the receive window's segments.
 * <p>
 * Sequence numbers here are whatever the owner orders its transmissions by (segments for the model, bytes for
 * the bridge): only their order matters. Single-threaded, allocation-free.
 */
public final class CongestionWindow
{
    private static final long SCALE = 1024;

    private final long maxSegments;
    private long scaled;
    private long ssthreshSegments = Long.MAX_VALUE;
    private long recoverSeq = -1;
    private long lossEvents;
    private long timeouts;
    private long srttNs;

    /**
     * @param initialSegments the initial window.
     * @param maxSegments     the window never exceeds this (the receive window in segments), at least 1.
     */
    public CongestionWindow(final long initialSegments, final long maxSegments)
    {
        this.maxSegments = Math.max(1, maxSegments);
        this.scaled = initialSegments * SCALE;
    }

    /** The congestion window, whole segments. */
    public long segments()
    {
        return scaled / SCALE;
    }

    /** Segments that may be in flight: the congestion window within the receive window's cap. */
    public long allowedSegments()
    {
        return Math.min(segments(), maxSegments);
    }

    public long lossEvents()
    {
        return lossEvents;
    }

    public long timeouts()
    {
        return timeouts;
    }

    public long smoothedRttNs()
    {
        return srttNs;
    }

    /** A round-trip sample (exponential average with gain 1/8). */
    public void onRttSample(final long rttNs)
    {
        srttNs = srttNs == 0 ? rttNs : srttNs + (rttNs - srttNs) / 8;
    }

    /**
     * A loss detected at {@code lostSeq}. Halves the window unless this episode already did (losses before
     * the sequence sent when it last halved belong to the same episode).
     *
     * @param nextSeq the next sequence the sender will send: later losses start a new episode.
     * @return true if the window was halved.
     */
    public boolean onLoss(final long lostSeq, final long nextSeq)
    {
        if (lostSeq < recoverSeq)
        {
            return false;
        }
        lossEvents++;
        scaled = Math.max(SCALE, scaled / 2);
        ssthreshSegments = segments();
        recoverSeq = nextSeq;
        return true;
    }

    /** Segments newly delivered: slow start below the threshold, additive increase above it. */
    public void onDelivered(final long segments)
    {
        if (segments <= 0)
        {
            return;
        }
        if (segments() < ssthreshSegments)
        {
            scaled += segments * SCALE;
        }
        else
        {
            scaled += segments * SCALE * SCALE / Math.max(SCALE, scaled);
        }
        scaled = Math.min(scaled, maxSegments * SCALE);
    }

    /** A retransmission timeout: the threshold goes to half the window, the window to one segment. */
    public void onTimeout(final long nextSeq)
    {
        timeouts++;
        ssthreshSegments = Math.max(2, segments() / 2);
        scaled = SCALE;
        recoverSeq = nextSeq;
    }
}
