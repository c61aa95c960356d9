package io.nitrosim.pci;

import java.util.ArrayList;
import java.util.List;

import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;

/**
 * Everything that shapes a function, validated in one place ({@link #validate()}, called by {@link PciFunction}'s constructor) with one-line
 * messages naming the offending value and the accepted range. Offsets and lengths of register regions are in
 * bytes within the BAR, dword-aligned; regions of one BAR must not overlap each other or the MSI-X table/PBA.
 */
public final class PciFunctionBuilder
{
    private static final int MAX_REGISTER_FILE_BYTES = 64 << 20;

    String name;
    int vendorId = -1;
    int deviceId = -1;
    int classCode;
    private int revision;
    private int subsystemVendorId = -1;
    private int subsystemId = -1;
    private int effectiveSubsystemVendorId;
    private int effectiveSubsystemId;
    private int interruptPin = 1;
    private boolean powerManagement;
    boolean flrCapable = true;
    private final BarSpec[] bars = new BarSpec[ConfigSpace.BAR_COUNT];
    private final List<BarSpec> barRequests = new ArrayList<>();
    private final List<int[]> registerFileRequests = new ArrayList<>();
    int msixVectors;
    int msixTableBar;
    int msixTableOffset;
    int msixPbaBar;
    int msixPbaOffset;
    private final List<RegionSpec> regions = new ArrayList<>();
    private final List<ResetSpec> resets = new ArrayList<>();
    int doorbellRingRecords = 1024;
    CounterRegistry registry;
    MetricTags tags = MetricTags.EMPTY;

    PciFunctionBuilder()
    {
    }

    /** Agent role name and log name; default "pci-vvvv:dddd". */
    public PciFunctionBuilder name(final String name)
    {
        this.name = name;
        return this;
    }

    public PciFunctionBuilder vendorId(final int vendorId)
    {
        this.vendorId = vendorId;
        return this;
    }

    public PciFunctionBuilder deviceId(final int deviceId)
    {
        this.deviceId = deviceId;
        return this;
    }

    /** 24-bit class code: base class, subclass, programming interface (0x010802 = NVMe). */
    public PciFunctionBuilder classCode(final int classCode)
    {
        this.classCode = classCode;
        return this;
    }

    public PciFunctionBuilder revision(final int revision)
    {
        this.revision = revision;
        return this;
    }

    /** Subsystem vendor and id; default the vendor and device id. */
    public PciFunctionBuilder subsystem(final int subsystemVendorId, final int subsystemId)
    {
        this.subsystemVendorId = subsystemVendorId;
        this.subsystemId = subsystemId;
        return this;
    }

    /** Interrupt pin register: 0 none, 1..4 INTA..INTD (no INTx is modelled; default 1). */
    public PciFunctionBuilder interruptPin(final int interruptPin)
    {
        this.interruptPin = interruptPin;
        return this;
    }

    /** Adds a power management capability (D0/D3hot, No_Soft_Reset). Default off. */
    public PciFunctionBuilder powerManagement(final boolean powerManagement)
    {
        this.powerManagement = powerManagement;
        return this;
    }

    /** Whether the PCI Express capability advertises function level reset. Default true. */
    public PciFunctionBuilder flrCapable(final boolean flrCapable)
    {
        this.flrCapable = flrCapable;
        return this;
    }

    /** A 32-bit, non-prefetchable memory BAR. */
    public PciFunctionBuilder memoryBar(final int barIndex, final long sizeBytes)
    {
        return memoryBar(barIndex, sizeBytes, false, false);
    }

    /** A memory BAR; a 64-bit BAR also takes index {@code barIndex + 1}. */
    public PciFunctionBuilder memoryBar(
        final int barIndex, final long sizeBytes, final boolean is64Bit, final boolean prefetchable)
    {
        barRequests.add(new BarSpec(barIndex, sizeBytes, is64Bit, prefetchable));
        return this;
    }

