package io.nitrosim.pci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DmaPortTest
{
    private static final long BASE = 0x1_0000_0000L;

    private final RecordingFunction fn = new RecordingFunction();
    private final FakeGuestMemory memory = new FakeGuestMemory(BASE, 64 * 1024);
    private final DmaPort dma = fn.dma();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);

    @BeforeEach
    void attach()
    {
        fn.connect(memory, new RecordingMsiSink());
        PciTestFirmware.enumerate(fn, 0xC000_0000L);
    }

    @Test
    void shouldCopyBytesBothWaysLittleEndian()
    {
        for (int i = 0; i < 64; i++)
        {
            buffer.putByte(i, (byte)i);
        }
        assertEquals(DmaPort.OK, dma.write(BASE + 100, buffer, 0, 64));
        assertEquals(63, memory.getByte(BASE + 163));
        final UnsafeBuffer back = new UnsafeBuffer(new byte[64]);
        assertEquals(DmaPort.OK, dma.read(BASE + 100, back, 0, 64));
        assertArrayEquals(buffer.byteArray(), back.byteArray());

        assertEquals(DmaPort.OK, dma.putInt(BASE + 8, 0x1122_3344));
        assertEquals(0x44, memory.getByte(BASE + 8));
        assertEquals(0x11, memory.getByte(BASE + 11));
        assertEquals(0x1122_3344, dma.getInt(BASE + 8));
        assertEquals(DmaPort.OK, dma.putLong(BASE + 16, 0x0102_0304_0506_0708L));
        assertEquals(0x08, memory.getByte(BASE + 16));
        assertEquals(0x0102_0304_0506_0708L, dma.getLong(BASE + 16));
        assertEquals(DmaPort.OK, dma.lastStatus());
        assertEquals(64 + 4 + 8, dma.readBytesCount());
        assertEquals(64 + 4 + 8, dma.writtenBytesCount());
        assertEquals(0, dma.refusedCount());
    }

    @Test
    void shouldRefuseAndCountDmaWhileBusMasterDisabled()
    {
        memory.putLong(BASE, 0x55);
        PciTestFirmware.setCommandBits(fn, ConfigSpace.COMMAND_BUS_MASTER, false);

        assertEquals(DmaPort.BUS_MASTER_DISABLED, dma.putLong(BASE, 0x66));
        assertEquals(0x55, memory.getLong(BASE));
        buffer.setMemory(0, 64, (byte)0x7F);
        assertEquals(DmaPort.BUS_MASTER_DISABLED, dma.read(BASE, buffer, 0, 8));
        assertEquals(0x7F7F_7F7F_7F7F_7F7FL, buffer.getLong(0));
        assertEquals(0, dma.getLong(BASE));
        assertEquals(DmaPort.BUS_MASTER_DISABLED, dma.lastStatus());
        assertEquals(3, dma.refusedBusMasterCount());
        assertEquals(3, dma.refusedCount());
        assertEquals(0, memory.readCount() + memory.writeCount() + memory.refusedCount());

        PciTestFirmware.setCommandBits(fn, ConfigSpace.COMMAND_BUS_MASTER, true);
        assertEquals(DmaPort.OK, dma.putLong(BASE, 0x66));
        assertEquals(0x66, memory.getLong(BASE));
    }

    @Test
    void shouldRefuseWhenNotConnected()
    {
        fn.disconnect();
        assertFalse(dma.isConnected());
        assertEquals(DmaPort.NOT_CONNECTED, dma.putInt(BASE, 1));
        assertEquals(0, memory.getInt(BASE));
        assertEquals(1, dma.refusedNotConnectedCount());
    }

    @Test
    void shouldRefuseAccessOutsideWindowWholeAndFlagMasterAbort()
    {
        final long end = BASE + 64 * 1024;
        memory.putLong(end - 8, 0x99);
        assertEquals(DmaPort.REFUSED, dma.putLong(end - 4, -1L)); // straddles the end
        assertEquals(0x99, memory.getLong(end - 8));
        assertEquals(DmaPort.REFUSED, dma.putLong(BASE - 8, -1L));
        assertEquals(DmaPort.REFUSED, dma.read(end, buffer, 0, 1));
        assertEquals(3, dma.refusedByWindowCount());
        assertEquals(3, memory.refusedCount());
        assertTrue((fn.configRead(ConfigSpace.STATUS_OFFSET, 2) & ConfigSpace.STATUS_RECEIVED_MASTER_ABORT) != 0);

        memory.refuseAll(true);
        assertEquals(DmaPort.REFUSED, dma.putLong(BASE, 1));
        assertEquals(0, memory.getLong(BASE));
    }

    @Test
    void shouldRefuseAddressArithmeticOverflowWithoutTouchingTheWindow()
    {
        assertEquals(DmaPort.ADDRESS_OVERFLOW, dma.putLong(Long.MAX_VALUE - 3, 1));
        assertEquals(DmaPort.ADDRESS_OVERFLOW, dma.putLong(0xFFFF_FFFF_FFFF_FFF8L, 1)); // would wrap to 0
        assertEquals(DmaPort.ADDRESS_OVERFLOW, dma.read(BASE, buffer, 0, -1));
        assertEquals(DmaPort.ADDRESS_OVERFLOW, dma.write(Long.MIN_VALUE, buffer, 0, 0));
        assertEquals(4, dma.refusedOverflowCount());
        assertEquals(0, memory.refusedCount());
        assertEquals(DmaPort.OK, dma.write(Long.MAX_VALUE, buffer, 0, 0)); // empty range at the top is fine
        assertEquals("ADDRESS_OVERFLOW", DmaPort.statusName(DmaPort.ADDRESS_OVERFLOW));
    }

    @Test
    void shouldTreatZeroLengthAsSuccessWithoutTouchingMemory()
    {
        assertEquals(DmaPort.OK, dma.write(BASE, buffer, 0, 0));
        assertEquals(DmaPort.OK, dma.read(BASE + 0x1_0000_0000L, buffer, 0, 0));
        assertEquals(0, memory.writeCount() + memory.readCount() + memory.refusedCount());
    }
}
