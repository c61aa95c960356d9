package io.nitrosim.simulator.report;

import java.util.List;

/**
 * The self-contained HTML skeleton shared by report.html and experiment.html: inline CSS only, no scripts,
 * no external resources; charts are data URIs.
 */
final class HtmlPage
{
    private static final String STYLE = String.join("\n",
        "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#222;max-width:1400px}",
        "h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}",
        "table{border-collapse:collapse;margin:12px 0 20px;font-size:13px}",
        "caption{text-align:left;font-weight:600;padding:4px 0}",
        "th,td{border:1px solid #ddd;padding:3px 8px}th{background:#f3f3f3}",
        "td.num{text-align:right;font-variant-numeric:tabular-nums}",
        "td.pass{color:#1e7e34;font-weight:600}td.fail{color:#c0392b;font-weight:600}",
        ".verdict{font-size:16px;font-weight:600}.verdict.pass{color:#1e7e34}.verdict.fail{color:#c0392b}",
        "figure{margin:16px 0}figcaption{font-size:13px;color:#555}img{max-width:100%;height:auto}",
        ".note{font-size:12px;color:#666}");

    private HtmlPage()
    {
    }

    static String page(final String title, final CharSequence body)
    {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            + "<title>" + Html.escape(title) + "</title>\n"
            + "<style>\n" + STYLE + "\n</style>\n</head>\n<body>\n"
            + body
            + "</body>\n</html>\n";
    }

    static void table(final Table table, final StringBuilder sb)
    {
        sb.append("<table id=\"").append(Html.escape(table.id())).append("\">\n<caption>")
            .append(Html.escape(table.title())).append("</caption>\n");
        final boolean showHeader = table.headers().stream().anyMatch(h -> !h.isEmpty());
        if (showHeader)
        {
            sb.append("<thead><tr>");
            for (final String h : table.headers())
            {
                sb.append("<th>").append(Html.escape(h)).append("</th>");
            }
            sb.append("</tr></thead>\n");
        }
        sb.append("<tbody>\n");
        for (final List<Cell> row : table.rows())
        {
            sb.append("<tr>");
            for (final Cell cell : row)
            {
                sb.append("<td");
                if (cell.style() != null)
                {
                    sb.append(" class=\"").append(cell.style()).append('"');
                }
                if (cell.pointer() != null)
                {
                    sb.append(" data-json=\"").append(Html.escape(cell.pointer())).append('"');
                }
                if (cell.decimals() >= 0)
                {
                    sb.append(" data-decimals=\"").append(cell.decimals()).append('"');
                }
                sb.append('>').append(Html.escape(cell.text())).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</tbody>\n</table>\n");
    }

    static void figure(final ChartImage chart, final StringBuilder sb)
    {
        sb.append("<figure>\n<img id=\"").append(Html.escape(chart.id()))
            .append("\" alt=\"").append(Html.escape(chart.alt()))
            .append("\" src=\"").append(chart.dataUri()).append("\">\n<figcaption>")
            .append(Html.escape(chart.title())).append("</figcaption>\n</figure>\n");
    }
}
