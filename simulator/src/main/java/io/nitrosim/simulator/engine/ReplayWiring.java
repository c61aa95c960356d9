package io.nitrosim.simulator.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.trace.ReplayScript;
import io.nitrosim.simulator.trace.TraceMeta;

/**
 * Sets up a replay: the scenario traced as the recorded trace was (same kinds, same functions, so the two traces
 * line up record for record), and on every instance a {@link ReplayProgram} in place of its drivers and
 * workloads. The scenario must have the recorded trace's instances (same names, same order) and traced functions
 * (same ENI and volume names at the same PCI device numbers); its parameters may differ: that is what a replay
 * compares.
 */
final class ReplayWiring
{
    private ReplayWiring()
    {
    }

    /** The scenario, traced like the recording. */
    static Scenario traced(final Scenario scenario, final ReplayScript script)
    {
        final TraceMeta meta = script.meta();
        final List<String> functions = new ArrayList<>();
        for (final TraceMeta.FunctionName f : meta.functions())
        {
            if ("ena".equals(f.device()) || "nvme".equals(f.device()))
            {
                functions.add(f.name());
            }
        }
        return scenario.withTrace(new Scenario.Trace(TraceKind.mask(meta.events()), meta.events(), functions));
    }

    /**
     * Loads each instance's replay program on its vCPU 0. @throws IllegalArgumentException when the scenario does
     * not fit the trace
     */
    static void install(final ReplayScript script, final Collection<Simulation.InstanceHandle> instances, final StorageSide storage, final LongSupplier recorded)
    {
        final TraceMeta meta = script.meta();
        if (meta.instances().size() != instances.size())
        {
            throw new IllegalArgumentException(instances.size() + " instances; the trace was "
                + "recorded with " + meta.instances().size() + " (" + meta.instances().stream()
                .map(TraceMeta.InstanceName::name).toList() + ")");
        }
        int index = 0;
        for (final Simulation.InstanceHandle h : instances)
        {
            final String name = h.spec().name();
            final String recordedName = meta.instanceName(index);
            if (!name.equals(recordedName))
            {
                throw new IllegalArgumentException("instance " + (index + 1) + " is '" + name
                    + "'; the trace's is '" + recordedName + "'");
            }
            final Map<Integer, FunctionAccess> functions = new HashMap<>();
            final Map<Integer, String> names = new HashMap<>();
            for (final EniHandle e : h.network().enis())
            {
                functions.put(e.address().device(), h.instance().functionAccess(e.address()));
                names.put(e.address().device(), e.name());
            }
            for (final StorageSide.VolumeHandle v : storage.volumesOf(name))
            {
                functions.put(v.address().device(), h.instance().functionAccess(v.address()));
                names.put(v.address().device(), v.spec().name());
            }
            for (final TraceMeta.FunctionName f : meta.functions())
            {
                if (f.instance() == index && ("ena".equals(f.device()) || "nvme".equals(f.device()))
                    && !f.name().equals(names.get(f.function())))
                {
                    throw new IllegalArgumentException("instance '" + name + "' has no " + f.device()
                        + " function '" + f.name() + "' at device " + f.function() + " as the trace has");
                }
            }
            final ReplayScript.Inputs inputs = script.instance(index);
            h.instance().loadProgram(0, new ReplayProgram(inputs, functions::get, h.instance().driverMemory(),
                recorded));
            index++;
        }
    }
}
