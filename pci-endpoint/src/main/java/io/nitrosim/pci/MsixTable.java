package io.nitrosim.pci;

import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.pci.trace.Tracer;

/**
 * A function's MSI-X state: the capability in configuration space (enable, function mask, table size) and the
 * table and pending-bit array (PBA) in BAR register files, at the offsets the device chose.
 * <p>
 * Table entry layout (16 bytes, little-endian):
 * <pre>
 *   0  message address low   (bits 1:0 read-only 0)
 *   4  message address high
 *   8  message data
 *  12  vector control        (bit 0 = mask; resets to 1, masked)
 * </pre>
 * PBA: bit {@code v % 64} of the qword at {@code pbaOffset + 8 * (v / 64)}; read-only to the host.
 * <p>
 * {@link #signal(int)} runs on the device agent's thread. A signal on an enabled, unmasked vector is delivered
 * at once to the {@link MsiSink}; on a masked vector (vector mask or function mask) it sets the pending bit.
 * Pending messages are delivered by the device agent, never on the host's thread: a host write that may unmask
 * (vector control, or MSI-X message control in configuration space) marks the table dirty, and the agent's next
 * pass ({@link #deliverUnmaskedPending()}, run by {@link PciFunction} before it drains doorbells) delivers each
 * pending, now unmasked vector exactly once and clears its bit. While MSI-X is disabled nothing is delivered
 * and nothing becomes pending (the function has no INTx to fall back to); those signals are counted as
 * suppressed. This is the only owner of the PBA, so no host write can race a pending bit.
 */
public final class MsixTable
{
    public static final int ENTRY_LENGTH = 16;
    public static final int ENTRY_ADDRESS_LO_OFFSET = 0;
    public static final int ENTRY_ADDRESS_HI_OFFSET = 4;
    public static final int ENTRY_DATA_OFFSET = 8;
    public static final int ENTRY_VECTOR_CONTROL_OFFSET = 12;
    public static final int VECTOR_CONTROL_MASK_BIT = 1;
    public static final int MAX_VECTORS = 2048;

    /** {@link #signal} results. */
    public static final int DELIVERED = 0;
    public static final int PENDED = 1;
    /** MSI-X disabled in the capability: nothing delivered, nothing pending. */
    public static final int SUPPRESSED_DISABLED = 2;
    /** Unmasked but the function is not connected to an interrupt router: the message goes nowhere. */
    public static final int NOT_CONNECTED = 3;
    public static final int INVALID_VECTOR = 4;
    /** In a traced MSI-X event's status: a pending message delivered after a host write unmasked it. */
    public static final int TRACE_FROM_PENDING = 0x100;

    private final ConfigSpace config;
    private final int capabilityOffset;
    private final int vectorCount;
    private final BarRegisterFile tableBar;
    private final int tableOffset;
    private final BarRegisterFile pbaBar;
    private final int pbaOffset;
    private final AtomicCounter delivered;
    private final AtomicCounter pended;
    private final AtomicCounter suppressed;
    private volatile MsiSink sink;
    private volatile boolean dirty;
    private Tracer tracer = Tracer.OFF;

    MsixTable(
        final ConfigSpace config,
        final int capabilityOffset,
        final int vectorCount,
        final BarRegisterFile tableBar,
        final int tableOffset,
        final BarRegisterFile pbaBar,
        final int pbaOffset,
        final AtomicCounter delivered,
        final AtomicCounter pended,
        final AtomicCounter suppressed)
    {
        this.config = config;
        this.capabilityOffset = capabilityOffset;
        this.vectorCount = vectorCount;
        this.tableBar = tableBar;
        this.tableOffset = tableOffset;
        this.pbaBar = pbaBar;
        this.pbaOffset = pbaOffset;
        this.delivered = delivered;
        this.pended = pended;
        this.suppressed = suppressed;
    }

    /** PBA length in bytes for {@code vectorCount} vectors (whole qwords). */
    public static int pbaLengthBytes(final int vectorCount)
    {
        return ((vectorCount + 63) / 64) * 8;
    }

    public int vectorCount()
    {
        return vectorCount;
    }

    public int tableBarIndex()
    {
        return tableBar.barIndex();
    }

    public int tableOffset()
    {
        return tableOffset;
    }

    public int pbaBarIndex()
    {
        return pbaBar.barIndex();
    }

    public int pbaOffset()
    {
        return pbaOffset;
    }

    public boolean isEnabled()
    {
        return (messageControl() & ConfigSpace.MSIX_CONTROL_ENABLE) != 0;
    }

    public boolean isFunctionMasked()
    {
        return (messageControl() & ConfigSpace.MSIX_CONTROL_FUNCTION_MASK) != 0;
    }

    public boolean isVectorMasked(final int vector)
    {
        return (tableBar.getInt(entryOffset(vector) + ENTRY_VECTOR_CONTROL_OFFSET) & VECTOR_CONTROL_MASK_BIT) != 0;
    }

