package io.nitrosim.simulator.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

import org.agrona.concurrent.NanoClock;

import io.nitrosim.pci.trace.Tracer;
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

    /** The function number of an instance's ingress buffer on the VPC card (no PCI device: beyond bus numbers). */
    static final int INGRESS_FUNCTION = 255;

    private TraceWiring()
    {
    }

    static TraceRecorder wire(final Scenario scenario, final Path dir, final NanoClock clock,
        final Collection<Simulation.InstanceHandle> instances, final StorageSide storage)
    {
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
                    "vpc-ingress"), tracer -> h.network().card().ingressTracer(tracer)));
            }
            for (final StorageSide.VolumeHandle v : storage.volumesOf(name))
            {
                if (wholeInstance || selected.contains(v.spec().name()))
                {
                    targets.add(new Target(
                        new TraceMeta.FunctionName(instance, v.address().device(), v.spec().name(), "nvme"),
                        tracer ->
                        {
                            v.controller().tracer(tracer);
                            v.controller().ring().tracer(tracer);
                        }));
                }
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
        return recorder;
    }
}
