package io.nitrosim.pci;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Test fixture for device fuzzing: the IOMMU window of a {@link FakeGuestMemory} that counts what it refuses (so a
 * test can compare with the device's DMA counters) and records every write that lands on a byte the test did not
 * {@link #allow}. Before it records one it calls the {@code widen} hook once, so the test can allow what it can
 * work out only from memory as it is now (PRP lists, RX descriptors the guest rewrote meanwhile).
 */
public final class CheckedDmaWindow implements DmaWindow
{
    private final FakeGuestMemory memory;
    private final BitSet allowed;
    private final List<String> violations = new ArrayList<>();
    private Runnable widen = () -> { };
    private long refused;

    public CheckedDmaWindow(final FakeGuestMemory memory)
    {
        this.memory = memory;
        this.allowed = new BitSet(memory.sizeBytes());
    }

    /** Nothing allowed, nothing refused or recorded. */
    public void reset()
    {
        allowed.clear();
        violations.clear();
        refused = 0;
    }

    /** Called before a write outside what is allowed is recorded. */
    public void widen(final Runnable widen)
    {
        this.widen = widen;
    }

    /** Allows writes to the part of [start, start + length) that lies in guest memory. */
    public void allow(final long start, final long length)
    {
        final long base = memory.baseAddress();
        final long from = Math.max(base, start);
        final long to = start + Math.max(0, Math.min(length, memory.sizeBytes()));
        final long end = Math.min(base + memory.sizeBytes(), to);
        if (start >= 0 && from < end)
        {
            allowed.set((int)(from - base), (int)(end - base));
        }
    }

    /** Accesses refused because they reached outside guest memory. */
    public long refused()
    {
        return refused;
    }

    /** The writes that landed on bytes nothing allowed ("N B at 0x..."). */
    public List<String> violations()
    {
        return violations;
    }

    @Override
    public boolean read(final long address, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        if (!memory.read(address, dst, dstOffset, length))
        {
            refused++;
            return false;
        }
        return true;
    }

    @Override
    public boolean write(final long address, final DirectBuffer src, final int srcOffset, final int length)
    {
        if (!memory.contains(address, length))
        {
            refused++;
            return false;
        }
        if (!isAllowed(address, length))
        {
            widen.run();
            if (!isAllowed(address, length))
            {
                violations.add(length + " B at 0x" + Long.toHexString(address));
            }
        }
        return memory.write(address, src, srcOffset, length);
    }

    private boolean isAllowed(final long address, final int length)
    {
        // Bit by bit over the write only: nextClearBit would scan the whole allowed run behind it, which for a
        // large allowed ring made every small write cost microseconds (most of the ENA fuzz target's time).
        final int from = (int)(address - memory.baseAddress());
        for (int i = from, end = from + length; i < end; i++)
        {
            if (!allowed.get(i))
            {
                return false;
            }
        }
        return true;
    }
}
