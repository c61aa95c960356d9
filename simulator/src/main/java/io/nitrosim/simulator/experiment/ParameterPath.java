package io.nitrosim.simulator.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a swept parameter goes in the scenario tree: a JSON Pointer (RFC 6901), written either as one
 * ({@code /overrides/instanceTypes/c5.large/networkBurstSeconds}) or in the scenario's own dotted form
 * ({@code instances[0].type}, {@code workloads[1].streams}), which is turned into the pointer
 * {@code /instances/0/type}. The dotted form cannot name a field with a dot in it; the pointer form can.
 */
public final class ParameterPath
{
    private static final Pattern SEGMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_-]*)((?:\\[\\d+])*)");
    private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

    private final String text;
    private final JsonPointer pointer;
    /** For each token of the pointer, the path up to and including it as the user wrote it. */
    private final List<String> prefixes;

    private ParameterPath(final String text, final JsonPointer pointer, final List<String> prefixes)
    {
        this.text = text;
        this.pointer = pointer;
        this.prefixes = prefixes;
    }

    /**
     * @param text a JSON Pointer starting with '/', or a dotted path such as {@code instances[0].type}.
     * @throws IllegalArgumentException naming what is wrong with it.
     */
    public static ParameterPath parse(final String text)
    {
        if (text.isEmpty() || text.equals("/"))
        {
            throw new IllegalArgumentException("an empty path names the whole scenario, not a field in it");
        }
        final List<String> prefixes = new ArrayList<>();
        if (text.startsWith("/"))
        {
            final JsonPointer pointer;
            try
            {
                pointer = JsonPointer.compile(text);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("'" + text + "' is not a JSON Pointer: " + ex.getMessage());
            }
            for (JsonPointer p = pointer; !p.matches(); p = p.tail())
            {
                prefixes.add(text.substring(0, text.length() - p.tail().toString().length()));
            }
            return new ParameterPath(text, pointer, prefixes);
        }
        final StringBuilder pointerText = new StringBuilder();
        final StringBuilder prefix = new StringBuilder();
        for (final String segment : text.split("\\.", -1))
        {
            final Matcher m = SEGMENT.matcher(segment);
            if (!m.matches())
            {
                throw new IllegalArgumentException("'" + segment + "' is not a field name or name[index] (a field "
                    + "whose name holds a dot needs the JSON Pointer form, e.g. /overrides/instanceTypes/c5.large)");
            }
            prefix.append(prefix.length() == 0 ? "" : ".").append(m.group(1));
            pointerText.append('/').append(m.group(1));
            prefixes.add(prefix.toString());
            final Matcher index = INDEX.matcher(m.group(2));
            while (index.find())
            {
                prefix.append('[').append(index.group(1)).append(']');
                pointerText.append('/').append(Integer.parseInt(index.group(1)));
                prefixes.add(prefix.toString());
            }
        }
        return new ParameterPath(text, JsonPointer.compile(pointerText.toString()), prefixes);
    }

    /** The path as written. */
    public String text()
    {
        return text;
    }

    public JsonPointer pointer()
    {
        return pointer;
    }

    /**
     * Puts {@code value} at this path in {@code root}. A missing object field on the way is created (so an
     * override section the scenario lacks can be swept); a list must already have the element.
     *
     * @throws IllegalArgumentException "the scenario has no X" or "X is not a list or an object".
     */
    public void set(final JsonNode root, final JsonNode value)
    {
        JsonNode node = root;
        JsonPointer p = pointer;
        for (int depth = 0; ; depth++)
        {
            final boolean last = p.tail().matches();
            if (node instanceof ObjectNode)
            {
                final ObjectNode object = (ObjectNode)node;
                final String field = p.getMatchingProperty();
                if (last)
                {
                    object.set(field, value);
                    return;
                }
                JsonNode child = object.get(field);
                if (child == null || child.isNull())
                {
                    child = object.putObject(field);
                }
                node = child;
            }
            else if (node instanceof ArrayNode)
            {
                final int index = p.getMatchingIndex();
                if (index < 0 || index >= node.size())
                {
                    throw new IllegalArgumentException("the scenario has no " + prefixes.get(depth));
                }
                if (last)
                {
                    ((ArrayNode)node).set(index, value);
                    return;
                }
                node = node.get(index);
            }
            else
            {
                throw new IllegalArgumentException(prefixes.get(depth - 1) + " is not a list or an object");
            }
            p = p.tail();
        }
    }

    @Override
    public String toString()
    {
        return text;
    }
}
