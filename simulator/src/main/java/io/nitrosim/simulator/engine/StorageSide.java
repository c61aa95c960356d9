package io.nitrosim.simulator.engine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.HdrHistogram.Histogram;

import io.nitrosim.catalog.InstanceType;
import io.nitrosim.ebs.device.EbsCard;
import io.nitrosim.ebs.device.EbsMeter;
import io.nitrosim.ebs.device.NvmeController;
import io.nitrosim.ebs.fio.FioJob;
import io.nitrosim.ebs.fio.FioResult;
import io.nitrosim.ebs.fio.FioWorkload;
import io.nitrosim.ebs.shaping.EbsShapingMeter;
import io.nitrosim.ebs.storage.EmbeddedStorageBackend;
import io.nitrosim.ebs.storage.EmbeddedStorageServer;
import io.nitrosim.ebs.storage.RemoteStorageBackend;
import io.nitrosim.ebs.storage.StorageBackend;
import io.nitrosim.ebs.storage.StorageEngine;
import io.nitrosim.ebs.volume.VolumeLimits;
import io.nitrosim.ebs.volume.VolumeSpec;
import io.nitrosim.hypervisor.Instance;
import io.nitrosim.hypervisor.guest.PciAddress;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.simulator.results.Column;
import io.nitrosim.simulator.results.EbsInstanceResult;
import io.nitrosim.simulator.results.FioJobResult;
import io.nitrosim.simulator.results.LatencySummary;
import io.nitrosim.simulator.results.RateUnit;
import io.nitrosim.simulator.results.SeriesKeys;
import io.nitrosim.simulator.results.SeriesKind;
import io.nitrosim.simulator.results.TimeSeriesRecorder;
import io.nitrosim.simulator.results.VolumeResult;
import io.nitrosim.simulator.scenario.FaultKind;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioException;
import io.nitrosim.time.SimRuntime;

/**
 * The EBS half of an assembled scenario: one EBS card per instance (owning the instance's EBS buckets), one
 * NVMe controller per volume on the instance's PCI bus, the storage engine behind them (full-payload runs
 * only), and the fio workloads running on the reference NVMe driver inside the guests.
 */
final class StorageSide implements AutoCloseable
{
    private final Scenario scenario;
    private final SimRuntime runtime;
    private final CardMeters meters;
    private final boolean timingOnly;
    private final StorageEngine engine;
    private final SplittableRandom ids;
    private final Map<String, EbsCard> cards = new LinkedHashMap<>();
    private final Map<String, VolumeHandle> volumes = new LinkedHashMap<>();
    private final Map<String, GuestSide> guests = new LinkedHashMap<>();
    private final Map<String, Instance> instances = new LinkedHashMap<>();
    private final List<FioRun> fioRuns = new ArrayList<>();
    private final StoragePlumbing plumbing;
    private final Path workDirectory;
    /** The storage server of its own of each volume a storage-restart fault kills (full payload only). */
    private final Map<String, EmbeddedStorageServer> ownServers = new LinkedHashMap<>();
    private final CounterRegistry registry;

    record VolumeHandle(
        Scenario.Volume spec, VolumeSpec volume, NvmeController controller, PciAddress address, MetricTags tags)
    {
    }

    /** The volumes of an instance, in attach order. */
    List<VolumeHandle> volumesOf(final String instanceName)
    {
        final List<VolumeHandle> list = new ArrayList<>();
        for (final VolumeHandle v : volumes.values())
        {
            if (v.spec().instance().equals(instanceName))
            {
                list.add(v);
            }
        }
        return list;
    }

    /** The tags of the instance's EBS card meters (its shared credit balances), or null without a card. */
    MetricTags cardTags(final String instanceName)
    {
        final EbsCard card = cards.get(instanceName);
        return card == null ? null : StoragePlumbing.instanceTags(card.instanceId());
    }

    private record FioRun(List<Scenario.FioWorkload> workloads, VolumeHandle volume, FioWorkload fio)
    {
    }

