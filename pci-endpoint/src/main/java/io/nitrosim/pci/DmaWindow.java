package io.nitrosim.pci;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The host side of a function's DMA: the instance's IOMMU domain (host-hypervisor) implements this, so a
 * function can reach only the memory of the instance it is attached to.
 * <p>
 * Addresses are 64-bit guest-physical addresses. An access any byte of which lies outside the domain is
 * refused whole: nothing is read or written, and the method returns false.
 */
public interface DmaWindow
{
    /** Copies {@code length} bytes at {@code guestPhysicalAddress} into {@code dst}. @return false if refused. */
    boolean read(long guestPhysicalAddress, MutableDirectBuffer dst, int dstOffset, int length);

    /** Copies {@code length} bytes from {@code src} to {@code guestPhysicalAddress}. @return false if refused. */
    boolean write(long guestPhysicalAddress, DirectBuffer src, int srcOffset, int length);
}
