package io.nitrosim.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PciFunctionSmokeTest
{
    @Test
    void shouldEnumerateDoorbellSignalAndDma() throws Exception
    {
        final RecordingFunction fn = new RecordingFunction();
        final FakeGuestMemory memory = new FakeGuestMemory(0x10_0000, 4096);
        final RecordingMsiSink sink = new RecordingMsiSink();
        fn.connect(memory, sink);

        final PciTestFirmware.Enumeration e = PciTestFirmware.enumerate(fn, 0xC000_0000L);
        assertEquals(16 * 1024, e.barSize(0));
        assertEquals(1 << 20, e.barSize(2));
        assertEquals(8, PciTestFirmware.enableMsix(fn, 3, 0x40));

        fn.mmioWrite(0, RecordingFunction.DOORBELL_OFFSET + 8, 4, 7);
        assertEquals(0, fn.doorbellValues.size());
        fn.agent().doWork();
        assertEquals(1, fn.doorbellValues.size());
        assertEquals(7, fn.doorbellValues.getInt(0));

        assertEquals(MsixTable.DELIVERED, fn.raise(2));
        assertEquals(1, sink.count());
        assertEquals(0x42, sink.vector(0));
        assertEquals(3, sink.apicId(0));

        assertEquals(DmaPort.OK, fn.dma().putLong(0x10_0008, 0x1122334455667788L));
        assertEquals(0x1122334455667788L, memory.getLong(0x10_0008));
        assertEquals(0x1122334455667788L, fn.dma().getLong(0x10_0008));
    }
}
