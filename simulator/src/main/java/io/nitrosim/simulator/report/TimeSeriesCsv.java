package io.nitrosim.simulator.report;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.nitrosim.simulator.results.TimeSeries;

/**
 * timeseries.csv: header {@code time_s} then one column per series key (keys are restricted so they need no
 * quoting), one row per sample; times are exact decimal seconds, values the shortest decimal that reads back as
 * the same double; '\n' line ends.
 */
public final class TimeSeriesCsv
{
    public static final String TIME_HEADER = "time_s";

    private TimeSeriesCsv()
    {
    }

    public static void write(final TimeSeries series, final Path file) throws IOException
    {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8))
        {
            write(series, w);
        }
    }

    public static void write(final TimeSeries series, final Writer w) throws IOException
    {
        final StringBuilder sb = new StringBuilder(256);
        sb.append(TIME_HEADER);
        for (int c = 0; c < series.columns().size(); c++)
        {
            sb.append(',').append(series.columns().get(c).key());
        }
        sb.append('\n');
        w.append(sb);
        for (int s = 0; s < series.sampleCount(); s++)
        {
            sb.setLength(0);
            sb.append(seconds(series.timeNs(s)));
            for (int c = 0; c < series.columns().size(); c++)
            {
                sb.append(',').append(Figures.plain(series.value(c, s)));
            }
            sb.append('\n');
            w.append(sb);
        }
    }

    /** Exact decimal seconds of a time in ns, without trailing zeros ("1", "1.5", "0.000000001"). */
    static String seconds(final long timeNs)
    {
        return BigDecimal.valueOf(timeNs, 9).stripTrailingZeros().toPlainString();
    }
}
