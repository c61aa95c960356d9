package io.nitrosim.simulator.results;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class TimeSeriesTest
{
    private static final Column A = Column.of("a.gbps", "a", "Gbps", "web-1", "web-1", "out", SeriesKind.NET_THROUGHPUT);
    private static final Column B = Column.of("b.pct", "b", "%", "web-1", "web-1", "out", SeriesKind.NET_CREDITS);

    @Test
    void shouldBuildRowsInOrderAndGrowPastTheInitialCapacity()
    {
        final TimeSeries.Builder builder = TimeSeries.builder(List.of(A, B));
        for (int i = 1; i <= 40; i++)
        {
            builder.add(i * 1_000_000_000L, i * 0.5, 100 - i);
        }
        final TimeSeries ts = builder.build();

        assertEquals(40, ts.sampleCount());
        assertEquals(List.of(A, B), ts.columns());
        assertEquals(1_000_000_000L, ts.timeNs(0));
        assertEquals(40_000_000_000L, ts.timeNs(39));
        assertEquals(20.0, ts.value(0, 39));
        assertEquals(60.0, ts.value(1, 39));
        assertEquals(1, ts.columnIndex("b.pct"));
        assertEquals(-1, ts.columnIndex("nope"));
        assertEquals(0.5, ts.values("a.gbps")[0]);
    }

    @Test
    void shouldCopyItsInputs()
    {
        final long[] times = {1, 2};
        final double[][] values = {{1, 2}, {3, 4}};
        final TimeSeries ts = TimeSeries.of(List.of(A, B), times, values);
        times[0] = 7;
        values[0][0] = 7;
        ts.timesNs()[1] = 9;
        assertArrayEquals(new long[] {1, 2}, ts.timesNs());
        assertEquals(1.0, ts.value(0, 0));
    }

    @Test
    void shouldRejectTimesThatDoNotIncrease()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> TimeSeries.of(List.of(A), new long[] {5, 5}, new double[][] {{1, 2}}));
        assertEquals("sample times must increase strictly: sample 1 at 5 ns follows 5 ns", ex.getMessage());
    }

    @Test
    void shouldRejectDuplicateKeysAndUnsafeKeys()
    {
        assertEquals("duplicate column key 'a.gbps'", assertThrows(IllegalArgumentException.class,
            () -> TimeSeries.builder(List.of(A, A))).getMessage());
        assertEquals("column key 'a,b' must be non-empty and use only letters, digits and . _ - : /",
            assertThrows(IllegalArgumentException.class,
                () -> Column.of("a,b", "x", "x", "i", "s", null, SeriesKind.ALLOWANCE)).getMessage());
    }

    @Test
    void shouldRejectARowOfTheWrongWidth()
    {
        assertEquals("row has 1 values, expected one per column (2)", assertThrows(IllegalArgumentException.class,
            () -> TimeSeries.builder(List.of(A, B)).add(1, 1.0)).getMessage());
    }
}
