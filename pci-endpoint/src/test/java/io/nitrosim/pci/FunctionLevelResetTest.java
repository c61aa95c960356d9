package io.nitrosim.pci;

import static io.nitrosim.pci.RecordingFunction.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FunctionLevelResetTest
{
    private final RecordingFunction fn = new RecordingFunction();
    private final RecordingMsiSink sink = new RecordingMsiSink();
    private final FakeGuestMemory memory = new FakeGuestMemory(0, 4096);

    @BeforeEach
    void attachAndDirtyEverything() throws Exception
    {
        fn.connect(memory, sink);
        PciTestFirmware.enumerate(fn, 0xC000_0000L);
        PciTestFirmware.enableMsix(fn, 1, 0x40);
        fn.configWrite(ConfigSpace.INTERRUPT_LINE_OFFSET, 1, 11);
        fn.configWrite(ConfigSpace.PCIE_CAP_OFFSET + ConfigSpace.PCIE_DEVICE_CONTROL, 2, 0x0000);
        fn.mmioWrite(0, SCRATCH_OFFSET, 8, 42);
        fn.mmioWrite(0, MASKED_OFFSET, 4, 0xFF);
        fn.mmioWrite(0, CTRL_OFFSET, 4, 1);
        fn.registers(0).putInt(STATUS_OFFSET, 1);
        PciTestFirmware.maskMsixVector(fn, 2, true);
        fn.raise(2);
        fn.agent().doWork();
        fn.clearRecords();
    }

    private void assertEverythingAtResetValues()
    {
        assertEquals(0, fn.configRead(ConfigSpace.COMMAND_OFFSET, 2));
        assertEquals(0, fn.configRead(ConfigSpace.BAR0_OFFSET, 4));
        assertEquals(0x0000_000C, fn.configRead(ConfigSpace.BAR0_OFFSET + 8, 4));
        assertEquals(0, fn.configRead(ConfigSpace.BAR0_OFFSET + 12, 4));
        assertEquals(0, fn.configRead(ConfigSpace.INTERRUPT_LINE_OFFSET, 1));
        assertEquals(ConfigSpace.PCIE_DEVCTL_RESET_VALUE,
            fn.configRead(ConfigSpace.PCIE_CAP_OFFSET + ConfigSpace.PCIE_DEVICE_CONTROL, 2));
        assertEquals(MSIX_VECTORS - 1,
            fn.configRead(ConfigSpace.MSIX_CAP_OFFSET + ConfigSpace.MSIX_MESSAGE_CONTROL, 2));

        PciTestFirmware.enumerate(fn, 0xC000_0000L); // memory space back on to look at the registers
        assertEquals(SCRATCH_RESET, fn.mmioRead(0, SCRATCH_OFFSET, 8));
        assertEquals(0, fn.mmioRead(0, MASKED_OFFSET, 4));
        assertEquals(0, fn.mmioRead(0, CTRL_OFFSET, 4));
        assertEquals(ID_VALUE, fn.mmioRead(0, ID_OFFSET, 4));
        for (int v = 0; v < MSIX_VECTORS; v++)
        {
            final long entry = MSIX_TABLE_OFFSET + 16L * v;
            assertEquals(0, fn.mmioRead(0, entry, 8), "vector " + v);
            assertEquals(0, fn.mmioRead(0, entry + 8, 4));
            assertEquals(1, fn.mmioRead(0, entry + 12, 4));
            assertFalse(fn.msix().isPending(v));
        }
        assertEquals(0, fn.mmioRead(0, MSIX_PBA_OFFSET, 8));
    }

    @Test
    void shouldResetConfigSpaceAndRegistersWhenHostCallsFlr() throws Exception
    {
        fn.functionLevelReset();
        assertEquals(0, fn.resetCalls); // the device's part runs on the agent
        assertEverythingAtResetValues();
        assertEquals(1, fn.resetCount());

        fn.agent().doWork();
        assertEquals(1, fn.resetCalls);
        fn.agent().doWork();
        assertEquals(1, fn.resetCalls);
    }

    @Test
    void shouldResetThroughPcieDeviceControlInitiateFlr() throws Exception
    {
        PciTestFirmware.initiateFlr(fn);
        assertEquals(1, fn.resetCount());
        assertEverythingAtResetValues();
        fn.agent().doWork();
        assertEquals(1, fn.resetCalls);
    }

    @Test
    void shouldDiscardDoorbellsWrittenBeforeFlrAndDeliverLaterOnesAfterOnReset() throws Exception
    {
        fn.mmioWrite(0, DOORBELL_OFFSET, 4, 1);
        fn.mmioWrite(0, DOORBELL_OFFSET, 4, 2);
        fn.functionLevelReset();
        PciTestFirmware.enumerate(fn, 0xC000_0000L);
        fn.mmioWrite(0, DOORBELL_OFFSET, 4, 3);

        fn.agent().doWork();
        assertEquals(1, fn.resetCalls);
        assertEquals(1, fn.doorbellValues.size());
        assertEquals(3, fn.doorbellValues.getInt(0));
        assertEquals(2, fn.doorbellsDiscardedCount());
    }

    @Test
    void shouldReapplyDeviceOwnedRegisterResetValuesOnTheAgent() throws Exception
    {
        fn.functionLevelReset();
        fn.registers(0).putInt(STATUS_OFFSET, 7); // the agent finishing old work after the host's reset
        fn.agent().doWork();
        assertEquals(0, fn.registers(0).getInt(STATUS_OFFSET));
        assertEquals(ID_VALUE, fn.registers(0).getInt(ID_OFFSET));
    }

    @Test
    void shouldBlockDmaAndInterruptsOfOldWorkAfterFlr()
    {
        fn.functionLevelReset();
        assertEquals(DmaPort.BUS_MASTER_DISABLED, fn.dma().putLong(0, 1));
        assertEquals(MsixTable.SUPPRESSED_DISABLED, fn.raise(0));
        assertEquals(0, memory.getLong(0));
    }

    @Test
    void shouldIgnoreInitiateFlrWhenNotFlrCapable()
    {
        final RecordingFunction noFlr = new RecordingFunction(RecordingFunction.standardBuilder().flrCapable(false));
        PciTestFirmware.enumerate(noFlr, 0xC000_0000L);
        final int devcap = noFlr.configRead(ConfigSpace.PCIE_CAP_OFFSET + ConfigSpace.PCIE_DEVICE_CAPABILITIES, 4);
        assertEquals(0, devcap & ConfigSpace.PCIE_DEVCAP_FLR);
        PciTestFirmware.initiateFlr(noFlr);
        assertEquals(0, noFlr.resetCount());
        assertEquals(ConfigSpace.COMMAND_MEMORY_SPACE | ConfigSpace.COMMAND_BUS_MASTER,
            noFlr.configRead(ConfigSpace.COMMAND_OFFSET, 2));
    }
}
