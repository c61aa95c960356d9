package io.nitrosim.simulator.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.TimeSeries;

/** Writes a run's three output files into one directory. */
public final class RunReport
{
    public static final String RESULTS_JSON = "results.json";
    public static final String TIMESERIES_CSV = "timeseries.csv";
    public static final String REPORT_HTML = "report.html";

    private RunReport()
    {
    }

    /** The files written. */
    public record OutputFiles(Path resultsJson, Path timeseriesCsv, Path reportHtml)
    {
    }

    /** Creates {@code dir} if needed and writes results.json, timeseries.csv and report.html into it. */
    public static OutputFiles writeAll(final RunResults results, final TimeSeries series, final Path dir)
        throws IOException
    {
        return writeAll(results, series, null, dir);
    }

    /**
     * As {@link #writeAll(RunResults, TimeSeries, Path)}; a traced run ({@code traceDir} not null) also gets
     * {@value TimelineHtml#FILE}, the timeline of its traced events, linked from report.html.
     */
    public static OutputFiles writeAll(final RunResults results, final TimeSeries series, final Path traceDir,
        final Path dir) throws IOException
    {
        Files.createDirectories(dir);
        final OutputFiles files = new OutputFiles(dir.resolve(RESULTS_JSON), dir.resolve(TIMESERIES_CSV), dir.resolve(REPORT_HTML));
        ResultsJson.write(results, files.resultsJson());
        TimeSeriesCsv.write(series, files.timeseriesCsv());
        String timeline = null;
        if (traceDir != null)
        {
            timeline = TimelineHtml.FILE;
            TimelineHtml.write(traceDir, results.scenario(), Math.round(results.simulatedSeconds() * 1e9),
                dir.resolve(timeline));
        }
        HtmlReport.write(results, series, timeline, files.reportHtml());
        return files;
    }
}
