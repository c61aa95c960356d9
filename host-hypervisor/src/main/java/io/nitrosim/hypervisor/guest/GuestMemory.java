package io.nitrosim.hypervisor.guest;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Guest-physical memory of one instance, 64-bit addresses from 0 to {@link #sizeBytes()} (exclusive).
 * Multi-byte values are little-endian, as on x86.
 * <p>
 * Two kinds of access: bulk {@link #read}/{@link #write} refuse an out-of-range access whole and return false
 * (the DMA path, never an exception); the typed accessors are the CPU path and throw
 * {@link IndexOutOfBoundsException} naming the address, as a guest program bug should be loud.
 */
public interface GuestMemory
{
    long sizeBytes();

    /** Whether [address, address + lengthBytes) lies inside guest memory; overflow-safe. */
    boolean contains(long guestPhysicalAddress, long lengthBytes);

    /** Copies {@code length} bytes into {@code dst}. @return false, copying nothing, if any byte is outside. */
    boolean read(long guestPhysicalAddress, MutableDirectBuffer dst, int dstOffset, int length);

    /** Copies {@code length} bytes from {@code src}. @return false, writing nothing, if any byte is outside. */
    boolean write(long guestPhysicalAddress, DirectBuffer src, int srcOffset, int length);

    /**
     * Points {@code view} at [address, address + length) of guest memory itself, for reading and writing in place
     * (a driver's own frame buffers), when the range lies inside guest memory and in one mapping; the view is valid
     * while the memory is open. @return false, leaving {@code view} as it was, otherwise (the caller copies).
     */
    boolean view(long guestPhysicalAddress, int length, UnsafeBuffer view);

    byte getByte(long guestPhysicalAddress);

    void putByte(long guestPhysicalAddress, byte value);

    int getInt(long guestPhysicalAddress);

    void putInt(long guestPhysicalAddress, int value);

    long getLong(long guestPhysicalAddress);

    void putLong(long guestPhysicalAddress, long value);

    /** Volatile read for polling words another thread writes (phase bits); the address must be 4-aligned. */
    int getIntVolatile(long guestPhysicalAddress);

    /** Volatile write; the address must be 4-aligned. */
    void putIntVolatile(long guestPhysicalAddress, int value);

    /** Volatile read; the address must be 8-aligned. */
    long getLongVolatile(long guestPhysicalAddress);

    /** Volatile write; the address must be 8-aligned. */
    void putLongVolatile(long guestPhysicalAddress, long value);

    void getBytes(long guestPhysicalAddress, byte[] dst, int dstOffset, int length);

    void putBytes(long guestPhysicalAddress, byte[] src, int srcOffset, int length);

    /** Sets {@code lengthBytes} bytes to {@code value}; touches (and so costs RAM for) every page in range. */
    void setMemory(long guestPhysicalAddress, long lengthBytes, byte value);
}
