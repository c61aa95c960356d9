package io.nitrosim.pci;

import org.agrona.BufferUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The register space behind one memory BAR: a little-endian buffer of {@link #registerFileBytes()} bytes
 * (usually the BAR's whole size) with reset values and a sorted set of regions that give host writes their
 * behaviour. Offsets are within the BAR; the function never learns where the BAR was placed.
 * <p>
 * Region kinds (declared on {@link PciFunctionBuilder}; anything outside a region is plain read/write):
 * <ul>
 *   <li>read/write, optionally with a per-dword writable bit mask ({@code writableBits});</li>
 *   <li>read-only: host writes are ignored, the device agent sets the value;</li>
 *   <li>doorbell: host writes do not change the register file; each is queued as a (bar, offset, value) record
 *       for the device agent ({@link PciFunction#onDoorbell}); reads return the stored (reset) value;</li>
 *   <li>notify-on-write: stored like read/write and also queued for the agent (e.g. NVMe CC);</li>
 *   <li>computed: host reads call {@link PciFunction#onComputedRead} on the host's thread; host writes are
 *       ignored;</li>
 *   <li>MSI-X table and PBA, placed by the builder's {@code msix(...)}.</li>
 * </ul>
 * Device-side accessors ({@link #getInt}, {@link #putInt}, ...) bypass the masks: the device owns its
 * registers. They are volatile/atomic so the host's MMIO reads on another thread see whole values.
 * A register file beyond {@link #registerFileBytes()} but inside the BAR reads 0 and drops writes.
 */
public final class BarRegisterFile
{
    static final int KIND_READ_WRITE = 0;
    static final int KIND_READ_ONLY = 1;
    static final int KIND_DOORBELL = 2;
    static final int KIND_NOTIFY = 3;
    static final int KIND_COMPUTED = 4;
    static final int KIND_MSIX_TABLE = 5;
    static final int KIND_MSIX_PBA = 6;

    private final int barIndex;
    private final long sizeBytes;
    private final boolean is64Bit;
    private final boolean prefetchable;
    private final int registerFileBytes;
    private final UnsafeBuffer registers;
    private final int[] resetOffsets;
    private final int[] resetValues;
    private final int[] regionStart;
    private final int[] regionEnd;
    private final int[] regionKind;
    private final int[] regionWritableMask;
    // Doorbell latches: for every dword of a doorbell or notify region, the last value the host wrote and a
    // per-register write sequence, packed (sequence << 32 | value) so one compare-and-set updates both.
    private final int latchStart;
    private final UnsafeBuffer latches;
    private final int[] deliveredSequence; // agent-owned: sequence of the last value handed to the device

    BarRegisterFile(
        final int barIndex,
        final long sizeBytes,
        final boolean is64Bit,
        final boolean prefetchable,
        final int registerFileBytes,
        final int[] resetOffsets,
        final int[] resetValues,
        final int[] regionStart,
        final int[] regionEnd,
        final int[] regionKind,
        final int[] regionWritableMask)
    {
        this.barIndex = barIndex;
        this.sizeBytes = sizeBytes;
        this.is64Bit = is64Bit;
        this.prefetchable = prefetchable;
        this.registerFileBytes = registerFileBytes;
        this.registers = new UnsafeBuffer(BufferUtil.allocateDirectAligned(registerFileBytes, 64));
        this.resetOffsets = resetOffsets;
        this.resetValues = resetValues;
        this.regionStart = regionStart;
        this.regionEnd = regionEnd;
        this.regionKind = regionKind;
        this.regionWritableMask = regionWritableMask;
        int queuedStart = Integer.MAX_VALUE;
        int queuedEnd = 0;
        for (int r = 0; r < regionKind.length; r++)
        {
            if (regionKind[r] == KIND_DOORBELL || regionKind[r] == KIND_NOTIFY)
            {
                queuedStart = Math.min(queuedStart, regionStart[r]);
                queuedEnd = Math.max(queuedEnd, regionEnd[r]);
            }
        }
        final int latchDwords = queuedEnd > queuedStart ? (queuedEnd - queuedStart) / 4 : 0;
        this.latchStart = latchDwords > 0 ? queuedStart : 0;
        this.latches = new UnsafeBuffer(BufferUtil.allocateDirectAligned(Math.max(8, latchDwords * 8), 64));
        this.deliveredSequence = new int[latchDwords];
        reset();
    }

    public int barIndex()
    {
        return barIndex;
    }

    /** The BAR's size as the host sees it when sizing (a power of two, at least 16). */
    public long sizeBytes()
    {
        return sizeBytes;
    }

    public boolean is64Bit()
    {
        return is64Bit;
    }

    public boolean isPrefetchable()
    {
        return prefetchable;
    }

    /** Bytes backed by the register file, from offset 0 (at most {@link #sizeBytes()}). */
    public int registerFileBytes()
    {
        return registerFileBytes;
    }

    /** Device side: a 32-bit register (4-byte aligned offset), volatile read. */
    public int getInt(final int offset)
    {
        return registers.getIntVolatile(offset);
    }

    /** Device side: sets a 32-bit register (4-byte aligned offset), volatile write, no masks. */
    public void putInt(final int offset, final int value)
    {
        registers.putIntVolatile(offset, value);
    }

    /** Device side: a 64-bit register (8-byte aligned offset), read atomically. */
    public long getLong(final int offset)
    {
        return registers.getLongVolatile(offset);
    }

    /** Device side: sets a 64-bit register (8-byte aligned offset) atomically, no masks. */
    public void putLong(final int offset, final long value)
    {
        registers.putLongVolatile(offset, value);
    }

    /** Device side: atomically sets bits of a 32-bit register (safe against concurrent host writes). */
    public void setBits(final int offset, final int bits)
    {
        int old;
        do
        {
            old = registers.getIntVolatile(offset);
        }
        while (!registers.compareAndSetInt(offset, old, old | bits));
    }

    /** Device side: atomically clears bits of a 32-bit register. */
    public void clearBits(final int offset, final int bits)
    {
        int old;
        do
        {
            old = registers.getIntVolatile(offset);
        }
        while (!registers.compareAndSetInt(offset, old, old & ~bits));
    }

    /**
     * Device side: the last value the host wrote to the doorbell or notify-on-write dword at {@code offset}
     * (0 if none since the last reset). Doorbells are latched like hardware registers even though their host
     * reads return the register file's (reset) value.
     */
    public int latchedValue(final int offset)
    {
        return (int)latches.getLongVolatile(latchIndex(offset));
    }

    /** The raw register file, for bulk device access (e.g. device memory such as ENA's LLQ BAR). */
    public AtomicBuffer buffer()
    {
        return registers;
    }

    /** Returns every register (and doorbell latch) to its reset value; regions are kept. */
    public void reset()
    {
        registers.setMemory(0, registerFileBytes, (byte)0);
        for (int i = 0; i < deliveredSequence.length; i++)
        {
            latches.putLongVolatile(i * 8, 0);
        }
        for (int i = 0; i < resetOffsets.length; i++)
        {
            registers.putIntVolatile(resetOffsets[i], resetValues[i]);
        }
    }

    /**
     * The device agent's part of a reset: returns the regions only the device writes (read-only, computed, MSI-X
     * PBA) to their reset values, undoing any write the agent made after the host's reset.
     */
    void resetDeviceOwnedRegions()
    {
        for (int r = 0; r < regionStart.length; r++)
        {
            if (isDeviceOwned(regionKind[r]))
            {
                registers.setMemory(regionStart[r], regionEnd[r] - regionStart[r], (byte)0);
            }
        }
        for (int i = 0; i < resetOffsets.length; i++)
        {
            final int offset = resetOffsets[i];
            final int region = regionOf(offset);
            if (region >= 0 && isDeviceOwned(regionKind[region]))
            {
                registers.putIntVolatile(offset, resetValues[i]);
            }
        }
    }

    private static boolean isDeviceOwned(final int kind)
    {
        return kind == KIND_READ_ONLY || kind == KIND_COMPUTED || kind == KIND_MSIX_PBA;
    }

    /**
     * Host side: latches {@code value} as the newest write of the queued dword at {@code offset}.
     *
     * @return the write's per-register sequence number (1, 2, ... wrapping; compared by signed difference).
     */
    int latch(final int offset, final int value)
    {
        final int index = latchIndex(offset);
        long old;
        long updated;
        do
        {
            old = latches.getLongVolatile(index);
            updated = (((old >>> 32) + 1) << 32) | (value & 0xFFFF_FFFFL);
        }
        while (!latches.compareAndSetLong(index, old, updated));
        return (int)(updated >>> 32);
    }

    /**
     * Agent side: whether a queued write with {@code sequence} is newer than what the device was last given for
     * that register; if so it becomes the last delivered one.
     */
    boolean acceptDelivery(final int offset, final int sequence)
    {
        final int i = (offset - latchStart) >> 2;
        if (sequence - deliveredSequence[i] <= 0)
        {
            return false;
        }
        deliveredSequence[i] = sequence;
        return true;
    }

    /** Number of latched dwords (the span from the first to the end of the last queued region). */
    int latchDwords()
    {
        return deliveredSequence.length;
    }

    int latchOffset(final int latchDword)
    {
        return latchStart + latchDword * 4;
    }

    /** Agent side: the latched (sequence << 32 | value) of latch dword {@code i}. */
    long latchWord(final int latchDword)
    {
        return latches.getLongVolatile(latchDword * 8);
    }

    /** Agent side, at reset: nothing has been delivered in the new generation. */
    void resetDeliveredSequences()
    {
        java.util.Arrays.fill(deliveredSequence, 0);
    }

    private int latchIndex(final int offset)
    {
        return ((offset - latchStart) >> 2) * 8;
    }

    /** @return the index of the region containing {@code offset}, or -1 (plain read/write). */
    int regionOf(final int offset)
    {
        int low = 0;
        int high = regionStart.length - 1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            if (offset < regionStart[mid])
            {
                high = mid - 1;
            }
            else if (offset >= regionEnd[mid])
            {
                low = mid + 1;
            }
            else
            {
                return mid;
            }
        }
        return -1;
    }

    int kindOf(final int region)
    {
        return region < 0 ? KIND_READ_WRITE : regionKind[region];
    }

    /** Host-writable bits of the dword at {@code offset} (4-aligned) in {@code region}. */
    int writableMask(final int region, final int offset)
    {
        if (region < 0)
        {
            return -1;
        }
        if (regionKind[region] == KIND_MSIX_TABLE)
        {
            switch ((offset - regionStart[region]) & 15)
            {
                case MsixTable.ENTRY_ADDRESS_LO_OFFSET:
                    return ~3;
                case MsixTable.ENTRY_VECTOR_CONTROL_OFFSET:
                    return MsixTable.VECTOR_CONTROL_MASK_BIT;
                default:
                    return -1;
            }
        }
        return regionWritableMask[region];
    }

    /** A host write of a dword through a mask; compare-and-set so a concurrent device update is not lost. */
    void maskedPutInt(final int offset, final int value, final int writable)
    {
        if (writable == -1)
        {
            registers.putIntVolatile(offset, value);
            return;
        }
        if (writable == 0)
        {
            return;
        }
        int old;
        do
        {
            old = registers.getIntVolatile(offset);
        }
        while (!registers.compareAndSetInt(offset, old, (old & ~writable) | (value & writable)));
    }
}
