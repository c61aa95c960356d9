package io.nitrosim.nic.ena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.driver.EnaDriver;
import io.nitrosim.nic.shaping.NetworkInstanceCaps;
import io.nitrosim.pci.FakeGuestMemoryAccess;
import io.nitrosim.pci.ConfigSpace;
import io.nitrosim.pci.FakeGuestMemory;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.GuestMemoryAllocator;

/** Bring-up and admin commands through the reference driver (virtual time). */
class EnaBringUpTest
{
    @Test
    void shouldBringTheDeviceUpFromResetToLinkUp()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest g = bed.guest("i-a", NetworkInstanceCaps.C5_LARGE, 1, 16 << 20, d -> { },
                d -> d.mtu(9001), false);
            assertEquals(EnaFunction.VENDOR_ID, g.device.configRead(ConfigSpace.VENDOR_ID_OFFSET, 2));
            assertEquals(EnaFunction.DEVICE_ID, g.device.configRead(ConfigSpace.DEVICE_ID_OFFSET, 2));
            assertEquals(0x020000, g.device.classCode());
            g.up();
            assertEquals(EnaDriver.STATE_UP, g.driver.state());
            assertEquals(1, g.driver.linkChanges());
            assertEquals(g.port.eni().mac(), g.driver.macAddress());
            assertEquals(9001, g.driver.maxMtu());
            assertEquals(9001, g.driver.mtu());
            assertEquals(9001, g.device.mtu());
            assertEquals(EnaResetReason.NORMAL, g.device.lastDriverResetReason());
            assertEquals(EnaRegisters.DEV_STS_READY | EnaRegisters.DEV_STS_RESET_FINISHED, g.devSts());
            assertEquals(EnaRegisters.VERSION_VALUE, (int)g.function.mmioRead(0, EnaRegisters.VERSION, 4));
            assertEquals(48, ((int)g.function.mmioRead(0, EnaRegisters.CAPS, 4) & EnaRegisters.CAPS_DMA_ADDR_WIDTH_MASK)
                >>> EnaRegisters.CAPS_DMA_ADDR_WIDTH_SHIFT);
            // 4 bring-up commands + 4 queue commands for one pair
            assertEquals(8, g.device.adminCommands());
        }
    }

    @Test
    void shouldWorkInPollingModeWithoutAnyInterrupt()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest a = bed.guest("i-a", NetworkInstanceCaps.C5_LARGE, 1, 16 << 20, d -> { },
                d -> d.polling(), false).up();
            final EnaBed.Guest b = bed.guest("i-b", NetworkInstanceCaps.C5_LARGE, 2, 16 << 20, d -> { },
                d -> d.polling(), false).up();
            EnaDataPathTest.sendAll(bed, a, 0, EnaDataPathTest.udpFrame(a, b, 40000, 1000, 1),
                EnaDataPathTest.udpFrame(a, b, 40000, 1000, 2));
            bed.runFor(EnaBed.MS);
            assertEquals(2, b.received.frames.size());
            assertEquals(2, a.driver.txCompletions(0));
            bed.runFor(2 * EnaBed.SECOND);
            assertEquals(2, a.driver.keepAlives());
            assertEquals(0, a.msi.count(), "MSI-X stays disabled in polling mode");
            assertEquals(0, b.msi.count());
            assertEquals(EnaRegisters.INTR_MASK_ADMIN, (int)a.function.mmioRead(0, EnaRegisters.INTR_MASK, 4));
        }
    }

    @Test
    void shouldAnswerReadLessRegisterReadsByDma()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest g = bed.guest("i-a", NetworkInstanceCaps.C5_LARGE, 1).up();
            final long response = g.allocator.allocate(MmioReadResponse.LENGTH, 64);
            g.function.mmioWrite(0, EnaRegisters.MMIO_RESP_LO, 4, response & 0xFFFF_FFFFL);
            g.function.mmioWrite(0, EnaRegisters.MMIO_RESP_HI, 4, response >>> 32);
            g.function.mmioWrite(0, EnaRegisters.MMIO_REG_READ, 4,
                7L | ((long)EnaRegisters.DEV_STS << EnaRegisters.MMIO_REG_READ_REG_OFF_SHIFT));
            bed.runFor(1_000);
            final long value = g.memory.getLong(response);
            assertEquals(7, MmioReadResponse.reqId(value));
            assertEquals(EnaRegisters.DEV_STS, MmioReadResponse.regOff(value));
            assertEquals(EnaRegisters.DEV_STS_READY | EnaRegisters.DEV_STS_RESET_FINISHED, MmioReadResponse.value(value));
            g.function.mmioWrite(0, EnaRegisters.MMIO_REG_READ, 4,
                8L | ((long)EnaRegisters.CAPS << EnaRegisters.MMIO_REG_READ_REG_OFF_SHIFT));
            bed.runFor(1_000);
            assertEquals(8, MmioReadResponse.reqId(g.memory.getLong(response)));
            assertEquals((int)g.function.mmioRead(0, EnaRegisters.CAPS, 4), MmioReadResponse.value(g.memory.getLong(response)));
        }
    }

    @Test
    void shouldRejectBadConfigurationWithOneLineMessages()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EniPort port = bed.bed.port("i-a", NetworkInstanceCaps.C5_LARGE, 1);
            final IllegalArgumentException pairs = assertThrows(IllegalArgumentException.class,
                () -> EnaFunction.context().port(port).clock(bed.bed.runtime.clock()).maxQueuePairs(33).build());
            assertEquals("ENA max queue pairs 33 out of range, accepted 1..32", pairs.getMessage());
            final EnaFunction device = EnaFunction.context().port(port).clock(bed.bed.runtime.clock()).build();
            final IllegalArgumentException ring = assertThrows(IllegalArgumentException.class,
                () -> EnaDriver.context().function(FunctionAccess.of(device))
                    .memory(new FakeGuestMemoryAccess(new FakeGuestMemory(0, 4096)))
                    .allocator(new GuestMemoryAllocator(0, 4096)).depths(1000, 1024).build());
            assertEquals("ENA driver TX depth 1000 must be a power of two in 16..32768", ring.getMessage());
            final IllegalArgumentException buffers = assertThrows(IllegalArgumentException.class,
                () -> EnaDriver.context().function(FunctionAccess.of(device))
                    .memory(new FakeGuestMemoryAccess(new FakeGuestMemory(0, 4096)))
                    .allocator(new GuestMemoryAllocator(0, 4096)).mtu(9001).bufferBytes(256, 256).build());
            assertEquals("ENA driver buffers of 256/256 B cannot hold a 9015 B frame in 32 descriptors",
                buffers.getMessage());
        }
    }
}
