package io.nitrosim.ec2api.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.nitrosim.control.Ec2Error;
import io.nitrosim.control.Ec2Exception;

/**
 * Strict {@code application/x-www-form-urlencoded} decoding (the EC2 Query protocol's body): pairs separated by
 * {@code &}, {@code +} is a space, {@code %XX} a byte, the bytes UTF-8. A bad escape, invalid UTF-8, a pair
 * without a name or a name given twice is a MalformedQueryString naming the offending text.
 */
public final class FormDecoder
{
    /** Most parameters one request may carry (EC2 requests with thousands of parameters are not plausible). */
    public static final int MAX_PARAMETERS = 10_000;

    private FormDecoder()
    {
    }

    public static Map<String, String> decode(final String body)
    {
        final Map<String, String> params = new LinkedHashMap<>();
        if (body.isEmpty())
        {
            return params;
        }
        int start = 0;
        while (start <= body.length())
        {
            int end = body.indexOf('&', start);
            if (end < 0)
            {
                end = body.length();
            }
            if (end > start)
            {
                final String pair = body.substring(start, end);
                final int eq = pair.indexOf('=');
                final String name = decodeComponent(eq < 0 ? pair : pair.substring(0, eq));
                final String value = eq < 0 ? "" : decodeComponent(pair.substring(eq + 1));
                if (name.isEmpty())
                {
                    throw malformed("a parameter has no name: '" + abbreviate(pair) + "'");
                }
                if (params.put(name, value) != null)
                {
                    throw malformed("parameter '" + abbreviate(name) + "' is given twice");
                }
                if (params.size() > MAX_PARAMETERS)
                {
                    throw malformed("more than " + MAX_PARAMETERS + " parameters");
                }
            }
            start = end + 1;
        }
        return params;
    }

    static String decodeComponent(final String text)
    {
        if (text.indexOf('%') < 0 && text.indexOf('+') < 0)
        {
            return text;
        }
        final ByteBuffer bytes = ByteBuffer.allocate(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '+')
            {
                bytes.put((byte)' ');
            }
            else if (c == '%')
            {
                if (i + 2 >= text.length())
                {
                    throw malformed("incomplete escape at the end of '" + abbreviate(text) + "'");
                }
                final int hi = Character.digit(text.charAt(i + 1), 16);
                final int lo = Character.digit(text.charAt(i + 2), 16);
                if (hi < 0 || lo < 0)
                {
                    throw malformed("invalid escape '%" + text.charAt(i + 1) + text.charAt(i + 2) + "' in '"
                        + abbreviate(text) + "'");
                }
                bytes.put((byte)(hi << 4 | lo));
                i += 2;
            }
            else if (c > 0x7f)
            {
                throw malformed("unencoded non-ASCII character in '" + abbreviate(text) + "'");
            }
            else
            {
                bytes.put((byte)c);
            }
        }
        bytes.flip();
        final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try
        {
            final CharBuffer chars = utf8.decode(bytes);
            return chars.toString();
        }
        catch (final CharacterCodingException ex)
        {
            throw malformed("'" + abbreviate(text) + "' is not UTF-8 once decoded");
        }
    }

    private static String abbreviate(final String text)
    {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    private static Ec2Exception malformed(final String detail)
    {
        return new Ec2Exception(Ec2Error.MALFORMED_QUERY_STRING, "The query string is malformed: " + detail);
    }
}
