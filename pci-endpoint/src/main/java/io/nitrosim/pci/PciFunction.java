package io.nitrosim.pci;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.pci.trace.Tracer;
import io.nitrosim.time.SimAgent;

/**
 * Base class of every device model: a PCI Express endpoint function with a type-0 configuration space
 * ({@link ConfigSpace}), memory BARs backed by register files ({@link BarRegisterFile}), MSI-X
 * ({@link MsixTable}), a bus-master port ({@link DmaPort}) and a doorbell ring that carries MMIO writes to the
 * device agent, so that device state has exactly one owner: the agent.
 * <p>
 * A device model extends this class, passes a {@link Builder} to the constructor (validated in one place) and
 * implements:
 * <ul>
 *   <li>{@link #onDoorbell(int, int, int)}: a doorbell or notify-on-write register was written;</li>
 *   <li>{@link #onReset()}: a function level reset happened; drop all device state;</li>
 *   <li>{@link #doDeviceWork()}: the device's own work (process queues, DMA, signal interrupts);</li>
 *   <li>optionally {@link #deviceNextDeadlineNs()}, {@link #onComputedRead(int, int, int)},
 *       {@link #onAgentStart()}, {@link #onAgentClose()}.</li>
 * </ul>
 * <b>Threads.</b> The host calls the {@link PciEndpoint} methods (config and MMIO accesses, connect, FLR) on its
 * thread(s). Everything else - onDoorbell, onReset, doDeviceWork, {@link DmaPort}, {@link MsixTable#signal} -
 * runs on the agent's thread. Host MMIO reads read the register file directly (the agent keeps status registers
 * up to date); plain register writes land in the register file; doorbell and notify writes are queued.
 * <p>
 * <b>Agent pass.</b> {@link #agent()}'s doWork: (1) if the host reset the function since the last pass, run the
 * agent side of the reset ({@link #onReset()}); (2) deliver MSI-X messages that a host write unmasked;
 * (3) drain the doorbell ring in order, calling {@link #onDoorbell} (then, if the ring overflowed, replay the
 * newest latched values, see below); (4) call {@link #doDeviceWork()}.
 * <p>
 * <b>Doorbells and a full ring.</b> Every doorbell/notify write is first latched per register (value plus a
 * per-register sequence number, {@link BarRegisterFile#latchedValue(int)}) and then queued on a ring of
 * {@link Builder#doorbellRingCapacity(int)} records (default 1024, far more than a driver writes between two
 * agent passes). A write that finds the ring full is not lost: it is counted ({@link #doorbellOverflowCount()}),
 * and on its next pass the agent, after draining the ring, calls {@link #onDoorbell} with the newest latched
 * value of each register written since its last delivery (ascending BAR, offset), then
 * {@link #onDoorbellOverflow(long)}. Per register, the device never sees a value twice or an older value after
 * a newer one; values of one register written while the ring was full are coalesced to the newest, which is what
 * a hardware doorbell register does (NVMe and ENA doorbells carry absolute queue indexes). No spinning, no
 * back-pressure on the host: its write returns at once.
 * <p>
 * <b>Reset.</b> {@link #functionLevelReset()} (also started by writing Initiate FLR to the PCI Express device
 * control register) returns, on the host's thread and before it returns, the configuration space (command, BARs,
 * MSI-X control, ...) and every BAR register file (MSI-X table entries masked, PBA clear) to reset values, and
 * discards queued doorbells. The device's {@link #onReset()} then runs on the agent's next pass, before any
 * doorbell written after the reset. Since the reset clears bus master and memory space enable, a device still
 * finishing old work meanwhile can neither DMA nor be reached.
 */
public abstract class PciFunction implements PciEndpoint
{
    private final String name;
    private final int vendorId;
    private final int deviceId;
    private final int classCode;
    private final ConfigSpace config;
    private final BarRegisterFile[] bars = new BarRegisterFile[ConfigSpace.BAR_COUNT];
    private final MsixTable msix;
    private final DmaPort dma;
    private final DoorbellRing doorbellRing;
    private final boolean flrCapable;
    private final AtomicInteger resetGeneration = new AtomicInteger();
    private final AtomicCounter mmioIgnored;
    private final AtomicCounter invalidAccesses;
    private final AtomicCounter doorbells;
    private final AtomicCounter doorbellOverflows;
    private final AtomicCounter doorbellsDiscarded;
    private final AtomicCounter doorbellsCoalesced;
    private final AtomicCounter resets;
    private final FunctionAgent agent = new FunctionAgent();
    private Tracer tracer = Tracer.OFF;

