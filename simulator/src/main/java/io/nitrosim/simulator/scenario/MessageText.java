package io.nitrosim.simulator.scenario;

import java.util.Collection;
import java.util.Iterator;

/**
 * Makes user-supplied text safe to put in a one-line message: control characters (a newline, a tab, an escape
 * sequence) are written as Java escapes, and long values are cut, so an error stays one readable line however
 * hostile the input.
 */
public final class MessageText
{
    /** Characters of one value kept in a message; the rest is replaced by "...(N more characters)". */
    public static final int MAX_VALUE_CHARS = 80;
    /** Names listed in one message; the rest are counted ("and 99 more"). */
    public static final int MAX_LISTED_NAMES = 12;
    /** Whole-message cap: a message is never longer than this. */
    public static final int MAX_MESSAGE_CHARS = 1000;

    private MessageText()
    {
    }

    /** The value cut to {@link #MAX_VALUE_CHARS} and escaped. */
    public static String value(final Object value)
    {
        return cut(String.valueOf(value), MAX_VALUE_CHARS);
    }

    /** The value in single quotes, cut and escaped: {@code 'c5.huge'}. */
    public static String quoted(final Object value)
    {
        return "'" + value(value) + "'";
    }

    /** "a, b, c and 97 more": at most {@link #MAX_LISTED_NAMES} names, each cut and escaped. */
    public static String list(final Collection<String> names)
    {
        final StringBuilder sb = new StringBuilder();
        final Iterator<String> it = names.iterator();
        int listed = 0;
        while (it.hasNext() && listed < MAX_LISTED_NAMES)
        {
            if (listed++ > 0)
            {
                sb.append(", ");
            }
            sb.append(value(it.next()));
        }
        if (names.size() > listed)
        {
            sb.append(" and ").append(names.size() - listed).append(" more");
        }
        return sb.toString();
    }

    /** One line of at most {@link #MAX_MESSAGE_CHARS}: control characters escaped, the tail cut. */
    public static String line(final String message)
    {
        return cut(message == null ? "" : message, MAX_MESSAGE_CHARS);
    }

    private static String cut(final String text, final int maxChars)
    {
        final StringBuilder sb = new StringBuilder(Math.min(text.length(), maxChars) + 32);
        int i = 0;
        for (; i < text.length() && sb.length() < maxChars; i++)
        {
            final char c = text.charAt(i);
            if (c == '\n')
            {
                sb.append("\\n");
            }
            else if (c == '\r')
            {
                sb.append("\\r");
            }
            else if (c == '\t')
            {
                sb.append("\\t");
            }
            else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029')
            {
                sb.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                sb.append(c);
            }
        }
        if (i < text.length())
        {
            sb.append("...(").append(text.length() - i).append(" more characters)");
        }
        return sb.toString();
    }
}
