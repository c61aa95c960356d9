package io.nitrosim.integration.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.ebs.nbd.NbdTestClient;

/**
 * Volumes over NBD in a real-time run, with the project's own NBD client: the EBS card's caps hold for it as
 * for the fio workload (bursts scaled down so the run stays short and light: a c5.large at 80 Mbps peak and
 * 40 Mbps baseline with a 20 s burst; an io1 volume of 500 IOPS). Deep queues (64) keep the pipeline full even
 * when a loaded machine makes every hand-off wait for a core.
 */
class NbdExportRealTimeTest
{
    static final String SCENARIO = """
        name: nbd-export
        duration: 10m
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
        exports:
          - {volume: data, port: 0}
          - {volume: small, port: 0}
        """;

    @TempDir
    static Path work;

    private static RealTimeRun run;

    @BeforeAll
    static void start() throws IOException
    {
        run = new RealTimeRun(SCENARIO, work.resolve("sim"));
        // warm up (the JIT compiles the whole path) on the other instance's volume: db's credits stay untouched
        try (NbdTestClient c = NbdTestClient.open(run.simulation.exportAddress("small"), "small"))
        {
            new Load(c, 16, 64 * 1024, true, 1L << 30, 1).runFor(3_000_000_000L);
        }
    }

    @AfterAll
    static void stop()
    {
        run.close();
    }

    @Test
    void shouldReturnExactlyWhatWasWritten() throws IOException
    {
        final InetSocketAddress address = run.simulation.exportAddress("small");
        final byte[] data = new byte[1 << 20];
        new SplittableRandom(42).nextBytes(data);
        try (NbdTestClient writer = NbdTestClient.open(address, "small"))
        {
            for (int i = 0; i < 4; i++)
            {
                assertEquals(0, writer.write((3L << 30) + (i << 18), java.util.Arrays.copyOfRange(data, i << 18,
                    (i + 1) << 18), i == 3 ? 1 : 0).error());
            }
        }
        try (NbdTestClient reader = NbdTestClient.open(address, "small"))
        {
            final byte[] back = new byte[data.length];
            for (int i = 0; i < 4; i++)
            {
                final NbdTestClient.Reply r = reader.read((3L << 30) + (i << 18), 1 << 18);
                assertEquals(0, r.error());
                System.arraycopy(r.data(), 0, back, i << 18, 1 << 18);
            }
            assertArrayEquals(data, back);
            assertEquals(22, reader.read(10L << 30, 512).error(), "past the end of the 10 GiB volume");
        }
        run.check();
    }

    @Test
    void shouldHoldTheVolumesIopsForSmallRandomReads() throws Exception
    {
        final InetSocketAddress address = run.simulation.exportAddress("small");
        try (NbdTestClient c = NbdTestClient.open(address, "small"))
        {
            final Load load = new Load(c, 64, 16 * 1024, false, 10L << 30, 7);
            load.runFor(1_000_000_000L); // the volume's short peak depth is spent here
            final Window w = Window.measure(run.simulation::simulatedNs, () -> deviceBytes("small", "read"), 3_000, 3,
                "16 KiB random reads", load::runFor);
            assertEquals(500.0, w.perSecond() / (16 * 1024), 500 * 0.02, "the io1 volume's 500 IOPS");
        }
        run.check();
    }

    @Test
    @Tag("slow")
    void shouldWriteAtTheInstancesEbsPeakThenItsBaseline() throws Exception
    {
        final InetSocketAddress address = run.simulation.exportAddress("data");
        try (NbdTestClient c = NbdTestClient.open(address, "data"))
        {
            final Load load = new Load(c, 64, 64 * 1024, true, 1L << 30, 3);
            final long start = System.nanoTime();
            load.runFor(2_000_000_000L);
            final Window peak = Window.measure(run.simulation::simulatedNs, () -> deviceBytes("data", "write"), 8_000, 2,
                "writes in the burst", load::runFor);
            load.runFor(Math.max(0, start + 22_000_000_000L - System.nanoTime())); // the 20 s burst ends within this
            final Window baseline = Window.measure(run.simulation::simulatedNs, () -> deviceBytes("data", "write"), 8_000,
                3, "writes at baseline", load::runFor);
            assertEquals(80.0, peak.perSecond() * 8 / 1e6, 80 * 0.02, "EBS peak of the (scaled) c5.large");
            assertEquals(40.0, baseline.perSecond() * 8 / 1e6, 40 * 0.02, "EBS baseline after the burst");
        }
        run.check();
    }

    /** Bytes the volume's NVMe controller completed in {@code direction} ("read" or "write"). */
    private static double deviceBytes(final String volume, final String direction)
    {
        final String volumeId = run.simulation.volumeId(volume);
        for (final var m : run.simulation.counters().meters())
        {
            if (m.name().equals("ebs." + direction + ".bytes") && volumeId.equals(m.tags().get("volume")))
            {
                return m.value();
            }
        }
        throw new AssertionError("no ebs." + direction + ".bytes meter for " + volume);
    }

    /** Keeps {@code depth} requests in flight and counts the bytes completed. */
    static final class Load
    {
        private final NbdTestClient c;
        private final int depth;
        private final int blockBytes;
        private final boolean write;
        private final long spanBytes;
        private final SplittableRandom random;
        private final byte[] block;
        private int inFlight;

        Load(final NbdTestClient c, final int depth, final int blockBytes, final boolean write, final long spanBytes,
            final long seed)
        {
            this.c = c;
            this.depth = depth;
            this.blockBytes = blockBytes;
            this.write = write;
            this.spanBytes = spanBytes;
            this.random = new SplittableRandom(seed);
            this.block = new byte[blockBytes];
            random.nextBytes(block);
        }

        /** Runs for {@code ns} of wall time; returns the bytes whose replies arrived in that time. */
        long runFor(final long ns) throws IOException
        {
            final long end = System.nanoTime() + ns;
            long bytes = 0;
            while (true)
            {
                while (inFlight < depth)
                {
                    final long offset = random.nextLong(spanBytes / blockBytes) * blockBytes;
                    c.send(0, write ? 1 : 0, offset, blockBytes, write ? block : null);
                    inFlight++;
                }
                if (System.nanoTime() >= end)
                {
                    return bytes;
                }
                final NbdTestClient.Reply r = c.readReply(write ? 0 : blockBytes);
                assertEquals(0, r.error());
                inFlight--;
                bytes += blockBytes;
            }
        }
    }
}
