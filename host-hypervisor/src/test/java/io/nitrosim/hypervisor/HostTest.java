package io.nitrosim.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.catalog.UnknownInstanceTypeException;
import io.nitrosim.hypervisor.memory.DeleteAtExit;
import io.nitrosim.time.VirtualTimeRuntime;

class HostTest
{
    @Test
    void shouldExposeTheC5HostTopologyOf72ThreadsAt3GHz()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final HostTopology topology = host.topology();
            assertEquals(72, topology.threadCount());
            assertEquals(2, topology.sockets());
            assertEquals(18, topology.coresPerSocket());
            assertEquals(2, topology.threadsPerCore());
            assertEquals(3_000_000_000L, topology.clockHz());
            assertEquals(new HostThread(0, 0, 0, 0), topology.thread(0));
            assertEquals(new HostThread(1, 0, 0, 1), topology.thread(1));
            assertEquals(new HostThread(36, 1, 0, 0), topology.thread(36));
            assertEquals(new HostThread(71, 1, 17, 1), topology.thread(71));
            assertEquals(List.of(70, 71), topology.siblingsOf(71));
            assertEquals(72, host.freeThreadCount());
            assertEquals(190L << 30, host.freeMemoryBytes());
            assertEquals(192L << 30, host.context().memoryBytes());
            assertEquals(2L << 30, host.context().hypervisorReserveBytes());
        }
    }

    @Test
    void shouldRejectBadConfigurationWithOneLineMessagesNamingValueAndRange()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
        {
            assertContextError("runtime is required: pass a VirtualTimeRuntime (deterministic) or a RealTimeRuntime",
                c -> c.runtime(null));
            assertContextError("sockets 0 out of range 1..8", c -> c.runtime(runtime).sockets(0));
            assertContextError("threadsPerCore 9 out of range 1..8", c -> c.runtime(runtime).threadsPerCore(9));
            assertContextError("sockets x coresPerSocket x threadsPerCore = 2048 hardware threads, accepted 1..1024",
                c -> c.runtime(runtime).sockets(8).coresPerSocket(128).threadsPerCore(2));
            assertContextError("clockHz 0 out of range 1000000..100000000000", c -> c.runtime(runtime).clockHz(0));
            assertContextError("memoryBytes 1000 must be a positive multiple of 2 MiB (2097152)",
                c -> c.runtime(runtime).memoryBytes(1000));
            assertContextError("hypervisorReserveBytes 4294967296 must be a multiple of 2 MiB in [0, memoryBytes 4294967296)",
                c -> c.runtime(runtime).memoryBytes(4L << 30).hypervisorReserveBytes(4L << 30));
            assertContextError("guestMemoryChunkBytes 3145728 must be a power of two in [2097152, 1073741824]",
                c -> c.runtime(runtime).guestMemoryChunkBytes(3 << 20));
            assertContextError("maxAttachments 30 out of range 1..29", c -> c.runtime(runtime).maxAttachments(30));
        }
    }

    private static void assertContextError(final String message, final UnaryOperator<Host.Context> configure)
    {
        final Host.Context context = configure.apply(new Host.Context());
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new Host(context));
        assertEquals(message, ex.getMessage());
    }

    @Test
    void shouldGenerateEc2InstanceIdsDeterministicallyFromTheSeed()
    {
        final List<String> first = launchIds(42L, 5);
        final List<String> second = launchIds(42L, 5);
        final List<String> other = launchIds(43L, 5);
        assertEquals(first, second);
        assertNotEquals(first, other);
        for (final String id : first)
        {
            assertTrue(id.matches("i-[0-9a-f]{17}"), id);
        }
        assertEquals(5, first.stream().distinct().count());
    }

    private static List<String> launchIds(final long seed, final int count)
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime();
            Host host = new Host(new Host.Context().runtime(runtime).seed(seed)))
        {
            final List<String> ids = new ArrayList<>();
            for (int i = 0; i < count; i++)
            {
                ids.add(host.launch("c5.large").id());
            }
            return ids;
        }
    }

    @Test
    void shouldListTheValidTypesForAnUnknownTypeAndChangeNothing()
    {
        final String expectedFirstId = launchIds(7L, 1).get(0);
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime();
            Host host = new Host(new Host.Context().runtime(runtime).seed(7L)))
        {
            final UnknownInstanceTypeException ex =
                assertThrows(UnknownInstanceTypeException.class, () -> host.launch("c5.metal"));
            assertEquals("unknown instance type 'c5.metal'; valid types: "
                + "c5.large, c5.xlarge, c5.2xlarge, c5.4xlarge, c5.9xlarge, c5.18xlarge", ex.getMessage());
            assertEquals(72, host.freeThreadCount());
            assertEquals(190L << 30, host.freeMemoryBytes());
            assertEquals(List.of(), host.instances());
            // The failed launch drew nothing from the random source.
            assertEquals(expectedFirstId, host.launch("c5.large").id());
        }
    }

    @Test
    void shouldFindInstancesByIdAndRefuseUnknownIds()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launch("c5.large");
            assertEquals(a, host.instance(a.id()));
            final InstanceNotFoundException ex =
                assertThrows(InstanceNotFoundException.class, () -> host.instance("i-00000000000000000"));
            assertEquals("InvalidInstanceID.NotFound: "
                + "The instance ID 'i-00000000000000000' does not exist", ex.getMessage());
            assertEquals("InvalidInstanceID.NotFound", ex.errorCode());
        }
    }

    @Test
    void shouldDeleteItsTemporaryMemoryDirectoryOnClose()
    {
        final Path directory;
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            directory = host.guestMemoryDirectory();
            final Instance a = host.launchRunning("c5.large");
            assertTrue(Files.exists(a.memoryFile()));
            assertEquals(directory.resolve(a.id() + ".mem"), a.memoryFile());
        }
        assertFalse(Files.exists(directory));
    }

    @Test
    void shouldLeaveNothingRegisteredForDeletionAtExitOnceClosed() throws Exception
    {
        final int registeredBefore = DeleteAtExit.registeredCount();
        final int jdkRegisteredBefore = jdkDeleteOnExitCount();
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            host.launchRunning("c5.large");
            host.launch("c5.large");
            // the memory directory and two memory files, deleted at exit if the host were never closed
            assertEquals(registeredBefore + 3, DeleteAtExit.registeredCount());
        }
        assertEquals(registeredBefore, DeleteAtExit.registeredCount());
        assertEquals(jdkRegisteredBefore, jdkDeleteOnExitCount());
    }

    /** Paths in the JDK's File.deleteOnExit list, which only grows (java.io is opened by nitro.jvm.flags). */
    private static int jdkDeleteOnExitCount() throws Exception
    {
        final Field files = Class.forName("java.io.DeleteOnExitHook").getDeclaredField("files");
        files.setAccessible(true);
        synchronized (Class.forName("java.io.DeleteOnExitHook"))
        {
            return ((Collection<?>)files.get(null)).size();
        }
    }

    @Test
    void shouldKeepAConfiguredMemoryDirectoryButDeleteTheFilesOfTerminatedInstances(@TempDir final Path dir)
        throws Exception
    {
        final Path memoryDir = dir.resolve("guest-memory");
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime();
            Host host = new Host(new Host.Context().runtime(runtime).guestMemoryDirectory(memoryDir)))
        {
            final Instance a = host.launchRunning("c5.large");
            assertEquals(4L << 30, Files.size(a.memoryFile()));
            a.terminate();
            a.completeTransition();
            assertFalse(Files.exists(a.memoryFile()));
            host.launch("c5.large");
        }
        assertTrue(Files.isDirectory(memoryDir));
        try (var files = Files.list(memoryDir))
        {
            assertEquals(0, files.count());
        }
    }
}
