package io.nitrosim.simulator.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import io.nitrosim.ebs.fio.FioJob;
import io.nitrosim.nic.traffic.StreamSpec;
import io.nitrosim.simulator.scenario.ScenarioSpec.WorkloadSpec;

/**
 * {@code workloads}: fio jobs checked by the guest fio's own rules ({@link FioJob}) and iperf streams by the
 * guest iperf's ({@link StreamSpec}), each against the field that carries the value; every workload must end
 * within the scenario. An iperf stream with no rate whose frames the sending card drops (no route, egress refused,
 * conntrack allowance full) is accepted: the card's egress pipeline drops them at its line rate.
 */
final class WorkloadsValidator
{
    private static final List<String> FIO_RW = fioModes();
    private static final int MAX_WINDOW_BYTES = 1 << 30;

    private final FieldChecks checks;
    private final long scenarioNs;

    WorkloadsValidator(final FieldChecks checks, final long scenarioNs)
    {
        this.checks = checks;
        this.scenarioNs = scenarioNs;
    }

    private static List<String> fioModes()
    {
        final List<String> modes = new ArrayList<>();
        for (final FioJob.Rw rw : FioJob.Rw.values())
        {
            modes.add(rw.fioName());
        }
        return List.copyOf(modes);
    }

    List<Scenario.Workload> workloads(final List<WorkloadSpec> specs, final List<Scenario.Instance> instances)
    {
        final List<Scenario.Workload> result = new ArrayList<>();
        final Set<String> instanceNames = new LinkedHashSet<>();
        final Map<String, Scenario.Volume> volumes = new LinkedHashMap<>();
        for (final Scenario.Instance i : instances)
        {
            instanceNames.add(i.name());
            for (final Scenario.Volume v : i.volumes())
            {
                volumes.put(v.name(), v);
            }
        }
        final List<WorkloadSpec> list = checks.list("workloads", specs, ScenarioLimits.MAX_WORKLOADS);
        final Set<String> names = new LinkedHashSet<>();
        int streams = 0;
        for (int i = 0; i < list.size(); i++)
        {
            final String path = "workloads[" + i + "]";
            final WorkloadSpec w = checks.entry(path, list.get(i), "a workload {name, kind, ...}");
            final String name = checks.name(path + ".name", w.name());
            if (!names.add(name))
            {
                throw checks.error(path + ".name", "duplicate workload name " + MessageText.quoted(name));
            }
            final String kind = checks.oneOf(path + ".kind", w.kind(), null, List.of("fio", "iperf"));
            final long startNs = checks.duration(path + ".start", w.start(), 0, ScenarioLimits.MAX_DURATION_NS);
            if (startNs >= scenarioNs)
            {
                throw checks.error(path + ".start", MessageText.quoted(w.start())
                    + " is not before the end of the scenario (" + DurationParser.format(scenarioNs) + ")");
            }
            final long durationNs = checks.positiveDuration(path + ".duration", w.duration(), scenarioNs - startNs,
                ScenarioLimits.MAX_DURATION_NS);
            if (durationNs > scenarioNs - startNs)
            {
                throw checks.error(path + ".duration", MessageText.quoted(w.duration()) + " from start "
                    + DurationParser.format(startNs) + " ends after the scenario (" + DurationParser.format(scenarioNs)
                    + "); accepted at most " + DurationParser.format(scenarioNs - startNs));
            }
            if (kind.equals("fio"))
            {
                result.add(fio(path, w, name, startNs, durationNs, volumes));
            }
            else
            {
                final Scenario.IperfWorkload iperf = iperf(path, w, name, startNs, durationNs, instanceNames);
                streams += iperf.streams();
                if (streams > ScenarioLimits.MAX_STREAMS)
                {
                    throw checks.error(path + ".streams", "brings the scenario to " + streams
                        + " streams, accepted at most " + ScenarioLimits.MAX_STREAMS);
                }
                result.add(iperf);
            }
        }
        return result;
    }

