package io.nitrosim.integration.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Debian's NBD clients against the volumes' exports in a real-time run: nbdinfo, nbdcopy and fio's nbd engine
 * (libnbd), each judged by its own output. Skipped when the tools are not installed.
 */
class NbdToolsTest
{
    static final String SCENARIO = """
        name: nbd-tools
        duration: 30m
        clock: real
        payload: full
        overrides:
          instanceTypes:
            c5.large: {ebsPeakMbps: 80, ebsBaselineMbps: 40, ebsBurstSeconds: 20}
        instances:
          - name: db
            type: c5.large
            volumes:
              - {name: data, type: gp3, sizeGiB: 100, iops: 16000, throughputMiBps: 1000, device: /dev/sdf}
          - name: app
            type: c5.xlarge
            volumes:
              - {name: small, type: io1, sizeGiB: 10, iops: 500, device: /dev/sdf}
          - name: files
            type: c5.xlarge
            volumes:
              - {name: scratch, type: gp3, sizeGiB: 1, device: /dev/sdf}
        exports:
          - {volume: data, port: 0}
          - {volume: small, port: 0}
          - {volume: scratch, port: 0}
        """;

    @TempDir
    static Path work;

    private static RealTimeRun run;

    @BeforeAll
    static void start()
    {
        Tools.require("fio", "nbdinfo", "nbdcopy");
        run = new RealTimeRun(SCENARIO, work.resolve("sim"));
    }

    @AfterAll
    static void stop()
    {
        if (run != null)
        {
            run.close();
        }
    }

    private static String uri(final String volume)
    {
        final InetSocketAddress a = run.simulation.exportAddress(volume);
        return "nbd://127.0.0.1:" + a.getPort() + "/" + volume;
    }

    @Test
    void shouldDescribeTheExportToNbdinfo() throws Exception
    {
        final Tools.Result r = Tools.run(work, 60, "nbdinfo", "--json", uri("data"));
        assertEquals(0, r.exit(), r.toString());
        final JsonNode export = r.json().get("exports").get(0);
        assertEquals("data", export.get("export-name").asText());
        assertEquals(100L << 30, export.get("export-size").asLong());
        assertEquals(512, export.get("block_size_minimum").asInt());
        assertEquals(4096, export.get("block_size_preferred").asInt());
        assertEquals(4 << 20, export.get("block_size_maximum").asInt());
        assertTrue(export.get("can_flush").asBoolean() && export.get("can_fua").asBoolean()
            && export.get("can_trim").asBoolean() && export.get("can_zero").asBoolean()
            && export.get("can_multi_conn").asBoolean() && !export.get("is_read_only").asBoolean(), r.out());
        final Tools.Result byId = Tools.run(work, 60, "nbdinfo", "--size",
            "nbd://127.0.0.1:" + run.simulation.exportAddress("data").getPort() + "/" + run.simulation.volumeId("data"));
        assertEquals(String.valueOf(100L << 30), byId.out().trim(), "the volume id names the export too");
        run.check();
    }

    @Test
    void shouldCopyAFileInAndOutByteForByte() throws Exception
    {
        final byte[] data = new byte[24 << 20]; // nbdcopy copies whole blocks: a multiple of 512 bytes
        new SplittableRandom(12).nextBytes(data);
        final Path in = Files.write(work.resolve("in.bin"), data);
        final Tools.Result copyIn = Tools.run(work, 120, "nbdcopy", "--flush", in.toString(), uri("scratch"));
        assertEquals(0, copyIn.exit(), copyIn.toString());
        // out: the export is 1 GiB, the file 24 MiB; the copy out stops once that much came back
        final Tools.Result copyOut = Tools.run(work, 120, "bash", "-c", "nbdcopy '" + uri("scratch") + "' - | head -c "
            + data.length + " > out.bin");
        assertEquals(0, copyOut.exit(), copyOut.toString());
        assertArrayEquals(data, Files.readAllBytes(work.resolve("out.bin")), "byte for byte");
        run.check();
    }

