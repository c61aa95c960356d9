package io.nitrosim.simulator.report;

/**
 * One table cell: its text and, when the figure comes from results.json, the JSON Pointer of its source
 * (rendered as {@code data-json} in the HTML so tests and tools can check every figure against the JSON).
 *
 * @param text     what is shown.
 * @param pointer  JSON Pointer into results.json, or null for derived cells.
 * @param decimals decimals of a floating-point figure, or -1.
 * @param numeric  right-aligned.
 */
record Cell(String text, String pointer, int decimals, boolean numeric)
{
    static Cell label(final String text)
    {
        return new Cell(text, null, -1, false);
    }

    static Cell text(final String text, final String pointer)
    {
        return new Cell(text, pointer, -1, false);
    }

    static Cell number(final double value, final int decimals, final String pointer)
    {
        return new Cell(Figures.fixed(value, decimals), pointer, decimals, true);
    }

    static Cell count(final long value, final String pointer)
    {
        return new Cell(Figures.count(value), pointer, -1, true);
    }

    static Cell passFail(final boolean passed, final String pointer)
    {
        return new Cell(passed ? "PASS" : "FAIL", pointer, -1, false);
    }
}
