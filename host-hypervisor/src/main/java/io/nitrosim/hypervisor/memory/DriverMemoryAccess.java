package io.nitrosim.hypervisor.memory;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.hypervisor.guest.GuestMemory;
import io.nitrosim.pci.GuestMemoryAccess;

/**
 * A guest driver's view of its instance's memory: the CPU path of {@link GuestMemory}. Word accesses are volatile
 * (a driver polls phase tags the device writes from another thread in real time); an access outside guest memory
 * is a guest bug and throws {@link IndexOutOfBoundsException} naming the address, where the device's DMA path
 * would be refused instead.
 */
public final class DriverMemoryAccess implements GuestMemoryAccess
{
    private final GuestMemory memory;

    public DriverMemoryAccess(final GuestMemory memory)
    {
        if (memory == null)
        {
            throw new IllegalArgumentException("driver memory access needs guest memory");
        }
        this.memory = memory;
    }

    @Override
    public long sizeBytes()
    {
        return memory.sizeBytes();
    }

    @Override
    public void read(final long guestPhysicalAddress, final MutableDirectBuffer dst, final int dstOffset,
        final int length)
    {
        if (!memory.read(guestPhysicalAddress, dst, dstOffset, length))
        {
            throw outside(guestPhysicalAddress, length);
        }
    }

    @Override
    public void write(final long guestPhysicalAddress, final DirectBuffer src, final int srcOffset, final int length)
    {
        if (!memory.write(guestPhysicalAddress, src, srcOffset, length))
        {
            throw outside(guestPhysicalAddress, length);
        }
    }

    @Override
    public boolean view(final long guestPhysicalAddress, final int length, final UnsafeBuffer view)
    {
        return memory.view(guestPhysicalAddress, length, view);
    }

    @Override
    public long getLong(final long guestPhysicalAddress)
    {
        return memory.getLongVolatile(guestPhysicalAddress);
    }

    @Override
    public void putLong(final long guestPhysicalAddress, final long value)
    {
        memory.putLongVolatile(guestPhysicalAddress, value);
    }

    @Override
    public int getInt(final long guestPhysicalAddress)
    {
        return memory.getIntVolatile(guestPhysicalAddress);
    }

    @Override
    public void putInt(final long guestPhysicalAddress, final int value)
    {
        memory.putIntVolatile(guestPhysicalAddress, value);
    }

    @Override
    public void zero(final long guestPhysicalAddress, final long length)
    {
        memory.setMemory(guestPhysicalAddress, length, (byte)0);
    }

    private IndexOutOfBoundsException outside(final long address, final int length)
    {
        return new IndexOutOfBoundsException("guest access of " + length + " B at 0x" + Long.toHexString(address)
            + " is outside the guest's " + memory.sizeBytes() + " B");
    }
}
