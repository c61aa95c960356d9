package io.nitrosim.simulator.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The faults section: each entry {@code {at, kind, target, duration, latency}}. {@code at} and {@code duration}
 * must place the fault inside the run; the target must be a volume of the scenario for the storage kinds, an ENI
 * ({@code NAME-eth0} for an instance's primary one) for link-down, an instance of a burstable type for
 * credits-zeroed (with its {@code bucket}: net-out or net-in), an ENI for fabric-loss (with its {@code rate});
 * two
 * faults of one kind on one target must not overlap (the second would end the first).
 */
final class FaultsValidator
{
    private final FieldChecks checks;
    private final long scenarioDurationNs;

    FaultsValidator(final FieldChecks checks, final long scenarioDurationNs)
    {
        this.checks = checks;
        this.scenarioDurationNs = scenarioDurationNs;
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
            final String target = checks.reference(path + ".target", f.target(),
                kind.target() == FaultKind.Target.VOLUME ? volumes
                    : kind.target() == FaultKind.Target.ENI ? enis
                    : kind.target() == FaultKind.Target.FUNCTION ? functions : names, kind.target().what());
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
            String bucket = null;
            if (kind == FaultKind.CREDITS_ZEROED)
            {
                bucket = checks.oneOf(path + ".bucket", f.bucket(), null, FaultKind.CREDIT_BUCKETS);
                final Scenario.Instance instance = instances.get(names.indexOf(target));
                if (!instance.type().isNetworkBurstable())
                {
                    throw checks.error(path + ".target", MessageText.quoted(target) + " is a "
                        + instance.type().type() + ", whose network rate is fixed (no credits to zero); accepted: an "
                        + "instance of a type with network burst credits");
                }
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
}