    /** Builds the function; all builder input is validated here, bad input throws IllegalArgumentException. */
    protected PciFunction(final Builder builder)
    {
        builder.validate();
        this.name = builder.name != null ? builder.name
            : String.format("pci-%04x:%04x", builder.vendorId, builder.deviceId);
        this.vendorId = builder.vendorId;
        this.deviceId = builder.deviceId;
        this.classCode = builder.classCode;
        this.flrCapable = builder.flrCapable;
        final CounterRegistry registry = builder.registry;
        final MetricTags tags = builder.tags;
        this.mmioIgnored = PciMeter.MMIO_IGNORED.newCounter(registry, tags);
        this.invalidAccesses = PciMeter.ACCESS_INVALID.newCounter(registry, tags);
        this.doorbells = PciMeter.DOORBELLS.newCounter(registry, tags);
        this.doorbellOverflows = PciMeter.DOORBELL_OVERFLOWS.newCounter(registry, tags);
        this.doorbellsDiscarded = PciMeter.DOORBELLS_DISCARDED.newCounter(registry, tags);
        this.doorbellsCoalesced = PciMeter.DOORBELLS_COALESCED.newCounter(registry, tags);
        this.resets = PciMeter.FUNCTION_RESETS.newCounter(registry, tags);

        this.config = new ConfigSpace();
        defineConfigSpace(builder);
        config.reset();

        for (int i = 0; i < ConfigSpace.BAR_COUNT; i++)
        {
            final BarSpec spec = builder.bars[i];
            if (spec != null)
            {
                bars[i] = buildRegisterFile(builder, spec);
            }
        }

        if (builder.msixVectors > 0)
        {
            msix = new MsixTable(
                config,
                ConfigSpace.MSIX_CAP_OFFSET,
                builder.msixVectors,
                bars[builder.msixTableBar],
                builder.msixTableOffset,
                bars[builder.msixPbaBar],
                builder.msixPbaOffset,
                PciMeter.MSIX_DELIVERED.newCounter(registry, tags),
                PciMeter.MSIX_PENDED.newCounter(registry, tags),
                PciMeter.MSIX_SUPPRESSED.newCounter(registry, tags));
        }
        else
        {
            msix = null;
        }

        dma = new DmaPort(
            config,
            PciMeter.DMA_REFUSED_BUS_MASTER.newCounter(registry, tags),
            PciMeter.DMA_REFUSED_NOT_CONNECTED.newCounter(registry, tags),
            PciMeter.DMA_REFUSED_WINDOW.newCounter(registry, tags),
            PciMeter.DMA_REFUSED_OVERFLOW.newCounter(registry, tags),
            PciMeter.DMA_READ_BYTES.newCounter(registry, tags),
            PciMeter.DMA_WRITTEN_BYTES.newCounter(registry, tags));
        doorbellRing = new DoorbellRing(builder.doorbellRingRecords);
    }

