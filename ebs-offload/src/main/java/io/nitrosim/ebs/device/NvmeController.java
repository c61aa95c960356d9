package io.nitrosim.ebs.device;

import org.HdrHistogram.Histogram;

import io.nitrosim.ebs.nvme.DatasetManagementRange;
import io.nitrosim.ebs.nvme.NvmeRegisters;
import io.nitrosim.ebs.shaping.VolumeShaping;
import io.nitrosim.ebs.volume.VolumeServiceTimer;
import io.nitrosim.ebs.volume.VolumeSpec;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.pci.PciFunction;
import io.nitrosim.pci.queue.HandoffLayout;
import io.nitrosim.pci.queue.HandoffRing;
import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.shaping.ShapedRing;
import io.nitrosim.shaping.ShapingGate;
import io.nitrosim.time.SimAgent;
import io.nitrosim.time.Wake;

/**
 * The EBS NVMe controller of one attached volume: a PCI function 1d0f:8061, class 010802 (the identity EBS
 * volumes show on Nitro instances), whose agent handles the register file, doorbells, admin commands and command
 * fetch; the data path of its I/O
 * runs through a per-volume {@link ShapedRing} of {@link StorageRequest}s consumed by the instance's
 * {@link EbsCard}, which sees only its {@link VolumePort}. Its parts: the queues and interrupt vectors
 * ({@link NvmeQueues}), the admin command set ({@link NvmeAdmin}), the I/O path ({@link NvmeIo}, with
 * {@link CommandSlots} and {@link PrpResolver}), the log pages ({@link NvmeLogs}); this class holds the registers
 * and the CC.EN / CSTS lifecycle.
 * <p>
 * <b>BAR0</b> (16 KiB, 64-bit): NVMe registers at 0 (CAP: MQES 1023, CQR 1, TO 20 x 500 ms, DSTRD 0, CSS NVM,
 * MPSMIN = MPSMAX = 0 (4 KiB pages); VS 1.4.0; INTMS/INTMC stored only (reserved with MSI-X); CC notifies the
 * agent; CSTS read-only; AQA/ASQ/ACQ plain registers), doorbells from 0x1000 (stride 4), MSI-X table at 0x2000
 * ({@link #MAX_IO_QUEUES} + 1 vectors: vector 0 for the admin CQ, one per I/O CQ as the host chooses), PBA at
 * 0x3000.
 * <p>
 * <b>Lifecycle.</b> CC.EN 0 -> 1 checks AQA/ASQ/ACQ, CC.MPS and CC.CSS (bad values set CSTS.CFS) and sets
 * CSTS.RDY; CC.EN 1 -> 0 deletes every queue, forgets in-flight commands (their data-path records still drain,
 * their completions are dropped) and clears CSTS; a function level reset does the same. CC.SHN sets CSTS.SHST
 * to complete at once and stops command fetch. CSTS.CFS is set when the controller cannot report an error
 * through a completion: a refused DMA on the admin queues (or on any queue's entry fetch / completion post).
 * <p>
 * <b>Admin commands:</b> Identify (CNS 0 namespace, 1 controller with the EBS identity and the device name at
 * byte 3072, 2 active namespace list), Create/Delete I/O SQ and CQ, Get/Set Features (number of queues,
 * interrupt coalescing (stored, not applied), arbitration, power management, temperature threshold, async event
 * config; volatile write cache: none), Get Log Page (error information, SMART/health, firmware slot), Abort
 * (an I/O command in the data path completes with Command Abort Requested, DW0 bit 0 clear; any other is not
 * aborted, DW0 bit 0 set), Asynchronous Event Request (held until reset; none are generated).
 * <p>
 * <b>I/O commands:</b> Read, Write, Flush, Dataset Management (deallocate) on namespace 1. Checks in order:
 * opcode, FUSE/PSDT (invalid field), namespace, LBA range, transfer size against MDTS (invalid field), PRP
 * offsets (PRP offset invalid), PRP list fetch and write data DMA (data transfer error). A command that passes
 * gets a slot and a shaped-ring record ({@code readyAtNs} = now + the volume's service time); the card completes
 * it through the completion ring with a storage status, which the controller maps to NVMe's. Commands stay in
 * their SQ (back-pressure) while no slot or ring space is free.
 * Errors carry DNR and are logged in the error log page.
 * <p>
 * <b>Counters</b> (registry names, tags {@code instance}, {@code volume}): {@code ebs.read.ops},
 * {@code ebs.read.bytes}, {@code ebs.write.ops}, {@code ebs.write.bytes} (successful completions),
 * {@code ebs.flush.ops}, {@code ebs.trim.ops}, {@code ebs.io.errors} (I/O completions with an error status),
 * {@code ebs.admin.commands}, {@code ebs.doorbell.invalid}, {@code ebs.controller.fatal}; gauge
 * {@code ebs.queue.depth} (commands in flight); the shaped ring's {@code ring.*} counters. Latency histogram:
 * {@link #latencyHistogram()} (fetch to completion post, ns).
 * <p>
 * Threads: everything here runs on the controller's agent, except the shaped-ring consumer and the completion
 * ring producer, which belong to the card's agent.
 */
