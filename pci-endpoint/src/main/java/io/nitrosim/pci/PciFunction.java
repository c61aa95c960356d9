package io.nitrosim.pci;

import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.pci.trace.Tracer;
import io.nitrosim.time.SimAgent;
import io.nitrosim.time.Wake;

/**
 * Base class of every device model: a PCI Express endpoint function with a type-0 configuration space
 * ({@link ConfigSpace}), memory BARs backed by register files ({@link BarRegisterFile}), MSI-X
 * ({@link MsixTable}), a bus-master port ({@link DmaPort}) and a doorbell ring that carries MMIO writes to the
 * device agent, so that device state has exactly one owner: the agent.
 * <p>
 * A device model extends this class, passes a {@link PciFunctionBuilder} to the constructor (validated in one place) and
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
 * {@link PciFunctionBuilder#doorbellRingCapacity(int)} records (default 1024, far more than a driver writes between two
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
    final String name;
    private final int vendorId;
    private final int deviceId;
    private final int classCode;
    private final ConfigSpace config;
    final BarRegisterFile[] bars = new BarRegisterFile[ConfigSpace.BAR_COUNT];
    final MsixTable msix;
    private final DmaPort dma;
    final DoorbellRing doorbellRing;
    private final boolean flrCapable;
    final AtomicInteger resetGeneration = new AtomicInteger();
    private final AtomicCounter mmioIgnored;
    private final AtomicCounter invalidAccesses;
    private final AtomicCounter doorbells;
    final AtomicCounter doorbellOverflows;
    final AtomicCounter doorbellsDiscarded;
    final AtomicCounter doorbellsCoalesced;
    private final AtomicCounter resets;
    private final FunctionAgent agent = new FunctionAgent(this);
    /** The agent's own wake (a runtime that skips idle agents binds it; others leave NONE). */
    Wake agentWake = Wake.NONE;
    Tracer tracer = Tracer.OFF;

    /** Builds the function; all builder input is validated here, bad input throws IllegalArgumentException. */
    protected PciFunction(final PciFunctionBuilder builder)
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
        builder.defineConfigSpace(config);
        config.reset();

        for (int i = 0; i < ConfigSpace.BAR_COUNT; i++)
        {
            bars[i] = builder.buildRegisterFile(i);
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

    /** A builder of the function's PCI shape (ids, BARs, register regions, MSI-X), for the constructor. */
    public static PciFunctionBuilder builder()
    {
        return new PciFunctionBuilder();
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

    /**
     * The {@link Wake} of the ownership group the function's agent runs in, or later the agent's own (which wakes the
     * group too) from a runtime that skips idle agents: give it, as consumer and producer, to the channels the device
     * shares with agents outside that group (a card's rings), replacing the one given before. Default: nothing.
     */
    protected void onBindWake(final Wake wake)
    {
    }

    /**
     * Whether every input the device takes from outside its group arrives through a channel that wakes the group
     * ({@link SimAgent#wakesOnInput()}); the base's own inputs (doorbells, resets, MSI-X) come from the guest in
     * the same group. Default: false (called in every pass).
     */
    protected boolean deviceWakesOnInput()
    {
        return false;
    }

    /**
     * Whether the device, having done no work in its last pass, does nothing until an input reaches it or its
     * {@link #deviceNextDeadlineNs() deadline} comes: then the agent sleeps while its group works ({@link
     * SimAgent#idleUntilWoken()}), woken by the guest's MMIO and config writes, resets, and the channels {@link
     * #onBindWake} was given. A device that polls anything else keeps the default: false.
     */
    protected boolean deviceIdleUntilWoken()
    {
        return false;
    }

    /** For input that reaches the device by a direct call (e.g. a link going down): its agent runs again. */
    protected final void wakeAgent()
    {
        agentWake.wake();
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
        agentWake.wake();
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
        agentWake.wake(); // any register write may be input its device looks at
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
        agentWake.wake();
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
}