    public static Builder builder()
    {
        return new Builder();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Device model hooks.

    /**
     * A host wrote a doorbell or notify-on-write register: {@code offset} is the dword's offset within BAR
     * {@code barIndex}, {@code value} the 32 bits written (for notify-on-write, the value now stored). An 8-byte
     * write arrives as two calls, low dword first. Agent thread, in the order the writes were made.
     */
    protected abstract void onDoorbell(int barIndex, int offset, int value);

    /**
     * A function level reset happened. Configuration space and register files are already at their reset values
     * (registers only the device writes - read-only, computed, PBA - are reset again just before this call); drop queues, in-flight commands and
     * timers, and set device-owned status registers. Agent thread.
     */
    protected abstract void onReset();

    /** The device's own work, called every agent pass after doorbells are drained. @return work done (0 if idle). */
    protected abstract int doDeviceWork();

    /** When the device will next have work without new input (virtual time), or {@link SimAgent#NO_DEADLINE}. */
    protected long deviceNextDeadlineNs()
    {
        return SimAgent.NO_DEADLINE;
    }

    /**
     * Value of a register in a computed region, for a host read of {@code sizeBytes} (4 or 8) at {@code offset}.
     * Runs on the <b>host's</b> thread: read only state that is safe to read there (the register file, volatile
     * fields). Default: the stored value.
     */
    protected long onComputedRead(final int barIndex, final int offset, final int sizeBytes)
    {
        final BarRegisterFile bar = bars[barIndex];
        return sizeBytes == 8 ? bar.getLong(offset) : bar.getInt(offset) & 0xFFFF_FFFFL;
    }

    /**
     * Informational: {@code missedSinceLastCall} doorbell writes found the ring full since the last call. By the
     * time this runs (agent thread, after the ring was drained) the base has already called {@link #onDoorbell}
     * with the newest value of every register written meanwhile, so nothing is lost; only intermediate values of
     * one register are coalesced, as a hardware doorbell register would. Default: nothing.
     */
    protected void onDoorbellOverflow(final long missedSinceLastCall)
    {
    }

    protected void onAgentStart()
    {
    }

    protected void onAgentClose()
    {
    }

    // ---------------------------------------------------------------------------------------------------------
    // Device-side accessors.

    public final String name()
    {
        return name;
    }

    public final ConfigSpace configSpace()
    {
        return config;
    }

    /** The register file of BAR {@code barIndex}; throws if the function has no such BAR (a model bug). */
    public final BarRegisterFile registers(final int barIndex)
    {
        final BarRegisterFile bar = barIndex >= 0 && barIndex < ConfigSpace.BAR_COUNT ? bars[barIndex] : null;
        if (bar == null)
        {
            throw new IllegalArgumentException(name + " has no BAR " + barIndex);
        }
        return bar;
    }

    public final boolean hasBar(final int barIndex)
    {
        return barIndex >= 0 && barIndex < ConfigSpace.BAR_COUNT && bars[barIndex] != null;
    }

    /** The MSI-X state; throws if the function was built without MSI-X vectors. */
    public final MsixTable msix()
    {
        if (msix == null)
        {
            throw new IllegalStateException(name + " has no MSI-X capability");
        }
        return msix;
    }

    public final DmaPort dma()
    {
        return dma;
    }

    /** Where this function's events are traced (also its DMA port's and MSI-X table's); set before the run. */
    public final void tracer(final Tracer tracer)
    {
        this.tracer = tracer == null ? Tracer.OFF : tracer;
        dma.tracer(this.tracer);
        if (msix != null)
        {
            msix.tracer(this.tracer);
        }
    }

    /** The function's tracer ({@link Tracer#OFF} unless the run traces it); device models emit their events here. */
    public final Tracer tracer()
    {
        return tracer;
    }

    /** Agent thread: raises MSI-X {@code vector}. @return an {@link MsixTable} signal status. */
    protected final int signalMsix(final int vector)
    {
        return msix().signal(vector);
    }

    public final long doorbellCount()
    {
        return doorbells.get();
    }

    public final long doorbellOverflowCount()
    {
        return doorbellOverflows.get();
    }

    /** Doorbells written before a function level reset and discarded unprocessed. */
    public final long doorbellsDiscardedCount()
    {
        return doorbellsDiscarded.get();
    }

    /** MMIO accesses ignored because memory space was disabled. */
    public final long mmioIgnoredCount()
    {
        return mmioIgnored.get();
    }

    /** Malformed accesses (bad size, alignment, BAR or offset) from the host, answered with all-ones/ignored. */
    public final long invalidAccessCount()
    {
        return invalidAccesses.get();
    }

    public final long resetCount()
    {
        return resets.get();
    }

    /** Queued doorbell records skipped because a newer value of the same register had already been delivered. */
    public final long doorbellsCoalescedCount()
    {
        return doorbellsCoalesced.get();
    }

    /** Doorbell records waiting for the agent. */
    public final int pendingDoorbells()
    {
        return doorbellRing.size();
    }

    // ---------------------------------------------------------------------------------------------------------
    // PciEndpoint: the host's view.

    @Override
    public final int vendorId()
    {
        return vendorId;
    }

    @Override
    public final int deviceId()
    {
        return deviceId;
    }

    @Override
    public final int classCode()
    {
        return classCode;
    }

    @Override
    public final int configRead(final int offset, final int sizeBytes)
    {
        if (!ConfigSpace.isValidAccess(offset, sizeBytes))
        {
            invalidAccesses.increment();
            return -1;
        }
        final int value = config.read(offset, sizeBytes);
        tracer.emit(TraceKind.CONFIG_READ, -1, offset, sizeBytes, value, 0);
        return value;
    }

    @Override
    public final void configWrite(final int offset, final int sizeBytes, final int value)
    {
        if (!ConfigSpace.isValidAccess(offset, sizeBytes))
        {
            invalidAccesses.increment();
            return;
        }
        tracer.emit(TraceKind.CONFIG_WRITE, -1, offset, sizeBytes, value, 0);
        config.write(offset, sizeBytes, value);
        final int dwordOffset = offset & ~3;
        final int shifted = value << ((offset & 3) * 8);
        final int lanes = (sizeBytes == 4 ? -1 : (1 << (sizeBytes * 8)) - 1) << ((offset & 3) * 8);
        if (msix != null && dwordOffset == ConfigSpace.MSIX_CAP_OFFSET && (lanes & 0xFFFF_0000) != 0)
        {
            msix.markDirty();
        }
        final int devctl = ConfigSpace.PCIE_CAP_OFFSET + ConfigSpace.PCIE_DEVICE_CONTROL;
        if (flrCapable && dwordOffset == devctl
            && (shifted & lanes & ConfigSpace.PCIE_DEVCTL_INITIATE_FLR) != 0)
        {
            functionLevelReset();
        }
    }

    @Override
    public final long mmioRead(final int barIndex, final long offset, final int sizeBytes)
    {
        final long value = readMmio(barIndex, offset, sizeBytes);
        tracer.emit(TraceKind.MMIO_READ, -1, barIndex, offset, sizeBytes, value);
        return value;
    }

    private long readMmio(final int barIndex, final long offset, final int sizeBytes)
    {
        final long allOnes = sizeBytes == 4 ? 0xFFFF_FFFFL : -1L;
        if (!config.isMemorySpaceEnabled())
        {
            mmioIgnored.increment();
            return allOnes;
        }
        final BarRegisterFile bar = validBar(barIndex, offset, sizeBytes);
        if (bar == null)
        {
            invalidAccesses.increment();
            return allOnes;
        }
        final int off = (int)offset;
        if (offset + sizeBytes > bar.registerFileBytes())
        {
            return 0;
        }
        if (sizeBytes == 4)
        {
            return readDword(bar, off) & 0xFFFF_FFFFL;
        }
        final int region = bar.regionOf(off);
        if (bar.kindOf(region) == BarRegisterFile.KIND_COMPUTED)
        {
            return onComputedRead(barIndex, off, 8);
        }
        if ((off & 7) == 0 && bar.regionOf(off + 4) == region)
        {
            return bar.getLong(off);
        }
        return (readDword(bar, off) & 0xFFFF_FFFFL) | ((long)readDword(bar, off + 4) << 32);
    }

    @Override
    public final void mmioWrite(final int barIndex, final long offset, final int sizeBytes, final long value)
    {
        tracer.emit(TraceKind.MMIO_WRITE, -1, barIndex, offset, sizeBytes, value);
        if (!config.isMemorySpaceEnabled())
        {
            mmioIgnored.increment();
            return;
        }
        final BarRegisterFile bar = validBar(barIndex, offset, sizeBytes);
        if (bar == null)
        {
            invalidAccesses.increment();
            return;
        }
        if (offset + sizeBytes > bar.registerFileBytes())
        {
            return;
        }
        final int off = (int)offset;
        if (sizeBytes == 8 && (off & 7) == 0)
        {
            final int region = bar.regionOf(off);
            if (region < 0 && bar.regionOf(off + 4) < 0)
            {
                bar.putLong(off, value); // plain read/write qword: one atomic store
                return;
            }
        }
        writeDword(bar, off, (int)value);
        if (sizeBytes == 8)
        {
            writeDword(bar, off + 4, (int)(value >>> 32));
        }
    }

    @Override
    public final void connect(final DmaWindow dmaWindow, final MsiSink msiSink)
    {
        dma.window(dmaWindow);
        if (msix != null)
        {
            msix.sink(msiSink);
        }
    }

    @Override
    public final void disconnect()
    {
        dma.window(null);
        if (msix != null)
        {
            msix.sink(null);
        }
    }

    @Override
    public final void functionLevelReset()
    {
        config.reset();
        for (final BarRegisterFile bar : bars)
        {
            if (bar != null)
            {
                bar.reset();
            }
        }
        if (msix != null)
        {
            msix.clearDirty();
        }
        resets.increment();
        resetGeneration.incrementAndGet();
        tracer.emit(TraceKind.RESET, -1, 0, 0, 0, 0);
    }

    @Override
    public final SimAgent agent()
    {
        return agent;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Internals.

    private BarRegisterFile validBar(final int barIndex, final long offset, final int sizeBytes)
    {
        if (barIndex < 0 || barIndex >= ConfigSpace.BAR_COUNT || (sizeBytes != 4 && sizeBytes != 8))
        {
            return null;
        }
        final BarRegisterFile bar = bars[barIndex];
        if (bar == null || offset < 0 || (offset & 3) != 0 || offset > bar.sizeBytes() - sizeBytes)
        {
            return null;
        }
        return bar;
    }

    private int readDword(final BarRegisterFile bar, final int offset)
    {
        final int region = bar.regionOf(offset);
        if (bar.kindOf(region) == BarRegisterFile.KIND_COMPUTED)
        {
            return (int)onComputedRead(bar.barIndex(), offset, 4);
        }
        return bar.getInt(offset);
    }

    private void writeDword(final BarRegisterFile bar, final int offset, final int value)
    {
        final int region = bar.regionOf(offset);
        switch (bar.kindOf(region))
        {
            case BarRegisterFile.KIND_READ_WRITE:
                bar.maskedPutInt(offset, value, bar.writableMask(region, offset));
                break;

            case BarRegisterFile.KIND_DOORBELL:
                enqueueDoorbell(bar, offset, value);
                break;

            case BarRegisterFile.KIND_NOTIFY:
                bar.maskedPutInt(offset, value, bar.writableMask(region, offset));
                enqueueDoorbell(bar, offset, bar.getInt(offset));
                break;

            case BarRegisterFile.KIND_MSIX_TABLE:
                bar.maskedPutInt(offset, value, bar.writableMask(region, offset));
                if (((offset - msix.tableOffset()) & 15) == MsixTable.ENTRY_VECTOR_CONTROL_OFFSET)
                {
                    msix.markDirty();
                }
                break;

            default: // read-only, computed, PBA: host writes are ignored
                break;
        }
    }

    private void enqueueDoorbell(final BarRegisterFile bar, final int offset, final int value)
    {
        final int sequence = bar.latch(offset, value);
        if (doorbellRing.offer(bar.barIndex(), offset, resetGeneration.get(), sequence, value))
        {
            doorbells.increment();
        }
        else
        {
            doorbellOverflows.increment();
        }
    }

    private void defineConfigSpace(final Builder b)
    {
        final ConfigSpace c = config;
        c.define(ConfigSpace.VENDOR_ID_OFFSET, 2, b.vendorId, 0, 0);
        c.define(ConfigSpace.DEVICE_ID_OFFSET, 2, b.deviceId, 0, 0);
        c.define(ConfigSpace.COMMAND_OFFSET, 2, 0, ConfigSpace.COMMAND_WRITABLE_BITS, 0);
        c.define(ConfigSpace.STATUS_OFFSET, 2, ConfigSpace.STATUS_CAPABILITIES_LIST, 0,
            ConfigSpace.STATUS_WRITE_1_TO_CLEAR_BITS);
        c.define(ConfigSpace.REVISION_ID_OFFSET, 1, b.revision, 0, 0);
        c.define(ConfigSpace.CLASS_CODE_OFFSET, 1, b.classCode & 0xFF, 0, 0);
        c.define(ConfigSpace.CLASS_CODE_OFFSET + 1, 1, (b.classCode >>> 8) & 0xFF, 0, 0);
        c.define(ConfigSpace.CLASS_CODE_OFFSET + 2, 1, (b.classCode >>> 16) & 0xFF, 0, 0);
        c.define(ConfigSpace.CACHE_LINE_SIZE_OFFSET, 1, 0, 0xFF, 0);
        c.define(ConfigSpace.HEADER_TYPE_OFFSET, 1, 0, 0, 0);
        for (int i = 0; i < ConfigSpace.BAR_COUNT; i++)
        {
            final BarSpec bar = b.bars[i];
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
        c.define(ConfigSpace.SUBSYSTEM_VENDOR_ID_OFFSET, 2, b.effectiveSubsystemVendorId, 0, 0);
        c.define(ConfigSpace.SUBSYSTEM_ID_OFFSET, 2, b.effectiveSubsystemId, 0, 0);
        c.define(ConfigSpace.CAPABILITIES_POINTER_OFFSET, 1, ConfigSpace.PCIE_CAP_OFFSET, 0, 0);
        c.define(ConfigSpace.INTERRUPT_LINE_OFFSET, 1, 0, 0xFF, 0);
        c.define(ConfigSpace.INTERRUPT_PIN_OFFSET, 1, b.interruptPin, 0, 0);

        // Capability chain: PCI Express -> MSI-X (if any) -> power management (if asked).
        final int afterPcie = b.msixVectors > 0 ? ConfigSpace.MSIX_CAP_OFFSET
            : b.powerManagement ? ConfigSpace.PM_CAP_OFFSET : 0;
        final int pcie = ConfigSpace.PCIE_CAP_OFFSET;
        c.define(pcie, 1, ConfigSpace.CAP_ID_PCI_EXPRESS, 0, 0);
        c.define(pcie + 1, 1, afterPcie, 0, 0);
        c.define(pcie + ConfigSpace.PCIE_CAPABILITIES, 2, ConfigSpace.PCIE_CAPABILITIES_VALUE, 0, 0);
        c.define(pcie + ConfigSpace.PCIE_DEVICE_CAPABILITIES, 4,
            ConfigSpace.PCIE_DEVCAP_ROLE_BASED_ERROR | (b.flrCapable ? ConfigSpace.PCIE_DEVCAP_FLR : 0)
                | 0x1 /* max payload 256 B */, 0, 0);
        c.define(pcie + ConfigSpace.PCIE_DEVICE_CONTROL, 2, ConfigSpace.PCIE_DEVCTL_RESET_VALUE,
            ConfigSpace.PCIE_DEVCTL_WRITABLE_BITS, 0);
        c.define(pcie + ConfigSpace.PCIE_DEVICE_STATUS, 2, 0, 0, ConfigSpace.PCIE_DEVSTA_WRITE_1_TO_CLEAR_BITS);
        c.define(pcie + ConfigSpace.PCIE_LINK_CAPABILITIES, 4, ConfigSpace.PCIE_LINK_SPEED_WIDTH, 0, 0);
        c.define(pcie + ConfigSpace.PCIE_LINK_STATUS, 2, ConfigSpace.PCIE_LINK_SPEED_WIDTH, 0, 0);

        if (b.msixVectors > 0)
        {
            final int cap = ConfigSpace.MSIX_CAP_OFFSET;
            c.define(cap, 1, ConfigSpace.CAP_ID_MSIX, 0, 0);
            c.define(cap + 1, 1, b.powerManagement ? ConfigSpace.PM_CAP_OFFSET : 0, 0, 0);
            c.define(cap + ConfigSpace.MSIX_MESSAGE_CONTROL, 2, b.msixVectors - 1,
                ConfigSpace.MSIX_CONTROL_ENABLE | ConfigSpace.MSIX_CONTROL_FUNCTION_MASK, 0);
            c.define(cap + ConfigSpace.MSIX_TABLE_OFFSET_BIR, 4, b.msixTableOffset | b.msixTableBar, 0, 0);
            c.define(cap + ConfigSpace.MSIX_PBA_OFFSET_BIR, 4, b.msixPbaOffset | b.msixPbaBar, 0, 0);
        }
        if (b.powerManagement)
        {
            final int cap = ConfigSpace.PM_CAP_OFFSET;
            c.define(cap, 1, ConfigSpace.CAP_ID_POWER_MANAGEMENT, 0, 0);
            c.define(cap + 1, 1, 0, 0, 0);
            c.define(cap + ConfigSpace.PM_CAPABILITIES, 2, ConfigSpace.PM_CAPABILITIES_VALUE, 0, 0);
            c.define(cap + ConfigSpace.PM_CONTROL_STATUS, 2, ConfigSpace.PM_CSR_NO_SOFT_RESET,
                ConfigSpace.PM_CSR_POWER_STATE_MASK, ConfigSpace.PM_CSR_PME_STATUS);
        }
    }

    private static BarRegisterFile buildRegisterFile(final Builder b, final BarSpec spec)
    {
        final List<RegionSpec> regions = new ArrayList<>();
        for (final RegionSpec r : b.regions)
        {
            if (r.barIndex == spec.index)
            {
                regions.add(r);
            }
        }
        if (b.msixVectors > 0 && b.msixTableBar == spec.index)
        {
            regions.add(new RegionSpec(spec.index, b.msixTableOffset, b.msixVectors * MsixTable.ENTRY_LENGTH,
                BarRegisterFile.KIND_MSIX_TABLE, 0, "MSI-X table"));
        }
        if (b.msixVectors > 0 && b.msixPbaBar == spec.index)
        {
            regions.add(new RegionSpec(spec.index, b.msixPbaOffset, MsixTable.pbaLengthBytes(b.msixVectors),
                BarRegisterFile.KIND_MSIX_PBA, 0, "MSI-X PBA"));
        }
        regions.sort((x, y) -> Integer.compare(x.offset, y.offset));
        final int n = regions.size();
        final int[] start = new int[n];
        final int[] end = new int[n];
        final int[] kind = new int[n];
        final int[] mask = new int[n];
        for (int i = 0; i < n; i++)
        {
            final RegionSpec r = regions.get(i);
            start[i] = r.offset;
            end[i] = r.offset + r.lengthBytes;
            kind[i] = r.kind;
            mask[i] = r.writableMask;
        }

        final List<int[]> resets = new ArrayList<>();
        for (final ResetSpec r : b.resets)
        {
            if (r.barIndex == spec.index)
            {
                resets.add(new int[] {r.offset, r.value});
            }
        }
        if (b.msixVectors > 0 && b.msixTableBar == spec.index)
        {
            for (int v = 0; v < b.msixVectors; v++)
            {
                resets.add(new int[] {b.msixTableOffset + v * MsixTable.ENTRY_LENGTH
                    + MsixTable.ENTRY_VECTOR_CONTROL_OFFSET, MsixTable.VECTOR_CONTROL_MASK_BIT});
            }
        }
        final int[] resetOffsets = new int[resets.size()];
        final int[] resetValues = new int[resets.size()];
        for (int i = 0; i < resets.size(); i++)
        {
            resetOffsets[i] = resets.get(i)[0];
            resetValues[i] = resets.get(i)[1];
        }
        return new BarRegisterFile(spec.index, spec.sizeBytes, spec.is64Bit, spec.prefetchable,
            spec.registerFileBytes(), resetOffsets, resetValues, start, end, kind, mask);
    }

    /** The agent the host runs: reset, unmasked MSI-X, doorbells, then the device's own work. */
    private final class FunctionAgent implements SimAgent, MessageHandler
    {
        private int agentGeneration;
        private long overflowsSeen;

        @Override
        public void onStart()
        {
            onAgentStart();
        }

        @Override
        public int doWork()
        {
            int work = 0;
            final int generation = resetGeneration.get();
            if (generation != agentGeneration)
            {
                agentReset(generation);
                work++;
            }
            if (msix != null)
            {
                work += msix.deliverUnmaskedPending();
            }
            work += doorbellRing.drain(this);
            final long overflows = doorbellOverflows.get();
            if (overflows != overflowsSeen)
            {
                final long missed = overflows - overflowsSeen;
                overflowsSeen = overflows;
                work += replayLatchedDoorbells();
                onDoorbellOverflow(missed);
            }
            work += doDeviceWork();
            return work;
        }

        @Override
        public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            final int generation = buffer.getInt(index + DoorbellRing.GENERATION_OFFSET);
            if (generation != agentGeneration)
            {
                if (generation != resetGeneration.get())
                {
                    doorbellsDiscarded.increment(); // written before a reset
                    return;
                }
                agentReset(generation); // a reset happened during this drain; this record is newer than it
            }
            final int barIndex = buffer.getInt(index + DoorbellRing.BAR_INDEX_OFFSET);
            final int offset = buffer.getInt(index + DoorbellRing.OFFSET_OFFSET);
            if (!bars[barIndex].acceptDelivery(offset, buffer.getInt(index + DoorbellRing.SEQUENCE_OFFSET)))
            {
                doorbellsCoalesced.increment(); // a newer value of this register was already delivered
                return;
            }
            final int value = (int)buffer.getLong(index + DoorbellRing.VALUE_OFFSET);
            tracer.emit(TraceKind.DOORBELL, -1, barIndex, offset, value & 0xFFFF_FFFFL, 0);
            onDoorbell(barIndex, offset, value);
        }

        /** After an overflow: hands the device the newest value of every register written since its last one. */
        private int replayLatchedDoorbells()
        {
            int delivered = 0;
            for (final BarRegisterFile bar : bars)
            {
                if (bar == null)
                {
                    continue;
                }
                for (int i = 0, n = bar.latchDwords(); i < n; i++)
                {
                    final long word = bar.latchWord(i);
                    final int offset = bar.latchOffset(i);
                    if (bar.acceptDelivery(offset, (int)(word >>> 32)))
                    {
                        tracer.emit(TraceKind.DOORBELL, -1, bar.barIndex(), offset, word & 0xFFFF_FFFFL, 0);
                        onDoorbell(bar.barIndex(), offset, (int)word);
                        delivered++;
                    }
                }
            }
            return delivered;
        }

        private void agentReset(final int generation)
        {
            agentGeneration = generation;
            for (final BarRegisterFile bar : bars)
            {
                if (bar != null)
                {
                    bar.resetDeviceOwnedRegions();
                    bar.resetDeliveredSequences();
                }
            }
            onReset();
        }

        @Override
        public long nextDeadlineNs()
        {
            return deviceNextDeadlineNs();
        }

        @Override
        public void onClose()
        {
            onAgentClose();
        }

        @Override
        public String roleName()
        {
            return name;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Builder.

    /**
     * Everything that shapes a function, validated in one place ({@link PciFunction}'s constructor) with one-line
     * messages naming the offending value and the accepted range. Offsets and lengths of register regions are in
     * bytes within the BAR, dword-aligned; regions of one BAR must not overlap each other or the MSI-X table/PBA.
     */
    public static final class Builder
    {
        private static final int MAX_REGISTER_FILE_BYTES = 64 << 20;

        private String name;
        private int vendorId = -1;
        private int deviceId = -1;
        private int classCode;
        private int revision;
        private int subsystemVendorId = -1;
        private int subsystemId = -1;
        private int effectiveSubsystemVendorId;
        private int effectiveSubsystemId;
        private int interruptPin = 1;
        private boolean powerManagement;
        private boolean flrCapable = true;
        private final BarSpec[] bars = new BarSpec[ConfigSpace.BAR_COUNT];
        private final List<BarSpec> barRequests = new ArrayList<>();
        private final List<int[]> registerFileRequests = new ArrayList<>();
        private int msixVectors;
        private int msixTableBar;
        private int msixTableOffset;
        private int msixPbaBar;
        private int msixPbaOffset;
        private final List<RegionSpec> regions = new ArrayList<>();
        private final List<ResetSpec> resets = new ArrayList<>();
        private int doorbellRingRecords = 1024;
        private CounterRegistry registry;
        private MetricTags tags = MetricTags.EMPTY;

        private Builder()
        {
        }

        /** Agent role name and log name; default "pci-vvvv:dddd". */
        public Builder name(final String name)
        {
            this.name = name;
            return this;
        }

        public Builder vendorId(final int vendorId)
        {
            this.vendorId = vendorId;
            return this;
        }

        public Builder deviceId(final int deviceId)
        {
            this.deviceId = deviceId;
            return this;
        }

        /** 24-bit class code: base class, subclass, programming interface (0x010802 = NVMe). */
        public Builder classCode(final int classCode)
        {
            this.classCode = classCode;
            return this;
        }

        public Builder revision(final int revision)
        {
            this.revision = revision;
            return this;
        }

        /** Subsystem vendor and id; default the vendor and device id. */
        public Builder subsystem(final int subsystemVendorId, final int subsystemId)
        {
            this.subsystemVendorId = subsystemVendorId;
            this.subsystemId = subsystemId;
            return this;
        }

        /** Interrupt pin register: 0 none, 1..4 INTA..INTD (no INTx is modelled; default 1). */
        public Builder interruptPin(final int interruptPin)
        {
            this.interruptPin = interruptPin;
            return this;
        }

        /** Adds a power management capability (D0/D3hot, No_Soft_Reset). Default off. */
        public Builder powerManagement(final boolean powerManagement)
        {
            this.powerManagement = powerManagement;
            return this;
        }

        /** Whether the PCI Express capability advertises function level reset. Default true. */
        public Builder flrCapable(final boolean flrCapable)
        {
            this.flrCapable = flrCapable;
            return this;
        }

        /** A 32-bit, non-prefetchable memory BAR. */
        public Builder memoryBar(final int barIndex, final long sizeBytes)
        {
            return memoryBar(barIndex, sizeBytes, false, false);
        }

        /** A memory BAR; a 64-bit BAR also takes index {@code barIndex + 1}. */
        public Builder memoryBar(
            final int barIndex, final long sizeBytes, final boolean is64Bit, final boolean prefetchable)
        {
            barRequests.add(new BarSpec(barIndex, sizeBytes, is64Bit, prefetchable));
            return this;
        }

        /** Backs only the first {@code bytes} of a (large) BAR with a register file; default the BAR's size. */
        public Builder registerFileBytes(final int barIndex, final int bytes)
        {
            registerFileRequests.add(new int[] {barIndex, bytes});
            return this;
        }

        /**
         * MSI-X with {@code vectorCount} vectors (1..2048), the table at {@code tableOffset} in BAR
         * {@code tableBar} and the PBA at {@code pbaOffset} in BAR {@code pbaBar} (offsets 8-byte aligned).
         */
        public Builder msix(
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
        public Builder readOnly(final int barIndex, final int offset, final int lengthBytes)
        {
            regions.add(new RegionSpec(barIndex, offset, lengthBytes, BarRegisterFile.KIND_READ_ONLY, 0,
                "read-only"));
            return this;
        }

        /** Read/write registers of which the host can change only {@code writableMask}'s bits (per dword). */
        public Builder writableBits(final int barIndex, final int offset, final int lengthBytes, final int writableMask)
        {
            regions.add(new RegionSpec(barIndex, offset, lengthBytes, BarRegisterFile.KIND_READ_WRITE, writableMask,
                "writable-bits"));
            return this;
        }

        /** Doorbells: host writes go to the agent through the ring and do not change the register file. */
        public Builder doorbells(final int barIndex, final int offset, final int lengthBytes)
        {
            regions.add(new RegionSpec(barIndex, offset, lengthBytes, BarRegisterFile.KIND_DOORBELL, 0, "doorbell"));
            return this;
        }

        /** Stored like read/write registers and also queued to the agent (e.g. a control register). */
        public Builder notifyOnWrite(final int barIndex, final int offset, final int lengthBytes)
        {
            regions.add(new RegionSpec(barIndex, offset, lengthBytes, BarRegisterFile.KIND_NOTIFY, -1,
                "notify-on-write"));
            return this;
        }

        /** Registers whose host reads call {@link PciFunction#onComputedRead}; host writes are ignored. */
        public Builder computed(final int barIndex, final int offset, final int lengthBytes)
        {
            regions.add(new RegionSpec(barIndex, offset, lengthBytes, BarRegisterFile.KIND_COMPUTED, 0, "computed"));
            return this;
        }

        /** Reset value of the 32-bit register at {@code offset} (registers default to 0). */
        public Builder resetValue32(final int barIndex, final int offset, final int value)
        {
            resets.add(new ResetSpec(barIndex, offset, value));
            return this;
        }

        /** Reset value of the 64-bit register at {@code offset} (two dwords, low first). */
        public Builder resetValue64(final int barIndex, final int offset, final long value)
        {
            resets.add(new ResetSpec(barIndex, offset, (int)value));
            resets.add(new ResetSpec(barIndex, offset + 4, (int)(value >>> 32)));
            return this;
        }

        /** Doorbell ring size in records (16..65536, default 1024); a write that finds it full is counted. */
        public Builder doorbellRingCapacity(final int records)
        {
            this.doorbellRingRecords = records;
            return this;
        }

        /** Where the function's counters live (default: unregistered counters). */
        public Builder counters(final CounterRegistry registry, final MetricTags tags)
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
