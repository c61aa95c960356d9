package io.nitrosim.simulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.simulator.results.Column;
import io.nitrosim.simulator.results.SeriesKind;
import io.nitrosim.simulator.results.SyntheticRun;
import io.nitrosim.simulator.results.TimeSeries;

class TimeSeriesCsvTest
{
    @Test
    void shouldWriteTheHeaderAndExactPlainDecimals() throws Exception
    {
        final List<Column> columns = List.of(
            Column.of("web-1.net.out.gbps", "out", "Gbps", "web-1", "web-1", "out", SeriesKind.NET_THROUGHPUT),
            Column.of("web-1.net.out.bytes", "bytes", "B", "web-1", "web-1", "out", SeriesKind.ALLOWANCE),
            Column.of("data-1.p99_ms", "p99", "ms", "web-1", "data-1", null, SeriesKind.LATENCY));
        final TimeSeries ts = TimeSeries.builder(columns)
            .add(500_000_000L, 9.95, 1e10, 0.1 + 0.2)
            .add(1_000_000_001L, 0.0, 3.0, 1.5e-7)
            .build();
        final StringWriter w = new StringWriter();

        TimeSeriesCsv.write(ts, w);

        assertEquals("time_s,web-1.net.out.gbps,web-1.net.out.bytes,data-1.p99_ms\n"
            + "0.5,9.95,10000000000,0.30000000000000004\n"
            + "1.000000001,0,3,0.00000015\n", w.toString());
    }

    @Test
    void shouldWriteOneRowPerSampleOfARun(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("timeseries.csv");
        TimeSeriesCsv.write(SyntheticRun.timeSeries(), file);
        final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);

        assertEquals(61, lines.size());
        assertEquals("time_s,web-1.net.in.gbps,web-1.net.in.credits,web-1.net.out.gbps,web-1.net.out.credits,"
            + "web-1.ebs.iops,web-1.ebs.mbps,web-1.ebs.io_balance,web-1.bw_out_allowance_exceeded,"
            + "db-1.net.in.gbps,db-1.net.in.credits,db-1.net.out.gbps,db-1.net.out.credits,db-1.ebs.iops,"
            + "db-1.ebs.mbps,db-1.ebs.io_balance,db-1.bw_out_allowance_exceeded,data-1.iops,data-1.mibps,"
            + "data-1.burst_balance,data-1.p99_ms", lines.get(0));
        assertEquals("430,0.12,100,0.75,0,4000,525,0,300,0.75,100,0.0005,100,32000,4499.95,100,0,300,1.2,30,12.5",
            lines.get(43));
    }
}
