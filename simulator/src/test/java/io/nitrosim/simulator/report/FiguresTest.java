package io.nitrosim.simulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FiguresTest
{
    @Test
    void shouldRoundHalfUpToFixedDecimals()
    {
        assertEquals("10.000", Figures.fixed(10, 3));
        assertEquals("6.457", Figures.fixed(6.4567891, 3));
        assertEquals("1987.7", Figures.fixed(1987.65, 1));
        assertEquals("16000", Figures.fixed(15_999.6, 0));
        assertEquals("3", Figures.fixed(2.5, 0));
    }

    @Test
    void shouldNotPrintNegativeZero()
    {
        assertEquals("0.000", Figures.fixed(-0.0001, 3));
        assertEquals("0", Figures.fixed(-0.0, 0));
        assertEquals("-0.001", Figures.fixed(-0.0009, 3));
    }

    @Test
    void shouldPrintTheShortestPlainDecimal()
    {
        assertEquals("0", Figures.plain(0.0));
        assertEquals("0", Figures.plain(-0.0));
        assertEquals("10", Figures.plain(10.0));
        assertEquals("0.75", Figures.plain(0.75));
        assertEquals("15000000000000000", Figures.plain(1.5e16));
        assertEquals("123456789.125", Figures.plain(123_456_789.125));
        assertEquals("0.000001", Figures.plain(1e-6));
        assertEquals("NaN", Figures.plain(Double.NaN));
    }
}
