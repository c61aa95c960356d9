package io.nitrosim.pci;

/**
 * Test fixture: does what firmware and a driver's probe do to a function, using only the host's view
 * ({@link PciEndpoint}) - configuration reads/writes and MMIO - so it doubles as a conformance client.
 * <ul>
 *   <li>{@link #enumerate}: sizes every BAR with the 0xFFFF_FFFF protocol, assigns naturally aligned addresses
 *       from a base (the function never needs them; they are written so the BAR registers hold realistic
 *       values), enables memory space and bus mastering;</li>
 *   <li>{@link #enableMsix}: programs every MSI-X vector for an x86 APIC, unmasks it and enables MSI-X.</li>
 * </ul>
 */
public final class PciTestFirmware
{
    private PciTestFirmware()
    {
    }

    /** What enumeration found and assigned. */
    public static final class Enumeration
    {
        private final long[] barAddress = new long[ConfigSpace.BAR_COUNT];
        private final long[] barSize = new long[ConfigSpace.BAR_COUNT];
        private final boolean[] is64Bit = new boolean[ConfigSpace.BAR_COUNT];
        private final boolean[] prefetchable = new boolean[ConfigSpace.BAR_COUNT];

        public long barAddress(final int barIndex)
        {
            return barAddress[barIndex];
        }

        /** 0 for an unimplemented BAR (or the upper half of a 64-bit BAR). */
        public long barSize(final int barIndex)
        {
            return barSize[barIndex];
        }

        public boolean is64Bit(final int barIndex)
        {
            return is64Bit[barIndex];
        }

        public boolean isPrefetchable(final int barIndex)
        {
            return prefetchable[barIndex];
        }
    }

    /** Sizes, places and enables the function: memory space and bus master on. */
    public static Enumeration enumerate(final PciEndpoint function, final long mmioBase)
    {
        final Enumeration result = new Enumeration();
        long next = mmioBase;
        for (int i = 0; i < ConfigSpace.BAR_COUNT; i++)
        {
            final int barOffset = ConfigSpace.BAR0_OFFSET + 4 * i;
            final int original = function.configRead(barOffset, 4);
            final boolean wide = (original & 0b110) == ConfigSpace.BAR_MEMORY_64BIT;
            final long size = sizeBar(function, i);
            if (size == 0)
            {
                continue;
            }
            result.barSize[i] = size;
            result.is64Bit[i] = wide;
            result.prefetchable[i] = (original & ConfigSpace.BAR_PREFETCHABLE) != 0;
            next = (next + size - 1) & -size;
            result.barAddress[i] = next;
            function.configWrite(barOffset, 4, (int)next);
            if (wide)
            {
                function.configWrite(barOffset + 4, 4, (int)(next >>> 32));
                i++;
            }
            next += size;
        }
        final int command = function.configRead(ConfigSpace.COMMAND_OFFSET, 2);
        function.configWrite(ConfigSpace.COMMAND_OFFSET, 2,
            command | ConfigSpace.COMMAND_MEMORY_SPACE | ConfigSpace.COMMAND_BUS_MASTER);
        return result;
    }

    /**
     * The BAR sizing protocol: write all ones, read back, restore. For a 64-bit BAR both dwords are sized.
     *
     * @return the size in bytes, or 0 if the BAR is not implemented (reads back 0).
     */
    public static long sizeBar(final PciEndpoint function, final int barIndex)
    {
        final int barOffset = ConfigSpace.BAR0_OFFSET + 4 * barIndex;
        final int originalLow = function.configRead(barOffset, 4);
        final boolean wide = (originalLow & 0b110) == ConfigSpace.BAR_MEMORY_64BIT;
        function.configWrite(barOffset, 4, 0xFFFF_FFFF);
        final int low = function.configRead(barOffset, 4);
        function.configWrite(barOffset, 4, originalLow);
        long mask = (low & ~ConfigSpace.BAR_FLAGS_MASK) & 0xFFFF_FFFFL;
        if (wide)
        {
            final int originalHigh = function.configRead(barOffset + 4, 4);
            function.configWrite(barOffset + 4, 4, 0xFFFF_FFFF);
            final int high = function.configRead(barOffset + 4, 4);
            function.configWrite(barOffset + 4, 4, originalHigh);
            mask |= (long)high << 32;
        }
        else if (mask != 0)
        {
            mask |= 0xFFFF_FFFF_0000_0000L;
        }
        return mask == 0 ? 0 : -mask;
    }

    /** Walks the capability list from 0x34. @return the capability's offset, or 0 if absent. */
    public static int findCapability(final PciEndpoint function, final int capabilityId)
    {
        if ((function.configRead(ConfigSpace.STATUS_OFFSET, 2) & ConfigSpace.STATUS_CAPABILITIES_LIST) == 0)
        {
            return 0;
        }
        int pointer = function.configRead(ConfigSpace.CAPABILITIES_POINTER_OFFSET, 1) & ~3;
        for (int hops = 0; pointer != 0 && hops < 48; hops++)
        {
            if (function.configRead(pointer, 1) == capabilityId)
            {
                return pointer;
            }
            pointer = function.configRead(pointer + 1, 1) & ~3;
        }
        return 0;
    }