public final class NvmeController extends PciFunction
{
    public static final int VENDOR_ID = 0x1d0f;
    public static final int DEVICE_ID = 0x8061;
    public static final int CLASS_CODE = 0x010802;
    public static final int BAR0_SIZE = 16 * 1024;
    /** I/O queue pairs a host may create (queue ids 1..MAX_IO_QUEUES). */
    public static final int MAX_IO_QUEUES = 32;
    public static final int MSIX_VECTORS = MAX_IO_QUEUES + 1;
    public static final int MSIX_TABLE_OFFSET = 0x2000;
    public static final int MSIX_PBA_OFFSET = 0x3000;
    /** Largest queue (CAP.MQES + 1). */
    public static final int MAX_QUEUE_ENTRIES = 1024;
    public static final int PAGE_SIZE = 4096;
    /** MDTS = 6: 2^6 pages of 4 KiB = 256 KiB per command. */
    public static final int MDTS = 6;
    public static final int MAX_TRANSFER_BYTES = PAGE_SIZE << MDTS;
    public static final int CAP_TIMEOUT_500MS = 20;
    public static final long CAP_VALUE = NvmeRegisters.encodeCap(MAX_QUEUE_ENTRIES, true, CAP_TIMEOUT_500MS, 0, 0, 0);
    public static final int VS_VALUE = NvmeRegisters.encodeVersion(1, 4, 0);
    public static final int ERROR_LOG_ENTRIES = NvmeLogs.ENTRIES;
    public static final int ASYNC_EVENT_LIMIT = NvmeAdmin.ASYNC_EVENT_LIMIT;
    public static final int ABORT_LIMIT = NvmeAdmin.ABORT_LIMIT;
    /** Commands in flight per controller (slots). */
    public static final int MAX_SLOTS = 1024;

    // ---- identity and wiring
    private final int index;
    private final VolumeSpec spec;
    private final String deviceName;
    private final int lbaShift;
    private final long namespaceBlocks;
    private final VolumeShaping volumeShaping;
    private final VolumePort port;
    private final NvmeRegisters registers = new NvmeRegisters();
    private final NvmeMeters meters;
    private final NvmeQueues queues;
    private final NvmeIo io;
    private final NvmeAdmin admin;

    // ---- controller state (agent)
    private boolean enabled;
    private boolean fatal;
    private boolean shutdown;

