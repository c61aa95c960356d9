package io.nitrosim.pci.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.nitrosim.pci.ConfigSpace;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.RecordingFunction;

class FunctionSetupTest
{
    @Test
    void shouldEnableTheFunctionAndProgramTheMsixTableThroughConfigSpaceAndTheBar()
    {
        final RecordingFunction device = new RecordingFunction();
        final FunctionAccess function = FunctionAccess.of(device);
        FunctionSetup.enableMemoryAndBusMaster(function);
        assertEquals(ConfigSpace.COMMAND_MEMORY_SPACE | ConfigSpace.COMMAND_BUS_MASTER,
            device.configRead(ConfigSpace.COMMAND_OFFSET, 2));
        final int cap = FunctionSetup.msixCapability(function);
        assertEquals(ConfigSpace.MSIX_CAP_OFFSET, cap);
        assertEquals(0, FunctionSetup.findCapability(function, 0x05), "no MSI capability");
        assertEquals(RecordingFunction.MSIX_VECTORS, FunctionSetup.msixTableSize(function, cap));

        FunctionSetup.programMsix(function, cap, 3, 0xFEE0_2000L, 0x40);
        assertTrue(device.msix().isEnabled());
        assertFalse(device.msix().isFunctionMasked());
        for (int v = 0; v < 3; v++)
        {
            assertEquals(0xFEE0_2000L, device.msix().messageAddress(v));
            assertEquals(0x40 + v, device.msix().messageData(v));
            assertFalse(device.msix().isVectorMasked(v));
        }
        assertTrue(device.msix().isVectorMasked(3), "vectors past the programmed ones stay masked");
    }
}
