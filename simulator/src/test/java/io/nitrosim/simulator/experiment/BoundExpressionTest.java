package io.nitrosim.simulator.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class BoundExpressionTest
{
    /** peak 10, baseline 0.75, flowLimit 5; ${streams} 4. */
    private static final BoundExpression.Names NAMES = new BoundExpression.Names()
    {
        private final Map<String, Double> names = Map.of("peak", 10.0, "baseline", 0.75, "flowLimit", 5.0,
            "type.networkBurstSeconds", 20.0);

        @Override
        public double name(final String name)
        {
            final Double v = names.get(name);
            if (v == null)
            {
                throw new IllegalArgumentException("'" + name + "' is not a name");
            }
            return v;
        }

        @Override
        public double parameter(final String parameter)
        {
            if (!parameter.equals("workloads[0].streams"))
            {
                throw new IllegalArgumentException("${" + parameter + "} is not a swept parameter");
            }
            return 4;
        }
    };

    private static double eval(final String text)
    {
        return BoundExpression.parse(text).evaluate(NAMES);
    }

    @Test
    void shouldFollowArithmeticPrecedence()
    {
        assertEquals(7.0, eval("1 + 2 * 3"));
        assertEquals(9.0, eval("(1 + 2) * 3"));
        assertEquals(-1.5, eval("-3 / 2"));
        assertEquals(2.5e-3, eval("2.5e-3"));
        assertEquals(1.0, eval("10 - 4 - 5"));
        assertEquals(1.0, eval("8 / 4 / 2"));
    }

    @Test
    void shouldUseNamesParametersAndFunctions()
    {
        assertEquals(0.7425, eval("0.99 * baseline"), 1e-15);
        assertEquals(10.0, eval("min(peak, flowLimit * ${workloads[0].streams})"));
        assertEquals(20.0, eval("max(peak, flowLimit * ${ workloads[0].streams }, 3)"));
        // c5.large with one 5 Gbps flow drains 9.25 Gbps x 20 s of credits at 4.25 Gbps
        assertEquals(185.0 / 4.25, eval("type.networkBurstSeconds * (peak - baseline) / (flowLimit - baseline)"),
            1e-12);
        final BoundExpression e = BoundExpression.parse("min(peak, flowLimit * ${workloads[0].streams}) - baseline");
        assertEquals(List.of("peak", "flowLimit", "baseline"), e.names());
        assertEquals(List.of("workloads[0].streams"), e.parameters());
    }

    @Test
    void shouldSayWhereAnExpressionIsWrong()
    {
        assertEquals("expression '0.99 * ' at character 8: the expression ends where a number, a name, "
            + "${parameter}, min(...), max(...) or '(' should follow",
            assertThrows(IllegalArgumentException.class, () -> BoundExpression.parse("0.99 * ")).getMessage());
        assertEquals("expression 'min(peak' at character 9: expected ')' at the end",
            assertThrows(IllegalArgumentException.class, () -> BoundExpression.parse("min(peak")).getMessage());
        assertEquals("expression '2 ** 3' at character 4: unexpected '*'; expected a number, a name, ${parameter}, "
            + "min(...), max(...) or '('",
            assertThrows(IllegalArgumentException.class, () -> BoundExpression.parse("2 ** 3")).getMessage());
        assertEquals("expression '${streams' at character 1: '${' without its closing '}'",
            assertThrows(IllegalArgumentException.class, () -> BoundExpression.parse("${streams")).getMessage());
        assertEquals("expression '1 2' at character 3: unexpected '2'",
            assertThrows(IllegalArgumentException.class, () -> BoundExpression.parse("1 2")).getMessage());
        assertEquals("'peek' is not a name",
            assertThrows(IllegalArgumentException.class, () -> eval("0.99 * peek")).getMessage());
        assertEquals("expression '1 / (peak - 10)' is Infinity",
            assertThrows(IllegalArgumentException.class, () -> eval("1 / (peak - 10)")).getMessage());
    }
}
