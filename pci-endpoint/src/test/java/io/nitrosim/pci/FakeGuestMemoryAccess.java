package io.nitrosim.pci;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;


/**
 * The driver's view of a {@link FakeGuestMemory} (the device's DMA window onto the same bytes); with {@code inPlace}
 * it also grants {@link #view}s, as the hypervisor's memory does, so drivers read and write their buffers in place.
 */
public final class FakeGuestMemoryAccess implements GuestMemoryAccess
{
    private final FakeGuestMemory memory;
    private final boolean inPlace;
    private long views;

    public FakeGuestMemoryAccess(final FakeGuestMemory memory)
    {
        this(memory, false);
    }

    public FakeGuestMemoryAccess(final FakeGuestMemory memory, final boolean inPlace)
    {
        this.memory = memory;
        this.inPlace = inPlace;
    }

    @Override
    public boolean view(final long address, final int length, final UnsafeBuffer view)
    {
        if (!inPlace || !memory.contains(address, length))
        {
            return false;
        }
        view.wrap(memory.buffer(), checked(address, length), length);
        views++;
        return true;
    }

    /** Views granted so far. */
    public long views()
    {
        return views;
    }

    @Override
    public long sizeBytes()
    {
        return memory.sizeBytes();
    }

    @Override
    public void read(final long address, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        dst.putBytes(dstOffset, memory.buffer(), checked(address, length), length);
    }

    @Override
    public void write(final long address, final DirectBuffer src, final int srcOffset, final int length)
    {
        memory.buffer().putBytes(checked(address, length), src, srcOffset, length);
    }

    @Override
    public long getLong(final long address)
    {
        checked(address, 8);
        return memory.getLong(address);
    }

    @Override
    public void putLong(final long address, final long value)
    {
        checked(address, 8);
        memory.putLong(address, value);
    }

    @Override
    public int getInt(final long address)
    {
        checked(address, 4);
        return memory.getInt(address);
    }

    @Override
    public void putInt(final long address, final int value)
    {
        checked(address, 4);
        memory.putInt(address, value);
    }

    @Override
    public void zero(final long address, final long length)
    {
        memory.fill(address, Math.toIntExact(length), (byte)0);
    }

    private int checked(final long address, final long length)
    {
        if (!memory.contains(address, length))
        {
            throw new IndexOutOfBoundsException("guest access [0x" + Long.toHexString(address) + ", +" + length
                + ") outside guest memory");
        }
        return (int)(address - memory.baseAddress());
    }
}