    StorageSide(final Scenario scenario, final SimRuntime runtime, final CounterRegistry registry,
        final CardMeters meters, final Path workDirectory)
    {
        this.scenario = scenario;
        this.runtime = runtime;
        this.meters = meters;
        this.registry = registry;
        this.timingOnly = scenario.payload() == Scenario.PayloadMode.TIMING_ONLY;
        this.workDirectory = workDirectory;
        this.ids = new SplittableRandom(scenario.seed() ^ 0x5EB5L);
        boolean anyVolume = false;
        for (final Scenario.Instance i : scenario.instances())
        {
            anyVolume |= !i.volumes().isEmpty();
        }
        if (scenario.remoteStorage())
        {
            this.engine = null;
            final Scenario.Storage server = scenario.storage();
            this.plumbing = new StoragePlumbing(runtime, registry, () -> connect(server), false, scenario.seed());
        }
        else
        {
            this.engine = anyVolume && !timingOnly ? StorageEngine.context(workDirectory.resolve("ebs")).open() : null;
            this.plumbing = new StoragePlumbing(runtime, registry, engine, timingOnly, scenario.seed());
        }
    }

    void addInstance(final Scenario.Instance spec, final Instance instance, final GuestSide guest)
    {
        guests.put(spec.name(), guest);
        instances.put(spec.name(), instance);
        if (spec.volumes().isEmpty())
        {
            return;
        }
        final EbsCard card = plumbing.addCard(instance.id(), spec.type());
        cards.put(spec.name(), card);
        for (final Scenario.Volume v : spec.volumes())
        {
            final VolumeSpec.Builder b = VolumeSpec.builder().volumeId(volumeId(v)).type(v.type())
                .sizeGiB((int)Math.min(Integer.MAX_VALUE, v.sizeGiB())).deviceName(v.device());
            if (v.iops() > 0)
            {
                b.iops((int)v.iops());
            }
            if (v.throughputMiBps() > 0)
            {
                b.throughputMiBps((int)v.throughputMiBps());
            }
            final VolumeSpec volume = b.build();
            if (engine != null && killedByAFault(v.name()))
            {
                // its own server, so that killing it stops this volume alone, as a storage server failure in EBS
                // hits the volumes it holds
                final EmbeddedStorageServer server = EmbeddedStorageServer.open(
                    StorageEngine.context(workDirectory.resolve("ebs-servers").resolve(volume.volumeId().toString())));
                ownServers.put(v.name(), server);
                ((EmbeddedStorageBackend)plumbing.backendOf(card)).serveFrom(volume.volumeId(), server);
            }
            final StoragePlumbing.PluggedVolume plugged = plumbing.plugVolume(card, instance, volume);
            volumes.put(v.name(), new VolumeHandle(v, plugged.spec(), plugged.controller(), plugged.address(),
                plugged.tags()));
        }
    }

    /** A volume-detach fault on volume {@code f.target()}: its function, its guest and the fio on it. */
    VolumeDetach detachFault(final Scenario.Fault f)
    {
        for (final Scenario.Export e : scenario.exports())
        {
            if (e.volume().equals(f.target()))
            {
                throw new IllegalArgumentException("faults: volume-detach of " + f.target() + ", which is exported over "
                    + "NBD, is not supported (the export's block device does not follow a detach); accepted: a "
                    + "volume that is not exported");
            }
        }
        final VolumeHandle v = volumes.get(f.target());
        final String owner = v.spec().instance();
        final int vcpus = scenario.instances().stream().filter(i -> i.name().equals(owner)).findFirst().orElseThrow()
            .type().vcpus();
        return new VolumeDetach(f, f.target(), plumbing, instances.get(owner), v.controller(), guests.get(owner),
            GuestWorkloads.driverConfig(vcpus).ioTimeoutNs(scenario.ebs().ioTimeoutNs()), fioOn(f.target()));
    }

