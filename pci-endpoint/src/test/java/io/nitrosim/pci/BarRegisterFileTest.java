package io.nitrosim.pci;

import static io.nitrosim.pci.RecordingFunction.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.nitrosim.time.SimAgent;
import io.nitrosim.time.VirtualTimeRuntime;

class BarRegisterFileTest
{
    private final RecordingFunction fn = new RecordingFunction();

    private void enable()
    {
        PciTestFirmware.enumerate(fn, 0xC000_0000L);
    }

    @Test
    void shouldIgnoreMmioWhileMemorySpaceDisabled() throws Exception
    {
        assertEquals(0xFFFF_FFFFL, fn.mmioRead(0, ID_OFFSET, 4));
        assertEquals(-1L, fn.mmioRead(0, SCRATCH_OFFSET, 8));
        fn.mmioWrite(0, SCRATCH_OFFSET, 8, 42);
        fn.mmioWrite(0, DOORBELL_OFFSET, 4, 1);
        assertEquals(4, fn.mmioIgnoredCount());
        assertEquals(0, fn.pendingDoorbells());

        enable();
        assertEquals(SCRATCH_RESET, fn.mmioRead(0, SCRATCH_OFFSET, 8));
        fn.agent().doWork();
        assertEquals(0, fn.doorbellValues.size());

        PciTestFirmware.setCommandBits(fn, ConfigSpace.COMMAND_MEMORY_SPACE, false);
        fn.mmioWrite(0, SCRATCH_OFFSET, 8, 42);
        assertEquals(0xFFFF_FFFFL, fn.mmioRead(0, SCRATCH_OFFSET, 4));
        PciTestFirmware.setCommandBits(fn, ConfigSpace.COMMAND_MEMORY_SPACE, true);
        assertEquals(SCRATCH_RESET, fn.mmioRead(0, SCRATCH_OFFSET, 8));
        assertEquals(6, fn.mmioIgnoredCount());
    }

    @Test
    void shouldReadResetValuesAsDwordsAndQwords() throws Exception
    {
        enable();
        assertEquals(ID_VALUE, fn.mmioRead(0, ID_OFFSET, 4));
        assertEquals(SCRATCH_RESET, fn.mmioRead(0, SCRATCH_OFFSET, 8));
        assertEquals(0x89AB_CDEFL, fn.mmioRead(0, SCRATCH_OFFSET, 4));
        assertEquals(0x0123_4567L, fn.mmioRead(0, SCRATCH_OFFSET + 4, 4));
        assertEquals(0, fn.mmioRead(0, STATUS_OFFSET, 4));
        assertEquals(0, fn.mmioRead(2, 0x100, 8));
    }

    @Test
    void shouldWriteAndReadPlainRegisters() throws Exception
    {
        enable();
        fn.mmioWrite(0, SCRATCH_OFFSET, 8, 0xFEDC_BA98_7654_3210L);
        assertEquals(0xFEDC_BA98_7654_3210L, fn.mmioRead(0, SCRATCH_OFFSET, 8));
        fn.mmioWrite(0, SCRATCH_OFFSET + 4, 4, 0x1111_2222L);
        assertEquals(0x1111_2222_7654_3210L, fn.mmioRead(0, SCRATCH_OFFSET, 8));
        assertEquals(0x1111_2222_7654_3210L, fn.registers(0).getLong(SCRATCH_OFFSET));
        fn.mmioWrite(0, 0x40, 8, 0xAAAA_BBBB_CCCC_DDDDL); // 8-byte write at a 4-aligned, not 8-aligned offset
        fn.mmioWrite(0, 0x4C, 8, 0x1234_5678_9ABC_DEF0L);
        assertEquals(0xCCCC_DDDDL, fn.mmioRead(0, 0x40, 4));
        assertEquals(0xAAAA_BBBB_CCCC_DDDDL, fn.mmioRead(0, 0x40, 8));
        assertEquals(0x1234_5678_9ABC_DEF0L, fn.mmioRead(0, 0x4C, 8));
        assertEquals(0, fn.pendingDoorbells());
    }

