package io.nitrosim.simulator.engine;

import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.Histogram;

import io.nitrosim.nic.traffic.Iperf;
import io.nitrosim.nic.traffic.StreamReceiver;
import io.nitrosim.nic.traffic.StreamSpec;
import io.nitrosim.simulator.results.LatencySummary;
import io.nitrosim.simulator.results.StreamResult;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.time.SimRuntime;

/**
 * The scenario's iperf-like workloads: streams between instances' primary ENIs, one flow (5-tuple) each.
 */
final class NetworkWorkloads
{
    private final Iperf iperf;
    private final List<Run> runs = new ArrayList<>();

    private record Run(Scenario.IperfWorkload workload, List<Iperf.Stream> streams)
    {
    }

    NetworkWorkloads(final Scenario scenario, final SimRuntime runtime, final NetworkSide network)
    {
        iperf = new Iperf(runtime);
        for (final Scenario.Workload w : scenario.workloads())
        {
            if (!(w instanceof Scenario.IperfWorkload))
            {
                continue;
            }
            final Scenario.IperfWorkload iw = (Scenario.IperfWorkload)w;
            final StreamSpec.Mode mode = iw.protocol().equals("tcp") ? StreamSpec.Mode.TCP :
                iw.rateBytesPerSec() > 0 ? StreamSpec.Mode.UDP_RATE : StreamSpec.Mode.UDP_UNLIMITED;
            final List<Iperf.Stream> streams = new ArrayList<>();
            for (int i = 0; i < iw.streams(); i++)
            {
                final StreamSpec.Builder spec = StreamSpec.builder(mode).mtu(iw.frameBytes())
                    .window(iw.startNs(), Math.min(scenario.durationNs(), iw.startNs() + iw.durationNs()))
                    .payloadMode(scenario.payload() == Scenario.PayloadMode.FULL);
                if (mode == StreamSpec.Mode.UDP_RATE)
                {
                    spec.rateBytesPerSec(Math.max(1, iw.rateBytesPerSec() / iw.streams()));
                }
                if (mode == StreamSpec.Mode.TCP)
                {
                    spec.windowBytes(iw.windowBytes());
                }
                streams.add(iperf.stream(spec.build(), network.instance(iw.from()).primary().port(),
                    network.instance(iw.to()).primary().port()));
            }
            runs.add(new Run(iw, streams));
        }
    }

    List<StreamResult> streamResults()
    {
        final List<StreamResult> results = new ArrayList<>();
        for (final Run run : runs)
        {
            final Scenario.IperfWorkload w = run.workload();
            long sentFrames = 0;
            long lostFrames = 0;
            double gbps = 0;
            final Histogram all = new Histogram(StreamReceiver.MAX_LATENCY_NS, 3);
            int index = 0;
            for (final Iperf.Stream s : run.streams())
            {
                final io.nitrosim.nic.traffic.StreamResult r = s.result();
                results.add(new StreamResult(w.name(), String.valueOf(index++), w.from(), w.to(), w.protocol(),
                    w.frameBytes(), r.throughputGbps(), r.lossRatio() * 100.0, latency(s.receiver().latency())));
                all.add(s.receiver().latency());
                sentFrames += r.framesSent();
                lostFrames += r.framesLost();
                gbps += r.throughputGbps();
            }
            final double loss = sentFrames == 0 ? 0 : 100.0 * lostFrames / sentFrames;
            results.add(new StreamResult(w.name(), ExpectationEvaluator.TOTAL, w.from(), w.to(), w.protocol(),
                w.frameBytes(), gbps, loss, latency(all)));
        }
        return results;
    }

    private static LatencySummary latency(final Histogram histogramNs)
    {
        return histogramNs.getTotalCount() == 0 ? LatencySummary.NONE : LatencySummary.fromHistogramNs(histogramNs);
    }
}
