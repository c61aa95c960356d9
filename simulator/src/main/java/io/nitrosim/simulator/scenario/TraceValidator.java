package io.nitrosim.simulator.scenario;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.nitrosim.pci.trace.TraceKind;

/**
 * The trace section: {@code events} are trace event kind names or {@code all} (default: all), {@code functions}
 * the scenario's instance, ENI or volume names whose PCI functions are traced (default: every function).
 */
final class TraceValidator
{
    /** More names than a scenario can hold functions (28 per instance) is a mistake, not a setting. */
    private static final int MAX_NAMES = 4096;

    private final FieldChecks checks;

    TraceValidator(final FieldChecks checks)
    {
        this.checks = checks;
    }

    Scenario.Trace trace(final ScenarioSpec.TraceSpec spec, final List<Scenario.Instance> instances)
    {
        if (spec == null)
        {
            return Scenario.Trace.NONE;
        }
        final List<String> events = spec.events() == null ? List.of("all") : spec.events();
        if (events.isEmpty())
        {
            throw checks.error("trace.events", "is empty; name at least one kind, or all (accepted: all, "
                + String.join(", ", TraceKind.names()) + ")");
        }
        final List<String> eventNames = new ArrayList<>();
        for (int i = 0; i < checks.list("trace.events", events, TraceKind.COUNT + 1).size(); i++)
        {
            final String kind = events.get(i);
            final String path = "trace.events[" + i + "]";
            if (kind == null || !("all".equals(kind) || TraceKind.names().contains(kind)))
            {
                throw checks.error(path, "unknown trace event kind " + MessageText.quoted(String.valueOf(kind))
                    + "; accepted: all, " + String.join(", ", TraceKind.names()));
            }
            if (eventNames.contains(kind))
            {
                throw checks.error(path, "trace event kind " + MessageText.quoted(kind) + " is named twice");
            }
            eventNames.add(kind);
        }
        final Set<String> functionNames = new LinkedHashSet<>();
        for (final Scenario.Instance i : instances)
        {
            functionNames.add(i.name());
            functionNames.add(i.name() + "-eth0");
            for (final Scenario.Eni e : i.enis())
            {
                functionNames.add(e.name());
            }
            for (final Scenario.Volume v : i.volumes())
            {
                functionNames.add(v.name());
            }
        }
        final List<String> functions = spec.functions() == null ? List.of()
            : checks.references("trace.functions", spec.functions(), functionNames, "instance, ENI or volume",
                MAX_NAMES);
        return new Scenario.Trace(TraceKind.mask(eventNames), eventNames, new ArrayList<>(functions));
    }
}