    /**
     * Programs vectors 0..n-1 with address {@code 0xFEE0_0000 | apicId << 12} and data {@code firstVector + v},
     * unmasks them, clears the function mask and enables MSI-X.
     *
     * @return the number of vectors the function has.
     */
    public static int enableMsix(final PciEndpoint function, final int apicId, final int firstVector)
    {
        final int cap = requireMsix(function);
        final int vectors = (function.configRead(cap + ConfigSpace.MSIX_MESSAGE_CONTROL, 2)
            & ConfigSpace.MSIX_CONTROL_TABLE_SIZE_MASK) + 1;
        for (int v = 0; v < vectors; v++)
        {
            programMsixVector(function, v, RecordingMsiSink.x86Address(apicId), firstVector + v, false);
        }
        writeMsixControl(function, ConfigSpace.MSIX_CONTROL_ENABLE);
        return vectors;
    }

    /** Writes one MSI-X table entry through MMIO (address low, high, data, then vector control). */
    public static void programMsixVector(
        final PciEndpoint function, final int vector, final long address, final int data, final boolean masked)
    {
        final long entry = msixTableOffset(function) + (long)vector * MsixTable.ENTRY_LENGTH;
        final int bar = msixTableBar(function);
        function.mmioWrite(bar, entry + MsixTable.ENTRY_ADDRESS_LO_OFFSET, 4, address & 0xFFFF_FFFFL);
        function.mmioWrite(bar, entry + MsixTable.ENTRY_ADDRESS_HI_OFFSET, 4, address >>> 32);
        function.mmioWrite(bar, entry + MsixTable.ENTRY_DATA_OFFSET, 4, data & 0xFFFF_FFFFL);
        maskMsixVector(function, vector, masked);
    }

    /** Sets or clears the per-vector mask bit in the vector control word. */
    public static void maskMsixVector(final PciEndpoint function, final int vector, final boolean masked)
    {
        final long entry = msixTableOffset(function) + (long)vector * MsixTable.ENTRY_LENGTH;
        function.mmioWrite(msixTableBar(function), entry + MsixTable.ENTRY_VECTOR_CONTROL_OFFSET, 4,
            masked ? MsixTable.VECTOR_CONTROL_MASK_BIT : 0);
    }

    /** Sets or clears the MSI-X function mask, keeping the enable bit. */
    public static void setMsixFunctionMask(final PciEndpoint function, final boolean masked)
    {
        final int cap = requireMsix(function);
        final int control = function.configRead(cap + ConfigSpace.MSIX_MESSAGE_CONTROL, 2);
        writeMsixControl(function, masked ? control | ConfigSpace.MSIX_CONTROL_FUNCTION_MASK
            : control & ~ConfigSpace.MSIX_CONTROL_FUNCTION_MASK);
    }

    /** Sets or clears the MSI-X enable bit, keeping the function mask. */
    public static void setMsixEnabled(final PciEndpoint function, final boolean enabled)
    {
        final int cap = requireMsix(function);
        final int control = function.configRead(cap + ConfigSpace.MSIX_MESSAGE_CONTROL, 2);
        writeMsixControl(function, enabled ? control | ConfigSpace.MSIX_CONTROL_ENABLE
            : control & ~ConfigSpace.MSIX_CONTROL_ENABLE);
    }

    /** Reads the pending bit of {@code vector} from the PBA through MMIO. */
    public static boolean isMsixPending(final PciEndpoint function, final int vector)
    {
        final int cap = requireMsix(function);
        final int pba = function.configRead(cap + ConfigSpace.MSIX_PBA_OFFSET_BIR, 4);
        final long qword = function.mmioRead(pba & ConfigSpace.MSIX_BIR_MASK,
            (pba & ~ConfigSpace.MSIX_BIR_MASK) + 8L * (vector / 64), 8);
        return (qword & (1L << (vector % 64))) != 0;
    }

    /** Sets or clears command register bits (memory space, bus master, ...). */
    public static void setCommandBits(final PciEndpoint function, final int bits, final boolean on)
    {
        final int command = function.configRead(ConfigSpace.COMMAND_OFFSET, 2);
        function.configWrite(ConfigSpace.COMMAND_OFFSET, 2, on ? command | bits : command & ~bits);
    }

    /** Starts a function level reset through the PCI Express device control register, as a driver does. */
    public static void initiateFlr(final PciEndpoint function)
    {
        final int pcie = findCapability(function, ConfigSpace.CAP_ID_PCI_EXPRESS);
        if (pcie == 0)
        {
            throw new IllegalStateException("no PCI Express capability");
        }
        final int control = function.configRead(pcie + ConfigSpace.PCIE_DEVICE_CONTROL, 2);
        function.configWrite(pcie + ConfigSpace.PCIE_DEVICE_CONTROL, 2,
            control | ConfigSpace.PCIE_DEVCTL_INITIATE_FLR);
    }

    private static void writeMsixControl(final PciEndpoint function, final int control)
    {
        function.configWrite(requireMsix(function) + ConfigSpace.MSIX_MESSAGE_CONTROL, 2, control);
    }

    private static int msixTableBar(final PciEndpoint function)
    {
        return function.configRead(requireMsix(function) + ConfigSpace.MSIX_TABLE_OFFSET_BIR, 4)
            & ConfigSpace.MSIX_BIR_MASK;
    }

    private static long msixTableOffset(final PciEndpoint function)
    {
        return function.configRead(requireMsix(function) + ConfigSpace.MSIX_TABLE_OFFSET_BIR, 4)
            & ~ConfigSpace.MSIX_BIR_MASK & 0xFFFF_FFFFL;
    }

    private static int requireMsix(final PciEndpoint function)
    {
        final int cap = findCapability(function, ConfigSpace.CAP_ID_MSIX);
        if (cap == 0)
        {
            throw new IllegalStateException("no MSI-X capability");
        }
        return cap;
    }
}
