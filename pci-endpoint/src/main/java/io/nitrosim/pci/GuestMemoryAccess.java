package io.nitrosim.pci;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A guest driver's view of its own instance's memory (guest-physical addresses, little-endian), where it
 * places queues, descriptors and data buffers for the device to DMA. The hypervisor implements it over the
 * instance's guest memory; accesses outside it throw {@link IndexOutOfBoundsException} (a guest bug, not a
 * device error).
 */
public interface GuestMemoryAccess
{
    long sizeBytes();

    void read(long guestPhysicalAddress, MutableDirectBuffer dst, int dstOffset, int length);

    void write(long guestPhysicalAddress, DirectBuffer src, int srcOffset, int length);

    /**
     * Points {@code view} at [address, address + length) of the memory itself, to read or write a buffer in place
     * instead of copying it (as a driver works on its DMA buffers). @return false when this implementation or this
     * range cannot be viewed (the default): the caller copies with {@link #read}/{@link #write} instead.
     */
    default boolean view(final long guestPhysicalAddress, final int length, final UnsafeBuffer view)
    {
        return false;
    }

    long getLong(long guestPhysicalAddress);

    void putLong(long guestPhysicalAddress, long value);

    int getInt(long guestPhysicalAddress);

    void putInt(long guestPhysicalAddress, int value);

    /** Fills a range with zeros (fresh queues must start zeroed, e.g. NVMe completion phase tags). */
    void zero(long guestPhysicalAddress, long length);
}
