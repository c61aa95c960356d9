package io.nitrosim.hypervisor.memory;

import java.util.Map;
import java.util.TreeMap;

/**
 * Who owns the host's physical memory: a reserve for the hypervisor at the bottom, then ranges carved for
 * instances without overlap. First fit from the lowest address, so placement is deterministic; freed ranges
 * coalesce with their neighbours.
 * <p>
 * Bookkeeping only: guest bytes live in each instance's sparse file, so a range costs nothing until touched.
 * Not thread-safe; the host calls it under its lock.
 */
public final class HostMemoryMap
{
    private final long totalBytes;
    private final long reservedBytes;
    private final long alignmentBytes;
    /** Free ranges: base address -> size, disjoint and never adjacent (adjacent ones are merged). */
    private final TreeMap<Long, Long> free = new TreeMap<>();
    private long freeBytes;

    /**
     * @param totalBytes     host memory size
     * @param reservedBytes  the hypervisor's own reserve at [0, reservedBytes), never given to instances
     * @param alignmentBytes every range starts on and is rounded up to this (a power of two)
     */
    public HostMemoryMap(final long totalBytes, final long reservedBytes, final long alignmentBytes)
    {
        if (alignmentBytes <= 0 || Long.bitCount(alignmentBytes) != 1)
        {
            throw new IllegalArgumentException("alignment " + alignmentBytes + " must be a positive power of two");
        }
        if (reservedBytes < 0 || totalBytes <= reservedBytes)
        {
            throw new IllegalArgumentException(
                "reserve " + reservedBytes + " B must be in [0, host memory " + totalBytes + " B)");
        }
        this.totalBytes = totalBytes;
        this.reservedBytes = reservedBytes;
        this.alignmentBytes = alignmentBytes;
        final long base = alignUp(reservedBytes);
        final long end = totalBytes & -alignmentBytes;
        if (end > base)
        {
            free.put(base, end - base);
            freeBytes = end - base;
        }
    }

    /** Carves {@code sizeBytes} (rounded up to the alignment); null, changing nothing, when no free range fits. */
    public MemoryRange allocate(final long sizeBytes)
    {
        if (sizeBytes <= 0)
        {
            throw new IllegalArgumentException("allocation size " + sizeBytes + " B must be positive");
        }
        final long size = alignUp(sizeBytes);
        for (final Map.Entry<Long, Long> e : free.entrySet())
        {
            if (e.getValue() >= size)
            {
                final long base = e.getKey();
                final long remaining = e.getValue() - size;
                free.remove(base);
                if (remaining > 0)
                {
                    free.put(base + size, remaining);
                }
                freeBytes -= size;
                return new MemoryRange(base, size);
            }
        }
        return null;
    }

    /** Returns a range obtained from {@link #allocate}. */
    public void release(final MemoryRange range)
    {
        long base = range.baseAddress();
        long size = range.sizeBytes();
        final Map.Entry<Long, Long> below = free.floorEntry(base);
        final Map.Entry<Long, Long> above = free.ceilingEntry(base);
        if ((below != null && below.getKey() + below.getValue() > base)
            || (above != null && above.getKey() < range.endAddress()))
        {
            throw new IllegalStateException("release of " + range + " overlaps free memory: double release");
        }
        freeBytes += size;
        if (below != null && below.getKey() + below.getValue() == base)
        {
            base = below.getKey();
            size += below.getValue();
            free.remove(below.getKey());
        }
        if (above != null && above.getKey() == range.endAddress())
        {
            size += above.getValue();
            free.remove(above.getKey());
        }
        free.put(base, size);
    }

    public long totalBytes()
    {
        return totalBytes;
    }

    public long reservedBytes()
    {
        return reservedBytes;
    }

    public long freeBytes()
    {
        return freeBytes;
    }

    /** The largest single range an allocation could get now. */
    public long largestFreeBytes()
    {
        long largest = 0;
        for (final long size : free.values())
        {
            largest = Math.max(largest, size);
        }
        return largest;
    }

    private long alignUp(final long value)
    {
        return Math.addExact(value, alignmentBytes - 1) & -alignmentBytes;
    }
}
