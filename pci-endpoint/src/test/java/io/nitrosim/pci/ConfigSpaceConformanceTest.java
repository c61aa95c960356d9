package io.nitrosim.pci;

import static io.nitrosim.pci.ConfigSpace.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConfigSpaceConformanceTest
{
    private final RecordingFunction fn = new RecordingFunction();

    @Test
    void shouldReadHeaderResetValues()
    {
        assertEquals(0x1d0f, fn.configRead(VENDOR_ID_OFFSET, 2));
        assertEquals(0xbeef, fn.configRead(DEVICE_ID_OFFSET, 2));
        assertEquals(0xbeef_1d0f, fn.configRead(VENDOR_ID_OFFSET, 4));
        assertEquals(0x0000, fn.configRead(COMMAND_OFFSET, 2));
        assertEquals(STATUS_CAPABILITIES_LIST, fn.configRead(STATUS_OFFSET, 2));
        assertEquals(0x0200_0003, fn.configRead(REVISION_ID_OFFSET, 4)); // class 02 00 00, revision 3
        assertEquals(0x02, fn.configRead(CLASS_CODE_OFFSET + 2, 1));
        assertEquals(0x0200, fn.configRead(CLASS_CODE_OFFSET + 1, 2));
        assertEquals(0x00, fn.configRead(HEADER_TYPE_OFFSET, 1));
        assertEquals(0x0000_0000, fn.configRead(BAR0_OFFSET, 4));
        assertEquals(0x0000_0000, fn.configRead(BAR0_OFFSET + 4, 4));
        assertEquals(BAR_MEMORY_64BIT | BAR_PREFETCHABLE, fn.configRead(BAR0_OFFSET + 8, 4));
        assertEquals(0x0000_000C, fn.configRead(BAR0_OFFSET + 8, 4));
        assertEquals(0, fn.configRead(BAR0_OFFSET + 12, 4));
        assertEquals(0, fn.configRead(BAR0_OFFSET + 16, 4));
        assertEquals(0, fn.configRead(BAR0_OFFSET + 20, 4));
        assertEquals(0x0001_1d0f, fn.configRead(SUBSYSTEM_VENDOR_ID_OFFSET, 4));
        assertEquals(0, fn.configRead(EXPANSION_ROM_OFFSET, 4));
        assertEquals(PCIE_CAP_OFFSET, fn.configRead(CAPABILITIES_POINTER_OFFSET, 1));
        assertEquals(0x0000_0100, fn.configRead(INTERRUPT_LINE_OFFSET, 4)); // pin INTA, line 0
        assertEquals(0, fn.configRead(0x100, 4)); // no extended capabilities
        assertEquals(0, fn.configRead(0xFFC, 4));
        assertEquals(fn.vendorId(), 0x1d0f);
        assertEquals(fn.deviceId(), 0xbeef);
        assertEquals(fn.classCode(), 0x020000);
    }

    @Test
    void shouldKeepReadOnlyBits()
    {
        fn.configWrite(VENDOR_ID_OFFSET, 4, 0xFFFF_FFFF);
        fn.configWrite(REVISION_ID_OFFSET, 4, 0xFFFF_FFFF);
        fn.configWrite(HEADER_TYPE_OFFSET, 1, 0xFF);
        fn.configWrite(SUBSYSTEM_VENDOR_ID_OFFSET, 4, 0);
        fn.configWrite(CAPABILITIES_POINTER_OFFSET, 1, 0x00);
        fn.configWrite(INTERRUPT_PIN_OFFSET, 1, 0x04);
        fn.configWrite(EXPANSION_ROM_OFFSET, 4, 0xFFFF_FFFF);
        fn.configWrite(0x100, 4, 0xFFFF_FFFF);

        assertEquals(0xbeef_1d0f, fn.configRead(VENDOR_ID_OFFSET, 4));
        assertEquals(0x0200_0003, fn.configRead(REVISION_ID_OFFSET, 4));
        assertEquals(0, fn.configRead(HEADER_TYPE_OFFSET, 1));
        assertEquals(0x0001_1d0f, fn.configRead(SUBSYSTEM_VENDOR_ID_OFFSET, 4));
        assertEquals(PCIE_CAP_OFFSET, fn.configRead(CAPABILITIES_POINTER_OFFSET, 1));
        assertEquals(1, fn.configRead(INTERRUPT_PIN_OFFSET, 1));
        assertEquals(0, fn.configRead(EXPANSION_ROM_OFFSET, 4));
        assertEquals(0, fn.configRead(0x100, 4));
    }

    @Test
    void shouldChangeOnlyWritableCommandBits()
    {
        fn.configWrite(COMMAND_OFFSET, 2, 0xFFFF);
        assertEquals(COMMAND_WRITABLE_BITS, fn.configRead(COMMAND_OFFSET, 2));
        assertEquals(0x0546, COMMAND_WRITABLE_BITS);
        assertEquals(STATUS_CAPABILITIES_LIST, fn.configRead(STATUS_OFFSET, 2));
        assertTrue(fn.configSpace().isMemorySpaceEnabled());
        assertTrue(fn.configSpace().isBusMasterEnabled());

        fn.configWrite(COMMAND_OFFSET, 2, 0);
        assertEquals(0, fn.configRead(COMMAND_OFFSET, 2));
    }

    @Test
    void shouldWriteRegistersByByteAndWord()
    {
        fn.configWrite(INTERRUPT_LINE_OFFSET, 1, 0x0B);
        fn.configWrite(CACHE_LINE_SIZE_OFFSET, 1, 0x10);
        assertEquals(0x0B, fn.configRead(INTERRUPT_LINE_OFFSET, 1));
        assertEquals(0x0000_0010, fn.configRead(CACHE_LINE_SIZE_OFFSET, 4));
        fn.configWrite(COMMAND_OFFSET, 4, 0xFFFF_0002); // a dword write of command+status: status bits are RW1C
        assertEquals(COMMAND_MEMORY_SPACE, fn.configRead(COMMAND_OFFSET, 2));
        assertEquals(STATUS_CAPABILITIES_LIST, fn.configRead(STATUS_OFFSET, 2));
    }

    @Test
    void shouldSize32BitBar()
    {
        fn.configWrite(BAR0_OFFSET, 4, 0xFFFF_FFFF);
        assertEquals(0xFFFF_C000, fn.configRead(BAR0_OFFSET, 4)); // ~(16 KiB - 1), 32-bit, not prefetchable
        assertEquals(16 * 1024, PciTestFirmware.sizeBar(fn, 0));

        fn.configWrite(BAR0_OFFSET, 4, 0xC000_3FFF);
        assertEquals(0xC000_0000, fn.configRead(BAR0_OFFSET, 4)); // low address bits and flags are read-only
    }

    @Test
    void shouldSize64BitBarUsingBothDwords()
    {
        fn.configWrite(BAR0_OFFSET + 8, 4, 0xFFFF_FFFF);
        fn.configWrite(BAR0_OFFSET + 12, 4, 0xFFFF_FFFF);
        assertEquals(0xFFF0_000C, fn.configRead(BAR0_OFFSET + 8, 4)); // ~(1 MiB - 1) | prefetchable | 64-bit
        assertEquals(0xFFFF_FFFF, fn.configRead(BAR0_OFFSET + 12, 4));
        assertEquals(1L << 20, PciTestFirmware.sizeBar(fn, 2));

        fn.configWrite(BAR0_OFFSET + 8, 4, 0x8010_0000);
        fn.configWrite(BAR0_OFFSET + 12, 4, 0x0000_0040);
        assertEquals(0x8010_000C, fn.configRead(BAR0_OFFSET + 8, 4));
        assertEquals(0x0000_0040, fn.configRead(BAR0_OFFSET + 12, 4));
    }

    @Test
    void shouldSizeLarge64BitBarInUpperDword()
    {
        final RecordingFunction big = new RecordingFunction(PciFunction.builder()
            .vendorId(0x1d0f).deviceId(1).memoryBar(0, 1L << 36, true, false).registerFileBytes(0, 4096));
        big.configWrite(BAR0_OFFSET, 4, 0xFFFF_FFFF);
        big.configWrite(BAR0_OFFSET + 4, 4, 0xFFFF_FFFF);
        assertEquals(BAR_MEMORY_64BIT, big.configRead(BAR0_OFFSET, 4));
        assertEquals(0xFFFF_FFF0, big.configRead(BAR0_OFFSET + 4, 4));
        assertEquals(1L << 36, PciTestFirmware.sizeBar(big, 0));
    }

    @Test
    void shouldReadZeroWhenSizingUnimplementedBars()
    {
        for (final int bar : new int[] {1, 4, 5})
        {
            fn.configWrite(BAR0_OFFSET + 4 * bar, 4, 0xFFFF_FFFF);
            assertEquals(0, fn.configRead(BAR0_OFFSET + 4 * bar, 4), "BAR " + bar);
            assertEquals(0, PciTestFirmware.sizeBar(fn, bar));
        }
    }

    @Test
    void shouldEnumerateAtNaturallyAlignedAddresses()
    {
        final PciTestFirmware.Enumeration e = PciTestFirmware.enumerate(fn, 0xC000_1000L);
        assertEquals(0xC000_4000L, e.barAddress(0));
        assertEquals(0xC010_0000L, e.barAddress(2));
        assertTrue(e.is64Bit(2));
        assertTrue(e.isPrefetchable(2));
        assertFalse(e.is64Bit(0));
        assertEquals(0xC000_4000, fn.configRead(BAR0_OFFSET, 4));
        assertEquals(0xC010_000C, fn.configRead(BAR0_OFFSET + 8, 4));
        assertEquals(0, fn.configRead(BAR0_OFFSET + 12, 4));
        assertEquals(COMMAND_MEMORY_SPACE | COMMAND_BUS_MASTER, fn.configRead(COMMAND_OFFSET, 2));
    }

    @Test
    void shouldWalkCapabilityListToPcieAndMsix()
    {
        final int pcie = PciTestFirmware.findCapability(fn, CAP_ID_PCI_EXPRESS);
        final int msix = PciTestFirmware.findCapability(fn, CAP_ID_MSIX);
        assertEquals(0x40, pcie);
        assertEquals(0x80, msix);
        assertEquals(0, PciTestFirmware.findCapability(fn, CAP_ID_POWER_MANAGEMENT));
        assertEquals(pcie, fn.configSpace().findCapability(CAP_ID_PCI_EXPRESS));
        assertEquals(msix, fn.configSpace().findCapability(CAP_ID_MSIX));

        assertEquals(0x0002, fn.configRead(pcie + PCIE_CAPABILITIES, 2)); // version 2, endpoint (type 0)
        assertEquals(0, (fn.configRead(pcie + PCIE_CAPABILITIES, 2) >>> 4) & 0xF);
        final int devcap = fn.configRead(pcie + PCIE_DEVICE_CAPABILITIES, 4);
        assertEquals(PCIE_DEVCAP_FLR, devcap & PCIE_DEVCAP_FLR);
        assertEquals(0x2810, fn.configRead(pcie + PCIE_DEVICE_CONTROL, 2));
        assertEquals(0, fn.configRead(pcie + PCIE_DEVICE_STATUS, 2));
        assertEquals(0x83, fn.configRead(pcie + PCIE_LINK_STATUS, 2));

        assertEquals(msix, fn.configRead(pcie + 1, 1));
        assertEquals(0, fn.configRead(msix + 1, 1)); // end of the list
        assertEquals(RecordingFunction.MSIX_VECTORS - 1, fn.configRead(msix + MSIX_MESSAGE_CONTROL, 2));
        assertEquals(RecordingFunction.MSIX_TABLE_OFFSET, fn.configRead(msix + MSIX_TABLE_OFFSET_BIR, 4));
        assertEquals(RecordingFunction.MSIX_PBA_OFFSET, fn.configRead(msix + MSIX_PBA_OFFSET_BIR, 4));
    }

    @Test
    void shouldChainPowerManagementAfterMsix()
    {
        final RecordingFunction pm = new RecordingFunction(RecordingFunction.standardBuilder()
            .powerManagement(true));
        assertEquals(0x90, PciTestFirmware.findCapability(pm, CAP_ID_POWER_MANAGEMENT));
        assertEquals(0x90, pm.configRead(MSIX_CAP_OFFSET + 1, 1));
        assertEquals(0, pm.configRead(PM_CAP_OFFSET + 1, 1));
        assertEquals(0x0003, pm.configRead(PM_CAP_OFFSET + PM_CAPABILITIES, 2));
        assertEquals(PM_CSR_NO_SOFT_RESET, pm.configRead(PM_CAP_OFFSET + PM_CONTROL_STATUS, 2));
        pm.configWrite(PM_CAP_OFFSET + PM_CONTROL_STATUS, 2, 0xFFFF);
        assertEquals(PM_CSR_NO_SOFT_RESET | 0x3, pm.configRead(PM_CAP_OFFSET + PM_CONTROL_STATUS, 2));
    }

    @Test
    void shouldLinkPcieToPowerManagementWithoutMsix()
    {
        final RecordingFunction plain = new RecordingFunction(PciFunction.builder()
            .vendorId(0x1d0f).deviceId(2).memoryBar(0, 4096).powerManagement(true));
        assertEquals(0x40, PciTestFirmware.findCapability(plain, CAP_ID_PCI_EXPRESS));
        assertEquals(0x90, PciTestFirmware.findCapability(plain, CAP_ID_POWER_MANAGEMENT));
        assertEquals(0, PciTestFirmware.findCapability(plain, CAP_ID_MSIX));
    }

    @Test
    void shouldKeepMsixReadOnlyFieldsAndChangeControlBits()
    {
        fn.configWrite(MSIX_CAP_OFFSET, 4, 0xFFFF_FFFF);
        fn.configWrite(MSIX_CAP_OFFSET + MSIX_TABLE_OFFSET_BIR, 4, 0xFFFF_FFFF);
        fn.configWrite(MSIX_CAP_OFFSET + MSIX_PBA_OFFSET_BIR, 4, 0xFFFF_FFFF);
        assertEquals(CAP_ID_MSIX, fn.configRead(MSIX_CAP_OFFSET, 1));
        assertEquals(MSIX_CONTROL_ENABLE | MSIX_CONTROL_FUNCTION_MASK | (RecordingFunction.MSIX_VECTORS - 1),
            fn.configRead(MSIX_CAP_OFFSET + MSIX_MESSAGE_CONTROL, 2));
        assertEquals(RecordingFunction.MSIX_TABLE_OFFSET, fn.configRead(MSIX_CAP_OFFSET + MSIX_TABLE_OFFSET_BIR, 4));
        assertEquals(RecordingFunction.MSIX_PBA_OFFSET, fn.configRead(MSIX_CAP_OFFSET + MSIX_PBA_OFFSET_BIR, 4));
        assertTrue(fn.msix().isEnabled());
        assertTrue(fn.msix().isFunctionMasked());
    }

    @Test
    void shouldClearStatusErrorBitsOnlyByWritingOne()
    {
        fn.configSpace().setStatusBits(STATUS_RECEIVED_MASTER_ABORT | STATUS_SIGNALED_TARGET_ABORT);
        final int set = STATUS_CAPABILITIES_LIST | STATUS_RECEIVED_MASTER_ABORT | STATUS_SIGNALED_TARGET_ABORT;
        assertEquals(set, fn.configRead(STATUS_OFFSET, 2));

        fn.configWrite(STATUS_OFFSET, 2, 0);
        assertEquals(set, fn.configRead(STATUS_OFFSET, 2));

        fn.configWrite(STATUS_OFFSET, 2, STATUS_RECEIVED_MASTER_ABORT | STATUS_CAPABILITIES_LIST);
        assertEquals(STATUS_CAPABILITIES_LIST | STATUS_SIGNALED_TARGET_ABORT, fn.configRead(STATUS_OFFSET, 2));

        fn.configWrite(COMMAND_OFFSET, 4, (STATUS_SIGNALED_TARGET_ABORT << 16) | COMMAND_BUS_MASTER);
        assertEquals(STATUS_CAPABILITIES_LIST, fn.configRead(STATUS_OFFSET, 2));
        assertEquals(COMMAND_BUS_MASTER, fn.configRead(COMMAND_OFFSET, 2));
    }

    @Test
    void shouldClearPcieDeviceStatusBitsOnlyByWritingOne()
    {
        final int devsta = PCIE_CAP_OFFSET + PCIE_DEVICE_STATUS;
        fn.configSpace().setPcieDeviceStatusBits(PCIE_DEVSTA_UNSUPPORTED_REQUEST | 1);
        assertEquals(0x9, fn.configRead(devsta, 2));
        fn.configWrite(devsta, 2, 1);
        assertEquals(PCIE_DEVSTA_UNSUPPORTED_REQUEST, fn.configRead(devsta, 2));
        assertEquals(0x2810, fn.configRead(PCIE_CAP_OFFSET + PCIE_DEVICE_CONTROL, 2));
    }

    @Test
    void shouldAnswerMalformedConfigAccessesWithAllOnesAndCountThem()
    {
        assertEquals(-1, fn.configRead(0x01, 2));
        assertEquals(-1, fn.configRead(0x02, 4));
        assertEquals(-1, fn.configRead(4096, 1));
        assertEquals(-1, fn.configRead(-4, 4));
        assertEquals(-1, fn.configRead(0, 3));
        fn.configWrite(0x05, 2, 0xFFFF);
        assertEquals(0, fn.configRead(COMMAND_OFFSET, 2));
        assertEquals(6, fn.invalidAccessCount());
    }
}