    /** Backs only the first {@code bytes} of a (large) BAR with a register file; default the BAR's size. */
    public PciFunctionBuilder registerFileBytes(final int barIndex, final int bytes)
    {
        registerFileRequests.add(new int[] {barIndex, bytes});
        return this;
    }

    /**
     * MSI-X with {@code vectorCount} vectors (1..2048), the table at {@code tableOffset} in BAR
     * {@code tableBar} and the PBA at {@code pbaOffset} in BAR {@code pbaBar} (offsets 8-byte aligned).
     */
    public PciFunctionBuilder msix(
        final int vectorCount, final int tableBar, final int tableOffset, final int pbaBar, final int pbaOffset)
    {
        this.msixVectors = vectorCount;
        this.msixTableBar = tableBar;
        this.msixTableOffset = tableOffset;
        this.msixPbaBar = pbaBar;
        this.msixPbaOffset = pbaOffset;
        return this;
    }

    /** Registers the host cannot write (the device sets them, e.g. NVMe CAP/VS/CSTS). */
    public PciFunctionBuilder readOnly(final int barIndex, final int offset, final int lengthBytes)
    {
        regions.add(new RegionSpec(barIndex, offset, lengthBytes, BarRegisterFile.KIND_READ_ONLY, 0,
            "read-only"));
        return this;
    }

    /** Read/write registers of which the host can change only {@code writableMask}'s bits (per dword). */
    public PciFunctionBuilder writableBits(final int barIndex, final int offset, final int lengthBytes, final int writableMask)
    {
        regions.add(new RegionSpec(barIndex, offset, lengthBytes, BarRegisterFile.KIND_READ_WRITE, writableMask,
            "writable-bits"));
        return this;
    }

    /** Doorbells: host writes go to the agent through the ring and do not change the register file. */
    public PciFunctionBuilder doorbells(final int barIndex, final int offset, final int lengthBytes)
    {
        regions.add(new RegionSpec(barIndex, offset, lengthBytes, BarRegisterFile.KIND_DOORBELL, 0, "doorbell"));
        return this;
    }

    /** Stored like read/write registers and also queued to the agent (e.g. a control register). */
    public PciFunctionBuilder notifyOnWrite(final int barIndex, final int offset, final int lengthBytes)
    {
        regions.add(new RegionSpec(barIndex, offset, lengthBytes, BarRegisterFile.KIND_NOTIFY, -1,
            "notify-on-write"));
        return this;
    }

    /** Registers whose host reads call {@link PciFunction#onComputedRead}; host writes are ignored. */
    public PciFunctionBuilder computed(final int barIndex, final int offset, final int lengthBytes)
    {
        regions.add(new RegionSpec(barIndex, offset, lengthBytes, BarRegisterFile.KIND_COMPUTED, 0, "computed"));
        return this;
    }

    /** Reset value of the 32-bit register at {@code offset} (registers default to 0). */
    public PciFunctionBuilder resetValue32(final int barIndex, final int offset, final int value)
    {
        resets.add(new ResetSpec(barIndex, offset, value));
        return this;
    }

    /** Reset value of the 64-bit register at {@code offset} (two dwords, low first). */
    public PciFunctionBuilder resetValue64(final int barIndex, final int offset, final long value)
    {
        resets.add(new ResetSpec(barIndex, offset, (int)value));
        resets.add(new ResetSpec(barIndex, offset + 4, (int)(value >>> 32)));
        return this;
    }

    /** Doorbell ring size in records (16..65536, default 1024); a write that finds it full is counted. */
    public PciFunctionBuilder doorbellRingCapacity(final int records)
    {
        this.doorbellRingRecords = records;
        return this;
    }

    /** Where the function's counters live (default: unregistered counters). */
    public PciFunctionBuilder counters(final CounterRegistry registry, final MetricTags tags)
    {
        this.registry = registry;
        this.tags = tags == null ? MetricTags.EMPTY : tags;
        return this;
    }

