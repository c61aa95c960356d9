package io.nitrosim.simulator.scenario;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Line and column of every field and list element of a scenario file, by path ("instances[1].volumes[0].iops"),
 * so that errors found after parsing (unknown type, attachment limits, ...) still point into the file.
 */
final class LocationIndex
{
    static final LocationIndex NONE = new LocationIndex();

    private final Map<String, int[]> locations = new HashMap<>();

    private LocationIndex()
    {
    }

    /** Reads the whole document; a syntax error leaves the index with what was read before it. */
    static LocationIndex of(final JsonParser parser)
    {
        final LocationIndex index = new LocationIndex();
        final Deque<Frame> stack = new ArrayDeque<>();
        try
        {
            JsonToken token;
            while ((token = parser.nextToken()) != null)
            {
                final Frame top = stack.peek();
                if (token == JsonToken.FIELD_NAME)
                {
                    top.field = parser.currentName();
                    index.put(top.childPath(), parser.currentTokenLocation());
                    continue;
                }
                if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY)
                {
                    stack.pop(); // an END token closes its own frame and is no element of it
                    continue;
                }
                if (top != null && top.isArray)
                {
                    top.index++;
                    index.put(top.childPath(), parser.currentTokenLocation());
                }
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY)
                {
                    final String path = top == null ? "" : top.childPath();
                    stack.push(new Frame(path, token == JsonToken.START_ARRAY));
                }
            }
        }
        catch (final IOException ex)
        {
            // Syntax errors are reported by the data binding pass with their own location.
        }
        return index;
    }

    private void put(final String path, final JsonLocation location)
    {
        if (location != null && location.getLineNr() > 0)
        {
            locations.putIfAbsent(path, new int[] {location.getLineNr(), location.getColumnNr()});
        }
    }

    /**
     * ":line:col" of the path, or of its nearest ancestor the file has (a missing field is reported where its
     * parent starts), or "" when nothing is known.
     */
    String where(final String path)
    {
        String p = path;
        while (p != null && !p.isEmpty())
        {
            final int[] location = locations.get(p);
            if (location != null)
            {
                return ":" + location[0] + ":" + location[1];
            }
            p = parent(p);
        }
        return "";
    }

    private static String parent(final String path)
    {
        final int dot = path.lastIndexOf('.');
        final int bracket = path.lastIndexOf('[');
        final int cut = Math.max(dot, bracket);
        return cut <= 0 ? null : path.substring(0, cut);
    }

    private static final class Frame
    {
        final String path;
        final boolean isArray;
        String field;
        int index = -1;

        Frame(final String path, final boolean isArray)
        {
            this.path = path;
            this.isArray = isArray;
        }

        String childPath()
        {
            if (isArray)
            {
                return path + "[" + index + "]";
            }
            return path.isEmpty() ? field : path + "." + field;
        }
    }
}
