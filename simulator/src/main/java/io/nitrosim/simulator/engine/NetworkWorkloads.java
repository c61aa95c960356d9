package io.nitrosim.simulator.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;

import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.nic.driver.EnaDriver;
import io.nitrosim.nic.driver.EnaDriverMeter;
import io.nitrosim.nic.guest.GuestIperf;
import io.nitrosim.nic.traffic.StreamReceiver;
import io.nitrosim.nic.traffic.StreamSpec;
import io.nitrosim.simulator.results.LatencySummary;
import io.nitrosim.simulator.results.StreamResult;
import io.nitrosim.simulator.scenario.Scenario;

/**
 * The scenario's iperf-like workloads, run inside the guests: each instance that sends or receives gets the
 * reference ENA driver on its primary ENI's function and the guest iperf on top; a stream is one flow (5-tuple).
 */
final class NetworkWorkloads
{
    private final Map<String, GuestIperf> guests = new LinkedHashMap<>();
    private final List<Run> runs = new ArrayList<>();
    private final boolean timingOnly;
    private final CounterRegistry registry;

    private record Run(Scenario.IperfWorkload workload, List<GuestIperf.Stream> streams)
    {
    }

    NetworkWorkloads(final Scenario scenario, final Map<String, Simulation.InstanceHandle> instances,
        final CounterRegistry registry)
    {
        this.registry = registry;
        timingOnly = scenario.payload() == Scenario.PayloadMode.TIMING_ONLY;
        for (final Scenario.Workload w : scenario.workloads())
        {
            if (!(w instanceof Scenario.IperfWorkload))
            {
                continue;
            }
            final Scenario.IperfWorkload iw = (Scenario.IperfWorkload)w;
            final GuestIperf from = guest(instances.get(iw.from()), timingOnly);
            final GuestIperf to = guest(instances.get(iw.to()), timingOnly);
            final StreamSpec.Mode mode = iw.protocol().equals("tcp") ? StreamSpec.Mode.TCP :
                iw.rateBytesPerSec() > 0 ? StreamSpec.Mode.UDP_RATE : StreamSpec.Mode.UDP_UNLIMITED;
            final List<GuestIperf.Stream> streams = new ArrayList<>();
            for (int i = 0; i < iw.streams(); i++)
            {
                final StreamSpec.Builder spec = StreamSpec.builder(mode).mtu(iw.frameBytes())
                    .window(iw.startNs(), Math.min(scenario.durationNs(), iw.startNs() + iw.durationNs()))
                    .payloadMode(!timingOnly).reliable(!timingOnly); // full payload: every byte, in order
                if (mode == StreamSpec.Mode.UDP_RATE)
                {
                    spec.rateBytesPerSec(Math.max(1, iw.rateBytesPerSec() / iw.streams()));
                }
                if (mode == StreamSpec.Mode.TCP)
                {
                    spec.windowBytes(iw.windowBytes());
                }
                streams.add(GuestIperf.stream(spec.build(), from, to));
            }
            runs.add(new Run(iw, streams));
        }
    }

    /**
     * The program of the instance's guest that owns the reference ENA driver of its primary ENI (and the port
     * demultiplexer other programs register with), created on first use.
     */
    GuestIperf guestOf(final Simulation.InstanceHandle h)
    {
        return guest(h, timingOnly);
    }

    /** The instance's guest iperf on its primary ENI, created (with its driver) on first use. */
    /** The ENA driver of the instance's guest iperf on its primary ENI; null when no iperf workload uses it. */
    EnaDriver driver(final String instance)
    {
        final GuestIperf guest = guests.get(instance);
        return guest == null ? null : guest.driver();
    }

    private GuestIperf guest(final Simulation.InstanceHandle h, final boolean timingOnly)
    {
        GuestIperf guest = guests.get(h.spec().name());
        if (guest == null)
        {
            guest = GuestWorkloads.iperf(h.guest(), h.network().primary(), h.spec().type().vcpus(), timingOnly);
            guests.put(h.spec().name(), guest);
            EnaDriverMeter.register(registry, h.network().primary().tags(), guest.driver());
        }
        return guest;
    }

    /** The streams of every iperf workload, in scenario order (tests look at both ends). */
    List<GuestIperf.Stream> streams()
    {
        final List<GuestIperf.Stream> all = new ArrayList<>();
        for (final Run run : runs)
        {
            all.addAll(run.streams());
        }
        return all;
    }

    List<StreamResult> streamResults()
    {
        final List<StreamResult> results = new ArrayList<>();
        for (final Run run : runs)
        {
            final Scenario.IperfWorkload w = run.workload();
            final Histogram all = new Histogram(StreamReceiver.MAX_LATENCY_NS, 3);
            int index = 0;
            for (final GuestIperf.Stream s : run.streams())
            {
                final io.nitrosim.nic.traffic.StreamResult r = s.result();
                results.add(new StreamResult(w.name(), String.valueOf(index++), w.from(), w.to(), w.protocol(),
                    w.frameBytes(), r.throughputGbps(), r.lossRatio() * 100.0, latency(s.receiver().latency())));
                all.add(s.receiver().latency());
            }
            final io.nitrosim.nic.traffic.StreamResult total = GuestIperf.total(run.streams());
            results.add(new StreamResult(w.name(), ExpectationEvaluator.TOTAL, w.from(), w.to(), w.protocol(),
                w.frameBytes(), total.throughputGbps(), total.lossRatio() * 100.0, latency(all)));
        }
        return results;
    }

    private static LatencySummary latency(final Histogram histogramNs)
    {
        return histogramNs.getTotalCount() == 0 ? LatencySummary.NONE : LatencySummary.fromHistogramNs(histogramNs);
    }
}
