package io.nitrosim.nic.traffic;

import java.util.List;

import org.HdrHistogram.Histogram;

/**
 * One stream's (or the total's) outcome. Throughput is bits received per second of the stream's sending window;
 * latency percentiles are one-way, in ns of simulated time (-1 when nothing was received). Losses are counted as
 * iperf's receiver counts them: frames missing up to the highest sequence number received (all frames sent when
 * none arrived), so frames still queued at the sender or in flight when the run ends are not losses.
 */
public record StreamResult(
    int streamId,
    long framesSent,
    long bytesSent,
    long framesReceived,
    long bytesReceived,
    long framesLost,
    double lossRatio,
    double throughputBitsPerSec,
    long latencyP50Ns,
    long latencyP90Ns,
    long latencyP99Ns,
    long latencyMaxNs,
    long tcpLossEvents,
    long tcpTimeouts)
{
    /**
     * Combines senders and their receivers ({@code receivers.get(i)} receives {@code senders.get(i)}'s stream);
     * throughput over the union of the senders' windows, latency percentiles over all received frames.
     *
     * @param id the result's stream id (-1 for a total).
     */
    public static StreamResult combine(final int id, final List<TrafficStream> senders,
        final List<StreamReceiver> receivers)
    {
        if (senders.size() != receivers.size())
        {
            throw new IllegalArgumentException(senders.size() + " senders but " + receivers.size()
                + " receivers: each sender needs its receiver");
        }
        long framesSent = 0;
        long bytesSent = 0;
        long framesReceived = 0;
        long bytesReceived = 0;
        long framesDue = 0;
        long lossEvents = 0;
        long timeouts = 0;
        long startNs = Long.MAX_VALUE;
        long stopNs = Long.MIN_VALUE;
        final Histogram latency = new Histogram(StreamReceiver.MAX_LATENCY_NS, 3);
        for (int i = 0; i < senders.size(); i++)
        {
            final TrafficStream sender = senders.get(i);
            final StreamReceiver receiver = receivers.get(i);
            framesSent += sender.framesSent();
            bytesSent += sender.bytesSent();
            framesReceived += receiver.framesReceived();
            // As iperf's receiver counts: against the frames up to the highest sequence received (those after it
            // were still queued at the sender or in flight when the run ended); all of them when none arrived.
            framesDue += receiver.framesReceived() == 0 ? sender.framesSent()
                : Math.min(sender.framesSent(), receiver.framesUpToHighestReceived());
            bytesReceived += receiver.bytesReceived();
            lossEvents += sender.lossEvents();
            timeouts += sender.timeouts();
            startNs = Math.min(startNs, sender.spec().startNs());
            stopNs = Math.max(stopNs, sender.spec().stopNs());
            latency.add(receiver.latency());
        }
        final long lost = Math.max(0, framesDue - framesReceived);
        final double seconds = senders.isEmpty() ? 1 : (stopNs - startNs) / 1e9;
        final boolean any = latency.getTotalCount() > 0;
        return new StreamResult(id, framesSent, bytesSent, framesReceived, bytesReceived, lost,
            framesDue == 0 ? 0 : (double)lost / framesDue, bytesReceived * 8.0 / seconds,
            any ? latency.getValueAtPercentile(50) : -1, any ? latency.getValueAtPercentile(90) : -1,
            any ? latency.getValueAtPercentile(99) : -1, any ? latency.getMaxValue() : -1, lossEvents, timeouts);
    }

    /** Throughput in Gbit/s. */
    public double throughputGbps()
    {
        return throughputBitsPerSec / 1e9;
    }

    @Override
    public String toString()
    {
        return String.format(java.util.Locale.ROOT,
            "stream %d: %.4f Gbps, sent %d frames, received %d, lost %d (%.4f %%), latency p50 %d ns p99 %d ns max %d ns"
                + ", tcp loss events %d, timeouts %d",
            streamId, throughputGbps(), framesSent, framesReceived, framesLost, lossRatio * 100, latencyP50Ns,
            latencyP99Ns, latencyMaxNs, tcpLossEvents, tcpTimeouts);
    }
}