    @Test
    void shouldPassFiosVerify() throws Exception
    {
        final Tools.Result r = Tools.run(work, 300, "fio", "--name=verify", "--ioengine=nbd", "--uri=" + uri("scratch"),
            "--rw=randwrite", "--bs=16k", "--iodepth=16", "--size=32m", "--offset=512m", "--verify=crc32c",
            "--do_verify=1", "--output-format=json");
        assertEquals(0, r.exit(), r.toString());
        final JsonNode job = r.json().get("jobs").get(0);
        assertEquals(0, job.get("error").asInt(), r.out());
        assertEquals(32L << 20, job.get("write").get("io_bytes").asLong());
        assertEquals(32L << 20, job.get("read").get("io_bytes").asLong(), "every block read back and verified");
        run.check();
    }

    @Test
    @Tag("slow")
    void shouldReadAtTheVolumesIopsWithFio() throws Exception
    {
        final Tools.Paced<Tools.Result> r = Tools.paced(run.simulation, () -> Tools.run(work, 120, "fio",
            "--name=iops", "--ioengine=nbd", "--uri=" + uri("small"), "--rw=randread", "--bs=16k", "--iodepth=32",
            "--size=10g", "--time_based", "--ramp_time=2", "--runtime=15", "--output-format=json"));
        assertEquals(0, r.result().exit(), r.result().toString());
        final double iops = r.result().json().get("jobs").get(0).get("read").get("iops").asDouble();
        System.out.printf("fio 16 KiB random reads: %.1f IOPS (io1 volume: 500), %s%n", iops, r.pace());
        Tools.assumeKeptPace("fio randread", r.pace());
        assertEquals(500.0, iops, 500 * 0.02);
        run.check();
    }

    @Test
    @Tag("slow")
    void shouldWriteAtTheInstancesPeakThenItsBaselineWithFio() throws Exception
    {
        // one fio job for the burst and after it; its own bandwidth log, one average per second
        final PaceLog pace = PaceLog.start(run.simulation);
        final Tools.Result r = Tools.run(work, 120, "fio", "--name=write", "--ioengine=nbd", "--uri=" + uri("data"),
            "--rw=write", "--bs=64k", "--iodepth=64", "--size=50g", "--time_based", "--runtime=36",
            "--write_bw_log=write", "--log_avg_msec=1000", "--output-format=json");
        pace.stop();
        assertEquals(0, r.exit(), r.toString());
        final double[] kibPerSecond = bandwidthLog(work.resolve("write_bw.1.log"));
        final double burstMbps = mean(kibPerSecond, 3, 16) * 1024 * 8 / 1e6;
        final double baselineMbps = mean(kibPerSecond, 25, 35) * 1024 * 8 / 1e6;
        System.out.printf("fio 64 KiB writes QD64, its bandwidth log: %.2f Mbps in seconds 3-16 of the burst (cap 80), "
            + "%.2f Mbps in seconds 25-35 (baseline 40); simulation %s, %s%n", burstMbps, baselineMbps,
            pace.between(3, 16), pace.between(25, 35));
        Tools.assumeKeptPace("fio write, burst", pace.between(3, 16));
        Tools.assumeKeptPace("fio write, baseline", pace.between(25, 35));
        assertEquals(80.0, burstMbps, 80 * 0.02, "EBS peak of the (scaled) c5.large");
        assertEquals(40.0, baselineMbps, 40 * 0.02, "EBS baseline");
        run.check();
    }

    /** fio's bandwidth log ("msec, KiB/s, direction, bs, offset" per line): the KiB/s of second i at index i. */
    static double[] bandwidthLog(final Path log) throws IOException
    {
        final java.util.List<String> lines = Files.readAllLines(log);
        final double[] perSecond = new double[lines.size() + 1];
        for (final String line : lines)
        {
            final String[] f = line.split(",\\s*");
            final int second = (int)Math.round(Long.parseLong(f[0].trim()) / 1000.0);
            if (second < perSecond.length)
            {
                perSecond[second] = Double.parseDouble(f[1].trim());
            }
        }
        return perSecond;
    }

    /** Mean of seconds (fromS, toS]: the entry at i is the average over second i - 1 to i. */
    static double mean(final double[] perSecond, final int fromS, final int toS)
    {
        double sum = 0;
        for (int i = fromS + 1; i <= toS; i++)
        {
            sum += perSecond[i];
        }
        return sum / (toS - fromS);
    }
}
