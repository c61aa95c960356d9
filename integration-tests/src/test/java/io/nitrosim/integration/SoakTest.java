package io.nitrosim.integration;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.simulator.engine.Simulation;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioLoader;

/**
 * The soak (`./mvnw -Psoak -pl integration-tests -am verify`, not in CI): a real-time, full-payload run at the caps
 * (two c5.large streaming to each other at their 10 Gbps burst then baseline, each reading a gp3 volume) for
 * {@code -Dsoak.minutes} (default 10) minutes, with heap, direct memory, RSS, threads and open files sampled every
 * {@code -Dsoak.sampleSeconds} (default 10) s of wall time and printed as a table. After the first fifth of the
 * run (warm-up), threads must not move, open files may vary by 2 (a journal rolling) and heap after GC, direct
 * memory and RSS must not grow by more than 10 % from their warm-up value. A run that cannot keep pace still
 * soaks (allowedLag unlimited); its largest lag is printed.
 */
@Tag("soak")
class SoakTest
{
    private static final double GROWTH_ALLOWED = 0.10;
    private static final int OPEN_FILES_SLACK = 2;

    @TempDir
    Path work;

    record Sample(long wallMs, long simulatedMs, long heapBytes, long directBytes, long rssBytes, int threads,
        long openFiles)
    {
    }

    @Test
    void shouldHoldHeapDirectMemoryRssThreadsAndFilesFlatAfterWarmUp() throws IOException
    {
        final long minutes = Long.getLong("soak.minutes", 10);
        final long sampleMs = Long.getLong("soak.sampleSeconds", 10) * 1000;
        final String yaml = "name: soak\nduration: " + minutes + "m\nsampleInterval: 1s\nclock: real\n"
            + "payload: full\nallowedLag: unlimited\n"
            + "instances:\n"
            + "  - {name: a, type: c5.large, volumes: [{name: a-data, type: gp3, sizeGiB: 64}]}\n"
            + "  - {name: b, type: c5.large, volumes: [{name: b-data, type: gp3, sizeGiB: 64}]}\n"
            + "workloads:\n"
            + "  - {name: ab, kind: iperf, from: a, to: b, streams: 2, frameBytes: 9001}\n"
            + "  - {name: ba, kind: iperf, from: b, to: a, streams: 2, frameBytes: 9001}\n"
            + "  - {name: wa, kind: fio, volume: a-data, rw: randread, bs: 256k, iodepth: 8, size: 1g}\n"
            + "  - {name: wb, kind: fio, volume: b-data, rw: randread, bs: 256k, iodepth: 8, size: 1g}\n";
        // reads, so the storage journal does not grow by the volume's rate for the whole soak
        final Scenario scenario = ScenarioLoader.parse("soak", new ByteArrayInputStream(
            yaml.getBytes(StandardCharsets.UTF_8)), false);
        final List<Sample> samples = new ArrayList<>();
        final long startMs = System.currentTimeMillis();
        final RunResults results;
        try (Simulation simulation = Simulation.prepare(scenario, work))
        {
            samples.add(sample(0, 0));
            results = simulation.run((simulatedNs, durationNs, recorder) ->
            {
                final long wallMs = System.currentTimeMillis() - startMs;
                if (wallMs >= samples.size() * sampleMs)
                {
                    try
                    {
                        samples.add(sample(wallMs, simulatedNs / 1_000_000));
                    }
                    catch (final IOException ex)
                    {
                        throw new java.io.UncheckedIOException(ex);
                    }
                }
            });
        }
        System.out.println("soak: " + minutes + " min of real time, full payload, max lag "
            + String.format(Locale.ROOT, "%.1f", results.realTime().maxLagMs()) + " ms");
        System.out.println("  wall s  simulated s  heap MiB  direct MiB  RSS MiB  threads  open files");
        for (final Sample s : samples)
        {
            System.out.println(String.format(Locale.ROOT, "%8.0f  %11.1f  %8.1f  %10.1f  %7.1f  %7d  %10d",
                s.wallMs() / 1e3, s.simulatedMs() / 1e3, s.heapBytes() / 1048576.0, s.directBytes() / 1048576.0,
                s.rssBytes() / 1048576.0, s.threads(), s.openFiles()));
        }
        assertTrue(samples.size() >= 5, "at least five samples: " + samples.size());
        final Sample warm = samples.get(Math.max(1, samples.size() / 5));
        for (final Sample s : samples.subList(samples.indexOf(warm), samples.size()))
        {
            assertTrue(s.threads() == warm.threads(), "threads moved after warm-up: " + s + " vs " + warm);
            // the storage journal may hold one more file while it rolls to a new cycle; a leak grows without bound
            assertTrue(s.openFiles() <= warm.openFiles() + OPEN_FILES_SLACK,
                "open files grew after warm-up: " + s + " vs " + warm);
            assertTrue(s.heapBytes() <= warm.heapBytes() * (1 + GROWTH_ALLOWED) + (16 << 20),
                "heap after GC grew: " + s + " vs " + warm);
            assertTrue(s.directBytes() <= warm.directBytes() * (1 + GROWTH_ALLOWED), "direct grew: " + s + " vs " + warm);
            assertTrue(s.rssBytes() <= warm.rssBytes() * (1 + GROWTH_ALLOWED), "RSS grew: " + s + " vs " + warm);
        }
    }

    /** One sample; the heap figure is after a GC, so it counts what is live, not what is yet to be collected. */
    private static Sample sample(final long wallMs, final long simulatedMs) throws IOException
    {
        System.gc();
        final long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long direct = 0;
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
        {
            direct += pool.getMemoryUsed();
        }
        long rss = 0;
        for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
        {
            if (line.startsWith("VmRSS:"))
            {
                rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        final long files;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd")))
        {
            files = fds.count();
        }
        return new Sample(wallMs, simulatedMs, heap, direct, rss, Thread.activeCount(), files);
    }
}
