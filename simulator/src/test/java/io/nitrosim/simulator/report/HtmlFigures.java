package io.nitrosim.simulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;

/** Test helpers that read back what the HTML writers produced, independently of the writers' code. */
final class HtmlFigures
{
    private static final Pattern CELL = Pattern.compile("<(td|span)([^>]*)>(.*?)</\\1>", Pattern.DOTALL);
    private static final Pattern ATTR = Pattern.compile("([a-z-]+)=\"([^\"]*)\"");
    private static final Pattern IMG = Pattern.compile("<img ([^>]*)>");
    private static final Pattern TABLE = Pattern.compile("<table id=\"([^\"]*)\"");
    private static final byte[] PNG_SIGNATURE = {(byte)0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private HtmlFigures()
    {
    }

    record Chart(String id, String alt, BufferedImage image)
    {
    }

    /**
     * Checks every cell tagged with data-json against the JSON value at that pointer (text equal, integers
     * equal, floating point formatted with data-decimals and within half a unit of the last decimal) and
     * returns the pointers checked.
     */
    static Set<String> checkFiguresAgainstJson(final String html, final JsonNode json)
    {
        final Set<String> checked = new LinkedHashSet<>();
        final Matcher m = CELL.matcher(html);
        while (m.find())
        {
            final Map<String, String> attrs = attributes(m.group(2));
            final String pointer = attrs.get("data-json");
            if (pointer == null)
            {
                continue;
            }
            final String text = unescape(m.group(3));
            final JsonNode node = json.at(pointer);
            assertFalse(node.isMissingNode(), "no JSON value at " + pointer);
            if (node.isTextual())
            {
                assertEquals(node.asText(), text, pointer);
            }
            else if (node.isBoolean())
            {
                // Outcomes read PASS/FAIL, other flags yes/no.
                final boolean outcome = text.equals("PASS") || text.equals("FAIL");
                assertEquals(node.asBoolean() ? outcome ? "PASS" : "yes" : outcome ? "FAIL" : "no", text, pointer);
            }
            else if (node.isIntegralNumber())
            {
                assertEquals(node.asText(), text, pointer);
            }
            else
            {
                assertTrue(node.isFloatingPointNumber(), pointer + " is " + node.getNodeType());
                final int decimals = Integer.parseInt(attrs.get("data-decimals"));
                final double value = node.doubleValue();
                assertEquals(String.format(Locale.ROOT, "%." + decimals + "f", value), text, pointer);
                assertEquals(value, Double.parseDouble(text), 0.5 * Math.pow(10, -decimals) + 1e-9, pointer);
            }
            checked.add(pointer);
        }
        return checked;
    }

    /** JSON Pointers of every scalar in the tree. */
    static Set<String> leafPointers(final JsonNode node)
    {
        final Set<String> leaves = new LinkedHashSet<>();
        collect(node, "", leaves);
        return leaves;
    }

    private static void collect(final JsonNode node, final String pointer, final Set<String> leaves)
    {
        if (node.isObject())
        {
            for (final Map.Entry<String, JsonNode> e : node.properties())
            {
                collect(e.getValue(), pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1"), leaves);
            }
        }
        else if (node.isArray())
        {
            for (int i = 0; i < node.size(); i++)
            {
                collect(node.get(i), pointer + "/" + i, leaves);
            }
        }
        else
        {
            leaves.add(pointer);
        }
    }

    /** The ids of the tables, in page order. */
    static List<String> tableIds(final String html)
    {
        final List<String> ids = new ArrayList<>();
        final Matcher m = TABLE.matcher(html);
        while (m.find())
        {
            ids.add(m.group(1));
        }
        return ids;
    }

    /** Every img: id, alt and the decoded PNG (checked for the PNG signature and readable by ImageIO). */
    static List<Chart> charts(final String html) throws Exception
    {
        final List<Chart> charts = new ArrayList<>();
        final Matcher m = IMG.matcher(html);
        while (m.find())
        {
            final Map<String, String> attrs = attributes(m.group(1));
            final String id = attrs.get("id");
            final String src = attrs.get("src");
            final String prefix = "data:image/png;base64,";
            assertTrue(src.startsWith(prefix), id + " src is not a PNG data URI");
            final byte[] png = Base64.getDecoder().decode(src.substring(prefix.length()));
            assertTrue(png.length > PNG_SIGNATURE.length, id);
            assertEquals(Arrays.toString(PNG_SIGNATURE), Arrays.toString(Arrays.copyOf(png, PNG_SIGNATURE.length)), id);
            final BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertTrue(image != null, id + " is not readable by ImageIO");
            charts.add(new Chart(id, unescape(attrs.get("alt")), image));
        }
        return charts;
    }

    static Map<String, String> attributes(final String s)
    {
        final Map<String, String> attrs = new LinkedHashMap<>();
        final Matcher m = ATTR.matcher(s);
        while (m.find())
        {
            attrs.put(m.group(1), m.group(2));
        }
        return attrs;
    }

    static String unescape(final String s)
    {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
            .replace("&amp;", "&");
    }

    /** Pixels within 24 per channel of this colour (lines are anti-aliased, so few pixels are exact). */
    static int countPixels(final BufferedImage image, final Color color)
    {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++)
        {
            for (int x = 0; x < image.getWidth(); x++)
            {
                final int rgb = image.getRGB(x, y);
                if (Math.abs(((rgb >> 16) & 0xFF) - color.getRed()) <= 24
                    && Math.abs(((rgb >> 8) & 0xFF) - color.getGreen()) <= 24
                    && Math.abs((rgb & 0xFF) - color.getBlue()) <= 24)
                {
                    count++;
                }
            }
        }
        return count;
    }
}
