package io.nitrosim.ec2api.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * A small immutable-once-built XML tree for EC2 responses: built on the region's thread (cheap objects), written
 * to text on the HTTP thread. Element names are the {@code locationName}s of botocore's EC2 model; lists are
 * wrapper elements holding {@code <item>}s.
 */
public final class Xml
{
    private final String name;
    private final String text;
    private final List<Xml> children;

    private Xml(final String name, final String text, final List<Xml> children)
    {
        this.name = name;
        this.text = text;
        this.children = children;
    }

    /** An element with children added by {@link #add}. */
    public static Xml element(final String name)
    {
        return new Xml(name, null, new ArrayList<>());
    }

    /** A text element; null text gives an element that {@link #add} skips (EC2 omits absent members). */
    public static Xml text(final String name, final Object value)
    {
        return new Xml(name, value == null ? null : String.valueOf(value), null);
    }

    public String name()
    {
        return name;
    }

    /** Adds a child; a text element without text is left out. */
    public Xml add(final Xml child)
    {
        if (child.children != null || child.text != null)
        {
            children.add(child);
        }
        return this;
    }

    public Xml add(final String childName, final Object value)
    {
        return add(text(childName, value));
    }

    /** Adds {@code <setName>} holding one {@code <item>} per element built by the caller. */
    public Xml addSet(final String setName, final List<Xml> items)
    {
        final Xml set = element(setName);
        for (final Xml item : items)
        {
            set.add(item);
        }
        children.add(set);
        return this;
    }

    /** Writes the document, with the XML declaration, the namespace on the root element. */
    public String toDocument(final String namespace)
    {
        final StringBuilder sb = new StringBuilder(4096).append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        write(sb, namespace);
        return sb.toString();
    }

    private void write(final StringBuilder sb, final String namespace)
    {
        sb.append('<').append(name);
        if (namespace != null)
        {
            sb.append(" xmlns=\"").append(namespace).append('"');
        }
        sb.append('>');
        if (text != null)
        {
            escape(sb, text);
        }
        else
        {
            for (final Xml child : children)
            {
                child.write(sb, null);
            }
        }
        sb.append("</").append(name).append('>');
    }

    /** Whether the char at {@code i} is an XML 1.0 Char: tab, LF, CR, U+0020-U+FFFD, or half of a surrogate pair. */
    private static boolean allowed(final String text, final int i)
    {
        final char c = text.charAt(i);
        if (Character.isHighSurrogate(c))
        {
            return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c))
        {
            return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
        }
        return c >= 0x20 && c <= 0xFFFD || c == '\t' || c == '\n' || c == '\r';
    }

    static void escape(final StringBuilder sb, final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default ->
                {
                    if (allowed(text, i))
                    {
                        sb.append(c);
                    }
                    else
                    {
                        // XML 1.0 cannot carry it, not even as a character reference (&#0; is not well-formed)
                        sb.append('\uFFFD');
                    }
                }
            }
        }
    }
}
