package io.nitrosim.simulator.results;

/**
 * One scenario expectation (CI gate) and whether it held.
 *
 * @param description what was expected, as the user wrote it or as the scenario renders it.
 * @param passed      whether it held.
 * @param actual      the measured value, with its unit.
 * @param expected    the accepted value or range, with its unit.
 */
public record ExpectationResult(String description, boolean passed, String actual, String expected)
{
    public ExpectationResult
    {
        Checks.text("description", description);
        Checks.text("actual", actual);
        Checks.text("expected", expected);
    }
}
