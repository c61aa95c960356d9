package io.nitrosim.ebs.device;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import io.nitrosim.pci.FakeGuestMemory;
import io.nitrosim.pci.GuestMemoryAccess;

/** The driver's view of a {@link FakeGuestMemory} (which is also the device's DMA window). */
final class TestGuestMemory implements GuestMemoryAccess
{
    private final FakeGuestMemory memory;

    TestGuestMemory(final FakeGuestMemory memory)
    {
        this.memory = memory;
    }

    @Override
    public long sizeBytes()
    {
        return memory.sizeBytes();
    }

    @Override
    public void read(final long guestPhysicalAddress, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        dst.putBytes(dstOffset, memory.buffer(), memory.index(guestPhysicalAddress), length);
    }

    @Override
    public void write(final long guestPhysicalAddress, final DirectBuffer src, final int srcOffset, final int length)
    {
        memory.buffer().putBytes(memory.index(guestPhysicalAddress), src, srcOffset, length);
    }

    @Override
    public long getLong(final long guestPhysicalAddress)
    {
        return memory.getLong(guestPhysicalAddress);
    }

    @Override
    public void putLong(final long guestPhysicalAddress, final long value)
    {
        memory.putLong(guestPhysicalAddress, value);
    }

    @Override
    public int getInt(final long guestPhysicalAddress)
    {
        return memory.getInt(guestPhysicalAddress);
    }

    @Override
    public void putInt(final long guestPhysicalAddress, final int value)
    {
        memory.putInt(guestPhysicalAddress, value);
    }

    @Override
    public void zero(final long guestPhysicalAddress, final long length)
    {
        memory.fill(guestPhysicalAddress, (int)length, (byte)0);
    }
}
