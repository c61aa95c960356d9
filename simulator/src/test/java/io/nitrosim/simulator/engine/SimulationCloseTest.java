package io.nitrosim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.hypervisor.memory.DeleteAtExit;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioBuilder;

/**
 * A closed simulation leaves nothing behind in the JVM that ran it (sweeps, the EC2 API and test suites run many in
 * one JVM): no thread, no mapping, no open file, nothing registered for deletion at exit. Each scenario is run and
 * closed once first, so that what the JVM and the libraries start once per JVM (cleaner threads, class-path jars)
 * is there before the counts are taken; the second run and close must leave them as they were.
 */
class SimulationCloseTest
{
    /** Where the work directories and the hosts' guest memory directories are. */
    private static final String TEMP_DIRECTORY =
        Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().toString();

    @TempDir
    Path work;

    /** Real time on two worker threads, with an NBD export (a Netty server): the threads a run can start. */
    @Test
    void shouldLeaveNoThreadMappingOrFileOfARealTimeRunWithAnExport() throws Exception
    {
        assertNothingLeft(pair("real", 2, "full").volume("b", "data-b", "gp3", 100, 3000, 125).export("data-b", 0)
            .build());
    }

    /** Virtual time with full payload: the storage engine's block files and journal. */
    @Test
    void shouldLeaveNoThreadMappingOrFileOfAFullPayloadRun() throws Exception
    {
        assertNothingLeft(pair("virtual", 1, "full").build());
    }

    /** A traced run: the trace's Chronicle queue. */
    @Test
    void shouldLeaveNoThreadMappingOrFileOfATracedRun() throws Exception
    {
        assertNothingLeft(pair("virtual", 1, "timing-only").trace(List.of("all"), List.of()).build());
    }

    private static ScenarioBuilder pair(final String clock, final int threads, final String payload)
    {
        return ScenarioBuilder.named("close").duration("200ms").sampleInterval("100ms").seed(5).clock(clock)
            .threads(threads).allowedLag("unlimited").payload(payload)
            .instance("a", "c5.large").instance("b", "c5.large")
            .volume("a", "data-a", "gp3", 100, 3000, 125)
            .iperf("a-to-b", "a", "b", 1)
            .fio("write-a", "data-a", "write", "256k", 8);
    }

    private void assertNothingLeft(final Scenario scenario) throws Exception
    {
        runAndClose(scenario, work.resolve("first"));
        final Set<Thread> threadsBefore = new HashSet<>(Thread.getAllStackTraces().keySet());
        final JvmCounts before = JvmCounts.now();

        runAndClose(scenario, work.resolve("second"));

        final List<String> leftThreads = new ArrayList<>();
        for (final Thread t : Thread.getAllStackTraces().keySet())
        {
            if (!threadsBefore.contains(t))
            {
                t.join(5_000); // bounded: a thread its owner stopped ends at once
                if (t.isAlive())
                {
                    leftThreads.add(t.getName());
                }
            }
        }
        assertEquals(List.of(), leftThreads, "threads left running");
        final JvmCounts after = JvmCounts.now();
        assertEquals(List.of(), without(after.openFiles(), before.openFiles()), "files left open by the second run");
        assertEquals(List.of(), without(before.openFiles(), after.openFiles()),
            "files of the first run still open after its close (closed later, in the background)");
        // Sockets, pipes and epoll instances: at most as many as before. Once (in the module's suite) fewer: 29
        // against 36, some closed after the count before the second run, so not all are closed when close returns
        assertTrue(after.otherDescriptors() <= before.otherDescriptors(),
            "sockets, pipes and epoll instances: " + after.otherDescriptors() + " after, " + before.otherDescriptors()
                + " before");
        assertEquals(before.withoutFiles(), after.withoutFiles());
    }

    private static List<String> without(final List<String> files, final List<String> others)
    {
        final List<String> rest = new ArrayList<>(files);
        rest.removeAll(others);
        return rest;
    }

    private static void runAndClose(final Scenario scenario, final Path dir)
    {
        try (Simulation simulation = Simulation.prepare(scenario, dir))
        {
            simulation.run(null);
        }
    }

    /** What a closed simulation could leave: mappings, open files, paths to delete at exit (ours and the JDK's). */
    private record JvmCounts(long mappedBuffers, long mappedBytes, List<String> openFiles, int otherDescriptors,
        int deleteAtExit, int jdkDeleteOnExit)
    {
        static JvmCounts now() throws Exception
        {
            long mapped = 0;
            long mappedBytes = 0;
            for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
            {
                if ("mapped".equals(pool.getName()))
                {
                    mapped = pool.getCount();
                    mappedBytes = pool.getMemoryUsed();
                }
            }
            final List<String> openFiles = new ArrayList<>(); // stays empty where there is no /proc (not Linux)
            int otherDescriptors = 0;
            final Path fds = Path.of("/proc/self/fd");
            if (Files.isDirectory(fds))
            {
                final List<Path> links;
                try (Stream<Path> open = Files.list(fds))
                {
                    links = open.toList();
                }
                for (final Path link : links)
                {
                    final String target = readLink(link);
                    if (target.isEmpty() || target.startsWith("/proc/"))
                    {
                        continue; // the listing's own descriptor
                    }
                    if (target.startsWith(TEMP_DIRECTORY))
                    {
                        openFiles.add(target); // where simulations keep their files (guest memory, volumes, journal)
                    }
                    else if (target.startsWith("/"))
                    {
                        continue; // class-path jars, /dev and /sys files the JVM opens for itself
                    }
                    else
                    {
                        otherDescriptors++; // sockets, pipes, epoll: named by inode, so counted
                    }
                }
                openFiles.sort(null);
            }
            final Class<?> hook = Class.forName("java.io.DeleteOnExitHook");
            final Field files = hook.getDeclaredField("files"); // java.io is opened by nitro.jvm.flags
            files.setAccessible(true);
            final int jdkDeleteOnExit;
            synchronized (hook)
            {
                jdkDeleteOnExit = ((Collection<?>)files.get(null)).size();
            }
            return new JvmCounts(mapped, mappedBytes, openFiles, otherDescriptors, DeleteAtExit.registeredCount(),
                jdkDeleteOnExit);
        }

        JvmCounts withoutFiles()
        {
            return new JvmCounts(mappedBuffers, mappedBytes, List.of(), 0, deleteAtExit, jdkDeleteOnExit);
        }

        /** The target of a descriptor's link ("" if it closed while listed, as the listing's own does). */
        private static String readLink(final Path link)
        {
            try
            {
                return Files.readSymbolicLink(link).toString();
            }
            catch (final IOException ex)
            {
                return "";
            }
        }
    }
}
