package io.nitrosim.benchmarks;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.pci.GuestMemoryAccess;

/** Guest memory for benchmarks: one heap buffer, guest-physical address = index, little-endian. */
final class HeapGuestMemory implements GuestMemoryAccess
{
    private final UnsafeBuffer buffer;

    HeapGuestMemory(final int sizeBytes)
    {
        buffer = new UnsafeBuffer(new byte[sizeBytes]);
    }

    @Override
    public long sizeBytes()
    {
        return buffer.capacity();
    }

    @Override
    public void read(final long address, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        dst.putBytes(dstOffset, buffer, Math.toIntExact(address), length);
    }

    @Override
    public void write(final long address, final DirectBuffer src, final int srcOffset, final int length)
    {
        buffer.putBytes(Math.toIntExact(address), src, srcOffset, length);
    }

    @Override
    public long getLong(final long address)
    {
        return buffer.getLong(Math.toIntExact(address), java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void putLong(final long address, final long value)
    {
        buffer.putLong(Math.toIntExact(address), value, java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public int getInt(final long address)
    {
        return buffer.getInt(Math.toIntExact(address), java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void putInt(final long address, final int value)
    {
        buffer.putInt(Math.toIntExact(address), value, java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void zero(final long address, final long length)
    {
        buffer.setMemory(Math.toIntExact(address), Math.toIntExact(length), (byte)0);
    }
}
