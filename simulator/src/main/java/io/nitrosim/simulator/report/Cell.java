package io.nitrosim.simulator.report;

/**
 * One table cell: its text and, when the figure comes from results.json, the JSON Pointer of its source
 * (rendered as {@code data-json} in the HTML so tests and tools can check every figure against the JSON).
 *
 * @param text     what is shown.
 * @param pointer  JSON Pointer into results.json, or null for derived cells.
 * @param decimals decimals of a floating-point figure, or -1.
 * @param style    HTML class: {@link #NUMBER} (right-aligned), {@link #PASS}, {@link #FAIL}, or null.
 */
record Cell(String text, String pointer, int decimals, String style)
{
    static final String NUMBER = "num";
    static final String PASS = "pass";
    static final String FAIL = "fail";
    /** The text of a figure that does not apply. */
    static final String ABSENT = "-";

    static Cell label(final String text)
    {
        return new Cell(text, null, -1, null);
    }

    static Cell text(final String text, final String pointer)
    {
        return new Cell(text, pointer, -1, null);
    }

    static Cell number(final double value, final int decimals, final String pointer)
    {
        return new Cell(Figures.fixed(value, decimals), pointer, decimals, NUMBER);
    }

    /** A number computed here, not read from the JSON (e.g. percent of cap). */
    static Cell derivedNumber(final String text)
    {
        return new Cell(text, null, -1, NUMBER);
    }

    /** A figure that may be absent (null): absent shows "-" with no pointer, as the JSON leaves it out. */
    static Cell optionalNumber(final Double value, final int decimals, final String pointer)
    {
        return value == null ? new Cell(ABSENT, null, -1, NUMBER) : number(value, decimals, pointer);
    }

    /** A yes/no figure. */
    static Cell flag(final boolean value, final String pointer)
    {
        return new Cell(value ? "yes" : "no", pointer, -1, null);
    }

    static Cell count(final long value, final String pointer)
    {
        return new Cell(Figures.count(value), pointer, -1, NUMBER);
    }

    static Cell passFail(final boolean passed, final String pointer)
    {
        return new Cell(passed ? "PASS" : "FAIL", pointer, -1, passed ? PASS : FAIL);
    }

    boolean numeric()
    {
        return NUMBER.equals(style);
    }
}