    void validate()
    {
        if (vendorId == -1 || deviceId == -1)
        {
            throw new IllegalArgumentException((vendorId == -1 ? "vendorId" : "deviceId")
                + " must be set (vendorId in [0x0, 0xfffe], deviceId in [0x0, 0xffff])");
        }
        requireRange("vendorId", vendorId, 0x0000, 0xFFFE);
        requireRange("deviceId", deviceId, 0x0000, 0xFFFF);
        requireRange("classCode", classCode, 0, 0xFF_FFFF);
        requireRange("revision", revision, 0, 0xFF);
        final boolean defaultSubsystem = subsystemVendorId == -1 && subsystemId == -1;
        effectiveSubsystemVendorId = defaultSubsystem ? vendorId : subsystemVendorId;
        effectiveSubsystemId = defaultSubsystem ? deviceId : subsystemId;
        requireRange("subsystemVendorId", effectiveSubsystemVendorId, 0, 0xFFFF);
        requireRange("subsystemId", effectiveSubsystemId, 0, 0xFFFF);
        requireRange("interruptPin", interruptPin, 0, 4);
        requireRange("doorbellRingCapacity records", doorbellRingRecords, 16, 65536);

        java.util.Arrays.fill(bars, null);
        final boolean[] taken = new boolean[ConfigSpace.BAR_COUNT];
        for (final BarSpec bar : barRequests)
        {
            final String what = "BAR " + bar.index;
            if (bar.index < 0 || bar.index > (bar.is64Bit ? 4 : 5))
            {
                throw new IllegalArgumentException(what + " is out of range: a " + (bar.is64Bit
                    ? "64-bit BAR index must be in [0, 4] (it also takes the next index)"
                    : "32-bit BAR index must be in [0, 5]"));
            }
            final long maxSize = bar.is64Bit ? 1L << 62 : 1L << 31;
            if (bar.sizeBytes < 16 || bar.sizeBytes > maxSize || Long.bitCount(bar.sizeBytes) != 1)
            {
                throw new IllegalArgumentException(what + " size " + bar.sizeBytes + " B must be a power of two in [16, "
                    + maxSize + "] for a " + (bar.is64Bit ? "64" : "32") + "-bit BAR");
            }
            if (taken[bar.index] || (bar.is64Bit && taken[bar.index + 1]))
            {
                throw new IllegalArgumentException(what + " is defined twice (a 64-bit BAR also takes the next index)");
            }
            taken[bar.index] = true;
            if (bar.is64Bit)
            {
                taken[bar.index + 1] = true;
            }
            bars[bar.index] = bar;
        }
        for (final int[] request : registerFileRequests)
        {
            final BarSpec bar = barAt(request[0], "registerFileBytes");
            if (request[1] < 8 || request[1] % 8 != 0 || request[1] > bar.sizeBytes
                || request[1] > MAX_REGISTER_FILE_BYTES)
            {
                throw new IllegalArgumentException("registerFileBytes " + request[1] + " for BAR " + request[0]
                    + " must be a multiple of 8 in [8, min(BAR size " + bar.sizeBytes + ", "
                    + MAX_REGISTER_FILE_BYTES + ")]");
            }
            bar.registerFileBytes = request[1];
        }
        for (final BarSpec bar : bars)
        {
            if (bar != null && bar.registerFileBytes == 0 && bar.sizeBytes > MAX_REGISTER_FILE_BYTES)
            {
                throw new IllegalArgumentException("BAR " + bar.index + " of " + bar.sizeBytes
                    + " B is larger than " + MAX_REGISTER_FILE_BYTES
                    + " B: set registerFileBytes(" + bar.index + ", n) for the part backed by registers");
            }
        }

        if (msixVectors != 0)
        {
            requireRange("MSI-X vector count", msixVectors, 1, MsixTable.MAX_VECTORS);
            final BarSpec tableBar = barAt(msixTableBar, "MSI-X table");
            final BarSpec pbaBar = barAt(msixPbaBar, "MSI-X PBA");
            requireAlignedInside("MSI-X table", tableBar, msixTableOffset,
                msixVectors * MsixTable.ENTRY_LENGTH, 8);
            requireAlignedInside("MSI-X PBA", pbaBar, msixPbaOffset, MsixTable.pbaLengthBytes(msixVectors), 8);
            if (msixTableBar == msixPbaBar && overlaps(msixTableOffset, msixVectors * MsixTable.ENTRY_LENGTH,
                msixPbaOffset, MsixTable.pbaLengthBytes(msixVectors)))
            {
                throw new IllegalArgumentException("MSI-X table at 0x" + Integer.toHexString(msixTableOffset)
                    + " and PBA at 0x" + Integer.toHexString(msixPbaOffset) + " overlap in BAR " + msixTableBar);
            }
        }

        final List<RegionSpec> all = new ArrayList<>(regions);
        if (msixVectors != 0)
        {
            all.add(new RegionSpec(msixTableBar, msixTableOffset, msixVectors * MsixTable.ENTRY_LENGTH,
                BarRegisterFile.KIND_MSIX_TABLE, 0, "MSI-X table"));
            all.add(new RegionSpec(msixPbaBar, msixPbaOffset, MsixTable.pbaLengthBytes(msixVectors),
                BarRegisterFile.KIND_MSIX_PBA, 0, "MSI-X PBA"));
        }
        for (final RegionSpec r : regions)
        {
            requireAlignedInside(r.what + " region", barAt(r.barIndex, r.what + " region"), r.offset,
                r.lengthBytes, 4);
        }
        for (int i = 0; i < all.size(); i++)
        {
            for (int j = i + 1; j < all.size(); j++)
            {
                final RegionSpec a = all.get(i);
                final RegionSpec b = all.get(j);
                if (a.barIndex == b.barIndex && overlaps(a.offset, a.lengthBytes, b.offset, b.lengthBytes))
                {
                    throw new IllegalArgumentException(a.what + " region [0x" + Integer.toHexString(a.offset)
                        + ", +" + a.lengthBytes + ") overlaps " + b.what + " region [0x"
                        + Integer.toHexString(b.offset) + ", +" + b.lengthBytes + ") in BAR " + a.barIndex);
                }
            }
        }
        for (final ResetSpec r : resets)
        {
            final BarSpec bar = barAt(r.barIndex, "reset value");
            if (r.offset < 0 || (r.offset & 3) != 0 || r.offset > bar.registerFileBytes() - 4)
            {
                throw new IllegalArgumentException("reset value offset 0x" + Integer.toHexString(r.offset)
                    + " in BAR " + r.barIndex + " must be 4-byte aligned within [0, "
                    + bar.registerFileBytes() + ")");
            }
        }
    }

