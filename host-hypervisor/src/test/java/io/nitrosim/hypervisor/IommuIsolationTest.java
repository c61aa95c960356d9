package io.nitrosim.hypervisor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.nitrosim.hypervisor.pci.AttachmentKind;
import io.nitrosim.pci.DmaWindow;
import io.nitrosim.time.VirtualTimeRuntime;

class IommuIsolationTest
{
    private static final long GIB = 1L << 30;
    private static final int PAGE = 4096;

    @Test
    void shouldRefuseDmaBeyondTheInstanceAndLeaveTheOtherInstanceUnchangedByteForByte()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launchRunning("c5.large");
            final Instance b = host.launchRunning("c5.large");
            final long bHostBase = b.placement().hostMemory().baseAddress(); // 6 GiB: an address of B's memory
            final long[] probes = {0, GIB - PAGE, GIB, 2 * GIB, 4 * GIB - PAGE};
            final byte[][] before = new byte[probes.length][];
            for (int i = 0; i < probes.length; i++)
            {
                for (int j = 0; j < PAGE; j += 8)
                {
                    b.memory().putLong(probes[i] + j, 0xB0B0_0000_0000_0000L | (probes[i] + j));
                }
                before[i] = page(b, probes[i]);
            }

            final DmaWindow windowOfA = a.dmaWindow();
            final UnsafeBuffer evil = new UnsafeBuffer(new byte[PAGE]);
            evil.setMemory(0, PAGE, (byte)0xEE);
            final UnsafeBuffer dst = new UnsafeBuffer(new byte[PAGE]);
            assertFalse(windowOfA.write(bHostBase, evil, 0, PAGE), "B's host-physical address is not in A's domain");
            assertFalse(windowOfA.write(4 * GIB, evil, 0, 8), "first byte past A's memory");
            assertFalse(windowOfA.write(4 * GIB - 4, evil, 0, 8), "straddling A's end");
            assertFalse(windowOfA.write(-PAGE, evil, 0, PAGE));
            assertFalse(windowOfA.write(Long.MAX_VALUE - 2, evil, 0, 8), "address overflow");
            assertFalse(windowOfA.read(bHostBase + 64, dst, 0, 64));
            assertFalse(windowOfA.read(4 * GIB, dst, 0, 1));
            for (int i = 0; i < PAGE; i++)
            {
                assertEquals(0, dst.getByte(i), "a refused read copies nothing");
            }
            assertEquals(0, a.memory().getLong(4 * GIB - 8), "a straddling write writes nothing, not even A's part");

            for (int i = 0; i < probes.length; i++)
            {
                assertArrayEquals(before[i], page(b, probes[i]), "B's page at " + probes[i] + " changed");
            }
            assertEquals(7, TestHosts.counter(host.counters(), "iommu.refused", "instance", a.id()));
            assertEquals(0, TestHosts.counter(host.counters(), "iommu.refused", "instance", b.id()));
            assertEquals(7, a.iommu().refusedCount());

            // A's own memory at the same guest-physical addresses is A's, not B's.
            assertTrue(windowOfA.write(0, evil, 0, PAGE));
            assertTrue(windowOfA.read(GIB - PAGE, dst, 0, PAGE));
            assertArrayEquals(before[0], page(b, 0));
            assertEquals(PAGE, TestHosts.counter(host.counters(), "iommu.written.bytes", "instance", a.id()));
            assertEquals(PAGE, TestHosts.counter(host.counters(), "iommu.read.bytes", "instance", a.id()));
            assertEquals(0xEEEEEEEEEEEEEEEEL, a.memory().getLong(0));
        }
    }

    @Test
    void shouldRefuseDmaToAnUnmappedPageRangeUntilItIsMappedBack()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launchRunning("c5.large");
            final DmaWindow window = a.dmaWindow();
            final UnsafeBuffer data = new UnsafeBuffer(new byte[64]);
            // bytes 100..299 of page 3 and the start of page 4: the whole of pages 3 and 4 go
            assertTrue(a.iommu().unmapRange(3 * PAGE + 100, PAGE));
            assertFalse(window.write(3 * PAGE, data, 0, 8), "page 3, outside the bytes named, still unmapped");
            assertFalse(window.read(5 * PAGE - 8, data, 0, 8), "page 4");
            assertFalse(window.write(3 * PAGE - 4, data, 0, 8), "straddling into page 3");
            assertTrue(window.write(3 * PAGE - 8, data, 0, 8), "page 2 is mapped");
            assertTrue(window.read(5 * PAGE, data, 0, 8), "page 5 is mapped");
            assertEquals(3, a.iommu().refusedCount());
            assertFalse(a.iommu().mapRange(3 * PAGE, 2 * PAGE + 1), "not a range that was unmapped");
            assertTrue(a.iommu().mapRange(3 * PAGE + 100, PAGE));
            assertTrue(window.write(3 * PAGE, data, 0, 8));
            assertFalse(a.iommu().mapRange(3 * PAGE + 100, PAGE), "mapped already");
            assertFalse(a.iommu().unmapRange(4 * GIB - 8, 16), "past the instance's memory");
            assertFalse(a.iommu().unmapRange(0, 0));
        }
    }

    @Test
    void shouldGiveEachAttachedFunctionOnlyItsInstancesDomainAndRevokeItOnDetach()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launchRunning("c5.large");
            final Instance b = host.launchRunning("c5.large");
            final FakePciEndpoint cardOfA = FakePciEndpoint.nvme();
            a.attach(cardOfA, AttachmentKind.EBS_VOLUME, "vol-a");
            b.memory().putLong(0x2000, 0xB0B);

            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8]);
            buffer.putLong(0, 0xA0A);
            assertTrue(cardOfA.dma.write(0x2000, buffer, 0, 8));
            assertEquals(0xA0A, a.memory().getLong(0x2000));
            assertEquals(0xB0B, b.memory().getLong(0x2000));
            assertFalse(cardOfA.dma.write(b.placement().hostMemory().baseAddress() + 0x2000, buffer, 0, 8));

            final DmaWindow kept = cardOfA.dma;
            a.detach("vol-a");
            assertFalse(kept.write(0x2000, buffer, 0, 8), "a detached function keeps no access");
            assertEquals(2, a.iommu().refusedCount());
            assertEquals(0xB0B, b.memory().getLong(0x2000));
        }
    }

    private static byte[] page(final Instance instance, final long address)
    {
        final byte[] bytes = new byte[PAGE];
        instance.memory().getBytes(address, bytes, 0, PAGE);
        return bytes;
    }
}