    @Test
    void shouldKeepReadOnlyRegistersThatTheDeviceSets() throws Exception
    {
        enable();
        fn.mmioWrite(0, ID_OFFSET, 4, 0);
        fn.mmioWrite(0, STATUS_OFFSET, 4, 0xFFFF_FFFFL);
        assertEquals(ID_VALUE, fn.mmioRead(0, ID_OFFSET, 4));
        assertEquals(0, fn.mmioRead(0, STATUS_OFFSET, 4));

        fn.registers(0).putInt(STATUS_OFFSET, 0x5);
        assertEquals(0x5, fn.mmioRead(0, STATUS_OFFSET, 4));
        fn.registers(0).setBits(STATUS_OFFSET, 0x8);
        fn.registers(0).clearBits(STATUS_OFFSET, 0x1);
        assertEquals(0xC, fn.mmioRead(0, STATUS_OFFSET, 4));
        fn.mmioWrite(0, ID_OFFSET, 8, -1L); // spans ID (read-only) and CTRL (notify)
        assertEquals(ID_VALUE, fn.mmioRead(0, ID_OFFSET, 4));
        assertEquals(0xFFFF_FFFFL, fn.mmioRead(0, CTRL_OFFSET, 4));
    }

    @Test
    void shouldApplyWritableBitMask() throws Exception
    {
        enable();
        fn.registers(0).putInt(MASKED_OFFSET, 0x1200);
        fn.mmioWrite(0, MASKED_OFFSET, 4, 0xFFFF_FFFFL);
        assertEquals(0x12FF, fn.mmioRead(0, MASKED_OFFSET, 4));
        fn.mmioWrite(0, MASKED_OFFSET, 4, 0);
        assertEquals(0x1200, fn.mmioRead(0, MASKED_OFFSET, 4));
    }

    @Test
    void shouldStoreNotifyOnWriteRegisterAndQueueIt() throws Exception
    {
        enable();
        fn.mmioWrite(0, CTRL_OFFSET, 4, 0x5);
        assertEquals(0x5, fn.mmioRead(0, CTRL_OFFSET, 4));
        assertEquals(0, fn.doorbellValues.size());
        fn.agent().doWork();
        assertEquals(1, fn.doorbellValues.size());
        assertEquals(0, fn.doorbellBars.getInt(0));
        assertEquals(CTRL_OFFSET, fn.doorbellOffsets.getInt(0));
        assertEquals(0x5, fn.doorbellValues.getInt(0));
    }

    @Test
    void shouldPassDoorbellsOnlyThroughTheRingInOrder() throws Exception
    {
        enable();
        for (int i = 0; i < 100; i++)
        {
            fn.mmioWrite(0, DOORBELL_OFFSET + 4L * (i % 7), 4, 1000 + i);
        }
        // Nothing reaches the device or the register file before the agent drains the ring.
        assertEquals(0, fn.doorbellValues.size());
        assertEquals(100, fn.pendingDoorbells());
        assertEquals(0, fn.mmioRead(0, DOORBELL_OFFSET, 4));
        assertEquals(0, fn.registers(0).getInt(DOORBELL_OFFSET + 4));

        assertEquals(100, fn.agent().doWork()); // one unit of work per record, the device did none
    }

    @Test
    void shouldDeliverDoorbellsWithBarOffsetAndValueInWriteOrder() throws Exception
    {
        enable();
        for (int i = 0; i < 100; i++)
        {
            fn.mmioWrite(0, DOORBELL_OFFSET + 4L * (i % 7), 4, 1000 + i);
        }
        fn.agent().doWork();
        assertEquals(100, fn.doorbellValues.size());
        for (int i = 0; i < 100; i++)
        {
            assertEquals(0, fn.doorbellBars.getInt(i));
            assertEquals(DOORBELL_OFFSET + 4 * (i % 7), fn.doorbellOffsets.getInt(i));
            assertEquals(1000 + i, fn.doorbellValues.getInt(i));
        }
        assertEquals(100, fn.doorbellCount());
        assertEquals(0, fn.pendingDoorbells());
        assertEquals(0, fn.registers(0).getInt(DOORBELL_OFFSET + 4));
    }