    private boolean killedByAFault(final String volumeName)
    {
        for (final Scenario.Fault f : scenario.faults())
        {
            if (f.kind() == FaultKind.STORAGE_RESTART && f.target().equals(volumeName))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The card serving volume {@code name}, the volume's controller and its own storage server (if it has one):
     * what a storage fault hits.
     */
    StorageFaults.Target faultTarget(final String name)
    {
        final VolumeHandle v = volumes.get(name);
        return new StorageFaults.Target(name, cards.get(v.spec().instance()), v.controller(), ownServers.get(name));
    }

    /**
     * A credits-zeroed fault on EBS: {@code bucket: ebs} empties the instance's EBS byte and I/O credits (the rates
     * reported: the instance's EBS Mbps and IOPS); {@code bucket: volume} the volume's burst balance (gp2 I/O
     * credits: its IOPS; st1/sc1 throughput credits: its MiB/s). Its events go to the (first) volume's controller.
     */
    CreditFault creditFault(final Scenario.Fault f)
    {
        if (FaultKind.VOLUME_BUCKET.equals(f.bucket()))
        {
            final VolumeHandle v = volumes.get(f.target());
            final VolumeLimits limits = v.volume().limits();
            final List<MetricTags> tags = List.of(v.tags());
            final io.nitrosim.ebs.shaping.VolumeShaping shaping = v.controller().volumeShaping();
            if (limits.hasIopsBurst())
            {
                return new CreditFault(f, f.target(), List.of(new CreditFault.Credits("Ops", shaping.iopsCreditBucket())),
                    List.of(new CreditFault.Rate("IOPS", "Iops", limits.baselineIops(), "ops",
                        () -> meters.total(tags, EbsMeter.READ_OPS, EbsMeter.WRITE_OPS), 1)), v.controller());
            }
            return new CreditFault(f, f.target(), List.of(new CreditFault.Credits("Bytes", shaping.bytesCreditBucket())),
                List.of(new CreditFault.Rate("MiB/s", "MiBps", limits.throughputBaselineBytesPerSec() / 1048576.0, "bytes",
                    () -> meters.total(tags, EbsMeter.READ_BYTES, EbsMeter.WRITE_BYTES), 1 / 1048576.0)),
                v.controller());
        }
        final EbsCard card = cards.get(f.target());
        final InstanceType t = scenario.instances().stream().filter(i -> i.name().equals(f.target())).findFirst()
            .orElseThrow().type();
        final List<MetricTags> tags = volumeTags(f.target());
        return new CreditFault(f, f.target(),
            List.of(new CreditFault.Credits("Bytes", card.shaping().instanceBytes().creditBucket()),
                new CreditFault.Credits("Ops", card.shaping().instanceIops().creditBucket())),
            List.of(new CreditFault.Rate("Mbps", "Mbps", t.ebsBaselineMbps(), "bytes",
                () -> meters.total(tags, EbsMeter.READ_BYTES, EbsMeter.WRITE_BYTES), 8 / 1e6),
                new CreditFault.Rate("IOPS", "Iops", t.ebsBaselineIops(), "ops",
                    () -> meters.total(tags, EbsMeter.READ_OPS, EbsMeter.WRITE_OPS), 1)),
            volumesOf(f.target()).get(0).controller());
    }

    /** Whether {@code name} is a volume (a function fault's target is a volume or an ENI). */
    boolean hasVolume(final String name)
    {
        return volumes.containsKey(name);
    }

    /** Volume {@code name}'s NVMe function, its instance's IOMMU domain and its meters: what an NVMe fault hits. */
    NvmeFaults.Target nvmeFaultTarget(final String name)
    {
        final VolumeHandle v = volumes.get(name);
        return new NvmeFaults.Target(name, v.controller(), instances.get(v.spec().instance()).iommu(), v.tags());
    }

    /** What an NBD export of a volume needs: the guest that owns it, the controller's slot, the volume. */
    record ExportTarget(String instance, InstanceType type, GuestSide guest, PciAddress address, VolumeSpec volume,
        int blockSizeBytes)
    {
    }

    /** The volume named {@code name} (validated to exist), as an export sees it. */
    ExportTarget exportTarget(final String name)
    {
        final VolumeHandle v = volumes.get(name);
        final Scenario.Instance owner = scenario.instances().stream().filter(i -> i.name().equals(v.spec().instance()))
            .findFirst().orElseThrow();
        return new ExportTarget(owner.name(), owner.type(), guests.get(owner.name()), v.address(), v.volume(),
            v.controller().blockSizeBytes());
    }

    /** The tags of the instance's volumes' meters, in attach order. */
    private List<MetricTags> volumeTags(final String instanceName)
    {
        final List<MetricTags> tags = new ArrayList<>();
        for (final VolumeHandle v : volumes.values())
        {
            if (v.spec().instance().equals(instanceName))
            {
                tags.add(v.tags());
            }
        }
        return tags;
    }

    /**
     * A volume's id: drawn from the scenario's seed; with a storage server, derived from the scenario's and the
     * volume's names instead (the server keeps volumes by id, so a restarted run finds its volumes again, and two
     * scenarios sharing a server do not share volumes).
     */
    private String volumeId(final Scenario.Volume v)
    {
        final long high;
        final long low;
        if (scenario.remoteStorage())
        {
            final byte[] digest = sha256(scenario.name() + "/" + v.name());
            high = digest[0] & 0xF;
            low = java.nio.ByteBuffer.wrap(digest, 1, 8).getLong();
        }
        else
        {
            high = ids.nextInt(16);
            low = ids.nextLong();
        }
        return String.format("vol-%x%016x", high, low);
    }

    private static byte[] sha256(final String text)
    {
        try
        {
            return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        }
        catch (final java.security.NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every Java platform has SHA-256", ex);
        }
    }

    /** One card's connection to the storage server; a refusal is the scenario's one line. */
    private static StorageBackend connect(final Scenario.Storage server)
    {
        try
        {
            return RemoteStorageBackend.context(server.port()).host(server.host())
                .accessTokenFile(Path.of(server.tokenFile())).maxIoBytes(NvmeController.MAX_TRANSFER_BYTES).connect();
        }
        catch (final RuntimeException ex)
        {
            throw new ScenarioException("storage.server " + server.host() + ":" + server.port() + ": "
                + ex.getMessage());
        }
    }

    void addWorkloads(final List<Scenario.Workload> workloads)
    {
        final Map<String, List<Scenario.FioWorkload>> byVolume = new LinkedHashMap<>();
        for (final Scenario.Workload w : workloads)
        {
            if (w instanceof Scenario.FioWorkload)
            {
                byVolume.computeIfAbsent(((Scenario.FioWorkload)w).volume(), k -> new ArrayList<>())
                    .add((Scenario.FioWorkload)w);
            }
        }
        for (final Map.Entry<String, List<Scenario.FioWorkload>> e : byVolume.entrySet())
        {
            final VolumeHandle volume = volumes.get(e.getKey());
            final Scenario.FioWorkload first = e.getValue().get(0);
            final GuestSide guest = guests.get(first.instance());
            final InstanceType type = scenario.instances().stream().filter(i -> i.name().equals(first.instance()))
                .findFirst().orElseThrow().type();
            final List<FioJob> jobs = new ArrayList<>();
            long startNs = Long.MAX_VALUE;
            for (final Scenario.FioWorkload w : e.getValue())
            {
                final FioJob.Builder job = FioJob.builder(w.name()).rw(w.rw()).blockSizeBytes(w.blockSizeBytes())
                    .iodepth(w.iodepth()).numjobs(w.numjobs()).verify(w.verify())
                    .runtimeNs(Math.min(w.durationNs(), scenario.durationNs() - w.startNs()));
                if (w.sizeBytes() > 0)
                {
                    job.sizeBytes(w.sizeBytes());
                }
                if (w.rw().equals("randrw") || w.rw().equals("rw"))
                {
                    job.rwmixread(w.rwmixread());
                }
                jobs.add(job.build());
                startNs = Math.min(startNs, w.startNs());
            }
            final FioWorkload fio = GuestWorkloads.fio(guest, volume.address(), GuestWorkloads.driverConfig(type.vcpus())
                .ioTimeoutNs(scenario.ebs().ioTimeoutNs()).counters(registry, volume.tags()), scenario.seed(), startNs,
                jobs.toArray(new FioJob[0]));
            fioRuns.add(new FioRun(e.getValue(), volume, fio));
        }
    }

    /** The fio running on volume {@code name}, or null. */
    FioWorkload fioOn(final String name)
    {
        for (final FioRun run : fioRuns)
        {
            if (run.volume().spec().name().equals(name))
            {
                return run.fio();
            }
        }
        return null;
    }

    void addColumns(final TimeSeriesRecorder.Builder b, final Scenario.Instance spec)
    {
        final EbsCard card = cards.get(spec.name());
        final String name = spec.name();
        final InstanceType t = spec.type();
        if (card == null)
        {
            return;
        }
        final List<MetricTags> volumeTags = volumeTags(name);
        final MetricTags instance = StoragePlumbing.instanceTags(card.instanceId());
        b.rate(Column.of(SeriesKeys.ebsMbps(name), name + " EBS", "Mbps", name, name, null, SeriesKind.EBS_THROUGHPUT)
            .withReferenceLines((double)t.ebsPeakMbps(), (double)t.ebsBaselineMbps()),
            meters.sum(volumeTags, EbsMeter.READ_BYTES, EbsMeter.WRITE_BYTES), RateUnit.MBPS_FROM_BYTES);
        b.rate(Column.of(SeriesKeys.ebsIops(name), name + " EBS IOPS", "IOPS", name, name, null, SeriesKind.EBS_IOPS)
            .withReferenceLines((double)t.ebsPeakIops(), (double)t.ebsBaselineIops()),
            meters.sum(volumeTags, EbsMeter.READ_OPS, EbsMeter.WRITE_OPS), RateUnit.PER_SECOND);
        b.gauge(Column.of(SeriesKeys.ebsIoBalancePct(name), name + " EBSIOBalance%", "%", name, name, null,
            SeriesKind.EBS_CREDITS), meters.percentReader(EbsShapingMeter.IO_BALANCE, instance));
        b.gauge(Column.of(SeriesKeys.ebsByteBalancePct(name), name + " EBSByteBalance%", "%", name, name, null,
            SeriesKind.EBS_CREDITS), meters.percentReader(EbsShapingMeter.BYTE_BALANCE, instance));
        for (final VolumeHandle v : volumes.values())
        {
            if (!v.spec().instance().equals(name))
            {
                continue;
            }
            final String vol = v.spec().name();
            final VolumeLimits limits = v.volume().limits();
            final List<MetricTags> tags = List.of(v.tags());
            b.rate(Column.of(SeriesKeys.volumeIops(name, vol), vol + " IOPS", "IOPS", name, vol, null, SeriesKind.EBS_IOPS)
                .withReferenceLines((double)Math.max(limits.baselineIops(), limits.burstIops()),
                    (double)limits.baselineIops()),
                meters.sum(tags, EbsMeter.READ_OPS, EbsMeter.WRITE_OPS), RateUnit.PER_SECOND);
            b.rate(Column.of(SeriesKeys.volumeMibps(name, vol), vol + " throughput", "MiB/s", name, vol, null, SeriesKind.EBS_THROUGHPUT)
                .withReferenceLines(limits.throughputPeakBytesPerSec() / 1048576.0,
                    limits.throughputBaselineBytesPerSec() / 1048576.0),
                meters.sum(tags, EbsMeter.READ_BYTES, EbsMeter.WRITE_BYTES), RateUnit.MIBPS_FROM_BYTES);
            b.gauge(Column.of(SeriesKeys.volumeBurstBalancePct(name, vol), vol + " BurstBalance%", "%", name, vol, null,
                SeriesKind.EBS_CREDITS), meters.percentReader(EbsShapingMeter.BURST_BALANCE, v.tags()));
        }
    }

    EbsInstanceResult instanceResult(final Scenario.Instance spec, final long endNs)
    {
        final InstanceType t = spec.type();
        final EbsCard card = cards.get(spec.name());
        if (card == null)
        {
            return new EbsInstanceResult(0, t.ebsPeakMbps(), t.ebsBaselineMbps(), 0, t.ebsPeakIops(),
                t.ebsBaselineIops(), 100, 100, 0, 0);
        }
        final List<MetricTags> volumeTags = volumeTags(spec.name());
        final MetricTags instance = StoragePlumbing.instanceTags(card.instanceId());
        final long bytes = meters.total(volumeTags, EbsMeter.READ_BYTES, EbsMeter.WRITE_BYTES);
        final long ops = meters.total(volumeTags, EbsMeter.READ_OPS, EbsMeter.WRITE_OPS);
        final double seconds = endNs / 1e9;
        return new EbsInstanceResult(bytes * 8 / 1e6 / seconds, t.ebsPeakMbps(), t.ebsBaselineMbps(), ops / seconds,
            t.ebsPeakIops(), t.ebsBaselineIops(), meters.percent(EbsShapingMeter.IO_BALANCE, instance),
            meters.percent(EbsShapingMeter.BYTE_BALANCE, instance),
            meters.value(EbsShapingMeter.INSTANCE_THROTTLED_OPS, instance),
            meters.value(EbsShapingMeter.INSTANCE_THROTTLED_BYTES, instance));
    }

    List<VolumeResult> volumeResults(final long endNs)
    {
        final List<VolumeResult> results = new ArrayList<>();
        final double seconds = endNs / 1e9;
        for (final VolumeHandle v : volumes.values())
        {
            final MetricTags tags = v.tags();
            final VolumeLimits limits = v.volume().limits();
            results.add(new VolumeResult(v.spec().name(), v.volume().volumeId().toString(), v.spec().instance(),
                v.spec().type(), v.spec().device(), meters.value(EbsMeter.READ_OPS, tags) / seconds,
                meters.value(EbsMeter.WRITE_OPS, tags) / seconds,
                meters.value(EbsMeter.READ_BYTES, tags) / 1048576.0 / seconds,
                meters.value(EbsMeter.WRITE_BYTES, tags) / 1048576.0 / seconds,
                Math.max(limits.baselineIops(), limits.burstIops()), limits.throughputPeakBytesPerSec() / 1048576.0,
                latency(v.controller().latencyHistogram()), meters.value(EbsShapingMeter.VOLUME_THROTTLED_OPS, tags),
                meters.value(EbsShapingMeter.VOLUME_THROTTLED_BYTES, tags),
                meters.percent(EbsShapingMeter.BURST_BALANCE, tags)));
        }
        return results;
    }

    List<FioJobResult> fioResults()
    {
        final List<FioJobResult> results = new ArrayList<>();
        for (final FioRun run : fioRuns)
        {
            final VolumeHandle v = run.volume();
            for (final Scenario.FioWorkload w : run.workloads())
            {
                int index = 0;
                for (final FioResult r : run.fio().results())
                {
                    if (r.name().equals(w.name()) || r.name().startsWith(w.name() + "."))
                    {
                        results.add(fio(w, String.valueOf(index++), v, r));
                    }
                }
                results.add(fio(w, ExpectationEvaluator.TOTAL, v, total(w, run.fio().results())));
            }
        }
        return results;
    }

    private static FioResult total(final Scenario.FioWorkload w, final List<FioResult> all)
    {
        FioResult total = null;
        for (final FioResult r : all)
        {
            if (r.name().equals(w.name()) || r.name().startsWith(w.name() + "."))
            {
                total = total == null ? r : new FioResult(w.name(), total.readOps() + r.readOps(),
                    total.writeOps() + r.writeOps(), total.readBytes() + r.readBytes(),
                    total.writeBytes() + r.writeBytes(), total.errors() + r.errors(),
                    total.verifyErrors() + r.verifyErrors(), total.verifiedBlocks() + r.verifiedBlocks(),
                    Math.max(total.runtimeNs(), r.runtimeNs()), Math.max(total.p50Ns(), r.p50Ns()),
                    Math.max(total.p99Ns(), r.p99Ns()), Math.max(total.p999Ns(), r.p999Ns()),
                    Math.max(total.maxNs(), r.maxNs()), (total.meanNs() + r.meanNs()) / 2);
            }
        }
        return total == null ? new FioResult(w.name(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) : total;
    }

    private static FioJobResult fio(
        final Scenario.FioWorkload w, final String job, final VolumeHandle v, final FioResult r)
    {
        final LatencySummary latency = r.ops() == 0 ? LatencySummary.NONE :
            new LatencySummary(r.p50Ns() / 1e6, r.p99Ns() / 1e6, r.p999Ns() / 1e6, r.maxNs() / 1e6);
        return new FioJobResult(w.name(), job, w.instance(), v.spec().name(), w.rw(), w.blockSizeBytes(), w.iodepth(),
            r.iops(), r.bandwidthMiBps(), latency, r.verifyErrors());
    }

    private static LatencySummary latency(final Histogram histogramNs)
    {
        return histogramNs == null || histogramNs.getTotalCount() == 0 ? LatencySummary.NONE :
            LatencySummary.fromHistogramNs(histogramNs);
    }

    @Override
    public void close()
    {
        plumbing.close();
        for (final EmbeddedStorageServer server : ownServers.values())
        {
            server.close();
        }
        if (engine != null)
        {
            engine.close();
        }
    }
}
