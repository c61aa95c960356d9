package io.nitrosim.simulator.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import io.nitrosim.simulator.trace.TraceReader;

/**
 * timeline.html: a traced run's events per queue on the simulated time axis, as one inline SVG (no scripts, no
 * network). Each {@link TraceTimeline} row is a band; a bucket with events is shaded by how many (log scale, so a
 * lone doorbell shows beside a million frames), throttled shaping decisions are red ticks in the band's upper
 * half, and resets and state changes are dark marks with their text as a tooltip. Adjacent buckets of the same
 * shade are drawn as one path segment, so the page's size is bounded by rows x buckets, whatever the event count.
 */
public final class TimelineHtml
{
    public static final String FILE = "timeline.html";
    /** Buckets across the plot: one per pixel column. */
    static final int BUCKETS = 800;
    private static final int LABEL_WIDTH = 260;
    private static final int ROW_HEIGHT = 16;
    private static final int AXIS_HEIGHT = 24;
    private static final int LEVELS = 8;

    private TimelineHtml()
    {
    }

    /** Reads the trace in {@code traceDir} and writes the timeline page of a run of {@code spanNs} to {@code file}. */
    public static void write(final Path traceDir, final String scenario, final long spanNs, final Path file)
        throws IOException
    {
        final TraceTimeline timeline;
        try (TraceReader reader = TraceReader.open(traceDir))
        {
            timeline = TraceTimeline.of(reader, Math.max(1, spanNs), BUCKETS);
        }
        Files.writeString(file, render(scenario, timeline), StandardCharsets.UTF_8);
    }

    public static String render(final String scenario, final TraceTimeline timeline)
    {
        final StringBuilder body = new StringBuilder(64 * 1024);
        body.append("<h1>nitro-sim trace timeline: ").append(Html.escape(scenario)).append("</h1>\n");
        body.append("<p class=\"note\">").append(timeline.records()).append(" traced events in ")
            .append(timeline.rows().size()).append(" rows over ")
            .append(String.format(Locale.ROOT, "%.3f", timeline.spanNs() / 1e9)).append(" simulated s, ")
            .append(timeline.buckets()).append(" buckets of ")
            .append(String.format(Locale.ROOT, "%.3f", timeline.spanNs() / 1e6 / timeline.buckets()))
            .append(" ms. Shade: events per bucket (log scale); red: throttled shaping decisions; dark marks: resets "
                + "and state changes (hover for details). Every event is in the trace: nitro-sim trace dump|export."
                + "</p>\n");
        svg(timeline, body);
        return HtmlPage.page("nitro-sim trace timeline: " + scenario, body);
    }

    private static void svg(final TraceTimeline t, final StringBuilder sb)
    {
        final int plot = t.buckets();
        final int width = LABEL_WIDTH + plot + 8;
        final int height = AXIS_HEIGHT + ROW_HEIGHT * t.rows().size() + 4;
        sb.append("<svg id=\"trace-timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width)
            .append("\" height=\"").append(height).append("\" font-family=\"sans-serif\" font-size=\"11\">\n");
        axis(t, sb);
        int y = AXIS_HEIGHT;
        for (final TraceTimeline.Row row : t.rows())
        {
            sb.append("<g class=\"row\" data-events=\"").append(row.total()).append("\"><text x=\"4\" y=\"")
                .append(y + ROW_HEIGHT - 4).append("\">").append(Html.escape(row.label())).append("</text>");
            sb.append("<rect x=\"").append(LABEL_WIDTH).append("\" y=\"").append(y).append("\" width=\"").append(plot)
                .append("\" height=\"").append(ROW_HEIGHT - 1).append("\" fill=\"#f6f6f6\"/>");
            runs(row.events(), y + 1, ROW_HEIGHT - 3, "#1f5fa8", sb);
            runs(row.throttled(), y + 1, (ROW_HEIGHT - 3) / 2 + 1, "#d62728", sb);
            for (final TraceTimeline.Marker m : row.markers())
            {
                final long x = LABEL_WIDTH + Math.min(plot - 1, m.timeNs() * plot / t.spanNs());
                sb.append("<rect class=\"marker\" x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"2\" ")
                    .append("height=\"").append(ROW_HEIGHT - 1).append("\" fill=\"#222\"><title>")
                    .append(String.format(Locale.ROOT, "%.9f s ", m.timeNs() / 1e9)).append(Html.escape(m.text()))
                    .append("</title></rect>");
            }
            sb.append("</g>\n");
            y += ROW_HEIGHT;
        }
        sb.append("</svg>\n");
    }

    /**
     * Runs of adjacent buckets with the same shade, drawn as one stroked path per shade ({@code M x y h width} per
     * run: about 10 bytes, so a row costs at most a few KiB whatever its events).
     */
    private static void runs(final int[] counts, final int y, final int h, final String color, final StringBuilder sb)
    {
        final StringBuilder[] paths = new StringBuilder[LEVELS + 1];
        int i = 0;
        while (i < counts.length)
        {
            final int level = level(counts[i]);
            int j = i + 1;
            while (j < counts.length && level(counts[j]) == level)
            {
                j++;
            }
            if (level > 0)
            {
                if (paths[level] == null)
                {
                    paths[level] = new StringBuilder(256);
                }
                paths[level].append('M').append(LABEL_WIDTH + i).append(' ').append(y + h / 2.0).append('h').append(j - i);
            }
            i = j;
        }
        for (int level = 1; level <= LEVELS; level++)
        {
            if (paths[level] != null)
            {
                sb.append("<path stroke-linecap=\"butt\" stroke=\"").append(color).append("\" stroke-width=\"").append(h)
                    .append("\" stroke-opacity=\"").append(String.format(Locale.ROOT, "%.2f", 0.2 + 0.8 * level / LEVELS))
                    .append("\" d=\"").append(paths[level]).append("\"/>");
            }
        }
    }

    /** 0 for none, then 1..LEVELS by powers of 4 (1, 2-4, 5-16, ...). */
    private static int level(final int count)
    {
        if (count <= 0)
        {
            return 0;
        }
        final int log4 = (32 - Integer.numberOfLeadingZeros(count - 1) + 1) / 2;
        return Math.min(LEVELS, 1 + log4);
    }

    private static void axis(final TraceTimeline t, final StringBuilder sb)
    {
        final int ticks = 10;
        for (int k = 0; k <= ticks; k++)
        {
            final int x = LABEL_WIDTH + k * (t.buckets() - 1) / ticks;
            sb.append("<line x1=\"").append(x).append("\" y1=\"").append(AXIS_HEIGHT - 6).append("\" x2=\"").append(x)
                .append("\" y2=\"").append(AXIS_HEIGHT + ROW_HEIGHT * t.rows().size()).append("\" stroke=\"#ddd\"/>")
                .append("<text x=\"").append(x).append("\" y=\"").append(AXIS_HEIGHT - 9)
                .append("\" text-anchor=\"middle\">")
                .append(String.format(Locale.ROOT, "%.3g s", t.spanNs() * (double)k / ticks / 1e9)).append("</text>\n");
        }
    }
}
