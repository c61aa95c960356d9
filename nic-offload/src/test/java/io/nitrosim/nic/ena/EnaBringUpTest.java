package io.nitrosim.nic.ena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.nitrosim.nic.driver.EnaDriver;
import io.nitrosim.nic.shaping.NetworkInstanceCaps;
import io.nitrosim.pci.ConfigSpace;

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
}
