package io.nitrosim.nic.traffic;

/**
 * One stream's (or the total's) outcome. Throughput is bits received per second of the stream's sending window;
 * latency percentiles are one-way, in ns of simulated time (-1 when nothing was received).
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
