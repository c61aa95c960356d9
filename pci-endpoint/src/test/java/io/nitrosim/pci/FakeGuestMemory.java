package io.nitrosim.pci;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Test fixture: a {@link DmaWindow} over one byte array standing for guest memory at
 * [{@code baseAddress}, {@code baseAddress + sizeBytes}). An access any byte of which lies outside is refused
 * whole and counted, like an IOMMU domain. Accessors at guest addresses let a test act as the guest driver.
 */
public final class FakeGuestMemory implements DmaWindow
{
    private final long baseAddress;
    private final int sizeBytes;
    private final UnsafeBuffer memory;
    private long refusedCount;
    private long readCount;
    private long writeCount;
    private boolean refuseAll;

    public FakeGuestMemory(final long baseAddress, final int sizeBytes)
    {
        if (baseAddress < 0 || sizeBytes <= 0 || baseAddress > Long.MAX_VALUE - sizeBytes)
        {
            throw new IllegalArgumentException("guest memory [" + baseAddress + ", +" + sizeBytes
                + ") must be a non-empty range of non-negative addresses");
        }
        this.baseAddress = baseAddress;
        this.sizeBytes = sizeBytes;
        this.memory = new UnsafeBuffer(new byte[sizeBytes]);
    }

    public long baseAddress()
    {
        return baseAddress;
    }

    public int sizeBytes()
    {
        return sizeBytes;
    }

    /** True if [address, address + length) lies entirely inside this memory (overflow-safe). */
    public boolean contains(final long address, final long length)
    {
        return length >= 0 && address >= baseAddress
            && address - baseAddress <= sizeBytes - length;
    }

    /** Makes every DMA fail (an IOMMU fault), to test the device's error paths. */
    public void refuseAll(final boolean refuseAll)
    {
        this.refuseAll = refuseAll;
    }

    @Override
    public boolean read(final long guestPhysicalAddress, final MutableDirectBuffer dst, final int dstOffset,
        final int length)
    {
        if (refuseAll || !contains(guestPhysicalAddress, length))
        {
            refusedCount++;
            return false;
        }
        dst.putBytes(dstOffset, memory, index(guestPhysicalAddress), length);
        readCount++;
        return true;
    }

    @Override
    public boolean write(final long guestPhysicalAddress, final DirectBuffer src, final int srcOffset,
        final int length)
    {
        if (refuseAll || !contains(guestPhysicalAddress, length))
        {
            refusedCount++;
            return false;
        }
        memory.putBytes(index(guestPhysicalAddress), src, srcOffset, length);
        writeCount++;
        return true;
    }

    /** The backing buffer; index 0 is {@link #baseAddress()}. */
    public UnsafeBuffer buffer()
    {
        return memory;
    }

    public int index(final long guestPhysicalAddress)
    {
        if (!contains(guestPhysicalAddress, 0))
        {
            throw new IllegalArgumentException("address 0x" + Long.toHexString(guestPhysicalAddress)
                + " is outside guest memory [0x" + Long.toHexString(baseAddress) + ", +" + sizeBytes + ")");
        }
        return (int)(guestPhysicalAddress - baseAddress);
    }

    public long getLong(final long address)
    {
        return memory.getLong(index(address), ByteOrder.LITTLE_ENDIAN);
    }

    public void putLong(final long address, final long value)
    {
        memory.putLong(index(address), value, ByteOrder.LITTLE_ENDIAN);
    }

    public int getInt(final long address)
    {
        return memory.getInt(index(address), ByteOrder.LITTLE_ENDIAN);
    }

    public void putInt(final long address, final int value)
    {
        memory.putInt(index(address), value, ByteOrder.LITTLE_ENDIAN);
    }

    public byte getByte(final long address)
    {
        return memory.getByte(index(address));
    }

    public void putBytes(final long address, final byte[] src)
    {
        memory.putBytes(index(address), src);
    }

    public byte[] getBytes(final long address, final int length)
    {
        final byte[] dst = new byte[length];
        memory.getBytes(index(address), dst);
        return dst;
    }

    public void fill(final long address, final int length, final byte value)
    {
        memory.setMemory(index(address), length, value);
    }

    public long refusedCount()
    {
        return refusedCount;
    }

    public long readCount()
    {
        return readCount;
    }

    public long writeCount()
    {
        return writeCount;
    }
}
