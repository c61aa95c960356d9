package io.nitrosim.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.nitrosim.pci.trace.TraceKind;

/** The scenario's trace section: kinds and functions checked like every other section, with one-line refusals. */
class TraceSectionTest
{
    private static final String BASE = "name: t\nduration: 4s\ninstances:\n"
        + "  - {name: a, type: c5.large, volumes: [{name: v, sizeGiB: 10}], enis: [{name: a-2}]}\n"
        + "  - {name: b, type: c5.large}\n";

    private static Scenario yaml(final String text) throws Exception
    {
        return ScenarioLoader.parse("s.yaml", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), false);
    }

    private static void assertRefused(final String expected, final String text)
    {
        final ScenarioException ex = assertThrows(ScenarioException.class, () -> yaml(text));
        assertEquals(expected, ex.getMessage());
    }

    @Test
    void shouldTraceNothingWithoutASectionAndEveryKindOfEveryFunctionWithAnEmptyOne() throws Exception
    {
        assertFalse(yaml(BASE).trace().enabled());
        final Scenario.Trace all = yaml(BASE + "trace: {}\n").trace();
        assertEquals(TraceKind.ALL, all.kindMask());
        assertEquals(List.of(), all.functions());
    }

    @Test
    void shouldResolveKindsAndFunctionsByName() throws Exception
    {
        final Scenario.Trace trace = yaml(BASE + "trace:\n  events: [doorbell, dma-read, msix]\n"
            + "  functions: [v, a-eth0, a-2, b]\n").trace();
        assertEquals((1L << TraceKind.DOORBELL) | (1L << TraceKind.DMA_READ) | (1L << TraceKind.MSIX),
            trace.kindMask());
        assertEquals(List.of("v", "a-eth0", "a-2", "b"), trace.functions());
    }

    @Test
    void shouldRefuseUnknownKindsAndFunctionsWithTheirPlaceAndTheAcceptedNames()
    {
        assertRefused("s.yaml:7:18: trace.events[1]: unknown trace event kind 'dma'; accepted: all, config-read, "
            + "config-write, mmio-read, mmio-write, doorbell, dma-read, dma-write, msix, descriptor-fetch, "
            + "descriptor-complete, shaping-admitted, shaping-throttled, frame-out, frame-in, storage-op, reset, state, "
            + "aenq, credit, dma-data, vcpu-interrupt, vcpu-state, fault", BASE + "trace:\n  events: [msix, dma]\n");
        assertRefused("s.yaml:7:15: trace.functions[0]: unknown instance, ENI or volume 'c'; defined: a, a-eth0, "
            + "a-2, v, b, b-eth0", BASE + "trace:\n  functions: [c]\n");
        assertRefused("s.yaml:7:3: trace.events: is empty; name at least one kind, or all (accepted: all, "
            + String.join(", ", TraceKind.names()) + ")", BASE + "trace:\n  events: []\n");
        assertRefused("s.yaml:7:3: trace.depth: unknown field 'depth'; accepted: events, functions",
            BASE + "trace:\n  depth: 3\n");
        assertRefused("s.yaml:7:18: trace.functions[1]: instance, ENI or volume 'v' is named twice",
            BASE + "trace:\n  functions: [v, v]\n");
    }
}
