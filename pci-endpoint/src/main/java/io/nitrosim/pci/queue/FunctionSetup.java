package io.nitrosim.pci.queue;

import io.nitrosim.pci.ConfigSpace;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.MsixTable;

/**
 * What every reference driver does first with its function, through configuration space and BARs only: turn on
 * memory space and bus mastering, find the MSI-X capability and program its table (one entry per vector:
 * message address, data {@code firstVector + v}, unmasked), then enable MSI-X with the function mask clear.
 */
public final class FunctionSetup
{
    /** The capability walk stops after this many hops (a malformed list must not loop forever). */
    private static final int MAX_CAPABILITY_HOPS = 48;

    private FunctionSetup()
    {
    }

    /** Sets memory space and bus master in the command register, keeping its other bits. */
    public static void enableMemoryAndBusMaster(final FunctionAccess function)
    {
        final int command = function.configRead(ConfigSpace.COMMAND_OFFSET, 2);
        function.configWrite(ConfigSpace.COMMAND_OFFSET, 2,
            command | ConfigSpace.COMMAND_MEMORY_SPACE | ConfigSpace.COMMAND_BUS_MASTER);
    }

    /** Walks the capability list from 0x34. @return the capability's offset, or 0 when the function has none. */
    public static int findCapability(final FunctionAccess function, final int capabilityId)
    {
        int pointer = function.configRead(ConfigSpace.CAPABILITIES_POINTER_OFFSET, 1) & 0xFC;
        for (int hops = 0; pointer != 0 && hops < MAX_CAPABILITY_HOPS; hops++)
        {
            if ((function.configRead(pointer, 1) & 0xFF) == capabilityId)
            {
                return pointer;
            }
            pointer = function.configRead(pointer + 1, 1) & 0xFC;
        }
        return 0;
    }

    /** The MSI-X capability's offset, or 0 when the function has none. */
    public static int msixCapability(final FunctionAccess function)
    {
        return findCapability(function, ConfigSpace.CAP_ID_MSIX);
    }

    /** Vectors in the MSI-X table of the capability at {@code capability}. */
    public static int msixTableSize(final FunctionAccess function, final int capability)
    {
        return (function.configRead(capability + ConfigSpace.MSIX_MESSAGE_CONTROL, 2)
            & ConfigSpace.MSIX_CONTROL_TABLE_SIZE_MASK) + 1;
    }

    /**
     * Programs MSI-X table entries 0..vectors-1 (address low, high, data, vector control = unmasked, for each) with
     * {@code messageAddress} and data {@code firstVector + v}, then enables MSI-X with the function mask clear.
     */
    public static void programMsix(final FunctionAccess function, final int capability, final int vectors,
        final long messageAddress, final int firstVector)
    {
        final int control = function.configRead(capability + ConfigSpace.MSIX_MESSAGE_CONTROL, 2);
        final int table = function.configRead(capability + ConfigSpace.MSIX_TABLE_OFFSET_BIR, 4);
        final int bar = table & ConfigSpace.MSIX_BIR_MASK;
        final long tableOffset = table & ~ConfigSpace.MSIX_BIR_MASK & 0xFFFF_FFFFL;
        for (int v = 0; v < vectors; v++)
        {
            final long entry = tableOffset + (long)v * MsixTable.ENTRY_LENGTH;
            function.mmioWrite(bar, entry + MsixTable.ENTRY_ADDRESS_LO_OFFSET, 4, messageAddress & 0xFFFF_FFFFL);
            function.mmioWrite(bar, entry + MsixTable.ENTRY_ADDRESS_HI_OFFSET, 4, messageAddress >>> 32);
            function.mmioWrite(bar, entry + MsixTable.ENTRY_DATA_OFFSET, 4, (firstVector + v) & 0xFFFF_FFFFL);
            function.mmioWrite(bar, entry + MsixTable.ENTRY_VECTOR_CONTROL_OFFSET, 4, 0);
        }
        function.configWrite(capability + ConfigSpace.MSIX_MESSAGE_CONTROL, 2,
            (control | ConfigSpace.MSIX_CONTROL_ENABLE) & ~ConfigSpace.MSIX_CONTROL_FUNCTION_MASK);
    }
}