    public boolean isPending(final int vector)
    {
        return (pbaBar.getLong(pbaQwordOffset(vector)) & (1L << vector)) != 0;
    }

    public long messageAddress(final int vector)
    {
        final int entry = entryOffset(vector);
        return ((long)tableBar.getInt(entry + ENTRY_ADDRESS_HI_OFFSET) << 32)
            | (tableBar.getInt(entry + ENTRY_ADDRESS_LO_OFFSET) & 0xFFFF_FFFFL);
    }

    public int messageData(final int vector)
    {
        return tableBar.getInt(entryOffset(vector) + ENTRY_DATA_OFFSET);
    }

    /**
     * Device agent: raises {@code vector}.
     *
     * @return {@link #DELIVERED}, {@link #PENDED}, {@link #SUPPRESSED_DISABLED}, {@link #NOT_CONNECTED} or
     * {@link #INVALID_VECTOR}.
     */
    public int signal(final int vector)
    {
        final int status = raise(vector);
        if (tracer.isOn(TraceKind.MSIX))
        {
            traceMessage(vector, status);
        }
        return status;
    }

    private int raise(final int vector)
    {
        if (vector < 0 || vector >= vectorCount)
        {
            suppressed.increment();
            return INVALID_VECTOR;
        }
        final int control = messageControl();
        if ((control & ConfigSpace.MSIX_CONTROL_ENABLE) == 0)
        {
            suppressed.increment();
            return SUPPRESSED_DISABLED;
        }
        if ((control & ConfigSpace.MSIX_CONTROL_FUNCTION_MASK) != 0 || isVectorMasked(vector))
        {
            final int qword = pbaQwordOffset(vector);
            pbaBar.putLong(qword, pbaBar.getLong(qword) | (1L << vector));
            pended.increment();
            return PENDED;
        }
        return deliver(vector);
    }

    /**
     * Device agent: if a host write may have unmasked something since the last call, delivers every pending
     * vector that is now deliverable, in ascending vector order, and clears its pending bit.
     *
     * @return the number of messages delivered.
     */
    public int deliverUnmaskedPending()
    {
        if (!dirty)
        {
            return 0;
        }
        dirty = false;
        final int control = messageControl();
        if ((control & ConfigSpace.MSIX_CONTROL_ENABLE) == 0 || (control & ConfigSpace.MSIX_CONTROL_FUNCTION_MASK) != 0)
        {
            return 0;
        }
        int count = 0;
        final int qwords = pbaLengthBytes(vectorCount) / 8;
        for (int q = 0; q < qwords; q++)
        {
            final int qwordOffset = pbaOffset + q * 8;
            long bits = pbaBar.getLong(qwordOffset);
            while (bits != 0)
            {
                final int bit = Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                final int vector = q * 64 + bit;
                if (!isVectorMasked(vector))
                {
                    pbaBar.putLong(qwordOffset, pbaBar.getLong(qwordOffset) & ~(1L << bit));
                    final int status = deliver(vector);
                    if (tracer.isOn(TraceKind.MSIX))
                    {
                        traceMessage(vector, TRACE_FROM_PENDING | status);
                    }
                    if (status == DELIVERED)
                    {
                        count++;
                    }
                }
            }
        }
        return count;
    }

    public long deliveredCount()
    {
        return delivered.get();
    }

    /** Signals that found their vector masked and set (or kept) its pending bit. */
    public long pendedCount()
    {
        return pended.get();
    }

    /** Signals dropped because MSI-X was disabled or the vector number was invalid. */
    public long suppressedCount()
    {
        return suppressed.get();
    }

    void tracer(final Tracer tracer)
    {
        this.tracer = tracer;
    }

    private void traceMessage(final int vector, final int status)
    {
        final boolean valid = vector >= 0 && vector < vectorCount;
        tracer.emit(TraceKind.MSIX, -1, vector, status, valid ? messageAddress(vector) : 0,
            valid ? messageData(vector) & 0xFFFF_FFFFL : 0);
    }

    void sink(final MsiSink sink)
    {
        this.sink = sink;
    }

    /** Host side: a write that may unmask a vector happened; the agent rescans the PBA on its next pass. */
    void markDirty()
    {
        dirty = true;
    }

    boolean isDirty()
    {
        return dirty;
    }

    void clearDirty()
    {
        dirty = false;
    }

    private int deliver(final int vector)
    {
        final MsiSink sink = this.sink;
        if (sink == null)
        {
            suppressed.increment();
            return NOT_CONNECTED;
        }
        sink.deliver(messageAddress(vector), messageData(vector));
        delivered.increment();
        return DELIVERED;
    }

    private int messageControl()
    {
        return config.read(capabilityOffset + ConfigSpace.MSIX_MESSAGE_CONTROL, 2);
    }

    private int entryOffset(final int vector)
    {
        return tableOffset + vector * ENTRY_LENGTH;
    }

    private int pbaQwordOffset(final int vector)
    {
        return pbaOffset + (vector >>> 6) * 8;
    }
}
