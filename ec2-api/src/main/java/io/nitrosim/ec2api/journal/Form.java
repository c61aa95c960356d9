package io.nitrosim.ec2api.journal;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Parameters as form-encoded text, the journal's (and the EC2 Query protocol's) way of writing them. */
public final class Form
{
    private Form()
    {
    }

    public static String encode(final Map<String, String> params)
    {
        final StringBuilder sb = new StringBuilder();
        for (final Map.Entry<String, String> e : params.entrySet())
        {
            if (sb.length() > 0)
            {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    public static Map<String, String> decode(final String text)
    {
        final Map<String, String> params = new LinkedHashMap<>();
        if (text.isEmpty())
        {
            return params;
        }
        for (final String pair : text.split("&"))
        {
            final int eq = pair.indexOf('=');
            params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }
}
