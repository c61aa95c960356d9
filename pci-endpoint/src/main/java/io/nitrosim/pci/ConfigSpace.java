package io.nitrosim.pci;

import java.nio.ByteOrder;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The 4 KiB type-0 configuration space of one function (256 B conventional header + capabilities, then the
 * PCI Express extended space, which holds no extended capability: its first header reads 0).
 * <p>
 * Every dword has a host-writable bit mask and a write-1-to-clear mask: a host write changes only writable
 * bits, and writing 1 to a write-1-to-clear bit clears it. BAR sizing falls out of the masks: the address bits
 * below the BAR size and the flag bits are read-only, so writing 0xFFFF_FFFF reads back {@code ~(size-1) | flags}
 * (and, for a 64-bit BAR, the upper dword reads back the upper half of {@code ~(size-1)}).
 * <p>
 * Layout built by {@link PciFunction} (all offsets are constants below):
 * <pre>
 *   0x00 header (vendor, device, command, status, revision, class, header type 0, BAR0-5, subsystem ids,
 *        capabilities pointer 0x34 = 0x40, interrupt line/pin)
 *   0x40 PCI Express capability (id 0x10, version 2, endpoint), 0x3C bytes; FLR capable
 *   0x80 MSI-X capability (id 0x11), 12 bytes, present when the function has MSI-X vectors
 *   0x90 power management capability (id 0x01), 8 bytes, present when the builder asks for it
 * </pre>
 * Threads: the host writes through {@link #write}, the device agent may set status bits with
 * {@link #setStatusBits}; both update dwords with compare-and-set so neither loses the other's change.
 * All values are little-endian, as on the bus.
 */
public final class ConfigSpace
{
    public static final int SIZE_BYTES = 4096;
    public static final int CONVENTIONAL_SIZE_BYTES = 256;

    public static final int VENDOR_ID_OFFSET = 0x00;
    public static final int DEVICE_ID_OFFSET = 0x02;
    public static final int COMMAND_OFFSET = 0x04;
    public static final int STATUS_OFFSET = 0x06;
    public static final int REVISION_ID_OFFSET = 0x08;
    /** Class code: 0x09 programming interface, 0x0A subclass, 0x0B base class. */
    public static final int CLASS_CODE_OFFSET = 0x09;
    public static final int CACHE_LINE_SIZE_OFFSET = 0x0C;
    public static final int LATENCY_TIMER_OFFSET = 0x0D;
    public static final int HEADER_TYPE_OFFSET = 0x0E;
    public static final int BIST_OFFSET = 0x0F;
    public static final int BAR0_OFFSET = 0x10;
    public static final int BAR_COUNT = 6;
    public static final int CARDBUS_CIS_OFFSET = 0x28;
    public static final int SUBSYSTEM_VENDOR_ID_OFFSET = 0x2C;
    public static final int SUBSYSTEM_ID_OFFSET = 0x2E;
    public static final int EXPANSION_ROM_OFFSET = 0x30;
    public static final int CAPABILITIES_POINTER_OFFSET = 0x34;
    public static final int INTERRUPT_LINE_OFFSET = 0x3C;
    public static final int INTERRUPT_PIN_OFFSET = 0x3D;

    public static final int COMMAND_IO_SPACE = 1;
    public static final int COMMAND_MEMORY_SPACE = 1 << 1;
    public static final int COMMAND_BUS_MASTER = 1 << 2;
    public static final int COMMAND_PARITY_ERROR_RESPONSE = 1 << 6;
    public static final int COMMAND_SERR_ENABLE = 1 << 8;
    public static final int COMMAND_INTERRUPT_DISABLE = 1 << 10;
    /** Bits of the command register a host can change (no I/O space: the function has no I/O BARs). */
    public static final int COMMAND_WRITABLE_BITS = COMMAND_MEMORY_SPACE | COMMAND_BUS_MASTER
        | COMMAND_PARITY_ERROR_RESPONSE | COMMAND_SERR_ENABLE | COMMAND_INTERRUPT_DISABLE;

    public static final int STATUS_INTERRUPT = 1 << 3;
    public static final int STATUS_CAPABILITIES_LIST = 1 << 4;
    public static final int STATUS_MASTER_DATA_PARITY_ERROR = 1 << 8;
    public static final int STATUS_SIGNALED_TARGET_ABORT = 1 << 11;
    public static final int STATUS_RECEIVED_TARGET_ABORT = 1 << 12;
    /** Set by the function when a DMA it issued was refused (an Unsupported Request completion). */
    public static final int STATUS_RECEIVED_MASTER_ABORT = 1 << 13;
    public static final int STATUS_SIGNALED_SYSTEM_ERROR = 1 << 14;
    public static final int STATUS_DETECTED_PARITY_ERROR = 1 << 15;
    /** The error bits of the status register: write 1 to clear. */
    public static final int STATUS_WRITE_1_TO_CLEAR_BITS = STATUS_MASTER_DATA_PARITY_ERROR
        | STATUS_SIGNALED_TARGET_ABORT | STATUS_RECEIVED_TARGET_ABORT | STATUS_RECEIVED_MASTER_ABORT
        | STATUS_SIGNALED_SYSTEM_ERROR | STATUS_DETECTED_PARITY_ERROR;

    public static final int BAR_MEMORY_64BIT = 0b10 << 1;
    public static final int BAR_PREFETCHABLE = 1 << 3;
    public static final int BAR_FLAGS_MASK = 0xF;

    public static final int CAP_ID_POWER_MANAGEMENT = 0x01;
    public static final int CAP_ID_PCI_EXPRESS = 0x10;
    public static final int CAP_ID_MSIX = 0x11;

    /** Where this implementation places its capabilities (walk the list from 0x34 rather than rely on it). */
    public static final int PCIE_CAP_OFFSET = 0x40;
    public static final int MSIX_CAP_OFFSET = 0x80;
    public static final int PM_CAP_OFFSET = 0x90;

    // PCI Express capability, offsets relative to the capability.
    public static final int PCIE_CAPABILITIES = 0x02;
    public static final int PCIE_DEVICE_CAPABILITIES = 0x04;
    public static final int PCIE_DEVICE_CONTROL = 0x08;
    public static final int PCIE_DEVICE_STATUS = 0x0A;
    public static final int PCIE_LINK_CAPABILITIES = 0x0C;
    public static final int PCIE_LINK_CONTROL = 0x10;
    public static final int PCIE_LINK_STATUS = 0x12;
    public static final int PCIE_DEVICE_CAPABILITIES_2 = 0x24;
    public static final int PCIE_DEVICE_CONTROL_2 = 0x28;
    public static final int PCIE_CAP_LENGTH = 0x3C;
    /** PCI Express capabilities register: version 2, device/port type 0 (PCI Express endpoint). */
    public static final int PCIE_CAPABILITIES_VALUE = 0x0002;
    /** Device capabilities: function level reset capable. */
    public static final int PCIE_DEVCAP_FLR = 1 << 28;
    /** Device capabilities: role-based error reporting. */
    public static final int PCIE_DEVCAP_ROLE_BASED_ERROR = 1 << 15;
    /** Device control: writing 1 starts a function level reset; always reads 0. */
    public static final int PCIE_DEVCTL_INITIATE_FLR = 1 << 15;
    /** Device control reset value: relaxed ordering, no snoop, max read request 512 B, max payload 128 B. */
    public static final int PCIE_DEVCTL_RESET_VALUE = (1 << 4) | (1 << 11) | (0b010 << 12);
    /** Device control bits a host may change: error enables 3:0, RO 4, MPS 7:5, ext tag 8, no snoop 11, MRRS. */
    public static final int PCIE_DEVCTL_WRITABLE_BITS = 0x7FFF & ~((1 << 9) | (1 << 10));
    /** Device status: correctable/non-fatal/fatal/unsupported request detected, write 1 to clear. */
    public static final int PCIE_DEVSTA_WRITE_1_TO_CLEAR_BITS = 0xF;
    public static final int PCIE_DEVSTA_UNSUPPORTED_REQUEST = 1 << 3;
    /** Link: 8 GT/s (speed code 3), x8. */
    public static final int PCIE_LINK_SPEED_WIDTH = (8 << 4) | 3;

    // MSI-X capability, offsets relative to the capability.
    public static final int MSIX_MESSAGE_CONTROL = 0x02;
    public static final int MSIX_TABLE_OFFSET_BIR = 0x04;
    public static final int MSIX_PBA_OFFSET_BIR = 0x08;
    public static final int MSIX_CAP_LENGTH = 12;
    public static final int MSIX_CONTROL_TABLE_SIZE_MASK = 0x7FF;
    public static final int MSIX_CONTROL_FUNCTION_MASK = 1 << 14;
    public static final int MSIX_CONTROL_ENABLE = 1 << 15;
    public static final int MSIX_BIR_MASK = 0x7;

    // Power management capability, offsets relative to the capability.
    public static final int PM_CAPABILITIES = 0x02;
    public static final int PM_CONTROL_STATUS = 0x04;
    public static final int PM_CAP_LENGTH = 8;
    /** PMC: version 3 (PCI PM 1.2). */
    public static final int PM_CAPABILITIES_VALUE = 0x0003;
    public static final int PM_CSR_POWER_STATE_MASK = 0x3;
    /** PMCSR No_Soft_Reset: D3hot to D0 keeps state. */
    public static final int PM_CSR_NO_SOFT_RESET = 1 << 3;
    public static final int PM_CSR_PME_STATUS = 1 << 15;

    static
    {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN)
        {
            throw new IllegalStateException("nitro-sim PCI models need a little-endian platform");
        }
    }

    private static final int DWORDS = SIZE_BYTES / 4;

    private final UnsafeBuffer data = new UnsafeBuffer(BufferUtil.allocateDirectAligned(SIZE_BYTES, 64));
    private final int[] resetImage = new int[DWORDS];
    private final int[] writableMask = new int[DWORDS];
    private final int[] writeOneToClearMask = new int[DWORDS];

    ConfigSpace()
    {
    }

    /**
     * Defines the reset value and masks of {@code sizeBytes} (1, 2 or 4) bytes at {@code offset}; for building.
     */
    void define(final int offset, final int sizeBytes, final int resetValue, final int writable, final int w1c)
    {
        final int index = offset >> 2;
        final int shift = (offset & 3) * 8;
        final int lanes = laneMask(sizeBytes) << shift;
        resetImage[index] = (resetImage[index] & ~lanes) | ((resetValue << shift) & lanes);
        writableMask[index] = (writableMask[index] & ~lanes) | ((writable << shift) & lanes);
        writeOneToClearMask[index] = (writeOneToClearMask[index] & ~lanes) | ((w1c << shift) & lanes);
    }

    /** Returns every register to its reset value (power-on and function level reset). */
    public void reset()
    {
        for (int i = 0; i < DWORDS; i++)
        {
            data.putIntVolatile(i << 2, resetImage[i]);
        }
    }

    /** @return true if offset/size form a valid naturally aligned access of 1, 2 or 4 bytes within 4 KiB. */
    public static boolean isValidAccess(final int offset, final int sizeBytes)
    {
        return (sizeBytes == 1 || sizeBytes == 2 || sizeBytes == 4)
            && offset >= 0 && offset <= SIZE_BYTES - sizeBytes && (offset & (sizeBytes - 1)) == 0;
    }

    /** Reads 1, 2 or 4 bytes, zero-extended. The access must be {@link #isValidAccess valid}. */
    public int read(final int offset, final int sizeBytes)
    {
        final int dword = data.getIntVolatile(offset & ~3);
        final int shift = (offset & 3) * 8;
        return (dword >>> shift) & laneMask(sizeBytes);
    }

    /** A host write: only writable bits change; a 1 written to a write-1-to-clear bit clears it. */
    public void write(final int offset, final int sizeBytes, final int value)
    {
        final int index = offset >> 2;
        final int shift = (offset & 3) * 8;
        final int lanes = laneMask(sizeBytes) << shift;
        final int shifted = value << shift;
        final int writable = writableMask[index] & lanes;
        final int clear = writeOneToClearMask[index] & lanes & shifted;
        if (writable == 0 && clear == 0)
        {
            return;
        }
        final int dwordOffset = index << 2;
        int old;
        int updated;
        do
        {
            old = data.getIntVolatile(dwordOffset);
            updated = ((old & ~writable) | (shifted & writable)) & ~clear;
        }
        while (!data.compareAndSetInt(dwordOffset, old, updated));
    }

    /** Device side: sets bits of the status register (e.g. {@link #STATUS_RECEIVED_MASTER_ABORT}). */
    public void setStatusBits(final int statusBits)
    {
        setBits(COMMAND_OFFSET, (statusBits & 0xFFFF) << 16);
    }

    /** Device side: sets bits of the PCI Express device status register. */
    public void setPcieDeviceStatusBits(final int bits)
    {
        final int offset = PCIE_CAP_OFFSET + PCIE_DEVICE_STATUS;
        setBits(offset & ~3, (bits & 0xFFFF) << ((offset & 3) * 8));
    }

    private void setBits(final int dwordOffset, final int bits)
    {
        int old;
        do
        {
            old = data.getIntVolatile(dwordOffset);
        }
        while (!data.compareAndSetInt(dwordOffset, old, old | bits));
    }

    public int command()
    {
        return read(COMMAND_OFFSET, 2);
    }

    public int status()
    {
        return read(STATUS_OFFSET, 2);
    }

    public boolean isMemorySpaceEnabled()
    {
        return (command() & COMMAND_MEMORY_SPACE) != 0;
    }

    public boolean isBusMasterEnabled()
    {
        return (command() & COMMAND_BUS_MASTER) != 0;
    }

    /** Walks the capability list from 0x34. @return the offset of the capability with this id, or 0. */
    public int findCapability(final int capabilityId)
    {
        if ((status() & STATUS_CAPABILITIES_LIST) == 0)
        {
            return 0;
        }
        int pointer = read(CAPABILITIES_POINTER_OFFSET, 1) & ~3;
        for (int hops = 0; pointer >= 0x40 && hops < 48; hops++)
        {
            if (read(pointer, 1) == capabilityId)
            {
                return pointer;
            }
            pointer = read(pointer + 1, 1) & ~3;
        }
        return 0;
    }

    private static int laneMask(final int sizeBytes)
    {
        return sizeBytes == 4 ? -1 : (1 << (sizeBytes * 8)) - 1;
    }
}
