package io.nitrosim.simulator.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The faults section: each entry {@code {at, kind, target, duration, latency}}. {@code at} and {@code duration}
 * must place the fault inside the run; the target must be a volume of the scenario for the storage kinds, an ENI
 * ({@code NAME-eth0} for an instance's primary one) for link-down, an instance of a burstable type for
 * credits-zeroed (with its {@code bucket}: net-out, net-in or ebs; with {@code bucket: volume}, a volume with a burst
 * balance), an ENI for fabric-loss (with its {@code rate}); storage-restart needs the run's own storage (no
 * {@code storage} server); two faults of one kind on one target must not overlap (the second would end the first).
 */
final class FaultsValidator
{
    private final FieldChecks checks;
    private final long scenarioDurationNs;
    private final boolean remoteStorage;

    /** @param remoteStorage whether the run stores on a storage server of its own ({@code storage}). */
    FaultsValidator(final FieldChecks checks, final long scenarioDurationNs, final boolean remoteStorage)
    {
        this.checks = checks;
        this.scenarioDurationNs = scenarioDurationNs;
        this.remoteStorage = remoteStorage;
    }

    List<Scenario.Fault> faults(final List<ScenarioSpec.FaultSpec> specs, final List<Scenario.Instance> instances)
    {
        final List<String> volumes = new ArrayList<>();
        final List<String> enis = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        for (final Scenario.Instance i : instances)
        {
            names.add(i.name());
            enis.add(i.name() + "-eth0");
            for (final Scenario.Eni e : i.enis())
            {
                enis.add(e.name());
            }
            for (final Scenario.Volume v : i.volumes())
            {
                volumes.add(v.name());
            }
        }
        final List<String> functions = new ArrayList<>(volumes);
        functions.addAll(enis);
        final List<Scenario.Fault> faults = new ArrayList<>();
        final List<ScenarioSpec.FaultSpec> list = checks.list("faults", specs, ScenarioLimits.MAX_FAULTS);
        for (int i = 0; i < list.size(); i++)
        {
            final String path = "faults[" + i + "]";
            final ScenarioSpec.FaultSpec f = checks.entry(path, list.get(i),
                "{at, kind, target, ...} (kinds: " + String.join(", ", FaultKind.keys()) + ")");
            final FaultKind kind = FaultKind.fromKey(checks.oneOf(path + ".kind", f.kind(), null, FaultKind.keys()));
            final long atNs = checks.duration(path + ".at", f.at(), -1, ScenarioLimits.MAX_DURATION_NS);
            if (atNs >= scenarioDurationNs)
            {
                throw checks.error(path + ".at", MessageText.quoted(f.at()) + " is not before the end of the run ("
                    + DurationParser.format(scenarioDurationNs) + ")");
            }
            // credits-zeroed names its bucket first: a volume's burst balance is the volume's, the others the instance's
            final String bucket = kind == FaultKind.CREDITS_ZEROED
                ? checks.oneOf(path + ".bucket", f.bucket(), null, FaultKind.CREDIT_BUCKETS) : null;
            final boolean volumeBucket = FaultKind.VOLUME_BUCKET.equals(bucket);
            final String target = checks.reference(path + ".target", f.target(),
                kind.target() == FaultKind.Target.VOLUME || volumeBucket ? volumes
                    : kind.target() == FaultKind.Target.ENI ? enis
                    : kind.target() == FaultKind.Target.FUNCTION ? functions : names,
                volumeBucket ? FaultKind.Target.VOLUME.what() : kind.target().what());
            if (kind == FaultKind.STORAGE_RESTART && remoteStorage)
            {
                throw checks.error(path + ".kind", "storage-restart kills and restarts the run's own storage server, "
                    + "and this run stores on storage.server, a process it does not own; accepted: a run without "
                    + "'storage' (the run's own storage)");
            }
            final long durationNs = checks.positiveDuration(path + ".duration", f.duration(), -1,
                ScenarioLimits.MAX_DURATION_NS);
            if (atNs + durationNs > scenarioDurationNs)
            {
                throw checks.error(path + ".duration", MessageText.quoted(f.duration()) + " from "
                    + DurationParser.format(atNs) + " ends after the run (" + DurationParser.format(scenarioDurationNs)
                    + "); accepted at most " + DurationParser.format(scenarioDurationNs - atNs));
            }
            long latencyNs = 0;
            if (kind == FaultKind.STORAGE_LATENCY)
            {
                latencyNs = checks.positiveDuration(path + ".latency", f.latency(), -1,
                    ScenarioLimits.MAX_FAULT_LATENCY_NS);
            }
            else
            {
                checks.notFor(path, kind.key() + " faults (only storage-latency takes it)", "latency", f.latency());
            }
            if (kind == FaultKind.CREDITS_ZEROED)
            {
                checkCreditTarget(path, bucket, target, instances, names);
            }
            else
            {
                checks.notFor(path, kind.key() + " faults (only credits-zeroed takes it)", "bucket", f.bucket());
            }
            double rate = 0;
            if (kind == FaultKind.FABRIC_LOSS || kind == FaultKind.FABRIC_CORRUPTION)
            {
                if (f.rate() == null)
                {
                    throw checks.error(path + ".rate", "missing; accepted: a share of frames in (0, 1]");
                }
                rate = f.rate();
                if (!(rate > 0 && rate <= 1))
                {
                    throw checks.error(path + ".rate", f.rate() + " is out of range; accepted: (0, 1]");
                }
            }
            else
            {
                checks.notFor(path, kind.key() + " faults (only fabric-loss and fabric-corruption take it)", "rate", f.rate());
            }
            final Scenario.Fault fault = new Scenario.Fault(kind, target, atNs, durationNs, latencyNs, bucket, rate);
            for (int j = 0; j < faults.size(); j++)
            {
                final Scenario.Fault other = faults.get(j);
                if (other.kind() == kind && other.target().equals(target)
                    && Objects.equals(other.bucket(), bucket) && other.atNs() < fault.endNs()
                    && fault.atNs() < other.endNs())
                {
                    throw checks.error(path, kind.key() + " on " + MessageText.quoted(target) + " ("
                        + DurationParser.formatRange(atNs, fault.endNs()) + ") overlaps faults[" + j + "] ("
                        + DurationParser.formatRange(other.atNs(), other.endNs()) + ")");
                }
            }
            faults.add(fault);
        }
        return List.copyOf(faults);
    }

