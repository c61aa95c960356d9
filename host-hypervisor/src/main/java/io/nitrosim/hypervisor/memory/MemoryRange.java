package io.nitrosim.hypervisor.memory;

/**
 * A host-physical address range [baseAddress, baseAddress + sizeBytes).
 */
public record MemoryRange(long baseAddress, long sizeBytes)
{
    public MemoryRange
    {
        if (baseAddress < 0 || sizeBytes <= 0 || baseAddress > Long.MAX_VALUE - sizeBytes)
        {
            throw new IllegalArgumentException(
                "memory range base " + baseAddress + " size " + sizeBytes + ": need base >= 0, size > 0, no overflow");
        }
    }

    /** One past the last byte. */
    public long endAddress()
    {
        return baseAddress + sizeBytes;
    }

    public boolean overlaps(final MemoryRange other)
    {
        return baseAddress < other.endAddress() && other.baseAddress < endAddress();
    }

    @Override
    public String toString()
    {
        return String.format("[0x%x, 0x%x)", baseAddress, endAddress());
    }
}
