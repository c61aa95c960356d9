package io.nitrosim.pci;

/**
 * Hands out aligned, non-overlapping ranges of guest memory to drivers (queues, data buffers): a bump
 * allocator over one region, as a guest kernel's DMA allocator would for a simulator. Not thread-safe: one per
 * vCPU or per driver.
 */
public final class GuestMemoryAllocator
{
    private final long endAddress;
    private long nextAddress;

    /** Manages [baseAddress, baseAddress + sizeBytes). */
    public GuestMemoryAllocator(final long baseAddress, final long sizeBytes)
    {
        if (baseAddress < 0 || sizeBytes <= 0)
        {
            throw new IllegalArgumentException(
                "allocator region base " + baseAddress + " size " + sizeBytes + " must be non-negative and non-empty");
        }
        this.nextAddress = baseAddress;
        this.endAddress = Math.addExact(baseAddress, sizeBytes);
    }

    /**
     * @param sizeBytes      bytes wanted, at least 1.
     * @param alignmentBytes a power of two.
     * @return the guest-physical address of the range.
     * @throws IllegalStateException when the region is exhausted (message names the sizes).
     */
    public long allocate(final long sizeBytes, final long alignmentBytes)
    {
        if (sizeBytes < 1 || alignmentBytes < 1 || Long.bitCount(alignmentBytes) != 1)
        {
            throw new IllegalArgumentException("allocation of " + sizeBytes + " B aligned to " + alignmentBytes
                + " B: size must be >= 1 and alignment a power of two");
        }
        final long address = Math.addExact(nextAddress, alignmentBytes - 1) & -alignmentBytes;
        final long end = Math.addExact(address, sizeBytes);
        if (end > endAddress)
        {
            throw new IllegalStateException("guest DMA region exhausted: asked " + sizeBytes + " B, "
                + Math.max(0, endAddress - address) + " B left");
        }
        nextAddress = end;
        return address;
    }

    public long remainingBytes()
    {
        return endAddress - nextAddress;
    }
}