    NvmeController(
        final EbsCard card,
        final int index,
        final VolumeSpec spec,
        final String deviceName,
        final boolean timingOnly,
        final int blockSizeBytes,
        final VolumeShaping volumeShaping,
        final ShapingGate gate,
        final VolumeServiceTimer serviceTimer,
        final int ringCapacityBytes,
        final int doneRingCapacityBytes,
        final CounterRegistry registry,
        final MetricTags tags)
    {
        super(PciFunction.builder()
            .name("nvme-" + spec.volumeId())
            .vendorId(VENDOR_ID).deviceId(DEVICE_ID).classCode(CLASS_CODE).subsystem(VENDOR_ID, DEVICE_ID)
            .memoryBar(0, BAR0_SIZE, true, false)
            .msix(MSIX_VECTORS, 0, MSIX_TABLE_OFFSET, 0, MSIX_PBA_OFFSET)
            .readOnly(0, NvmeRegisters.CAP_OFFSET, 12)
            .resetValue64(0, NvmeRegisters.CAP_OFFSET, CAP_VALUE)
            .resetValue32(0, NvmeRegisters.VS_OFFSET, VS_VALUE)
            .notifyOnWrite(0, NvmeRegisters.CC_OFFSET, 4)
            .readOnly(0, 0x18, 8) // reserved 0x18 and CSTS 0x1C
            .readOnly(0, NvmeRegisters.NSSR_OFFSET, 4)
            .doorbells(0, NvmeRegisters.DOORBELL_BASE_OFFSET, 0x1000)
            .counters(registry, tags));
        this.index = index;
        this.spec = spec;
        this.deviceName = deviceName;
        this.lbaShift = blockSizeBytes == 4096 ? 12 : 9;
        this.namespaceBlocks = spec.sizeBytes() >> lbaShift;
        this.volumeShaping = volumeShaping;
        this.registers.wrap(registers(0).buffer(), 0);
        final int maxPayload = StorageRequest.DATA_OFFSET
            + Math.max(timingOnly ? 0 : MAX_TRANSFER_BYTES,
            DatasetManagementRange.MAX_RANGES * StorageRequest.RANGE_LENGTH);
        final ShapedRing ring = ShapedRing.builder("ebs-" + spec.volumeId())
            .capacityBytes(ringCapacityBytes).maxPayloadBytes(maxPayload).gate(gate).counters(registry, tags).build();
        final HandoffRing completions = new HandoffRing(doneRingCapacityBytes, HandoffLayout.COMPLETION);
        if (!timingOnly && completions.maxPayloadBytes() < MAX_TRANSFER_BYTES)
        {
            throw new IllegalArgumentException("done ring capacity " + doneRingCapacityBytes
                + " B is too small for " + MAX_TRANSFER_BYTES + " B reads: accepted >= 4 MiB in data mode");
        }
        this.port = new VolumePort(index, spec.volumeId(), timingOnly, ring, completions, this);
        this.meters = new NvmeMeters(registry, tags);
        final NvmeLogs logs = new NvmeLogs();
        final PrpResolver prps = new PrpResolver(PAGE_SIZE, dma());
        this.queues = new NvmeQueues(this, logs);
        this.io = new NvmeIo(this, queues, logs, meters, prps, port, serviceTimer, card.clock(), lbaShift,
            namespaceBlocks);
        this.admin = new NvmeAdmin(this, queues, io, logs, meters, prps);
        EbsMeter.QUEUE_DEPTH.newGauge(registry, tags, this::queueDepth);
        admin.identify(spec, deviceName, index, namespaceBlocks, lbaShift);
        resetController();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Public view.

    public VolumeSpec volumeSpec()
    {
        return spec;
    }

    public String deviceName()
    {
        return deviceName;
    }

    /** Timing-only: no data DMA and no backend I/O, only timing and completions. */
    public boolean timingOnly()
    {
        return port.timingOnly();
    }

    public int blockSizeBytes()
    {
        return 1 << lbaShift;
    }

    public long namespaceBlocks()
    {
        return namespaceBlocks;
    }

    /** The per-volume shaped ring of storage requests (its counters: admitted/throttled records and bytes). */
    public ShapedRing ring()
    {
        return port.requests();
    }

    public VolumeShaping volumeShaping()
    {
        return volumeShaping;
    }

    /** Commands fetched and not yet completed. */
    public long queueDepth()
    {
        return io.inFlight();
    }

    /**
     * The guest-physical address of a data page under a command in flight (the first PRP segment of the lowest slot
     * that moves data), or -1 when none is: what a DMA fault unmaps. Read between steps of the controller's agent.
     */
    public long inFlightDataAddress()
    {
        return io.inFlightDataAddress();
    }

    /** Commands in flight that carry a storage latency added by a fault ({@link EbsCard#addStorageLatency}). */
    public long delayedInFlight()
    {
        return io.delayedInFlight();
    }

    /**
     * Fetch-to-completion latency in ns of I/O commands that went through the data path. Written by the
     * controller's agent: read it when the agent is not running (virtual time between steps, or after a run).
     */
    public Histogram latencyHistogram()
    {
        return io.latency();
    }

    public long readOps()
    {
        return meters.readOps.get();
    }

    public long readBytes()
    {
        return meters.readBytes.get();
    }

    public long writeOps()
    {
        return meters.writeOps.get();
    }

    public long writeBytes()
    {
        return meters.writeBytes.get();
    }

    public long ioErrors()
    {
        return meters.ioErrors.get();
    }

    public long invalidDoorbells()
    {
        return meters.invalidDoorbells.get();
    }

    public boolean isFatal()
    {
        return fatal;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The card's side and the controller's parts (package).

    int index()
    {
        return index;
    }

    /** What the card sees of this volume: its request and completion rings and its epoch. */
    VolumePort port()
    {
        return port;
    }

    /** The controller cannot report an error through a completion: CSTS.CFS. */
    void setFatal()
    {
        if (!fatal)
        {
            fatal = true;
            meters.fatalErrors.increment();
        }
        publishStatus();
    }

    // ---------------------------------------------------------------------------------------------------------
    // PciFunction hooks.

    @Override
    protected void onDoorbell(final int barIndex, final int offset, final int value)
    {
        if (offset == NvmeRegisters.CC_OFFSET)
        {
            onControllerConfiguration(value);
            return;
        }
        final int qid = NvmeRegisters.doorbellQueueId(offset, 0);
        final boolean valid = qid >= 0 && qid <= NvmeQueues.MAX_QID && enabled
            && (NvmeRegisters.isCompletionQueueDoorbell(offset, 0) ? queues.cqHeadDoorbell(qid, value)
            : queues.sqTailDoorbell(qid, value));
        if (!valid)
        {
            meters.invalidDoorbells.increment();
        }
    }

    @Override
    protected void onReset()
    {
        resetController();
    }

    @Override
    protected int doDeviceWork()
    {
        if (!enabled || fatal)
        {
            return 0;
        }
        int work = io.drainCompletions();
        if (!shutdown)
        {
            work += admin.process();
            work += io.fetch();
        }
        queues.fireInterrupts();
        return work;
    }

    @Override
    protected void onBindWake(final Wake wake)
    {
        port.bindWakes(null, wake);
    }

    /** Its outside input is the EBS card's: completions on the port's hand-off and room in its request ring. */
    @Override
    protected boolean deviceWakesOnInput()
    {
        return true;
    }

    /**
     * Idle, it waits for input as an NVMe controller does (it fetches commands on SQ tail doorbells): doorbells and
     * register writes, the card's completions and room in its request ring. It has no timers.
     */
    @Override
    protected boolean deviceIdleUntilWoken()
    {
        return true;
    }

    @Override
    protected long deviceNextDeadlineNs()
    {
        return SimAgent.NO_DEADLINE;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Controller configuration and reset.

    private void onControllerConfiguration(final int cc)
    {
        final boolean en = NvmeRegisters.ccEnabled(cc);
        if (en && !enabled)
        {
            if (fatal)
            {
                return;
            }
            final int aqa = registers.aqa();
            final long asq = registers.asq();
            final long acq = registers.acq();
            final int mps = (cc >>> NvmeRegisters.CC_MPS_SHIFT) & NvmeRegisters.CC_MPS_MASK;
            final int asqs = NvmeRegisters.aqaSubmissionQueueEntries(aqa);
            final int acqs = NvmeRegisters.aqaCompletionQueueEntries(aqa);
            if (mps != 0 || NvmeRegisters.ccCommandSet(cc) != 0 || asqs < 2 || acqs < 2
                || (asq & (PAGE_SIZE - 1)) != 0 || (acq & (PAGE_SIZE - 1)) != 0 || asq < 0 || acq < 0)
            {
                setFatal();
                return;
            }
            queues.enable(asq, asqs, acq, acqs, cc);
            enabled = true;
            shutdown = false;
            publishStatus();
        }
        else if (!en && (enabled || fatal))
        {
            resetController();
        }
        else if (en)
        {
            queues.entrySizes(cc);
            if (NvmeRegisters.ccShutdownNotification(cc) != NvmeRegisters.CC_SHN_NONE)
            {
                shutdown = true;
                publishStatus();
            }
        }
    }

    private void publishStatus()
    {
        registers.csts(NvmeRegisters.encodeCsts(enabled && !fatal, fatal,
            shutdown ? NvmeRegisters.CSTS_SHST_COMPLETE : NvmeRegisters.CSTS_SHST_NORMAL));
        tracer().emit(TraceKind.STATE, -1, registers.csts(), 0, 0, 0);
    }

    /** Controller reset (CC.EN 1 -> 0, FLR, construction): queues deleted, in-flight commands forgotten. */
    private void resetController()
    {
        port.newEpoch();
        enabled = false;
        fatal = false;
        shutdown = false;
        queues.clear();
        admin.reset();
        io.reset();
        publishStatus();
    }
}