    /**
     * A credits-zeroed target must have the credits its bucket names: network burst credits (net-out, net-in) or
     * EBS burst credits (ebs) on an instance's type; a burst balance (gp2 I/O credits, st1/sc1 throughput credits)
     * on a volume (volume).
     */
    private void checkCreditTarget(final String path, final String bucket, final String target,
        final List<Scenario.Instance> instances, final List<String> names)
    {
        if (FaultKind.VOLUME_BUCKET.equals(bucket))
        {
            for (final Scenario.Instance i : instances)
            {
                for (final Scenario.Volume v : i.volumes())
                {
                    if (v.name().equals(target) && !hasBurstBalance(v))
                    {
                        throw checks.error(path + ".target", MessageText.quoted(target) + " is a " + v.type() + " volume of "
                            + v.sizeGiB() + " GiB, which has no burst balance (its rate is its baseline); accepted: a gp2 "
                            + "volume under 1000 GiB (I/O credits), or an st1 or sc1 volume (throughput credits)");
                    }
                }
            }
            return;
        }
        final Scenario.Instance instance = instances.get(names.indexOf(target));
        if ("ebs".equals(bucket))
        {
            if (!instance.type().isEbsBurstable())
            {
                throw checks.error(path + ".target", MessageText.quoted(target) + " is a " + instance.type().type()
                    + ", whose EBS rate is fixed (no burst credits to zero); accepted: an instance of a type with EBS "
                    + "burst (c5.large, c5.xlarge, c5.2xlarge)");
            }
            if (instance.volumes().isEmpty())
            {
                throw checks.error(path + ".target", MessageText.quoted(target) + " has no volumes, so no EBS card and "
                    + "no EBS credits to zero; accepted: an instance with at least one volume");
            }
            return;
        }
        if (!instance.type().isNetworkBurstable())
        {
            throw checks.error(path + ".target", MessageText.quoted(target) + " is a "
                + instance.type().type() + ", whose network rate is fixed (no credits to zero); accepted: an "
                + "instance of a type with network burst credits");
        }
    }

    private static boolean hasBurstBalance(final Scenario.Volume v)
    {
        final io.nitrosim.ebs.volume.VolumeSpec.Builder b = io.nitrosim.ebs.volume.VolumeSpec.builder()
            .volumeId("vol-00000000000000000").deviceName("/dev/sdf").type(v.type()).sizeGiB((int)Math.min(Integer.MAX_VALUE, v.sizeGiB()));
        if (v.iops() > 0)
        {
            b.iops((int)v.iops());
        }
        if (v.throughputMiBps() > 0)
        {
            b.throughputMiBps((int)v.throughputMiBps());
        }
        final io.nitrosim.ebs.volume.VolumeLimits limits = b.build().limits();
        return limits.hasIopsBurst() || limits.hasThroughputBurst();
    }
}
