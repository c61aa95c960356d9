package io.nitrosim.simulator.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A bound of a sweep expectation that depends on the point: arithmetic over numbers, the caps and catalog
 * values of the expectation's subject, and the point's parameter values.
 * <pre>
 *   expr    := term (('+' | '-') term)*
 *   term    := factor (('*' | '/') factor)*
 *   factor  := number | name | '${' parameter '}' | ('min' | 'max') '(' expr (',' expr)* ')' | '(' expr ')'
 *            | '-' factor
 *   name    := letters, digits, '_' and '.' (e.g. baseline, type.networkBaselineGbps)
 * </pre>
 * Examples: {@code 0.99 * baseline}, {@code 1.01 * min(peak, flowLimit * ${workloads[0].streams})}.
 * Parsing happens once when the sweep file is read; the names are looked up per point.
 */
public final class BoundExpression
{
    /** Looks names and parameters up at one point; both throw IllegalArgumentException for unknown ones. */
    public interface Names
    {
        double name(String name);

        double parameter(String parameter);
    }

    private interface Node
    {
        double evaluate(Names names);
    }

    private final String text;
    private final Node root;
    private final List<String> names = new ArrayList<>();
    private final List<String> parameters = new ArrayList<>();
    private int position;

    private BoundExpression(final String text)
    {
        this.text = text;
        this.root = parseExpression();
        skipSpaces();
        if (position < text.length())
        {
            throw error("unexpected '" + text.charAt(position) + "'");
        }
    }

    /**
     * @throws IllegalArgumentException "expression 'TEXT' at character N: PROBLEM".
     */
    public static BoundExpression parse(final String text)
    {
        return new BoundExpression(text);
    }

    public double evaluate(final Names lookup)
    {
        final double value = root.evaluate(lookup);
        if (!Double.isFinite(value))
        {
            throw new IllegalArgumentException("expression '" + text + "' is " + value);
        }
        return value;
    }

    /** The names the expression uses, in order of appearance. */
    public List<String> names()
    {
        return List.copyOf(names);
    }

    /** The parameters ({@code ${...}}) the expression uses, in order of appearance. */
    public List<String> parameters()
    {
        return List.copyOf(parameters);
    }

    @Override
    public String toString()
    {
        return text;
    }

    private Node parseExpression()
    {
        Node left = parseTerm();
        while (true)
        {
            skipSpaces();
            if (accept('+'))
            {
                final Node a = left;
                final Node b = parseTerm();
                left = n -> a.evaluate(n) + b.evaluate(n);
            }
            else if (accept('-'))
            {
                final Node a = left;
                final Node b = parseTerm();
                left = n -> a.evaluate(n) - b.evaluate(n);
            }
            else
            {
                return left;
            }
        }
    }

    private Node parseTerm()
    {
        Node left = parseFactor();
        while (true)
        {
            skipSpaces();
            if (accept('*'))
            {
                final Node a = left;
                final Node b = parseFactor();
                left = n -> a.evaluate(n) * b.evaluate(n);
            }
            else if (accept('/'))
            {
                final Node a = left;
                final Node b = parseFactor();
                left = n -> a.evaluate(n) / b.evaluate(n);
            }
            else
            {
                return left;
            }
        }
    }

    private Node parseFactor()
    {
        skipSpaces();
        if (position >= text.length())
        {
            throw error("the expression ends where a number, a name, ${parameter}, min(...), max(...) or '(' "
                + "should follow");
        }
        final char c = text.charAt(position);
        if (accept('-'))
        {
            final Node inner = parseFactor();
            return n -> -inner.evaluate(n);
        }
        if (accept('('))
        {
            final Node inner = parseExpression();
            expect(')');
            return inner;
        }
        if (text.startsWith("${", position))
        {
            final int end = text.indexOf('}', position);
            if (end < 0)
            {
                throw error("'${' without its closing '}'");
            }
            final String parameter = text.substring(position + 2, end).trim();
            if (parameter.isEmpty())
            {
                throw error("'${}' names no parameter");
            }
            position = end + 1;
            parameters.add(parameter);
            return n -> n.parameter(parameter);
        }
        if (Character.isDigit(c) || c == '.')
        {
            return parseNumber();
        }
        if (Character.isLetter(c))
        {
            final int start = position;
            while (position < text.length() && (Character.isLetterOrDigit(text.charAt(position))
                || text.charAt(position) == '_' || text.charAt(position) == '.'))
            {
                position++;
            }
            final String name = text.substring(start, position);
            skipSpaces();
            if (name.equals("min") || name.equals("max"))
            {
                return parseCall(name);
            }
            names.add(name);
            return n -> n.name(name);
        }
        throw error("unexpected '" + c + "'; expected a number, a name, ${parameter}, min(...), max(...) or '('");
    }

    private Node parseCall(final String function)
    {
        expect('(');
        final List<Node> args = new ArrayList<>();
        args.add(parseExpression());
        skipSpaces();
        while (accept(','))
        {
            args.add(parseExpression());
            skipSpaces();
        }
        expect(')');
        final boolean min = function.equals("min");
        return n ->
        {
            double result = args.get(0).evaluate(n);
            for (int i = 1; i < args.size(); i++)
            {
                final double v = args.get(i).evaluate(n);
                result = min ? Math.min(result, v) : Math.max(result, v);
            }
            return result;
        };
    }

    private Node parseNumber()
    {
        final int start = position;
        while (position < text.length() && (Character.isDigit(text.charAt(position)) || text.charAt(position) == '.'))
        {
            position++;
        }
        if (position < text.length() && (text.charAt(position) == 'e' || text.charAt(position) == 'E'))
        {
            position++;
            if (position < text.length() && (text.charAt(position) == '+' || text.charAt(position) == '-'))
            {
                position++;
            }
            while (position < text.length() && Character.isDigit(text.charAt(position)))
            {
                position++;
            }
        }
        final String number = text.substring(start, position);
        final double value;
        try
        {
            value = Double.parseDouble(number);
        }
        catch (final NumberFormatException ex)
        {
            position = start;
            throw error("'" + number + "' is not a number");
        }
        return n -> value;
    }

    private void skipSpaces()
    {
        while (position < text.length() && Character.isWhitespace(text.charAt(position)))
        {
            position++;
        }
    }

    private boolean accept(final char c)
    {
        skipSpaces();
        if (position < text.length() && text.charAt(position) == c)
        {
            position++;
            return true;
        }
        return false;
    }

    private void expect(final char c)
    {
        if (!accept(c))
        {
            throw error(position < text.length() ? "expected '" + c + "' but found '" + text.charAt(position) + "'" :
                "expected '" + c + "' at the end");
        }
    }

    private IllegalArgumentException error(final String problem)
    {
        return new IllegalArgumentException(String.format(Locale.ROOT, "expression '%s' at character %d: %s", text,
            position + 1, problem));
    }
}
