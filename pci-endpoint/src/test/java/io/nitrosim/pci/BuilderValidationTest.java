package io.nitrosim.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BuilderValidationTest
{
    private static PciFunctionBuilder minimal()
    {
        return PciFunction.builder().vendorId(0x1d0f).deviceId(0x8061).memoryBar(0, 16 * 1024, true, false);
    }

    private static void assertRejected(final PciFunctionBuilder builder, final String expectedMessage)
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> new RecordingFunction(builder));
        assertEquals(expectedMessage, ex.getMessage());
        assertFalse(ex.getMessage().contains("\n"));
    }

    @Test
    void shouldAcceptMinimalFunctionWithDefaults()
    {
        final RecordingFunction fn = new RecordingFunction(minimal());
        assertEquals("pci-1d0f:8061", fn.name());
        assertEquals(0x8061_1d0f, fn.configRead(ConfigSpace.SUBSYSTEM_VENDOR_ID_OFFSET, 4));
        assertFalse(fn.hasBar(1));
        assertEquals(16 * 1024, fn.registers(0).registerFileBytes());
        assertThrows(IllegalStateException.class, fn::msix);
        assertThrows(IllegalArgumentException.class, () -> fn.registers(1));
    }

    @Test
    void shouldRejectMissingOrOutOfRangeIds()
    {
        assertRejected(PciFunction.builder().deviceId(1),
            "vendorId must be set (vendorId in [0x0, 0xfffe], deviceId in [0x0, 0xffff])");
        assertRejected(PciFunction.builder().vendorId(1),
            "deviceId must be set (vendorId in [0x0, 0xfffe], deviceId in [0x0, 0xffff])");
        assertRejected(minimal().vendorId(0xFFFF), "vendorId 65535 (0xffff) is out of range [0x0, 0xfffe]");
        assertRejected(minimal().deviceId(0x10000), "deviceId 65536 (0x10000) is out of range [0x0, 0xffff]");
        assertRejected(minimal().classCode(0x100_0000),
            "classCode 16777216 (0x1000000) is out of range [0x0, 0xffffff]");
        assertRejected(minimal().revision(256), "revision 256 (0x100) is out of range [0x0, 0xff]");
        assertRejected(minimal().subsystem(0x1d0f, -2), "subsystemId -2 (0xfffffffe) is out of range [0x0, 0xffff]");
        assertRejected(minimal().interruptPin(5), "interruptPin 5 (0x5) is out of range [0x0, 0x4]");
        assertRejected(minimal().doorbellRingCapacity(8),
            "doorbellRingCapacity records 8 (0x8) is out of range [0x10, 0x10000]");
    }

    @Test
    void shouldRejectBadBars()
    {
        assertRejected(minimal().memoryBar(2, 100),
            "BAR 2 size 100 B must be a power of two in [16, 2147483648] for a 32-bit BAR");
        assertRejected(minimal().memoryBar(2, 8),
            "BAR 2 size 8 B must be a power of two in [16, 2147483648] for a 32-bit BAR");
        assertRejected(minimal().memoryBar(2, 1L << 32),
            "BAR 2 size 4294967296 B must be a power of two in [16, 2147483648] for a 32-bit BAR");
        assertRejected(minimal().memoryBar(2, 0, true, false),
            "BAR 2 size 0 B must be a power of two in [16, 4611686018427387904] for a 64-bit BAR");
        assertRejected(minimal().memoryBar(5, 4096, true, false),
            "BAR 5 is out of range: a 64-bit BAR index must be in [0, 4] (it also takes the next index)");
        assertRejected(minimal().memoryBar(6, 4096), "BAR 6 is out of range: a 32-bit BAR index must be in [0, 5]");
        assertRejected(minimal().memoryBar(1, 4096),
            "BAR 1 is defined twice (a 64-bit BAR also takes the next index)");
        assertRejected(minimal().memoryBar(0, 4096),
            "BAR 0 is defined twice (a 64-bit BAR also takes the next index)");
    }

    @Test
    void shouldRejectBadRegisterFileSizes()
    {
        assertRejected(minimal().registerFileBytes(0, 32 * 1024),
            "registerFileBytes 32768 for BAR 0 must be a multiple of 8 in [8, min(BAR size 16384, 67108864)]");
        assertRejected(minimal().registerFileBytes(0, 12),
            "registerFileBytes 12 for BAR 0 must be a multiple of 8 in [8, min(BAR size 16384, 67108864)]");
        assertRejected(minimal().registerFileBytes(3, 64),
            "registerFileBytes refers to BAR 3, which is not defined (defined memory BARs: 0)");
        assertRejected(minimal().memoryBar(2, 1L << 27),
            "BAR 2 of 134217728 B is larger than 67108864 B: set registerFileBytes(2, n) for the part backed by"
                + " registers");
    }

    @Test
    void shouldRejectBadMsixPlacement()
    {
        assertRejected(minimal().msix(2049, 0, 0x2000, 0, 0x3000),
            "MSI-X vector count 2049 (0x801) is out of range [0x1, 0x800]");
        assertRejected(minimal().msix(-1, 0, 0x2000, 0, 0x3000),
            "MSI-X vector count -1 (0xffffffff) is out of range [0x1, 0x800]");
        assertRejected(minimal().msix(4, 3, 0x2000, 0, 0x3000),
            "MSI-X table refers to BAR 3, which is not defined (defined memory BARs: 0)");
        assertRejected(minimal().msix(4, 0, 0x2004, 0, 0x3000),
            "MSI-X table offset 0x2004 must be non-negative and 8-byte aligned");
        assertRejected(minimal().msix(4, 0, 0x3FF0, 0, 0x3000),
            "MSI-X table [0x3ff0, +64) must have a positive length, a multiple of 4, and lie within the 16384 B"
                + " register file of BAR 0");
        assertRejected(minimal().msix(4, 0, 0x2000, 0, 0x2030),
            "MSI-X table at 0x2000 and PBA at 0x2030 overlap in BAR 0");
    }

    @Test
    void shouldRejectBadRegions()
    {
        assertRejected(minimal().msix(4, 0, 0x2000, 0, 0x3000).doorbells(0, 0x1FF0, 0x20),
            "doorbell region [0x1ff0, +32) overlaps MSI-X table region [0x2000, +64) in BAR 0");
        assertRejected(minimal().doorbells(0, 0x1000, 0x1000).readOnly(0, 0x1FFC, 8),
            "doorbell region [0x1000, +4096) overlaps read-only region [0x1ffc, +8) in BAR 0");
        assertRejected(minimal().readOnly(0, 2, 4), "read-only region offset 0x2 must be non-negative and 4-byte aligned");
        assertRejected(minimal().notifyOnWrite(0, 0x14, 0),
            "notify-on-write region [0x14, +0) must have a positive length, a multiple of 4, and lie within the"
                + " 16384 B register file of BAR 0");
        assertRejected(minimal().computed(2, 0, 4),
            "computed region refers to BAR 2, which is not defined (defined memory BARs: 0)");
        assertRejected(minimal().writableBits(0, 0x4000, 4, 1),
            "writable-bits region [0x4000, +4) must have a positive length, a multiple of 4, and lie within the"
                + " 16384 B register file of BAR 0");
    }

    @Test
    void shouldRejectBadResetValues()
    {
        assertRejected(minimal().resetValue32(0, 0x3FFE, 1),
            "reset value offset 0x3ffe in BAR 0 must be 4-byte aligned within [0, 16384)");
        assertRejected(minimal().resetValue64(0, 0x3FFC, 1L),
            "reset value offset 0x4000 in BAR 0 must be 4-byte aligned within [0, 16384)");
        assertRejected(minimal().resetValue32(4, 0, 1),
            "reset value refers to BAR 4, which is not defined (defined memory BARs: 0)");
    }
}
