package io.nitrosim.nic.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.nitrosim.nic.ena.RxCompletion;
import io.nitrosim.pci.GuestMemoryAllocator;

class EnaRingTest
{
    private static final long BASE = 0x10_0000L;
    private static final long SIZE = 64L << 20;

    @Test
    void shouldPlaceTimingOnlyBuffersTheCapturedBytesApartAndAllocateEveryBuffersWholeLength()
    {
        final GuestMemoryAllocator alloc = new GuestMemoryAllocator(BASE, SIZE);
        final EnaRing ring = new EnaRing(RxCompletion.PHASE_TAG, 1024, RxCompletion.LENGTH, 9216, 128);
        ring.allocate(alloc);
        assertEquals(128, ring.buffer(1) - ring.buffer(0));
        assertEquals(1023 * 128L, ring.buffer(1023) - ring.buffer(0));
        // SQ (16 KiB) and CQ (16 KiB), then the buffers: the last one's 9216 bytes end inside the allocation.
        assertEquals(SIZE - 2 * 16 * 1024 - (1023 * 128 + 9216), alloc.remainingBytes());
    }

    @Test
    void shouldPlaceFullPayloadBuffersAWholeFrameApart()
    {
        final EnaRing ring = new EnaRing(RxCompletion.PHASE_TAG, 256, RxCompletion.LENGTH, 9216, 9015);
        ring.allocate(new GuestMemoryAllocator(BASE, SIZE));
        assertEquals(9024, ring.buffer(1) - ring.buffer(0), "9015 rounded up to a cache line");
        final EnaRing small = new EnaRing(RxCompletion.PHASE_TAG, 256, RxCompletion.LENGTH, 2048, 9015);
        small.allocate(new GuestMemoryAllocator(BASE, SIZE));
        assertEquals(2048, small.buffer(1) - small.buffer(0), "at most a buffer apart");
    }
}
