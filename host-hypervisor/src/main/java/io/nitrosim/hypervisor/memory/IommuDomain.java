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
 * {@link #revoke()} shuts the whole domain at termination. {@link #unmap} takes a range of guest pages out of
 * the domain (a DMA fault: the device's accesses to them are refused) until {@link #map} puts it back.
 * <p>
 * Counters (tags instance=&lt;id&gt;): {@code iommu.refused} accesses refused, {@code iommu.read.bytes} and
 * {@code iommu.written.bytes} bytes moved. Safe for concurrent use by several device threads.
 */
public final class IommuDomain implements DmaWindow
{
    /** The page size of unmap and map. */
    public static final long PAGE_SIZE = 4096;

    private final GuestMemory memory;
    private final AtomicCounter refused;
    private final AtomicCounter bytesRead;
    private final AtomicCounter bytesWritten;
    private volatile boolean revoked;
    /** Unmapped ranges as [start, end) pairs of guest-physical addresses; replaced whole (copy on write). */
    private volatile long[] unmapped = new long[0];

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
        final long[] ranges = unmapped;
        for (int i = 0; i < ranges.length; i += 2)
        {
            if (address < ranges[i + 1] && address + length > ranges[i])
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Takes the pages of {@code [address, address + lengthBytes)} (widened to whole 4 KiB pages) out of the domain:
     * every device access touching them is refused until {@link #map} of the same range.
     */
    public synchronized void unmap(final long address, final long lengthBytes)
    {
        final long start = address & ~(PAGE_SIZE - 1);
        final long end = (address + lengthBytes + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        if (address < 0 || lengthBytes <= 0 || end > memory.sizeBytes())
        {
            throw new IllegalArgumentException("unmap of " + lengthBytes + " bytes at 0x" + Long.toHexString(address)
                + ": accepted a non-empty range inside [0, 0x" + Long.toHexString(memory.sizeBytes()) + ")");
        }
        final long[] ranges = java.util.Arrays.copyOf(unmapped, unmapped.length + 2);
        ranges[ranges.length - 2] = start;
        ranges[ranges.length - 1] = end;
        unmapped = ranges;
    }

    /** Puts back a range {@link #unmap} took out (the same address and length); a range not unmapped is ignored. */
    public synchronized void map(final long address, final long lengthBytes)
    {
        final long start = address & ~(PAGE_SIZE - 1);
        final long end = (address + lengthBytes + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        final long[] ranges = unmapped;
        for (int i = 0; i < ranges.length; i += 2)
        {
            if (ranges[i] == start && ranges[i + 1] == end)
            {
                final long[] left = new long[ranges.length - 2];
                System.arraycopy(ranges, 0, left, 0, i);
                System.arraycopy(ranges, i + 2, left, i, ranges.length - i - 2);
                unmapped = left;
                return;
            }
        }
    }

    /** Pages currently unmapped by {@link #unmap}, in bytes. */
    public long unmappedBytes()
    {
        final long[] ranges = unmapped;
        long bytes = 0;
        for (int i = 0; i < ranges.length; i += 2)
        {
            bytes += ranges[i + 1] - ranges[i];
        }
        return bytes;
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
