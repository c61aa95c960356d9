package io.nitrosim.pci;

import org.agrona.collections.IntArrayList;

/**
 * Test fixture: a minimal device model on {@link PciFunction} that records what the base delivers to it
 * (doorbells in order, resets, work passes) and does nothing else. Layout of BAR0 (16 KiB):
 * <pre>
 *   0x000  ID       read-only, reset 0x1234_5678
 *   0x004  CTRL     notify-on-write
 *   0x008  STATUS   read-only (device-owned)
 *   0x00C  MASKED   writable bits 0x0000_00FF only
 *   0x010  SCRATCH  64-bit read/write, reset 0x0123_4567_89AB_CDEF
 *   0x020  TICKS    computed (returns the number of host reads of it)
 *   0x1000 doorbells, 0x1000 bytes
 *   0x2000 MSI-X table (8 vectors), 0x3000 PBA
 * </pre>
 */
public final class RecordingFunction extends PciFunction
{
    public static final int ID_OFFSET = 0x000;
    public static final int CTRL_OFFSET = 0x004;
    public static final int STATUS_OFFSET = 0x008;
    public static final int MASKED_OFFSET = 0x00C;
    public static final int SCRATCH_OFFSET = 0x010;
    public static final int TICKS_OFFSET = 0x020;
    public static final int DOORBELL_OFFSET = 0x1000;
    public static final int DOORBELL_LENGTH = 0x1000;
    public static final int MSIX_TABLE_OFFSET = 0x2000;
    public static final int MSIX_PBA_OFFSET = 0x3000;
    public static final int MSIX_VECTORS = 8;
    public static final int ID_VALUE = 0x1234_5678;
    public static final long SCRATCH_RESET = 0x0123_4567_89AB_CDEFL;

    public final IntArrayList doorbellBars = new IntArrayList();
    public final IntArrayList doorbellOffsets = new IntArrayList();
    public final IntArrayList doorbellValues = new IntArrayList();
    public int resetCalls;
    public int workCalls;
    public long overflowsReported;
    private volatile int ticks;

    public RecordingFunction()
    {
        this(standardBuilder());
    }

    public RecordingFunction(final PciFunctionBuilder builder)
    {
        super(builder);
    }

    /** The builder of the standard layout above (tests may add to it). */
    public static PciFunctionBuilder standardBuilder()
    {
        return PciFunction.builder()
            .name("recording")
            .vendorId(0x1d0f)
            .deviceId(0xbeef)
            .classCode(0x020000)
            .revision(3)
            .subsystem(0x1d0f, 0x0001)
            .memoryBar(0, 16 * 1024, false, false)
            .memoryBar(2, 1 << 20, true, true)
            .msix(MSIX_VECTORS, 0, MSIX_TABLE_OFFSET, 0, MSIX_PBA_OFFSET)
            .readOnly(0, ID_OFFSET, 4)
            .resetValue32(0, ID_OFFSET, ID_VALUE)
            .notifyOnWrite(0, CTRL_OFFSET, 4)
            .readOnly(0, STATUS_OFFSET, 4)
            .writableBits(0, MASKED_OFFSET, 4, 0xFF)
            .resetValue64(0, SCRATCH_OFFSET, SCRATCH_RESET)
            .computed(0, TICKS_OFFSET, 4)
            .doorbells(0, DOORBELL_OFFSET, DOORBELL_LENGTH);
    }

    @Override
    protected void onDoorbell(final int barIndex, final int offset, final int value)
    {
        doorbellBars.addInt(barIndex);
        doorbellOffsets.addInt(offset);
        doorbellValues.addInt(value);
    }

    @Override
    protected void onReset()
    {
        resetCalls++;
    }

    @Override
    protected int doDeviceWork()
    {
        workCalls++;
        return 0;
    }

    @Override
    protected long onComputedRead(final int barIndex, final int offset, final int sizeBytes)
    {
        return ++ticks;
    }

    @Override
    protected void onDoorbellOverflow(final long lostSinceLastCall)
    {
        overflowsReported += lostSinceLastCall;
    }

    /** Agent thread: raises a vector (exposes the protected call to tests). */
    public int raise(final int vector)
    {
        return signalMsix(vector);
    }

    public void clearRecords()
    {
        doorbellBars.clear();
        doorbellOffsets.clear();
        doorbellValues.clear();
    }
}
