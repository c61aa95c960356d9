package io.nitrosim.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.nitrosim.hypervisor.memory.MemoryRange;
import io.nitrosim.time.VirtualTimeRuntime;

class PlacementTest
{
    @Test
    void shouldPinVcpuPairsToSiblingThreadsLowestFirstAndCarveMemoryAboveTheReserve()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launch("c5.large");
            final Instance b = host.launch("c5.xlarge");
            assertEquals(List.of(0, 1), a.placement().hostThreadIds());
            assertEquals(List.of(2, 3, 4, 5), b.placement().hostThreadIds());
            assertEquals(0, a.vcpu(0).hostThreadId());
            assertEquals(5, b.vcpu(3).hostThreadId());
            assertEquals(new MemoryRange(2L << 30, 4L << 30), a.placement().hostMemory());
            assertEquals(new MemoryRange(6L << 30, 8L << 30), b.placement().hostMemory());
            assertEquals(a.id(), host.threadOwner(1));
            assertEquals(b.id(), host.threadOwner(2));
            assertNull(host.threadOwner(6));
            assertEquals(66, host.freeThreadCount());
            assertEquals((190L - 12) << 30, host.freeMemoryBytes());
        }
    }

    @Test
    void shouldKeepAnInstanceOnOneSocketWhenOneHasRoom()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            host.launch("c5.large"); // socket 0 now has 34 free threads
            final Instance big = host.launch("c5.9xlarge"); // 36 vCPUs: the whole of socket 1
            final List<Integer> expected = new ArrayList<>();
            for (int id = 36; id < 72; id++)
            {
                expected.add(id);
            }
            assertEquals(expected, big.placement().hostThreadIds());
            final Instance spread = host.launch("c5.4xlarge"); // 16 vCPUs back on socket 0
            assertEquals(2, spread.placement().hostThreadId(0));
            assertEquals(17, spread.placement().hostThreadId(15));
        }
    }

    @Test
    void shouldFit36C5LargeOnOneHostWithDistinctThreadsAndDisjointMemoryAndRefuseThe37th()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final List<Instance> instances = new ArrayList<>();
            for (int i = 0; i < 36; i++)
            {
                final Instance instance = host.launchRunning("c5.large");
                instances.add(instance);
                // Touch a few pages: start, a chunk boundary, the end. Only these pages cost RAM.
                instance.memory().putLong(0, i);
                instance.memory().putLong((1L << 30) - 4, 0x1000L + i);
                instance.memory().putLong((4L << 30) - 8, 0x2000L + i);
            }
            final Set<Integer> threads = new HashSet<>();
            final List<MemoryRange> ranges = new ArrayList<>();
            for (final Instance instance : instances)
            {
                assertEquals(InstanceState.RUNNING, instance.state());
                threads.addAll(instance.placement().hostThreadIds());
                final MemoryRange range = instance.placement().hostMemory();
                for (final MemoryRange other : ranges)
                {
                    assertFalse(range.overlaps(other), range + " overlaps " + other);
                }
                ranges.add(range);
            }
            assertEquals(72, threads.size());
            assertEquals(0, host.freeThreadCount());
            for (int i = 0; i < 36; i++)
            {
                final Instance instance = instances.get(i);
                assertEquals(i, instance.memory().getLong(0));
                assertEquals(0x1000L + i, instance.memory().getLong((1L << 30) - 4));
                assertEquals(0x2000L + i, instance.memory().getLong((4L << 30) - 8));
            }

            final InsufficientInstanceCapacityException ex =
                assertThrows(InsufficientInstanceCapacityException.class, () -> host.launch("c5.large"));
            assertEquals("InsufficientInstanceCapacity", ex.errorCode());
            assertEquals("InsufficientInstanceCapacity: "
                + "Insufficient capacity on this host for c5.large: it needs 2 vCPUs and 4 GiB of memory; "
                + "free: 0 of 72 hardware threads and 46 GiB of 190 GiB guest memory (largest range 46 GiB)",
                ex.getMessage());
            assertEquals(36, host.instances().size());
            assertEquals(46L << 30, host.freeMemoryBytes());
        }
    }

    @Test
    void shouldRefuseThe73rdVcpu()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime();
            Host host = new Host(new Host.Context().runtime(runtime).memoryBytes(512L << 30)))
        {
            final Instance whole = host.launch("c5.18xlarge");
            assertEquals(72, whole.placement().vcpuCount());
            assertEquals(0, host.freeThreadCount());
            final InsufficientInstanceCapacityException ex =
                assertThrows(InsufficientInstanceCapacityException.class, () -> host.launch("c5.large"));
            assertEquals("InsufficientInstanceCapacity: "
                + "Insufficient capacity on this host for c5.large: it needs 2 vCPUs and 4 GiB of memory; "
                + "free: 0 of 72 hardware threads and 366 GiB of 510 GiB guest memory (largest range 366 GiB)",
                ex.getMessage());
            assertEquals(1, host.instances().size());
        }
    }

    @Test
    void shouldRefuseWhenMemoryIsShortEvenWithThreadsFreeAndChangeNothing()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime();
            Host host = new Host(new Host.Context().runtime(runtime).memoryBytes(18L << 30)))
        {
            host.launch("c5.2xlarge"); // 16 of 16 GiB
            final InsufficientInstanceCapacityException ex =
                assertThrows(InsufficientInstanceCapacityException.class, () -> host.launch("c5.large"));
            assertEquals("InsufficientInstanceCapacity: "
                + "Insufficient capacity on this host for c5.large: it needs 2 vCPUs and 4 GiB of memory; "
                + "free: 64 of 72 hardware threads and 0 B of 16 GiB guest memory (largest range 0 B)", ex.getMessage());
            assertEquals(64, host.freeThreadCount());
            assertEquals(1, host.instances().size());
        }
    }

    @Test
    void shouldReuseTheThreadsAndMemoryOfATerminatedInstance()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launchRunning("c5.large");
            final Instance b = host.launchRunning("c5.large");
            assertEquals(List.of(2, 3), b.placement().hostThreadIds());
            final MemoryRange aMemory = a.placement().hostMemory();
            a.terminate();
            a.completeTransition();
            assertNull(a.placement());
            final Instance c = host.launchRunning("c5.large");
            assertEquals(List.of(0, 1), c.placement().hostThreadIds());
            assertEquals(aMemory, c.placement().hostMemory());
            assertTrue(c.memory().getLong(0) == 0, "a new instance starts with zeroed memory");
        }
    }
}
