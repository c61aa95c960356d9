package io.nitrosim.simulator.report;

import java.util.Base64;
import java.util.Objects;

/**
 * One rendered chart.
 *
 * @param id    stable HTML id, e.g. {@code chart-net-web-1-out}.
 * @param title caption.
 * @param alt   alternative text describing what it shows.
 * @param png   the PNG bytes.
 */
public record ChartImage(String id, String title, String alt, byte[] png)
{
    public ChartImage
    {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(alt, "alt");
        png = png.clone();
    }

    @Override
    public byte[] png()
    {
        return png.clone();
    }

    /** The image as a data URI, so the HTML needs no other file. */
    public String dataUri()
    {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }
}