    @Test
    void shouldSplitQwordDoorbellWriteLowDwordFirst() throws Exception
    {
        enable();
        fn.mmioWrite(0, DOORBELL_OFFSET + 8, 8, 0x0000_0002_0000_0001L);
        fn.agent().doWork();
        assertEquals(2, fn.doorbellValues.size());
        assertEquals(DOORBELL_OFFSET + 8, fn.doorbellOffsets.getInt(0));
        assertEquals(1, fn.doorbellValues.getInt(0));
        assertEquals(DOORBELL_OFFSET + 12, fn.doorbellOffsets.getInt(1));
        assertEquals(2, fn.doorbellValues.getInt(1));
    }

    @Test
    void shouldDrainDoorbellsWhenRunByTheVirtualTimeRuntime() throws Exception
    {
        enable();
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
        {
            runtime.add(fn.agent());
            fn.mmioWrite(0, DOORBELL_OFFSET, 4, 77);
            runtime.runUntil(1_000);
            assertEquals(1, fn.doorbellValues.size());
            assertEquals(77, fn.doorbellValues.getInt(0));
            assertEquals(SimAgent.NO_DEADLINE, fn.agent().nextDeadlineNs());
            assertEquals("recording", fn.agent().roleName());
        }
    }

    @Test
    void shouldCallComputedReadHookOnHostReadsAndIgnoreWrites() throws Exception
    {
        enable();
        assertEquals(1, fn.mmioRead(0, TICKS_OFFSET, 4));
        assertEquals(2, fn.mmioRead(0, TICKS_OFFSET, 4));
        fn.mmioWrite(0, TICKS_OFFSET, 4, 99);
        assertEquals(0, fn.registers(0).getInt(TICKS_OFFSET));
        assertEquals(3, fn.mmioRead(0, TICKS_OFFSET, 8));
        assertEquals(0, fn.pendingDoorbells());
    }

    @Test
    void shouldAnswerMalformedMmioWithAllOnesAndCountIt() throws Exception
    {
        enable();
        assertEquals(0xFFFF_FFFFL, fn.mmioRead(1, 0, 4)); // BAR1 not implemented
        assertEquals(0xFFFF_FFFFL, fn.mmioRead(3, 0, 4)); // upper half of the 64-bit BAR2
        assertEquals(0xFFFF_FFFFL, fn.mmioRead(6, 0, 4));
        assertEquals(0xFFFF_FFFFL, fn.mmioRead(0, 16 * 1024, 4)); // past the BAR
        assertEquals(-1L, fn.mmioRead(0, 16 * 1024 - 4, 8)); // crosses the end
        assertEquals(0xFFFF_FFFFL, fn.mmioRead(0, 2, 4)); // misaligned
        assertEquals(-1L, fn.mmioRead(0, -8, 8));
        assertEquals(0xFFFFL, fn.mmioRead(0, 0, 2) & 0xFFFF); // unsupported size
        fn.mmioWrite(0, SCRATCH_OFFSET + 2, 4, 0);
        fn.mmioWrite(0, SCRATCH_OFFSET, 2, 0);
        assertEquals(SCRATCH_RESET, fn.mmioRead(0, SCRATCH_OFFSET, 8));
        assertEquals(10, fn.invalidAccessCount());
    }

    @Test
    void shouldReadZeroBeyondRegisterFileInsideBar() throws Exception
    {
        final RecordingFunction big = new RecordingFunction(PciFunction.builder()
            .vendorId(0x1d0f).deviceId(3).memoryBar(0, 1L << 30).registerFileBytes(0, 4096));
        PciTestFirmware.enumerate(big, 0x8000_0000L);
        assertEquals(4096, big.registers(0).registerFileBytes());
        assertEquals(1L << 30, big.registers(0).sizeBytes());
        big.mmioWrite(0, 8192, 4, 5);
        assertEquals(0, big.mmioRead(0, 8192, 4));
        big.mmioWrite(0, 4092, 4, 5);
        assertEquals(5, big.mmioRead(0, 4092, 4));
        assertEquals(0, big.invalidAccessCount());
    }