    private BarSpec barAt(final int barIndex, final String what)
    {
        final BarSpec bar = barIndex >= 0 && barIndex < ConfigSpace.BAR_COUNT ? bars[barIndex] : null;
        if (bar == null)
        {
            throw new IllegalArgumentException(what + " refers to BAR " + barIndex
                + ", which is not defined (defined memory BARs: " + definedBars() + ")");
        }
        return bar;
    }

    private String definedBars()
    {
        final StringBuilder sb = new StringBuilder();
        for (final BarSpec bar : bars)
        {
            if (bar != null)
            {
                sb.append(sb.length() == 0 ? "" : ", ").append(bar.index);
            }
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    private static void requireAlignedInside(
        final String what, final BarSpec bar, final int offset, final int lengthBytes, final int alignment)
    {
        if (offset < 0 || offset % alignment != 0)
        {
            throw new IllegalArgumentException(what + " offset 0x" + Integer.toHexString(offset)
                + " must be non-negative and " + alignment + "-byte aligned");
        }
        if (lengthBytes <= 0 || lengthBytes % 4 != 0 || (long)offset + lengthBytes > bar.registerFileBytes())
        {
            throw new IllegalArgumentException(what + " [0x" + Integer.toHexString(offset) + ", +" + lengthBytes
                + ") must have a positive length, a multiple of 4, and lie within the " + bar.registerFileBytes()
                + " B register file of BAR " + bar.index);
        }
    }

    private static boolean overlaps(final int aOffset, final int aLength, final int bOffset, final int bLength)
    {
        return aOffset < bOffset + bLength && bOffset < aOffset + aLength;
    }

    private static void requireRange(final String what, final int value, final int min, final int max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(what + " " + value + " (0x" + Integer.toHexString(value)
                + ") is out of range [0x" + Integer.toHexString(min) + ", 0x" + Integer.toHexString(max) + "]");
        }
    }

    /** Defines the function's configuration space registers (reset values and writable bits) on {@code c}. */
    void defineConfigSpace(final ConfigSpace c)
    {
        c.define(ConfigSpace.VENDOR_ID_OFFSET, 2, vendorId, 0, 0);
        c.define(ConfigSpace.DEVICE_ID_OFFSET, 2, deviceId, 0, 0);
        c.define(ConfigSpace.COMMAND_OFFSET, 2, 0, ConfigSpace.COMMAND_WRITABLE_BITS, 0);
        c.define(ConfigSpace.STATUS_OFFSET, 2, ConfigSpace.STATUS_CAPABILITIES_LIST, 0,
            ConfigSpace.STATUS_WRITE_1_TO_CLEAR_BITS);
        c.define(ConfigSpace.REVISION_ID_OFFSET, 1, revision, 0, 0);
        c.define(ConfigSpace.CLASS_CODE_OFFSET, 1, classCode & 0xFF, 0, 0);
        c.define(ConfigSpace.CLASS_CODE_OFFSET + 1, 1, (classCode >>> 8) & 0xFF, 0, 0);
        c.define(ConfigSpace.CLASS_CODE_OFFSET + 2, 1, (classCode >>> 16) & 0xFF, 0, 0);
        c.define(ConfigSpace.CACHE_LINE_SIZE_OFFSET, 1, 0, 0xFF, 0);
        c.define(ConfigSpace.HEADER_TYPE_OFFSET, 1, 0, 0, 0);
        for (int i = 0; i < ConfigSpace.BAR_COUNT; i++)
        {
            final BarSpec bar = bars[i];
            if (bar == null)
            {
                continue;
            }
            final int barOffset = ConfigSpace.BAR0_OFFSET + 4 * i;
            final int flags = (bar.is64Bit ? ConfigSpace.BAR_MEMORY_64BIT : 0)
                | (bar.prefetchable ? ConfigSpace.BAR_PREFETCHABLE : 0);
            final long addressMask = ~(bar.sizeBytes - 1);
            c.define(barOffset, 4, flags, (int)addressMask & ~ConfigSpace.BAR_FLAGS_MASK, 0);
            if (bar.is64Bit)
            {
                c.define(barOffset + 4, 4, 0, (int)(addressMask >>> 32), 0);
            }
        }
        c.define(ConfigSpace.SUBSYSTEM_VENDOR_ID_OFFSET, 2, effectiveSubsystemVendorId, 0, 0);
        c.define(ConfigSpace.SUBSYSTEM_ID_OFFSET, 2, effectiveSubsystemId, 0, 0);
        c.define(ConfigSpace.CAPABILITIES_POINTER_OFFSET, 1, ConfigSpace.PCIE_CAP_OFFSET, 0, 0);
        c.define(ConfigSpace.INTERRUPT_LINE_OFFSET, 1, 0, 0xFF, 0);
        c.define(ConfigSpace.INTERRUPT_PIN_OFFSET, 1, interruptPin, 0, 0);

        // Capability chain: PCI Express -> MSI-X (if any) -> power management (if asked).
        final int afterPcie = msixVectors > 0 ? ConfigSpace.MSIX_CAP_OFFSET
            : powerManagement ? ConfigSpace.PM_CAP_OFFSET : 0;
        final int pcie = ConfigSpace.PCIE_CAP_OFFSET;
        c.define(pcie, 1, ConfigSpace.CAP_ID_PCI_EXPRESS, 0, 0);
        c.define(pcie + 1, 1, afterPcie, 0, 0);
        c.define(pcie + ConfigSpace.PCIE_CAPABILITIES, 2, ConfigSpace.PCIE_CAPABILITIES_VALUE, 0, 0);
        c.define(pcie + ConfigSpace.PCIE_DEVICE_CAPABILITIES, 4,
            ConfigSpace.PCIE_DEVCAP_ROLE_BASED_ERROR | (flrCapable ? ConfigSpace.PCIE_DEVCAP_FLR : 0)
                | 0x1 /* max payload 256 B */, 0, 0);
        c.define(pcie + ConfigSpace.PCIE_DEVICE_CONTROL, 2, ConfigSpace.PCIE_DEVCTL_RESET_VALUE,
            ConfigSpace.PCIE_DEVCTL_WRITABLE_BITS, 0);
        c.define(pcie + ConfigSpace.PCIE_DEVICE_STATUS, 2, 0, 0, ConfigSpace.PCIE_DEVSTA_WRITE_1_TO_CLEAR_BITS);
        c.define(pcie + ConfigSpace.PCIE_LINK_CAPABILITIES, 4, ConfigSpace.PCIE_LINK_SPEED_WIDTH, 0, 0);
        c.define(pcie + ConfigSpace.PCIE_LINK_STATUS, 2, ConfigSpace.PCIE_LINK_SPEED_WIDTH, 0, 0);

        if (msixVectors > 0)
        {
            final int cap = ConfigSpace.MSIX_CAP_OFFSET;
            c.define(cap, 1, ConfigSpace.CAP_ID_MSIX, 0, 0);
            c.define(cap + 1, 1, powerManagement ? ConfigSpace.PM_CAP_OFFSET : 0, 0, 0);
            c.define(cap + ConfigSpace.MSIX_MESSAGE_CONTROL, 2, msixVectors - 1,
                ConfigSpace.MSIX_CONTROL_ENABLE | ConfigSpace.MSIX_CONTROL_FUNCTION_MASK, 0);
            c.define(cap + ConfigSpace.MSIX_TABLE_OFFSET_BIR, 4, msixTableOffset | msixTableBar, 0, 0);
            c.define(cap + ConfigSpace.MSIX_PBA_OFFSET_BIR, 4, msixPbaOffset | msixPbaBar, 0, 0);
        }
        if (powerManagement)
        {
            final int cap = ConfigSpace.PM_CAP_OFFSET;
            c.define(cap, 1, ConfigSpace.CAP_ID_POWER_MANAGEMENT, 0, 0);
            c.define(cap + 1, 1, 0, 0, 0);
            c.define(cap + ConfigSpace.PM_CAPABILITIES, 2, ConfigSpace.PM_CAPABILITIES_VALUE, 0, 0);
            c.define(cap + ConfigSpace.PM_CONTROL_STATUS, 2, ConfigSpace.PM_CSR_NO_SOFT_RESET,
                ConfigSpace.PM_CSR_POWER_STATE_MASK, ConfigSpace.PM_CSR_PME_STATUS);
        }
    }

    /** The register file of BAR {@code barIndex} with its regions and reset values, or null if there is no such BAR. */
    BarRegisterFile buildRegisterFile(final int barIndex)
    {
        final BarSpec spec = bars[barIndex];
        if (spec == null)
        {
            return null;
        }
        final List<RegionSpec> barRegions = new ArrayList<>();
        for (final RegionSpec r : regions)
        {
            if (r.barIndex == spec.index)
            {
                barRegions.add(r);
            }
        }
        if (msixVectors > 0 && msixTableBar == spec.index)
        {
            barRegions.add(new RegionSpec(spec.index, msixTableOffset, msixVectors * MsixTable.ENTRY_LENGTH,
                BarRegisterFile.KIND_MSIX_TABLE, 0, "MSI-X table"));
        }
        if (msixVectors > 0 && msixPbaBar == spec.index)
        {
            barRegions.add(new RegionSpec(spec.index, msixPbaOffset, MsixTable.pbaLengthBytes(msixVectors),
                BarRegisterFile.KIND_MSIX_PBA, 0, "MSI-X PBA"));
        }
        barRegions.sort((x, y) -> Integer.compare(x.offset, y.offset));
        final int n = barRegions.size();
        final int[] start = new int[n];
        final int[] end = new int[n];
        final int[] kind = new int[n];
        final int[] mask = new int[n];
        for (int i = 0; i < n; i++)
        {
            final RegionSpec r = barRegions.get(i);
            start[i] = r.offset;
            end[i] = r.offset + r.lengthBytes;
            kind[i] = r.kind;
            mask[i] = r.writableMask;
        }

        final List<int[]> barResets = new ArrayList<>();
        for (final ResetSpec r : resets)
        {
            if (r.barIndex == spec.index)
            {
                barResets.add(new int[] {r.offset, r.value});
            }
        }
        if (msixVectors > 0 && msixTableBar == spec.index)
        {
            for (int v = 0; v < msixVectors; v++)
            {
                barResets.add(new int[] {msixTableOffset + v * MsixTable.ENTRY_LENGTH
                    + MsixTable.ENTRY_VECTOR_CONTROL_OFFSET, MsixTable.VECTOR_CONTROL_MASK_BIT});
            }
        }
        final int[] resetOffsets = new int[barResets.size()];
        final int[] resetValues = new int[barResets.size()];
        for (int i = 0; i < barResets.size(); i++)
        {
            resetOffsets[i] = barResets.get(i)[0];
            resetValues[i] = barResets.get(i)[1];
        }
        return new BarRegisterFile(spec.index, spec.sizeBytes, spec.is64Bit, spec.prefetchable,
            spec.registerFileBytes(), resetOffsets, resetValues, start, end, kind, mask);
    }

    private static final class BarSpec
    {
        final int index;
        final long sizeBytes;
        final boolean is64Bit;
        final boolean prefetchable;
        int registerFileBytes;

        BarSpec(final int index, final long sizeBytes, final boolean is64Bit, final boolean prefetchable)
        {
            this.index = index;
            this.sizeBytes = sizeBytes;
            this.is64Bit = is64Bit;
            this.prefetchable = prefetchable;
        }

        int registerFileBytes()
        {
            return registerFileBytes != 0 ? registerFileBytes : (int)sizeBytes;
        }
    }

    private static final class RegionSpec
    {
        final int barIndex;
        final int offset;
        final int lengthBytes;
        final int kind;
        final int writableMask;
        final String what;

        RegionSpec(final int barIndex, final int offset, final int lengthBytes, final int kind, final int writableMask,
            final String what)
        {
            this.barIndex = barIndex;
            this.offset = offset;
            this.lengthBytes = lengthBytes;
            this.kind = kind;
            this.writableMask = writableMask;
            this.what = what;
        }
    }

    private static final class ResetSpec
    {
        final int barIndex;
        final int offset;
        final int value;

        ResetSpec(final int barIndex, final int offset, final int value)
        {
            this.barIndex = barIndex;
            this.offset = offset;
            this.value = value;
        }
    }
}
