package io.nitrosim.simulator.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

import org.agrona.concurrent.NanoClock;

import io.nitrosim.ebs.shaping.EbsShapingMeter;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.nic.card.VpcCardMeter;
import io.nitrosim.pci.trace.CreditBucket;
import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.pci.trace.Tracer;
import io.nitrosim.simulator.results.TimeSeriesRecorder;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.trace.TraceMeta;
import io.nitrosim.simulator.trace.TraceRecorder;

/**
 * Connects a traced run: one {@link TraceRecorder}, and a {@link Tracer} (instance index, PCI device number) for
 * every selected function, given to the function and to its ENI port (frames, egress shaping) or its volume's
 * ring (EBS shaping).
 */
final class TraceWiring
{
    /** A traced function and how to hand it its tracer. */
    private record Target(TraceMeta.FunctionName name, Consumer<Tracer> connect)
    {
    }

    /**
     * The function number of an instance's VPC card itself (no PCI device: beyond bus numbers): its ingress
     * buffer and the network credit buckets its ENIs share.
     */
    static final int INGRESS_FUNCTION = 255;
    /** The function number of an instance's EBS card itself: the EBS credit buckets its volumes share. */
    static final int EBS_CARD_FUNCTION = 254;

    private TraceWiring()
    {
    }

    /**
     * Creates the recorder, hands every selected function its tracer, and has {@code series} record the traced
     * cards' credit balances at each sample ({@link CreditTrace}).
     */
    static TraceRecorder wire(final Scenario scenario, final Path dir, final NanoClock clock,
        final Collection<Simulation.InstanceHandle> instances, final StorageSide storage, final CardMeters meters,
        final TimeSeriesRecorder series)
    {
        final CreditTrace credits = new CreditTrace();
        final List<Consumer<Tracer>> hypervisor = new ArrayList<>();
        final List<Integer> hypervisorInstances = new ArrayList<>();
        final Scenario.Trace trace = scenario.trace();
        final List<String> selected = trace.functions();
        final List<TraceMeta.InstanceName> instanceNames = new ArrayList<>();
        final List<Target> targets = new ArrayList<>();
        int instance = 0;
        for (final Simulation.InstanceHandle h : instances)
        {
            final String name = h.spec().name();
            instanceNames.add(new TraceMeta.InstanceName(instance, name, h.instance().id()));
            final boolean wholeInstance = selected.isEmpty() || selected.contains(name);
            boolean anyEni = false;
            for (final EniHandle e : h.network().enis())
            {
                if (wholeInstance || selected.contains(e.name()))
                {
                    anyEni = true;
                    targets.add(new Target(new TraceMeta.FunctionName(instance, e.address().device(), e.name(), "ena"),
                        tracer ->
                        {
                            e.function().tracer(tracer);
                            e.port().tracer(tracer);
                        }));
                }
            }
            if (anyEni) // the instance's ingress buffer, shared by its ENIs: a function of its own in the trace
            {
                targets.add(new Target(new TraceMeta.FunctionName(instance, INGRESS_FUNCTION, name + "-ingress",
                    "vpc-ingress"), tracer ->
                    {
                        h.network().card().ingressTracer(tracer);
                        credits.add(tracer, CreditBucket.NET_IN,
                            meters.reader(VpcCardMeter.CREDIT_BALANCE, h.network().creditTags("in")));
                        credits.add(tracer, CreditBucket.NET_OUT,
                            meters.reader(VpcCardMeter.CREDIT_BALANCE, h.network().creditTags("out")));
                    }));
            }
            boolean anyVolume = false;
            for (final StorageSide.VolumeHandle v : storage.volumesOf(name))
            {
                if (wholeInstance || selected.contains(v.spec().name()))
                {
                    anyVolume = true;
                    targets.add(new Target(
                        new TraceMeta.FunctionName(instance, v.address().device(), v.spec().name(), "nvme"),
                        tracer ->
                        {
                            v.controller().tracer(tracer);
                            v.controller().ring().tracer(tracer);
                            credits.add(tracer, CreditBucket.VOLUME_BURST,
                                meters.reader(EbsShapingMeter.BURST_BALANCE, v.tags()));
                        }));
                }
            }
            if (wholeInstance || anyEni || anyVolume) // the hypervisor's side of a traced instance: its vCPUs
            {
                final io.nitrosim.hypervisor.Instance vm = h.instance();
                hypervisor.add(tracer ->
                {
                    for (int v = 0; v < vm.vcpuCount(); v++)
                    {
                        vm.vcpu(v).tracer(tracer);
                    }
                });
                hypervisorInstances.add(instance);
            }
            final MetricTags ebsCard = storage.cardTags(name);
            if (anyVolume && ebsCard != null) // the EBS card's shared buckets: a function of its own in the trace
            {
                targets.add(new Target(new TraceMeta.FunctionName(instance, EBS_CARD_FUNCTION, name + "-ebs",
                    "ebs-card"), tracer ->
                    {
                        credits.add(tracer, CreditBucket.EBS_IO, meters.reader(EbsShapingMeter.IO_BALANCE, ebsCard));
                        credits.add(tracer, CreditBucket.EBS_BYTES,
                            meters.reader(EbsShapingMeter.BYTE_BALANCE, ebsCard));
                    }));
            }
            instance++;
        }
        final List<TraceMeta.FunctionName> functionNames = new ArrayList<>();
        targets.forEach(t -> functionNames.add(t.name()));
        final TraceRecorder recorder;
        try
        {
            recorder = TraceRecorder.create(dir, clock, TraceMeta.of(scenario.name(), scenario.seed(), trace.events(),
                instanceNames, functionNames));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the trace in " + dir + ": " + ex.getMessage(), ex);
        }
        for (final Target t : targets)
        {
            t.connect().accept(new Tracer(recorder.sink(), trace.kindMask(), t.name().instance(), t.name().function()));
        }
        for (int i = 0; i < hypervisor.size(); i++)
        {
            hypervisor.get(i).accept(new Tracer(recorder.sink(), trace.kindMask(), hypervisorInstances.get(i), -1));
        }
        if (!credits.isEmpty() && (trace.kindMask() & (1L << TraceKind.CREDIT)) != 0)
        {
            series.sampleListener(credits);
        }
        return recorder;
    }
}
