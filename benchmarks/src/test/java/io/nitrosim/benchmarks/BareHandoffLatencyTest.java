package io.nitrosim.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The machine's floor that {@link RealTimeLatencyBenchmark} reports as {@code mode=bare} must count every record
 * handed over once, with a latency that cannot be negative. How large the latencies are is the machine's business
 * (and the benchmark's), not a test's.
 */
class BareHandoffLatencyTest
{
    @Test
    void shouldRecordOneLatencyPerRecordSent() throws InterruptedException
    {
        final Histogram oneWayNs = new BareHandoffLatency().measure(200_000_000L, 1_000);

        assertEquals(200, oneWayNs.getTotalCount());
        assertTrue(oneWayNs.getMinValue() >= 0);
    }

    @Test
    void shouldRefuseANonPositiveDurationOrRate()
    {
        final BareHandoffLatency bare = new BareHandoffLatency();

        assertThrows(IllegalArgumentException.class, () -> bare.measure(0, 1_000));
        assertThrows(IllegalArgumentException.class, () -> bare.measure(1_000_000L, 0));
    }
}
