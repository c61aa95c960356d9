package io.nitrosim.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Behaviour of the flow {@link VirtualTimeFlowBenchmark} times, over one simulated second: it must run at the
 * c5.large peak, or its speed figure means nothing. Speed itself is the benchmark's business, not a test's.
 */
class VirtualTimeFlowTest
{
    private static final long ONE_SECOND_NS = 1_000_000_000L;
    private static final double TEN_GBPS = 10e9;
    private static final long PEAK_DEPTH_BYTES =
        VirtualTimeFlow.PEAK_BYTES_PER_SEC * VirtualTimeFlow.PEAK_DEPTH_NS / ONE_SECOND_NS;

    @ParameterizedTest
    @EnumSource(VirtualTimeFlow.Producer.class)
    void shouldAdmitTenGbpsWithinOnePercentOverOneSimulatedSecond(final VirtualTimeFlow.Producer producer)
    {
        try (VirtualTimeFlow flow = new VirtualTimeFlow(producer))
        {
            final VirtualTimeFlow.Result result = flow.runFor(ONE_SECOND_NS);

            assertEquals(ONE_SECOND_NS, result.simulatedNs());
            assertEquals(result.recordsAdmitted() * VirtualTimeFlow.RECORD_BYTES, result.bytesAdmitted());
            final double errorFraction = Math.abs(result.achievedBitsPerSec() - TEN_GBPS) / TEN_GBPS;
            assertTrue(errorFraction <= 0.01, () -> "achieved " + result.achievedGbps() + " Gbps, want 10 +- 1 %");
            // accuracy contract (docs/architecture.md): never more than rate x W + depth over a window W.
            assertTrue(result.bytesAdmitted() <= VirtualTimeFlow.PEAK_BYTES_PER_SEC + PEAK_DEPTH_BYTES,
                () -> "admitted " + result.bytesAdmitted() + " B in 1 s, more than peak x 1 s + depth");
            // Offered load stayed above the cap: the ring never ran dry.
            assertTrue(result.recordsOffered() > result.recordsAdmitted());
        }
    }

    @Test
    void shouldAdmitTheSameRecordsWhicheverWayTheProducerKeepsTheRingFull()
    {
        final VirtualTimeFlow.Result greedy = runOneSecond(VirtualTimeFlow.Producer.GREEDY);
        final VirtualTimeFlow.Result batched = runOneSecond(VirtualTimeFlow.Producer.BATCHED);

        assertEquals(greedy.recordsAdmitted(), batched.recordsAdmitted());
        assertEquals(greedy.timeJumps(), batched.timeJumps());
    }

    @Test
    void shouldRepeatARunExactly()
    {
        final VirtualTimeFlow.Result first = runOneSecond(VirtualTimeFlow.Producer.BATCHED);
        final VirtualTimeFlow.Result second = runOneSecond(VirtualTimeFlow.Producer.BATCHED);

        assertEquals(first, second);
    }

    @Test
    void shouldAdmitInItsPartsWithoutTheRuntimeTheRecordsTheFlowAdmits()
    {
        // VirtualTimeSpeed subtracts the parts' CPU per record from the flow's: they must do the same records' work.
        final long admitted = runOneSecond(VirtualTimeFlow.Producer.BATCHED).recordsAdmitted();

        assertEquals(admitted, VirtualTimeFlowParts.ringAndGate(ONE_SECOND_NS));
        assertEquals(admitted, VirtualTimeFlowParts.gate(ONE_SECOND_NS));
    }

    @Test
    void shouldRejectANonPositiveDuration()
    {
        try (VirtualTimeFlow flow = new VirtualTimeFlow(VirtualTimeFlow.Producer.GREEDY))
        {
            final IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> flow.runFor(0));
            assertEquals("duration 0 ns must be positive", error.getMessage());
        }
    }

    private static VirtualTimeFlow.Result runOneSecond(final VirtualTimeFlow.Producer producer)
    {
        try (VirtualTimeFlow flow = new VirtualTimeFlow(producer))
        {
            return flow.runFor(ONE_SECOND_NS);
        }
    }
}
