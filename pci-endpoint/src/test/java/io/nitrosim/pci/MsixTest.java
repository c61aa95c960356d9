package io.nitrosim.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MsixTest
{
    private static final int APIC_ID = 5;
    private static final int FIRST_VECTOR = 0x30;

    private final RecordingFunction fn = new RecordingFunction();
    private final RecordingMsiSink sink = new RecordingMsiSink();
    private final MsixTable msix = fn.msix();

    @BeforeEach
    void attach()
    {
        fn.connect(new FakeGuestMemory(0, 4096), sink);
        PciTestFirmware.enumerate(fn, 0xC000_0000L);
    }

    @Test
    void shouldResetTableEntriesMaskedAndMsixDisabled()
    {
        for (int v = 0; v < RecordingFunction.MSIX_VECTORS; v++)
        {
            assertEquals(MsixTable.VECTOR_CONTROL_MASK_BIT, fn.mmioRead(0,
                RecordingFunction.MSIX_TABLE_OFFSET + 16L * v + MsixTable.ENTRY_VECTOR_CONTROL_OFFSET, 4));
            assertTrue(msix.isVectorMasked(v));
            assertFalse(msix.isPending(v));
        }
        assertFalse(msix.isEnabled());
        assertFalse(msix.isFunctionMasked());
        assertEquals(8, msix.vectorCount());
    }

    @Test
    void shouldDeliverProgrammedAddressAndData()
    {
        PciTestFirmware.enableMsix(fn, APIC_ID, FIRST_VECTOR);
        assertEquals(MsixTable.DELIVERED, fn.raise(3));
        assertEquals(1, sink.count());
        assertEquals(0xFEE0_5000L, sink.address(0));
        assertEquals(FIRST_VECTOR + 3, sink.data(0));
        assertEquals(1, msix.deliveredCount());
        assertEquals(0xFEE0_5000L, msix.messageAddress(3));
        assertEquals(FIRST_VECTOR + 3, msix.messageData(3));
    }

    @Test
    void shouldKeepMessageAddressLowBitsZeroAndReservedControlBitsZero()
    {
        PciTestFirmware.programMsixVector(fn, 1, 0x1_FEE0_0003L, 0x41, false);
        final long entry = RecordingFunction.MSIX_TABLE_OFFSET + 16;
        assertEquals(0xFEE0_0000L, fn.mmioRead(0, entry, 4));
        assertEquals(0x1L, fn.mmioRead(0, entry + 4, 4));
        fn.mmioWrite(0, entry + MsixTable.ENTRY_VECTOR_CONTROL_OFFSET, 4, 0xFFFF_FFFEL);
        assertEquals(0, fn.mmioRead(0, entry + MsixTable.ENTRY_VECTOR_CONTROL_OFFSET, 4));
        assertEquals(0x1_FEE0_0000L, msix.messageAddress(1));
    }

    @Test
    void shouldPendMaskedVectorAndDeliverItExactlyOnceOnUnmask() throws Exception
    {
        PciTestFirmware.enableMsix(fn, APIC_ID, FIRST_VECTOR);
        PciTestFirmware.maskMsixVector(fn, 1, true);

        assertEquals(MsixTable.PENDED, fn.raise(1));
        assertEquals(MsixTable.PENDED, fn.raise(1));
        assertEquals(0, sink.count());
        assertTrue(PciTestFirmware.isMsixPending(fn, 1));
        assertFalse(PciTestFirmware.isMsixPending(fn, 0));
        assertEquals(2, msix.pendedCount());
        fn.agent().doWork();
        assertEquals(0, sink.count());

        PciTestFirmware.maskMsixVector(fn, 1, false);
        assertEquals(0, sink.count()); // never on the host's thread
        assertTrue(PciTestFirmware.isMsixPending(fn, 1));

        fn.agent().doWork();
        assertEquals(1, sink.count());
        assertEquals(FIRST_VECTOR + 1, sink.data(0));
        assertFalse(PciTestFirmware.isMsixPending(fn, 1));

        fn.agent().doWork();
        PciTestFirmware.maskMsixVector(fn, 1, false);
        fn.agent().doWork();
        assertEquals(1, sink.count());
        assertEquals(1, msix.deliveredCount());
    }

    @Test
    void shouldPendUnderFunctionMaskAndDeliverInVectorOrderWhenCleared() throws Exception
    {
        PciTestFirmware.enableMsix(fn, APIC_ID, FIRST_VECTOR);
        PciTestFirmware.setMsixFunctionMask(fn, true);
        assertTrue(msix.isFunctionMasked());

        assertEquals(MsixTable.PENDED, fn.raise(6));
        assertEquals(MsixTable.PENDED, fn.raise(2));
        assertEquals(MsixTable.PENDED, fn.raise(6));
        fn.agent().doWork();
        assertEquals(0, sink.count());
        assertTrue(PciTestFirmware.isMsixPending(fn, 2));
        assertTrue(PciTestFirmware.isMsixPending(fn, 6));

        PciTestFirmware.setMsixFunctionMask(fn, false);
        assertEquals(0, sink.count());
        fn.agent().doWork();
        assertEquals(2, sink.count());
        assertEquals(FIRST_VECTOR + 2, sink.data(0));
        assertEquals(FIRST_VECTOR + 6, sink.data(1));
        fn.agent().doWork();
        assertEquals(2, sink.count());
        assertFalse(PciTestFirmware.isMsixPending(fn, 2));
        assertFalse(PciTestFirmware.isMsixPending(fn, 6));
    }

    @Test
    void shouldKeepPendingWhileVectorStaysMaskedAfterFunctionUnmask() throws Exception
    {
        PciTestFirmware.enableMsix(fn, APIC_ID, FIRST_VECTOR);
        PciTestFirmware.maskMsixVector(fn, 4, true);
        PciTestFirmware.setMsixFunctionMask(fn, true);
        assertEquals(MsixTable.PENDED, fn.raise(4));

        PciTestFirmware.setMsixFunctionMask(fn, false);
        fn.agent().doWork();
        assertEquals(0, sink.count());
        assertTrue(msix.isPending(4));

        PciTestFirmware.maskMsixVector(fn, 4, false);
        fn.agent().doWork();
        assertEquals(1, sink.count());
        assertEquals(FIRST_VECTOR + 4, sink.data(0));
    }

    @Test
    void shouldDeliverNothingWhileMsixDisabled() throws Exception
    {
        for (int v = 0; v < RecordingFunction.MSIX_VECTORS; v++)
        {
            PciTestFirmware.programMsixVector(fn, v, RecordingMsiSink.x86Address(0), 0x20 + v, false);
        }
        assertEquals(MsixTable.SUPPRESSED_DISABLED, fn.raise(0));
        assertEquals(MsixTable.SUPPRESSED_DISABLED, fn.raise(7));
        assertFalse(msix.isPending(0));
        assertFalse(msix.isPending(7));

        PciTestFirmware.setMsixEnabled(fn, true);
        fn.agent().doWork();
        assertEquals(0, sink.count());
        assertEquals(2, msix.suppressedCount());
        assertEquals(0, msix.deliveredCount());

        assertEquals(MsixTable.DELIVERED, fn.raise(7));
        assertEquals(1, sink.count());
    }

    @Test
    void shouldDeliverPendingVectorsWhenMsixIsEnabledAgain() throws Exception
    {
        PciTestFirmware.enableMsix(fn, APIC_ID, FIRST_VECTOR);
        PciTestFirmware.setMsixFunctionMask(fn, true);
        fn.raise(0);
        PciTestFirmware.setMsixEnabled(fn, false);
        PciTestFirmware.setMsixFunctionMask(fn, false);
        fn.agent().doWork();
        assertEquals(0, sink.count());
        assertTrue(msix.isPending(0)); // disabling keeps pending bits

        PciTestFirmware.setMsixEnabled(fn, true);
        fn.agent().doWork();
        assertEquals(1, sink.count());
        assertEquals(FIRST_VECTOR, sink.data(0));
    }

    @Test
    void shouldIgnoreHostWritesToPba() throws Exception
    {
        PciTestFirmware.enableMsix(fn, APIC_ID, FIRST_VECTOR);
        fn.mmioWrite(0, RecordingFunction.MSIX_PBA_OFFSET, 8, -1L);
        assertEquals(0, fn.mmioRead(0, RecordingFunction.MSIX_PBA_OFFSET, 8));
        PciTestFirmware.maskMsixVector(fn, 5, true);
        fn.raise(5);
        fn.mmioWrite(0, RecordingFunction.MSIX_PBA_OFFSET, 8, 0);
        assertEquals(1L << 5, fn.mmioRead(0, RecordingFunction.MSIX_PBA_OFFSET, 8));
    }

    @Test
    void shouldRefuseInvalidVectorAndGoNowhereWhenDisconnected()
    {
        PciTestFirmware.enableMsix(fn, APIC_ID, FIRST_VECTOR);
        assertEquals(MsixTable.INVALID_VECTOR, fn.raise(RecordingFunction.MSIX_VECTORS));
        assertEquals(MsixTable.INVALID_VECTOR, fn.raise(-1));
        fn.disconnect();
        assertEquals(MsixTable.NOT_CONNECTED, fn.raise(0));
        assertEquals(0, sink.count());
        assertEquals(3, msix.suppressedCount());
        fn.connect(new FakeGuestMemory(0, 4096), sink);
        assertEquals(MsixTable.DELIVERED, fn.raise(0));
        assertEquals(1, sink.count());
    }

    @Test
    void shouldSupportPbaBeyondSixtyFourVectorsInAnotherBar() throws Exception
    {
        final RecordingFunction wide = new RecordingFunction(PciFunction.builder()
            .vendorId(0x1d0f).deviceId(4)
            .memoryBar(0, 4096)
            .memoryBar(4, 8192, true, false)
            .msix(130, 4, 0, 0, 0x800));
        final RecordingMsiSink wideSink = new RecordingMsiSink();
        wide.connect(new FakeGuestMemory(0, 16), wideSink);
        PciTestFirmware.enumerate(wide, 0xD000_0000L);
        assertEquals(130, PciTestFirmware.enableMsix(wide, 1, 0));
        assertEquals(0x4, wide.configRead(ConfigSpace.MSIX_CAP_OFFSET + ConfigSpace.MSIX_TABLE_OFFSET_BIR, 4));
        assertEquals(0x800, wide.configRead(ConfigSpace.MSIX_CAP_OFFSET + ConfigSpace.MSIX_PBA_OFFSET_BIR, 4));

        PciTestFirmware.maskMsixVector(wide, 129, true);
        assertEquals(MsixTable.PENDED, wide.raise(129));
        assertEquals(MsixTable.DELIVERED, wide.raise(65));
        assertTrue(PciTestFirmware.isMsixPending(wide, 129));
        assertEquals(1L << 1, wide.mmioRead(0, 0x800 + 16, 8));
        PciTestFirmware.maskMsixVector(wide, 129, false);
        wide.agent().doWork();
        assertEquals(2, wideSink.count());
        assertEquals(65, wideSink.data(0));
        assertEquals(129, wideSink.data(1));
    }
}
