package io.nitrosim.hypervisor.memory;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.hypervisor.guest.GuestMemory;
import io.nitrosim.pci.DmaWindow;

/**
 * One instance's IOMMU domain: the only way a PCI function reaches guest memory. Its address space is exactly
 * the instance's guest-physical memory [0, sizeBytes); an access any byte of which lies outside is refused
 * whole (nothing copied), counted, and reported to the caller as false, never as an exception, so a card can
 * turn it into a device status for the guest.
 * <p>
 * Each attached function gets its own {@link #bind() binding}: detaching a function revokes its binding, so a
 * card that kept the reference can no longer reach the memory (as a real IOMMU unmaps a device's context).
 * {@link #revoke()} shuts the whole domain at termination; {@link #unmapRange} / {@link #mapRange} take pages out
 * and put them back (a DMA fault).
 * <p>
 * Counters (tags instance=&lt;id&gt;): {@code iommu.refused} accesses refused, {@code iommu.read.bytes} and
 * {@code iommu.written.bytes} bytes moved. Safe for concurrent use by several device threads.
 */
public final class IommuDomain implements DmaWindow
{
    /** Page size of the domain's mappings. */
    public static final long PAGE_BYTES = 4096;
    /** Most page ranges unmapped at once. */
    public static final int MAX_UNMAPPED_RANGES = 16;

    private final GuestMemory memory;
    private final AtomicCounter refused;
    private final AtomicCounter bytesRead;
    private final AtomicCounter bytesWritten;
    private volatile boolean revoked;
    /** Page-aligned [start, end) ranges unmapped from the domain (a fault), at most {@link #MAX_UNMAPPED_RANGES}. */
    private final long[] unmappedStart = new long[MAX_UNMAPPED_RANGES];
    private final long[] unmappedEnd = new long[MAX_UNMAPPED_RANGES];
    private volatile int unmappedRanges;

    public IommuDomain(
        final GuestMemory memory,
        final AtomicCounter refused,
        final AtomicCounter bytesRead,
        final AtomicCounter bytesWritten)
    {
        this.memory = memory;
        this.refused = refused;
        this.bytesRead = bytesRead;
        this.bytesWritten = bytesWritten;
    }

    @Override
    public boolean read(final long guestPhysicalAddress, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        if (!revoked && mapped(guestPhysicalAddress, length) && memory.read(guestPhysicalAddress, dst, dstOffset, length))
        {
            bytesRead.getAndAdd(length);
            return true;
        }
        refused.increment();
        return false;
    }

    @Override
    public boolean write(final long guestPhysicalAddress, final DirectBuffer src, final int srcOffset, final int length)
    {
        if (!revoked && mapped(guestPhysicalAddress, length) && memory.write(guestPhysicalAddress, src, srcOffset, length))
        {
            bytesWritten.getAndAdd(length);
            return true;
        }
        refused.increment();
        return false;
    }

    private boolean mapped(final long address, final int length)
    {
        final int ranges = unmappedRanges;
        for (int i = 0; i < ranges; i++)
        {
            if (address < unmappedEnd[i] && address + length > unmappedStart[i])
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Unmaps the pages covering [guestAddress, guestAddress + lengthBytes) (an injected DMA fault): every device
     * access touching them is refused and counted until {@link #mapRange} maps the same range back. Host thread,
     * between device passes (the one-thread runtime).
     *
     * @return false when the range is empty or outside the domain, or {@link #MAX_UNMAPPED_RANGES} are unmapped.
     */
    public boolean unmapRange(final long guestAddress, final long lengthBytes)
    {
        if (lengthBytes <= 0 || guestAddress < 0 || guestAddress > memory.sizeBytes() - lengthBytes
            || unmappedRanges == MAX_UNMAPPED_RANGES)
        {
            return false;
        }
        final int i = unmappedRanges;
        unmappedStart[i] = guestAddress & -PAGE_BYTES;
        unmappedEnd[i] = (guestAddress + lengthBytes + PAGE_BYTES - 1) & -PAGE_BYTES;
        unmappedRanges = i + 1;
        return true;
    }

    /** Maps back a range {@link #unmapRange} unmapped (the same arguments). @return false if it was not unmapped. */
    public boolean mapRange(final long guestAddress, final long lengthBytes)
    {
        final long start = guestAddress & -PAGE_BYTES;
        final long end = (guestAddress + lengthBytes + PAGE_BYTES - 1) & -PAGE_BYTES;
        final int ranges = unmappedRanges;
        for (int i = 0; i < ranges; i++)
        {
            if (unmappedStart[i] == start && unmappedEnd[i] == end)
            {
                unmappedStart[i] = unmappedStart[ranges - 1];
                unmappedEnd[i] = unmappedEnd[ranges - 1];
                unmappedRanges = ranges - 1;
                return true;
            }
        }
        return false;
    }

    /** Size of the domain's address space (the instance's memory). */
    public long sizeBytes()
    {
        return memory.sizeBytes();
    }

    /** A per-function view of this domain that can be revoked on detach. */
    public Binding bind()
    {
        return new Binding(this);
    }

    /** Refuses every further access (instance terminated). */
    public void revoke()
    {
        revoked = true;
    }

    public boolean isRevoked()
    {
        return revoked;
    }

    public long refusedCount()
    {
        return refused.get();
    }

    public long bytesReadCount()
    {
        return bytesRead.get();
    }

    public long bytesWrittenCount()
    {
        return bytesWritten.get();
    }

    /** What one attached function holds: the domain while attached, nothing after detach. */
    public static final class Binding implements DmaWindow
    {
        private final IommuDomain domain;
        private volatile boolean attached = true;

        private Binding(final IommuDomain domain)
        {
            this.domain = domain;
        }

        @Override
        public boolean read(final long guestPhysicalAddress, final MutableDirectBuffer dst, final int dstOffset, final int length)
        {
            if (attached)
            {
                return domain.read(guestPhysicalAddress, dst, dstOffset, length);
            }
            domain.refused.increment();
            return false;
        }

        @Override
        public boolean write(final long guestPhysicalAddress, final DirectBuffer src, final int srcOffset, final int length)
        {
            if (attached)
            {
                return domain.write(guestPhysicalAddress, src, srcOffset, length);
            }
            domain.refused.increment();
            return false;
        }

        public void revoke()
        {
            attached = false;
        }

        public boolean isAttached()
        {
            return attached;
        }
    }
}