    @Test
    void shouldNotLoseDoorbellsWhenTheRingIsFull() throws Exception
    {
        final RecordingFunction small = new RecordingFunction(RecordingFunction.standardBuilder()
            .doorbellRingCapacity(16));
        PciTestFirmware.enumerate(small, 0xC000_0000L);
        for (int i = 0; i < 20; i++)
        {
            small.mmioWrite(0, DOORBELL_OFFSET, 4, i);
        }
        assertEquals(16, small.doorbellCount());
        assertEquals(4, small.doorbellOverflowCount());
        assertEquals(19, small.registers(0).latchedValue(DOORBELL_OFFSET));
        assertEquals(0, small.mmioRead(0, DOORBELL_OFFSET, 4)); // latching does not change what the host reads

        small.agent().doWork();
        // The 16 queued values in order, then the newest value written while the ring was full (16..18 coalesced).
        assertEquals(17, small.doorbellValues.size());
        for (int i = 0; i < 16; i++)
        {
            assertEquals(i, small.doorbellValues.getInt(i));
        }
        assertEquals(19, small.doorbellValues.getInt(16));
        assertEquals(4, small.overflowsReported);

        small.mmioWrite(0, DOORBELL_OFFSET, 4, 99);
        small.agent().doWork();
        assertEquals(4, small.overflowsReported);
        assertEquals(18, small.doorbellValues.size());
        assertEquals(99, small.doorbellValues.getInt(17));
        assertEquals(0, small.doorbellsCoalescedCount());
    }

    @Test
    void shouldReplayNewestValueOfEveryOverflowedRegisterInOffsetOrder() throws Exception
    {
        final RecordingFunction small = new RecordingFunction(RecordingFunction.standardBuilder()
            .doorbellRingCapacity(16));
        PciTestFirmware.enumerate(small, 0xC000_0000L);
        for (int i = 0; i < 16; i++)
        {
            small.mmioWrite(0, DOORBELL_OFFSET + 0x100, 4, i); // fills the ring
        }
        small.mmioWrite(0, DOORBELL_OFFSET + 0x200, 4, 7);
        small.mmioWrite(0, CTRL_OFFSET, 4, 3);
        small.mmioWrite(0, DOORBELL_OFFSET + 0x008, 4, 5);
        small.mmioWrite(0, DOORBELL_OFFSET + 0x200, 4, 8);
        assertEquals(4, small.doorbellOverflowCount());
        assertEquals(3, small.mmioRead(0, CTRL_OFFSET, 4)); // a notify register still stores its value

        small.agent().doWork();
        assertEquals(19, small.doorbellValues.size());
        assertEquals(CTRL_OFFSET, small.doorbellOffsets.getInt(16));
        assertEquals(3, small.doorbellValues.getInt(16));
        assertEquals(DOORBELL_OFFSET + 0x008, small.doorbellOffsets.getInt(17));
        assertEquals(5, small.doorbellValues.getInt(17));
        assertEquals(DOORBELL_OFFSET + 0x200, small.doorbellOffsets.getInt(18));
        assertEquals(8, small.doorbellValues.getInt(18));
    }

    @Test
    void shouldDeliverEachRegisterInSequenceOrderAtMostOnce()
    {
        final BarRegisterFile bar = fn.registers(0);
        final int first = bar.latch(DOORBELL_OFFSET, 1);
        final int second = bar.latch(DOORBELL_OFFSET, 2);
        final int other = bar.latch(DOORBELL_OFFSET + 4, 9);
        assertEquals(1, first);
        assertEquals(2, second);
        assertEquals(1, other);
        assertEquals(true, bar.acceptDelivery(DOORBELL_OFFSET, second)); // a replay of the newest value
        assertEquals(false, bar.acceptDelivery(DOORBELL_OFFSET, first)); // then the older record: stale
        assertEquals(false, bar.acceptDelivery(DOORBELL_OFFSET, second)); // and the newest one again: duplicate
        assertEquals(true, bar.acceptDelivery(DOORBELL_OFFSET + 4, other));
        bar.resetDeliveredSequences();
        bar.reset();
        assertEquals(0, bar.latchedValue(DOORBELL_OFFSET));
        assertEquals(1, bar.latch(DOORBELL_OFFSET, 3));
        assertEquals(true, bar.acceptDelivery(DOORBELL_OFFSET, 1));
    }
}