    private Scenario.FioWorkload fio(final String path, final WorkloadSpec w, final String name, final long startNs,
        final long durationNs, final Map<String, Scenario.Volume> volumes)
    {
        checks.notFor(path, "fio", "from", w.from());
        checks.notFor(path, "fio", "to", w.to());
        checks.notFor(path, "fio", "streams", w.streams());
        checks.notFor(path, "fio", "protocol", w.protocol());
        checks.notFor(path, "fio", "frameBytes", w.frameBytes());
        checks.notFor(path, "fio", "rateGbps", w.rateGbps());
        checks.notFor(path, "fio", "window", w.window());
        final String volumeName = checks.reference(path + ".volume", w.volume(), volumes.keySet(), "volume");
        final Scenario.Volume volume = volumes.get(volumeName);
        if (w.instance() != null && !w.instance().equals(volume.instance()))
        {
            throw checks.error(path + ".instance", "volume " + volumeName + " is attached to " + volume.instance()
                + ", not " + MessageText.quoted(w.instance()));
        }
        final String rw = checks.oneOf(path + ".rw", w.rw(), null, FIO_RW);
        final int bs = (int)checks.bytes(path + ".bs", w.bs() == null ? "4k" : w.bs(), 1, 1L << 30, "4k, 16k or 256k");
        fioRule(path + ".bs", name, b -> b.blockSizeBytes(bs));
        final int iodepth = w.iodepth() == null ? 1 : w.iodepth();
        fioRule(path + ".iodepth", name, b -> b.iodepth(iodepth));
        final int numjobs = w.numjobs() == null ? 1 : w.numjobs();
        fioRule(path + ".numjobs", name, b -> b.numjobs(numjobs));
        final int mix = w.rwmixread() == null ? 50 : w.rwmixread();
        fioRule(path + ".rwmixread", name, b -> b.rwmixread(mix));
        if (w.rwmixread() != null && !rw.equals("randrw"))
        {
            throw checks.error(path + ".rwmixread", "applies only to rw: randrw, not " + rw);
        }
        final long sizeBytes = w.size() == null ? 0 :
            checks.bytes(path + ".size", w.size(), 1, Long.MAX_VALUE / 2, "64m, 1g or 10g");
        fioRule(path + ".size", name, b -> b.blockSizeBytes(bs).sizeBytes(sizeBytes > 0 ? sizeBytes : bs));
        final boolean verify = Boolean.TRUE.equals(w.verify());
        fioRule(path + ".verify", name, b ->
        {
            b.rw(rw).blockSizeBytes(bs).verify(verify);
            if (sizeBytes > 0)
            {
                b.sizeBytes(sizeBytes);
            }
        });
        final long regionBytes = sizeBytes > 0 ? sizeBytes : FioJob.builder(name).blockSizeBytes(bs).build().sizeBytes();
        final long volumeBytes = volume.sizeGiB() << 30;
        if (regionBytes > volumeBytes / numjobs)
        {
            throw checks.error(path + (w.size() != null ? ".size" : ".numjobs"), numjobs + " job(s) of "
                + FieldChecks.formatBytes(regionBytes) + " each (one region per job) do not fit the "
                + volume.sizeGiB() + " GiB volume " + volumeName);
        }
        return new Scenario.FioWorkload(name, startNs, durationNs, volume.instance(), volumeName, rw, bs, iodepth,
            numjobs, sizeBytes, mix, verify);
    }

    /** Applies one of the guest fio's rules (on an otherwise default job) to the field it concerns. */
    private void fioRule(final String path, final String name, final Consumer<FioJob.Builder> field)
    {
        try
        {
            final FioJob.Builder b = FioJob.builder(name);
            field.accept(b);
            b.build();
        }
        catch (final IllegalArgumentException ex)
        {
            throw checks.error(path, MessageText.line(ex.getMessage()));
        }
    }

    private Scenario.IperfWorkload iperf(final String path, final WorkloadSpec w, final String name, final long startNs,
        final long durationNs, final Set<String> instanceNames)
    {
        checks.notFor(path, "iperf", "volume", w.volume());
        checks.notFor(path, "iperf", "rw", w.rw());
        checks.notFor(path, "iperf", "bs", w.bs());
        checks.notFor(path, "iperf", "iodepth", w.iodepth());
        checks.notFor(path, "iperf", "numjobs", w.numjobs());
        checks.notFor(path, "iperf", "size", w.size());
        checks.notFor(path, "iperf", "rwmixread", w.rwmixread());
        checks.notFor(path, "iperf", "verify", w.verify());
        checks.notFor(path, "iperf", "instance", w.instance());
        final String from = checks.reference(path + ".from", w.from(), instanceNames, "instance");
        final String to = checks.reference(path + ".to", w.to(), instanceNames, "instance");
        if (from.equals(to))
        {
            throw checks.error(path + ".to", "'" + to + "' is the sending instance; streams go between two instances");
        }
        final int streams = checks.range(path + ".streams", w.streams(), 1, 1, ScenarioLimits.MAX_STREAMS_PER_WORKLOAD);
        final String protocol = checks.oneOf(path + ".protocol", w.protocol(), "udp", List.of("udp", "tcp"));
        final int frame = w.frameBytes() == null ? 9001 : w.frameBytes();
        if (frame != 1500 && frame != 9001)
        {
            throw checks.error(path + ".frameBytes", frame + " is not supported, accepted 1500 or 9001");
        }
        long rate = 0;
        if (w.rateGbps() != null)
        {
            if (!protocol.equals("udp"))
            {
                throw checks.error(path + ".rateGbps", "applies only to protocol: udp");
            }
            if (!(w.rateGbps() > 0 && w.rateGbps() <= 100))
            {
                throw checks.error(path + ".rateGbps", w.rateGbps() + " is out of range, accepted (0, 100] "
                    + "(leave it out for unlimited)");
            }
            rate = Math.round(w.rateGbps() * 125_000_000.0);
        }
        int window = 0;
        if (w.window() != null)
        {
            if (!protocol.equals("tcp"))
            {
                throw checks.error(path + ".window", "applies only to protocol: tcp");
            }
            window = (int)checks.bytes(path + ".window", w.window(), 1, MAX_WINDOW_BYTES, "64k, 4m or 16m");
            final long windowBytes = window;
            try
            {
                StreamSpec.builder(StreamSpec.Mode.TCP).mtu(frame).windowBytes(windowBytes).build();
            }
            catch (final IllegalArgumentException ex)
            {
                throw checks.error(path + ".window", MessageText.quoted(w.window()) + ": " + MessageText.line(ex.getMessage())
                    + " (the window holds at least the initial 10 frames)");
            }
        }
        else if (protocol.equals("tcp"))
        {
            window = 4 << 20;
        }
        return new Scenario.IperfWorkload(name, startNs, durationNs, from, to, streams, protocol, frame, rate, window);
    }
}
