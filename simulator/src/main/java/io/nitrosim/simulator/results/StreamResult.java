package io.nitrosim.simulator.results;

import java.util.Objects;

/**
 * One iperf-like stream.
 *
 * @param workload       the workload it belongs to.
 * @param stream         its index or name within the workload.
 * @param from           sending instance name.
 * @param to             receiving instance name.
 * @param protocol       tcp or udp.
 * @param frameBytes     frame size on the wire.
 * @param throughputGbps achieved goodput.
 * @param lossPercent    frames lost, percent of frames sent.
 * @param oneWayLatency  one-way latency of delivered frames.
 */
public record StreamResult(
    String workload,
    String stream,
    String from,
    String to,
    String protocol,
    int frameBytes,
    double throughputGbps,
    double lossPercent,
    LatencySummary oneWayLatency)
{
    public StreamResult
    {
        Checks.text("workload", workload);
        Checks.text("stream", stream);
        Checks.text("from", from);
        Checks.text("to", to);
        Checks.text("protocol", protocol);
        Checks.nonNegative("frameBytes", frameBytes);
        Checks.nonNegative("throughputGbps", throughputGbps);
        Checks.percent("lossPercent", lossPercent);
        Objects.requireNonNull(oneWayLatency, "oneWayLatency must not be null");
    }
}
