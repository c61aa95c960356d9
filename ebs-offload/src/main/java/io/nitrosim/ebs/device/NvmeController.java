package io.nitrosim.ebs.device;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.ebs.nvme.CompletionQueueEntry;
import io.nitrosim.ebs.nvme.DatasetManagementRange;
import io.nitrosim.ebs.nvme.IdentifyController;
import io.nitrosim.ebs.nvme.IdentifyNamespace;
import io.nitrosim.ebs.nvme.LogPages;
import io.nitrosim.ebs.nvme.NvmeOpcodes;
import io.nitrosim.ebs.nvme.NvmeRegisters;
import io.nitrosim.ebs.nvme.NvmeStatus;
import io.nitrosim.ebs.nvme.Prp;
import io.nitrosim.ebs.nvme.SubmissionQueueEntry;
import io.nitrosim.ebs.shaping.VolumeShaping;
import io.nitrosim.ebs.volume.VolumeServiceTimer;
import io.nitrosim.ebs.volume.VolumeSpec;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.pci.DmaPort;
import io.nitrosim.pci.PciFunction;
import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.shaping.ShapedRing;
import io.nitrosim.shaping.ShapingGate;
import io.nitrosim.time.SimAgent;

/**
 * The EBS NVMe controller of one attached volume: a PCI function 1d0f:8061, class 010802 (facts.md section 4),
 * whose agent handles the register file, doorbells, admin commands and command fetch; the data path of its I/O
 * runs through a per-volume {@link ShapedRing} consumed by the instance's {@link EbsCard}.
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
 * (never aborts), Asynchronous Event Request (held until reset; none are generated).
 * <p>
 * <b>I/O commands:</b> Read, Write, Flush, Dataset Management (deallocate) on namespace 1. Checks in order:
 * opcode, FUSE/PSDT (invalid field), namespace, LBA range, transfer size against MDTS (invalid field), PRP
 * offsets (PRP offset invalid), PRP list fetch and write data DMA (data transfer error). A command that passes
 * gets a slot and a shaped-ring record ({@code readyAtNs} = now + the volume's service time); the card completes
 * it through the done ring. Commands stay in their SQ (back-pressure) while no slot or ring space is free.
 * Errors carry DNR and are logged in the error log page.
 * <p>
 * <b>Counters</b> (registry names, tags {@code instance}, {@code volume}): {@code ebs.read.ops},
 * {@code ebs.read.bytes}, {@code ebs.write.ops}, {@code ebs.write.bytes} (successful completions),
 * {@code ebs.flush.ops}, {@code ebs.trim.ops}, {@code ebs.io.errors} (I/O completions with an error status),
 * {@code ebs.admin.commands}, {@code ebs.doorbell.invalid}, {@code ebs.controller.fatal}; gauge
 * {@code ebs.queue.depth} (commands in flight); the shaped ring's {@code ring.*} counters. Latency histogram:
 * {@link #latencyHistogram()} (fetch to completion post, ns).
 * <p>
 * Threads: everything here runs on the controller's agent, except the shaped-ring consumer and the done-ring
 * producer, which belong to the card's agent.
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
    public static final int ERROR_LOG_ENTRIES = 64;
    public static final int ASYNC_EVENT_LIMIT = 4;
    public static final int ABORT_LIMIT = 4;
    /** Commands in flight per controller (slots). */
    public static final int MAX_SLOTS = 1024;

    private static final int MAX_QID = MAX_IO_QUEUES;
    private static final int FETCH_BURST = 32;
    private static final int MAX_PRP_ENTRIES = (MAX_TRANSFER_BYTES / PAGE_SIZE) + 1;
    private static final int SLOT_FREE = 0;
    private static final int SLOT_BUSY = 1;
    private static final int SLOT_ABANDONED = 2;
    private static final int DNR = NvmeStatus.DO_NOT_RETRY;

    // ---- identity and wiring
    private final EbsCard card;
    private final int index;
    private final VolumeSpec spec;
    private final String deviceName;
    private final boolean timingOnly;
    private final int lbaShift;
    private final long namespaceBlocks;
    private final VolumeShaping volumeShaping;
    private final VolumeServiceTimer serviceTimer;
    private final ShapedRing ring;
    private final OneToOneRingBuffer doneRing;
    private final org.agrona.concurrent.NanoClock clock;
    volatile int generation;

    // ---- scratch
    private final UnsafeBuffer sqeBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(SubmissionQueueEntry.LENGTH));
    private final UnsafeBuffer cqeBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(CompletionQueueEntry.LENGTH));
    private final UnsafeBuffer pageBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(PAGE_SIZE));
    private final UnsafeBuffer identifyController = new UnsafeBuffer(ByteBuffer.allocateDirect(PAGE_SIZE));
    private final UnsafeBuffer identifyNamespace = new UnsafeBuffer(ByteBuffer.allocateDirect(PAGE_SIZE));
    private final UnsafeBuffer errorLog = new UnsafeBuffer(ByteBuffer.allocateDirect(ERROR_LOG_ENTRIES * LogPages.ERROR_ENTRY_LENGTH));
    private final UnsafeBuffer dsmBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(DatasetManagementRange.MAX_RANGES * DatasetManagementRange.LENGTH));
    private final SubmissionQueueEntry sqe = new SubmissionQueueEntry();
    private final CompletionQueueEntry cqe = new CompletionQueueEntry();
    private final DatasetManagementRange dsmRange = new DatasetManagementRange();
    private final long[] prpScratch = new long[MAX_PRP_ENTRIES];
    private final int[] prpLenScratch = new int[MAX_PRP_ENTRIES];
    private final long[] metaPrp = new long[PAGE_SIZE / 8 + 2];
    private final int[] metaPrpLen = new int[PAGE_SIZE / 8 + 2];
    private int prpCount;
    private int prpStatus;

    // ---- controller state (agent)
    private boolean enabled;
    private boolean fatal;
    private boolean shutdown;
    private int ioSqEntryShift;
    private int ioCqEntryShift;
    private int allocatedSqs;
    private int allocatedCqs;
    private boolean queuesAllocatedBySetFeatures;
    private int interruptCoalescing;
    private int arbitration;
    private int powerManagement;
    private int temperatureThreshold = 0x0157; // 343 K
    private int asyncEventConfig;
    private int outstandingAsyncEvents;
    private long errorCount;
    private int errorLogNext;

    private final long[] sqBase = new long[MAX_QID + 1];
    private final int[] sqSize = new int[MAX_QID + 1];
    private final int[] sqHead = new int[MAX_QID + 1];
    private final int[] sqTail = new int[MAX_QID + 1];
    private final int[] sqCq = new int[MAX_QID + 1];
    private final boolean[] sqValid = new boolean[MAX_QID + 1];
    private final long[] cqBase = new long[MAX_QID + 1];
    private final int[] cqSize = new int[MAX_QID + 1];
    private final int[] cqHead = new int[MAX_QID + 1];
    private final int[] cqTail = new int[MAX_QID + 1];
    private final boolean[] cqPhase = new boolean[MAX_QID + 1];
    private final int[] cqVector = new int[MAX_QID + 1];
    private final boolean[] cqIen = new boolean[MAX_QID + 1];
    private final boolean[] cqValid = new boolean[MAX_QID + 1];
    private final int[] cqUsers = new int[MAX_QID + 1];
    private final boolean[] cqInterrupt = new boolean[MAX_QID + 1];
    private int nextIoSq = 1;

    // ---- slots
    private final int[] slotState = new int[MAX_SLOTS];
    private final int[] slotSq = new int[MAX_SLOTS];
    private final int[] slotCid = new int[MAX_SLOTS];
    private final int[] slotOpcode = new int[MAX_SLOTS];
    private final long[] slotLba = new long[MAX_SLOTS];
    private final int[] slotBytes = new int[MAX_SLOTS];
    private final long[] slotStartNs = new long[MAX_SLOTS];
    private final int[] slotPrpCount = new int[MAX_SLOTS];
    private final long[] slotPrp = new long[MAX_SLOTS * MAX_PRP_ENTRIES];
    private final int[] slotPrpLen = new int[MAX_SLOTS * MAX_PRP_ENTRIES];
    private final int[] freeSlots = new int[MAX_SLOTS];
    private int freeCount;
    private int inFlight;

    // ---- statistics
    private long dataUnitsReadBytes;
    private long dataUnitsWrittenBytes;
    private long hostReadCommands;
    private long hostWriteCommands;
    private long mediaErrors;
    private final AtomicCounter readOps;
    private final AtomicCounter readBytes;
    private final AtomicCounter writeOps;
    private final AtomicCounter writeBytes;
    private final AtomicCounter flushOps;
    private final AtomicCounter trimOps;
    private final AtomicCounter ioErrors;
    private final AtomicCounter adminCommands;
    private final AtomicCounter invalidDoorbells;
    private final AtomicCounter fatalErrors;
    private final Histogram latency = new Histogram(3_600_000_000_000L, 3);
    private final DoneHandler doneHandler = new DoneHandler();

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
        this.card = card;
        this.index = index;
        this.spec = spec;
        this.deviceName = deviceName;
        this.timingOnly = timingOnly;
        this.lbaShift = blockSizeBytes == 4096 ? 12 : 9;
        this.namespaceBlocks = spec.sizeBytes() >> lbaShift;
        this.volumeShaping = volumeShaping;
        this.serviceTimer = serviceTimer;
        this.clock = card.clock();
        final int maxPayload = IoRecord.DATA_OFFSET
            + Math.max(timingOnly ? 0 : MAX_TRANSFER_BYTES, DatasetManagementRange.MAX_RANGES * IoRecord.RANGE_LENGTH);
        this.ring = ShapedRing.builder("ebs-" + spec.volumeId())
            .capacityBytes(ringCapacityBytes).maxPayloadBytes(maxPayload).gate(gate).counters(registry, tags).build();
        this.doneRing = new OneToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(doneRingCapacityBytes + RingBufferDescriptor.TRAILER_LENGTH)));
        if (!timingOnly && doneRing.maxMsgLength() < IoRecord.DONE_DATA_OFFSET + MAX_TRANSFER_BYTES)
        {
            throw new IllegalArgumentException("done ring capacity " + doneRingCapacityBytes
                + " B is too small for " + MAX_TRANSFER_BYTES + " B reads: accepted >= 4 MiB in data mode");
        }
        readOps = EbsMeter.READ_OPS.newCounter(registry, tags);
        readBytes = EbsMeter.READ_BYTES.newCounter(registry, tags);
        writeOps = EbsMeter.WRITE_OPS.newCounter(registry, tags);
        writeBytes = EbsMeter.WRITE_BYTES.newCounter(registry, tags);
        flushOps = EbsMeter.FLUSH_OPS.newCounter(registry, tags);
        trimOps = EbsMeter.TRIM_OPS.newCounter(registry, tags);
        ioErrors = EbsMeter.IO_ERRORS.newCounter(registry, tags);
        adminCommands = EbsMeter.ADMIN_COMMANDS.newCounter(registry, tags);
        invalidDoorbells = EbsMeter.DOORBELL_INVALID.newCounter(registry, tags);
        fatalErrors = EbsMeter.CONTROLLER_FATAL.newCounter(registry, tags);
        EbsMeter.QUEUE_DEPTH.newGauge(registry, tags, this::queueDepth);
        buildIdentify();
        resetController();
    }

    private void buildIdentify()
    {
        final IdentifyController id = new IdentifyController().wrap(identifyController, 0).clear();
        id.ebsIdentity(spec.volumeId(), deviceName)
            .mdts(MDTS).controllerId(index).version(VS_VALUE)
            .limits(ABORT_LIMIT, ASYNC_EVENT_LIMIT, ERROR_LOG_ENTRIES)
            .queueEntrySizes(NvmeRegisters.SQ_ENTRY_SIZE_SHIFT, NvmeRegisters.CQ_ENTRY_SIZE_SHIFT)
            .maxCommands(MAX_QUEUE_ENTRIES)
            .namespaceCount(1)
            .optionalNvmCommands(IdentifyController.ONCS_DATASET_MANAGEMENT)
            .volatileWriteCache(false)
            .logPageAttributes(IdentifyController.LPA_EXTENDED_DATA);
        final IdentifyNamespace ns = new IdentifyNamespace().wrap(identifyNamespace, 0).clear();
        ns.simpleNamespace(namespaceBlocks, lbaShift);
        // Two LBA formats, 512 B and 4 KiB; the one in use is FLBAS.
        identifyNamespace.putByte(IdentifyNamespace.NLBAF_OFFSET, (byte)1);
        ns.lbaFormat(0, 0, 9, 0).lbaFormat(1, 0, 12, 0);
        identifyNamespace.putByte(IdentifyNamespace.FLBAS_OFFSET, (byte)(lbaShift == 12 ? 1 : 0));
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
        return timingOnly;
    }

    public int blockSizeBytes()
    {
        return 1 << lbaShift;
    }

    public long namespaceBlocks()
    {
        return namespaceBlocks;
    }

    /** The per-volume shaped ring (its counters: admitted/throttled records and bytes). */
    public ShapedRing ring()
    {
        return ring;
    }

    public VolumeShaping volumeShaping()
    {
        return volumeShaping;
    }

    /** Commands fetched and not yet completed. */
    public long queueDepth()
    {
        return inFlight;
    }

    /**
     * Fetch-to-completion latency in ns of I/O commands that went through the data path. Written by the
     * controller's agent: read it when the agent is not running (virtual time between steps, or after a run).
     */
    public Histogram latencyHistogram()
    {
        return latency;
    }

    public long readOps()
    {
        return readOps.get();
    }

    public long readBytes()
    {
        return readBytes.get();
    }

    public long writeOps()
    {
        return writeOps.get();
    }

    public long writeBytes()
    {
        return writeBytes.get();
    }

    public long ioErrors()
    {
        return ioErrors.get();
    }

    public long invalidDoorbells()
    {
        return invalidDoorbells.get();
    }

    public boolean isFatal()
    {
        return fatal;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Card side (package).

    int index()
    {
        return index;
    }

    OneToOneRingBuffer doneRing()
    {
        return doneRing;
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
        if (qid < 0 || qid > MAX_QID || !enabled)
        {
            invalidDoorbells.increment();
            return;
        }
        if (NvmeRegisters.isCompletionQueueDoorbell(offset, 0))
        {
            if (!cqValid[qid] || value < 0 || value >= cqSize[qid])
            {
                invalidDoorbells.increment();
                return;
            }
            cqHead[qid] = value;
        }
        else
        {
            if (!sqValid[qid] || value < 0 || value >= sqSize[qid])
            {
                invalidDoorbells.increment();
                return;
            }
            sqTail[qid] = value;
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
        int work = doneRing.controlledRead(doneHandler, 64);
        if (!shutdown)
        {
            work += fetchAdmin();
            work += fetchIo();
        }
        for (int q = 0; q <= MAX_QID; q++)
        {
            if (cqInterrupt[q])
            {
                cqInterrupt[q] = false;
                signalMsix(cqVector[q]);
            }
        }
        return work;
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
            final int aqa = registers(0).getInt(NvmeRegisters.AQA_OFFSET);
            final long asq = registers(0).getLong(NvmeRegisters.ASQ_OFFSET);
            final long acq = registers(0).getLong(NvmeRegisters.ACQ_OFFSET);
            final int mps = (cc >>> NvmeRegisters.CC_MPS_SHIFT) & NvmeRegisters.CC_MPS_MASK;
            final int asqs = NvmeRegisters.aqaSubmissionQueueEntries(aqa);
            final int acqs = NvmeRegisters.aqaCompletionQueueEntries(aqa);
            if (mps != 0 || NvmeRegisters.ccCommandSet(cc) != 0 || asqs < 2 || acqs < 2
                || (asq & (PAGE_SIZE - 1)) != 0 || (acq & (PAGE_SIZE - 1)) != 0 || asq < 0 || acq < 0)
            {
                setFatal();
                return;
            }
            sqBase[0] = asq;
            sqSize[0] = asqs;
            sqHead[0] = 0;
            sqTail[0] = 0;
            sqCq[0] = 0;
            sqValid[0] = true;
            cqBase[0] = acq;
            cqSize[0] = acqs;
            cqHead[0] = 0;
            cqTail[0] = 0;
            cqPhase[0] = true;
            cqVector[0] = 0;
            cqIen[0] = true;
            cqValid[0] = true;
            cqUsers[0] = 1;
            ioSqEntryShift = NvmeRegisters.ccIoSqEntrySizeShift(cc);
            ioCqEntryShift = NvmeRegisters.ccIoCqEntrySizeShift(cc);
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
            ioSqEntryShift = NvmeRegisters.ccIoSqEntrySizeShift(cc);
            ioCqEntryShift = NvmeRegisters.ccIoCqEntrySizeShift(cc);
            if (NvmeRegisters.ccShutdownNotification(cc) != NvmeRegisters.CC_SHN_NONE)
            {
                shutdown = true;
                publishStatus();
            }
        }
    }

    private void setFatal()
    {
        if (!fatal)
        {
            fatal = true;
            fatalErrors.increment();
        }
        publishStatus();
    }

    private void publishStatus()
    {
        registers(0).putInt(NvmeRegisters.CSTS_OFFSET, NvmeRegisters.encodeCsts(enabled && !fatal, fatal,
            shutdown ? NvmeRegisters.CSTS_SHST_COMPLETE : NvmeRegisters.CSTS_SHST_NORMAL));
        tracer().emit(TraceKind.STATE, -1, registers(0).getInt(NvmeRegisters.CSTS_OFFSET), 0, 0, 0);
    }

    /** Controller reset (CC.EN 1 -> 0, FLR, construction): queues deleted, in-flight commands forgotten. */
    private void resetController()
    {
        generation++;
        enabled = false;
        fatal = false;
        shutdown = false;
        for (int q = 0; q <= MAX_QID; q++)
        {
            sqValid[q] = false;
            cqValid[q] = false;
            cqUsers[q] = 0;
            cqInterrupt[q] = false;
        }
        allocatedSqs = 0;
        allocatedCqs = 0;
        queuesAllocatedBySetFeatures = false;
        interruptCoalescing = 0;
        outstandingAsyncEvents = 0;
        nextIoSq = 1;
        freeCount = 0;
        for (int s = MAX_SLOTS - 1; s >= 0; s--)
        {
            slotState[s] = SLOT_FREE;
            freeSlots[freeCount++] = s;
        }
        inFlight = 0;
        publishStatus();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Completion posting.

    private static boolean cqFull(final int head, final int tail, final int size)
    {
        return (tail + 1) % size == head;
    }

    private boolean cqHasRoom(final int cq)
    {
        return cqValid[cq] && !cqFull(cqHead[cq], cqTail[cq], cqSize[cq]);
    }

    /** Posts a completion; the caller checked there is room. @return false if the DMA failed (now fatal). */
    private boolean post(final int cq, final int sq, final int cid, final int status, final int dw0)
    {
        cqe.wrap(cqeBuffer, 0);
        cqe.complete(dw0, sqHead[sq], sq, cid, status, cqPhase[cq]);
        final long address = cqBase[cq] + ((long)cqTail[cq] << NvmeRegisters.CQ_ENTRY_SIZE_SHIFT);
        if (dma().write(address, cqeBuffer, 0, CompletionQueueEntry.LENGTH) != DmaPort.OK)
        {
            setFatal();
            return false;
        }
        tracer().emit(TraceKind.DESCRIPTOR_COMPLETE, sq, cqTail[cq], cid, status, cqPhase[cq] ? 1 : 0);
        if (++cqTail[cq] == cqSize[cq])
        {
            cqTail[cq] = 0;
            cqPhase[cq] = !cqPhase[cq];
        }
        if (cqIen[cq])
        {
            cqInterrupt[cq] = true;
        }
        if (status != NvmeStatus.SUCCESS)
        {
            logError(sq, cid, status, sq == 0 ? 0 : slotLbaForLog, sq == 0 ? 0 : 1);
        }
        return true;
    }

    private long slotLbaForLog;

    private void logError(final int sq, final int cid, final int status, final long lba, final long nsid)
    {
        errorCount++;
        final int entry = errorLogNext;
        errorLogNext = (errorLogNext + 1) % ERROR_LOG_ENTRIES;
        LogPages.putErrorEntry(errorLog, entry * LogPages.ERROR_ENTRY_LENGTH, errorCount, sq, cid, status, false,
            0xFFFF, lba, nsid);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Fetch.

    /** Reads SQ entry at the head into sqeBuffer. @return false on a refused DMA (fatal). */
    private boolean fetchEntry(final int sq)
    {
        final long address = sqBase[sq] + ((long)sqHead[sq] << NvmeRegisters.SQ_ENTRY_SIZE_SHIFT);
        if (dma().read(address, sqeBuffer, 0, SubmissionQueueEntry.LENGTH) != DmaPort.OK)
        {
            setFatal();
            return false;
        }
        tracer().emit(TraceKind.DESCRIPTOR_FETCH, sq, sqHead[sq], sqe.wrap(sqeBuffer, 0).commandId(), sqe.opcode(), 0);
        if (++sqHead[sq] == sqSize[sq])
        {
            sqHead[sq] = 0;
        }
        sqe.wrap(sqeBuffer, 0);
        return true;
    }

    private int fetchAdmin()
    {
        int work = 0;
        while (sqValid[0] && sqHead[0] != sqTail[0] && work < FETCH_BURST && !fatal)
        {
            if (!cqHasRoom(0))
            {
                break;
            }
            if (!fetchEntry(0))
            {
                break;
            }
            work++;
            adminCommands.increment();
            executeAdmin();
        }
        return work;
    }

    private int fetchIo()
    {
        int work = 0;
        for (int n = 0; n < MAX_QID && !fatal; n++)
        {
            final int sq = nextIoSq;
            nextIoSq = nextIoSq == MAX_QID ? 1 : nextIoSq + 1;
            if (!sqValid[sq])
            {
                continue;
            }
            int fetched = 0;
            while (sqHead[sq] != sqTail[sq] && fetched < FETCH_BURST && !fatal)
            {
                final int cq = sqCq[sq];
                if (!cqHasRoom(cq) || freeCount == 0)
                {
                    break;
                }
                final int savedHead = sqHead[sq];
                if (!fetchEntry(sq))
                {
                    break;
                }
                if (!executeIo(sq, cq))
                {
                    sqHead[sq] = savedHead; // no room in the data path: leave the command in the SQ
                    break;
                }
                fetched++;
            }
            work += fetched;
        }
        return work;
    }

    // ---------------------------------------------------------------------------------------------------------
    // I/O commands.

    /** @return false if the command could not be accepted now (ring full); it will be fetched again. */
    private boolean executeIo(final int sq, final int cq)
    {
        final int cid = sqe.commandId();
        final int opcode = sqe.opcode();
        slotLbaForLog = 0;
        if (opcode != NvmeOpcodes.IO_READ && opcode != NvmeOpcodes.IO_WRITE && opcode != NvmeOpcodes.IO_FLUSH
            && opcode != NvmeOpcodes.IO_DATASET_MANAGEMENT)
        {
            return fail(cq, sq, cid, NvmeStatus.INVALID_OPCODE | DNR);
        }
        if (sqe.fuse() != 0 || sqe.psdt() != SubmissionQueueEntry.PSDT_PRP)
        {
            return fail(cq, sq, cid, NvmeStatus.INVALID_FIELD | DNR);
        }
        final long nsid = sqe.nsid();
        if (opcode == NvmeOpcodes.IO_FLUSH)
        {
            if (nsid != 1 && nsid != 0xFFFF_FFFFL)
            {
                return fail(cq, sq, cid, NvmeStatus.INVALID_NAMESPACE | DNR);
            }
            return enqueue(sq, cid, opcode, 0, 0, 0, 0);
        }
        if (nsid != 1)
        {
            return fail(cq, sq, cid, NvmeStatus.INVALID_NAMESPACE | DNR);
        }
        if (opcode == NvmeOpcodes.IO_DATASET_MANAGEMENT)
        {
            return executeDsm(sq, cq, cid);
        }
        final long slba = sqe.startingLba();
        final int blocks = sqe.blockCount();
        slotLbaForLog = slba;
        if (slba < 0 || slba > namespaceBlocks - blocks)
        {
            return fail(cq, sq, cid, NvmeStatus.LBA_OUT_OF_RANGE | DNR);
        }
        final long bytes = (long)blocks << lbaShift;
        if (bytes > MAX_TRANSFER_BYTES)
        {
            return fail(cq, sq, cid, NvmeStatus.INVALID_FIELD | DNR);
        }
        if (!resolvePrps(sqe.prp1(), sqe.prp2(), (int)bytes, prpScratch, prpLenScratch))
        {
            return fail(cq, sq, cid, prpStatus);
        }
        return enqueue(sq, cid, opcode, slba, bytes, prpCount, 0);
    }

    private boolean executeDsm(final int sq, final int cq, final int cid)
    {
        final int ranges = sqe.rangeCount();
        final boolean deallocate = sqe.deallocate();
        final int length = ranges * DatasetManagementRange.LENGTH;
        if (!resolvePrps(sqe.prp1(), sqe.prp2(), length, metaPrp, metaPrpLen))
        {
            return fail(cq, sq, cid, prpStatus);
        }
        if (!dmaIn(metaPrp, metaPrpLen, prpCount, dsmBuffer, 0))
        {
            return fail(cq, sq, cid, NvmeStatus.DATA_TRANSFER_ERROR);
        }
        for (int r = 0; r < ranges; r++)
        {
            dsmRange.wrap(dsmBuffer, r * DatasetManagementRange.LENGTH);
            final long slba = dsmRange.startingLba();
            final long nlb = dsmRange.blockCount();
            if (slba < 0 || nlb > namespaceBlocks || slba > namespaceBlocks - nlb)
            {
                slotLbaForLog = slba;
                return fail(cq, sq, cid, NvmeStatus.LBA_OUT_OF_RANGE | DNR);
            }
        }
        if (!deallocate)
        {
            return fail(cq, sq, cid, NvmeStatus.SUCCESS); // only attributes: advisory, nothing to do
        }
        return enqueue(sq, cid, NvmeOpcodes.IO_DATASET_MANAGEMENT, 0, 0, 0, ranges);
    }

    /** Completes a command at once with {@code status}. @return true (the command was consumed). */
    private boolean fail(final int cq, final int sq, final int cid, final int status)
    {
        if (status != NvmeStatus.SUCCESS)
        {
            ioErrors.increment();
        }
        post(cq, sq, cid, status, 0);
        return true;
    }

    /**
     * Takes a slot and places a shaped-ring record. @return false if the ring is full (nothing changed);
     * true if enqueued or failed with a completion.
     */
    private boolean enqueue(
        final int sq, final int cid, final int opcode, final long slba, final long bytes, final int prps,
        final int ranges)
    {
        final int slot = freeSlots[freeCount - 1];
        final boolean carriesData = !timingOnly && opcode == NvmeOpcodes.IO_WRITE;
        final int payload = IoRecord.DATA_OFFSET + (carriesData ? (int)bytes : 0)
            + (opcode == NvmeOpcodes.IO_DATASET_MANAGEMENT ? ranges * IoRecord.RANGE_LENGTH : 0);
        final long nowNs = clock.nanoTime();
        final long offsetBytes = slba << lbaShift;
        final long serviceNs = (opcode == NvmeOpcodes.IO_READ || opcode == NvmeOpcodes.IO_WRITE)
            ? serviceTimer.serviceNs(offsetBytes, bytes) : serviceTimer.profile().baseNs();
        final int index = ring.tryClaim(nowNs + serviceNs, (int)bytes, slot, payload);
        if (index < 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        buffer.putInt(index + IoRecord.SLOT_OFFSET, slot);
        buffer.putInt(index + IoRecord.OPCODE_OFFSET, opcode);
        buffer.putInt(index + IoRecord.GENERATION_OFFSET, generation);
        buffer.putInt(index + IoRecord.RANGE_COUNT_OFFSET, ranges);
        buffer.putLong(index + IoRecord.OFFSET_BYTES_OFFSET, offsetBytes);
        buffer.putLong(index + IoRecord.LENGTH_BYTES_OFFSET, bytes);
        if (carriesData && !dmaIn(prpScratch, prpLenScratch, prps, buffer, index + IoRecord.DATA_OFFSET))
        {
            ring.abort(index);
            ioErrors.increment();
            post(sqCq[sq], sq, cid, NvmeStatus.DATA_TRANSFER_ERROR, 0);
            return true;
        }
        if (opcode == NvmeOpcodes.IO_DATASET_MANAGEMENT)
        {
            for (int r = 0; r < ranges; r++)
            {
                dsmRange.wrap(dsmBuffer, r * DatasetManagementRange.LENGTH);
                final int at = index + IoRecord.DATA_OFFSET + r * IoRecord.RANGE_LENGTH;
                buffer.putLong(at, dsmRange.startingLba() << lbaShift);
                buffer.putLong(at + 8, dsmRange.blockCount() << lbaShift);
            }
        }
        ring.commit(index);
        freeCount--;
        inFlight++;
        slotState[slot] = SLOT_BUSY;
        slotSq[slot] = sq;
        slotCid[slot] = cid;
        slotOpcode[slot] = opcode;
        slotLba[slot] = slba;
        slotBytes[slot] = (int)bytes;
        slotStartNs[slot] = nowNs;
        slotPrpCount[slot] = opcode == NvmeOpcodes.IO_READ ? prps : 0;
        if (opcode == NvmeOpcodes.IO_READ)
        {
            System.arraycopy(prpScratch, 0, slotPrp, slot * MAX_PRP_ENTRIES, prps);
            System.arraycopy(prpLenScratch, 0, slotPrpLen, slot * MAX_PRP_ENTRIES, prps);
        }
        return true;
    }

    /**
     * Resolves PRP1/PRP2 (and PRP lists) for a transfer of {@code length} bytes into address/length segments.
     * Sets prpCount; on failure sets prpStatus and returns false.
     */
    private boolean resolvePrps(final long prp1, final long prp2, final int length, final long[] addrs, final int[] lens)
    {
        prpCount = 0;
        if (length == 0)
        {
            return true;
        }
        if (!Prp.isValidFirstEntry(prp1) || prp1 < 0)
        {
            prpStatus = NvmeStatus.PRP_OFFSET_INVALID | DNR;
            return false;
        }
        final int firstLen = (int)Math.min(length, PAGE_SIZE - (prp1 & (PAGE_SIZE - 1)));
        addrs[0] = prp1;
        lens[0] = firstLen;
        prpCount = 1;
        int remaining = length - firstLen;
        if (remaining == 0)
        {
            return true;
        }
        final int pagesLeft = (remaining + PAGE_SIZE - 1) / PAGE_SIZE;
        if (pagesLeft > addrs.length - 1)
        {
            prpStatus = NvmeStatus.INVALID_FIELD | DNR;
            return false;
        }
        if (pagesLeft == 1)
        {
            if (!Prp.isPageAligned(prp2, PAGE_SIZE) || prp2 < 0)
            {
                prpStatus = NvmeStatus.PRP_OFFSET_INVALID | DNR;
                return false;
            }
            addrs[1] = prp2;
            lens[1] = remaining;
            prpCount = 2;
            return true;
        }
        if (!Prp.isValidListPointer(prp2) || prp2 < 0)
        {
            prpStatus = NvmeStatus.PRP_OFFSET_INVALID | DNR;
            return false;
        }
        long listAddress = prp2;
        int needed = pagesLeft;
        while (needed > 0)
        {
            final int slotsInPage = (int)((PAGE_SIZE - (listAddress & (PAGE_SIZE - 1))) / Prp.ENTRY_LENGTH);
            final boolean chains = needed > slotsInPage;
            final int entries = chains ? slotsInPage - 1 : needed;
            final int readBytes = (chains ? slotsInPage : entries) * Prp.ENTRY_LENGTH;
            if (dma().read(listAddress, pageBuffer, 0, readBytes) != DmaPort.OK)
            {
                prpStatus = NvmeStatus.DATA_TRANSFER_ERROR;
                return false;
            }
            for (int i = 0; i < entries; i++)
            {
                final long entry = pageBuffer.getLong(i * Prp.ENTRY_LENGTH, ByteOrder.LITTLE_ENDIAN);
                if (!Prp.isPageAligned(entry, PAGE_SIZE) || entry < 0)
                {
                    prpStatus = NvmeStatus.PRP_OFFSET_INVALID | DNR;
                    return false;
                }
                final int len = Math.min(remaining, PAGE_SIZE);
                addrs[prpCount] = entry;
                lens[prpCount] = len;
                prpCount++;
                remaining -= len;
            }
            needed -= entries;
            if (chains)
            {
                listAddress = pageBuffer.getLong(entries * Prp.ENTRY_LENGTH, ByteOrder.LITTLE_ENDIAN);
                if (!Prp.isValidListPointer(listAddress) || listAddress < 0)
                {
                    prpStatus = NvmeStatus.PRP_OFFSET_INVALID | DNR;
                    return false;
                }
            }
        }
        return true;
    }

    private boolean dmaIn(final long[] addrs, final int[] lens, final int count, final MutableDirectBuffer dst, final int at)
    {
        int offset = at;
        for (int i = 0; i < count; i++)
        {
            if (dma().read(addrs[i], dst, offset, lens[i]) != DmaPort.OK)
            {
                return false;
            }
            offset += lens[i];
        }
        return true;
    }

    private boolean dmaOut(
        final long[] addrs, final int[] lens, final int base, final int count, final DirectBuffer src, final int at)
    {
        int offset = at;
        for (int i = 0; i < count; i++)
        {
            if (dma().write(addrs[base + i], src, offset, lens[base + i]) != DmaPort.OK)
            {
                return false;
            }
            offset += lens[base + i];
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Completions from the card.

    private final class DoneHandler implements ControlledMessageHandler
    {
        @Override
        public Action onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            final int slot = buffer.getInt(index + IoRecord.DONE_SLOT_OFFSET);
            final int gen = buffer.getInt(index + IoRecord.DONE_GENERATION_OFFSET);
            if (gen != generation || slot < 0 || slot >= MAX_SLOTS || slotState[slot] == SLOT_FREE)
            {
                return Action.CONTINUE; // from before a reset
            }
            if (slotState[slot] == SLOT_ABANDONED)
            {
                release(slot);
                return Action.CONTINUE;
            }
            final int sq = slotSq[slot];
            final int cq = sqCq[sq];
            if (!cqHasRoom(cq))
            {
                return Action.ABORT; // the host has not consumed its CQ: wait
            }
            int status = buffer.getInt(index + IoRecord.DONE_STATUS_OFFSET);
            final int opcode = slotOpcode[slot];
            final int bytes = slotBytes[slot];
            final int dataLength = length - IoRecord.DONE_DATA_OFFSET;
            if (status == NvmeStatus.SUCCESS && opcode == NvmeOpcodes.IO_READ && dataLength > 0)
            {
                if (dataLength != bytes || !dmaOut(slotPrp, slotPrpLen, slot * MAX_PRP_ENTRIES, slotPrpCount[slot],
                    buffer, index + IoRecord.DONE_DATA_OFFSET))
                {
                    status = NvmeStatus.DATA_TRANSFER_ERROR;
                }
            }
            if (status == NvmeStatus.SUCCESS)
            {
                switch (opcode)
                {
                    case NvmeOpcodes.IO_READ:
                        readOps.increment();
                        readBytes.getAndAdd(bytes);
                        hostReadCommands++;
                        dataUnitsReadBytes += bytes;
                        break;
                    case NvmeOpcodes.IO_WRITE:
                        writeOps.increment();
                        writeBytes.getAndAdd(bytes);
                        hostWriteCommands++;
                        dataUnitsWrittenBytes += bytes;
                        break;
                    case NvmeOpcodes.IO_FLUSH:
                        flushOps.increment();
                        break;
                    default:
                        trimOps.increment();
                        break;
                }
            }
            else
            {
                ioErrors.increment();
                if ((status & NvmeStatus.SCT_SC_MASK) == NvmeStatus.INTERNAL_ERROR)
                {
                    mediaErrors++;
                }
            }
            final long nowNs = clock.nanoTime();
            latency.recordValue(Math.min(Math.max(0, nowNs - slotStartNs[slot]), latency.getHighestTrackableValue()));
            slotLbaForLog = slotLba[slot];
            post(cq, sq, slotCid[slot], status, 0);
            release(slot);
            return fatal ? Action.BREAK : Action.CONTINUE;
        }
    }

    private void release(final int slot)
    {
        slotState[slot] = SLOT_FREE;
        freeSlots[freeCount++] = slot;
        inFlight--;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Admin commands.

    private void executeAdmin()
    {
        final int cid = sqe.commandId();
        final int opcode = sqe.opcode();
        slotLbaForLog = 0;
        if (sqe.fuse() != 0 || sqe.psdt() != SubmissionQueueEntry.PSDT_PRP)
        {
            post(0, 0, cid, NvmeStatus.INVALID_FIELD | DNR, 0);
            return;
        }
        int status;
        int dw0 = 0;
        switch (opcode)
        {
            case NvmeOpcodes.ADMIN_IDENTIFY:
                status = identify();
                break;
            case NvmeOpcodes.ADMIN_CREATE_IO_CQ:
                status = createCq();
                break;
            case NvmeOpcodes.ADMIN_CREATE_IO_SQ:
                status = createSq();
                break;
            case NvmeOpcodes.ADMIN_DELETE_IO_SQ:
                status = deleteSq();
                break;
            case NvmeOpcodes.ADMIN_DELETE_IO_CQ:
                status = deleteCq();
                break;
            case NvmeOpcodes.ADMIN_SET_FEATURES:
                status = setFeatures();
                dw0 = featureResult;
                break;
            case NvmeOpcodes.ADMIN_GET_FEATURES:
                status = getFeatures();
                dw0 = featureResult;
                break;
            case NvmeOpcodes.ADMIN_GET_LOG_PAGE:
                status = getLogPage();
                break;
            case NvmeOpcodes.ADMIN_ABORT:
                status = NvmeStatus.SUCCESS;
                dw0 = 1; // command not aborted
                break;
            case NvmeOpcodes.ADMIN_ASYNC_EVENT_REQUEST:
                if (outstandingAsyncEvents >= ASYNC_EVENT_LIMIT)
                {
                    status = NvmeStatus.ASYNC_EVENT_LIMIT_EXCEEDED | DNR;
                    break;
                }
                outstandingAsyncEvents++;
                return; // held: no events are generated
            default:
                status = NvmeStatus.INVALID_OPCODE | DNR;
                break;
        }
        post(0, 0, cid, status, dw0);
    }

    private int featureResult;

    /** Writes {@code length} bytes of {@code src} to the command's PRPs. @return an NVMe status. */
    private int transferOut(final DirectBuffer src, final int at, final int length)
    {
        if (!resolvePrps(sqe.prp1(), sqe.prp2(), length, metaPrp, metaPrpLen))
        {
            return prpStatus;
        }
        return dmaOut(metaPrp, metaPrpLen, 0, prpCount, src, at) ? NvmeStatus.SUCCESS : NvmeStatus.DATA_TRANSFER_ERROR;
    }

    private int identify()
    {
        final long nsid = sqe.nsid();
        switch (sqe.cns())
        {
            case NvmeOpcodes.CNS_CONTROLLER:
                return transferOut(identifyController, 0, PAGE_SIZE);
            case NvmeOpcodes.CNS_NAMESPACE:
                if (nsid != 1)
                {
                    return NvmeStatus.INVALID_NAMESPACE | DNR;
                }
                return transferOut(identifyNamespace, 0, PAGE_SIZE);
            case NvmeOpcodes.CNS_ACTIVE_NAMESPACE_LIST:
                if (nsid >= 0xFFFF_FFFEL)
                {
                    return NvmeStatus.INVALID_NAMESPACE | DNR;
                }
                pageBuffer.setMemory(0, PAGE_SIZE, (byte)0);
                if (nsid == 0)
                {
                    pageBuffer.putInt(0, 1, ByteOrder.LITTLE_ENDIAN);
                }
                return transferOut(pageBuffer, 0, PAGE_SIZE);
            default:
                return NvmeStatus.INVALID_FIELD | DNR;
        }
    }

    private int createCq()
    {
        final int qid = sqe.queueId();
        final int entries = sqe.queueEntries();
        if (qid == 0 || qid > MAX_QID || qid > allocatedCqs || cqValid[qid])
        {
            return NvmeStatus.INVALID_QUEUE_ID | DNR;
        }
        if (entries < 2 || entries > MAX_QUEUE_ENTRIES)
        {
            return NvmeStatus.INVALID_QUEUE_SIZE | DNR;
        }
        if (!sqe.physicallyContiguous() || ioCqEntryShift != NvmeRegisters.CQ_ENTRY_SIZE_SHIFT)
        {
            return NvmeStatus.INVALID_FIELD | DNR;
        }
        final int vector = sqe.interruptVector();
        if (vector >= MSIX_VECTORS)
        {
            return NvmeStatus.INVALID_INTERRUPT_VECTOR | DNR;
        }
        final long base = sqe.prp1();
        if (base < 0 || !Prp.isPageAligned(base, PAGE_SIZE))
        {
            return NvmeStatus.PRP_OFFSET_INVALID | DNR;
        }
        cqBase[qid] = base;
        cqSize[qid] = entries;
        cqHead[qid] = 0;
        cqTail[qid] = 0;
        cqPhase[qid] = true;
        cqVector[qid] = vector;
        cqIen[qid] = sqe.interruptsEnabled();
        cqUsers[qid] = 0;
        cqValid[qid] = true;
        return NvmeStatus.SUCCESS;
    }

    private int createSq()
    {
        final int qid = sqe.queueId();
        final int entries = sqe.queueEntries();
        final int cqid = sqe.completionQueueId();
        if (qid == 0 || qid > MAX_QID || qid > allocatedSqs || sqValid[qid])
        {
            return NvmeStatus.INVALID_QUEUE_ID | DNR;
        }
        if (entries < 2 || entries > MAX_QUEUE_ENTRIES)
        {
            return NvmeStatus.INVALID_QUEUE_SIZE | DNR;
        }
        if (!sqe.physicallyContiguous() || ioSqEntryShift != NvmeRegisters.SQ_ENTRY_SIZE_SHIFT)
        {
            return NvmeStatus.INVALID_FIELD | DNR;
        }
        if (cqid == 0 || cqid > MAX_QID || !cqValid[cqid])
        {
            return NvmeStatus.COMPLETION_QUEUE_INVALID | DNR;
        }
        final long base = sqe.prp1();
        if (base < 0 || !Prp.isPageAligned(base, PAGE_SIZE))
        {
            return NvmeStatus.PRP_OFFSET_INVALID | DNR;
        }
        sqBase[qid] = base;
        sqSize[qid] = entries;
        sqHead[qid] = 0;
        sqTail[qid] = 0;
        sqCq[qid] = cqid;
        sqValid[qid] = true;
        cqUsers[cqid]++;
        return NvmeStatus.SUCCESS;
    }

    private int deleteSq()
    {
        final int qid = sqe.queueId();
        if (qid == 0 || qid > MAX_QID || !sqValid[qid])
        {
            return NvmeStatus.INVALID_QUEUE_ID | DNR;
        }
        // Commands of this SQ still in the data path complete now as aborted; their data-path records are
        // dropped when they come back.
        final int cq = sqCq[qid];
        for (int s = 0; s < MAX_SLOTS; s++)
        {
            if (slotState[s] == SLOT_BUSY && slotSq[s] == qid)
            {
                if (cqHasRoom(cq))
                {
                    post(cq, qid, slotCid[s], NvmeStatus.ABORTED_SQ_DELETION, 0);
                }
                slotState[s] = SLOT_ABANDONED;
            }
        }
        sqValid[qid] = false;
        cqUsers[cq]--;
        return NvmeStatus.SUCCESS;
    }

    private int deleteCq()
    {
        final int qid = sqe.queueId();
        if (qid == 0 || qid > MAX_QID || !cqValid[qid])
        {
            return NvmeStatus.INVALID_QUEUE_ID | DNR;
        }
        if (cqUsers[qid] > 0)
        {
            return NvmeStatus.INVALID_QUEUE_DELETION | DNR;
        }
        cqValid[qid] = false;
        return NvmeStatus.SUCCESS;
    }

    private int setFeatures()
    {
        featureResult = 0;
        if ((sqe.cdw10() & SubmissionQueueEntry.FEATURES_SAVE) != 0)
        {
            return NvmeStatus.FEATURE_NOT_SAVEABLE | DNR;
        }
        final int value = sqe.cdw11();
        switch (sqe.featureId())
        {
            case NvmeOpcodes.FEATURE_NUMBER_OF_QUEUES:
            {
                final int nsqr = value & 0xFFFF;
                final int ncqr = value >>> 16;
                if (nsqr == 0xFFFF || ncqr == 0xFFFF)
                {
                    return NvmeStatus.INVALID_FIELD | DNR;
                }
                if (queuesAllocatedBySetFeatures || anyIoQueue())
                {
                    return NvmeStatus.COMMAND_SEQUENCE_ERROR | DNR;
                }
                allocatedSqs = Math.min(nsqr + 1, MAX_IO_QUEUES);
                allocatedCqs = Math.min(ncqr + 1, MAX_IO_QUEUES);
                queuesAllocatedBySetFeatures = true;
                featureResult = NvmeOpcodes.encodeNumberOfQueues(allocatedSqs, allocatedCqs);
                return NvmeStatus.SUCCESS;
            }
            case NvmeOpcodes.FEATURE_INTERRUPT_COALESCING:
                interruptCoalescing = value & 0xFFFF;
                return NvmeStatus.SUCCESS;
            case NvmeOpcodes.FEATURE_ARBITRATION:
                arbitration = value;
                return NvmeStatus.SUCCESS;
            case NvmeOpcodes.FEATURE_POWER_MANAGEMENT:
                if ((value & 0x1F) != 0)
                {
                    return NvmeStatus.INVALID_FIELD | DNR; // one power state
                }
                powerManagement = value;
                return NvmeStatus.SUCCESS;
            case NvmeOpcodes.FEATURE_TEMPERATURE_THRESHOLD:
                temperatureThreshold = value & 0xFFFF;
                return NvmeStatus.SUCCESS;
            case NvmeOpcodes.FEATURE_ASYNC_EVENT_CONFIG:
                asyncEventConfig = value;
                return NvmeStatus.SUCCESS;
            case NvmeOpcodes.FEATURE_VOLATILE_WRITE_CACHE:
            default:
                return NvmeStatus.INVALID_FIELD | DNR;
        }
    }

    private boolean anyIoQueue()
    {
        for (int q = 1; q <= MAX_QID; q++)
        {
            if (sqValid[q] || cqValid[q])
            {
                return true;
            }
        }
        return false;
    }

    private int getFeatures()
    {
        featureResult = 0;
        final int select = (sqe.cdw10() >>> 8) & 0x7;
        if (select > 3)
        {
            return NvmeStatus.INVALID_FIELD | DNR;
        }
        switch (sqe.featureId())
        {
            case NvmeOpcodes.FEATURE_NUMBER_OF_QUEUES:
                featureResult = queuesAllocatedBySetFeatures
                    ? NvmeOpcodes.encodeNumberOfQueues(allocatedSqs, allocatedCqs)
                    : NvmeOpcodes.encodeNumberOfQueues(MAX_IO_QUEUES, MAX_IO_QUEUES);
                return NvmeStatus.SUCCESS;
            case NvmeOpcodes.FEATURE_INTERRUPT_COALESCING:
                featureResult = interruptCoalescing;
                return NvmeStatus.SUCCESS;
            case NvmeOpcodes.FEATURE_ARBITRATION:
                featureResult = arbitration;
                return NvmeStatus.SUCCESS;
            case NvmeOpcodes.FEATURE_POWER_MANAGEMENT:
                featureResult = powerManagement;
                return NvmeStatus.SUCCESS;
            case NvmeOpcodes.FEATURE_TEMPERATURE_THRESHOLD:
                featureResult = temperatureThreshold;
                return NvmeStatus.SUCCESS;
            case NvmeOpcodes.FEATURE_ASYNC_EVENT_CONFIG:
                featureResult = asyncEventConfig;
                return NvmeStatus.SUCCESS;
            case NvmeOpcodes.FEATURE_VOLATILE_WRITE_CACHE:
                featureResult = 0;
                return NvmeStatus.SUCCESS;
            default:
                return NvmeStatus.INVALID_FIELD | DNR;
        }
    }

    private int getLogPage()
    {
        final long lengthBytes = sqe.logPageDwords() * 4;
        final long offset = sqe.logPageOffset();
        final int pageLength;
        pageBuffer.setMemory(0, PAGE_SIZE, (byte)0);
        switch (sqe.logPageId())
        {
            case NvmeOpcodes.LOG_ERROR_INFORMATION:
            {
                pageLength = ERROR_LOG_ENTRIES * LogPages.ERROR_ENTRY_LENGTH;
                // newest first
                for (int i = 0; i < ERROR_LOG_ENTRIES && i < errorCount; i++)
                {
                    final int entry = Math.floorMod(errorLogNext - 1 - i, ERROR_LOG_ENTRIES);
                    pageBuffer.putBytes(i * LogPages.ERROR_ENTRY_LENGTH, errorLog,
                        entry * LogPages.ERROR_ENTRY_LENGTH, LogPages.ERROR_ENTRY_LENGTH);
                }
                break;
            }
            case NvmeOpcodes.LOG_SMART_HEALTH:
            {
                final long nsid = sqe.nsid();
                if (nsid != 0 && nsid != 1 && nsid != 0xFFFF_FFFFL)
                {
                    return NvmeStatus.INVALID_NAMESPACE | DNR;
                }
                pageLength = LogPages.SMART_LENGTH;
                pageBuffer.putShort(LogPages.SMART_COMPOSITE_TEMPERATURE_OFFSET, (short)308, ByteOrder.LITTLE_ENDIAN);
                pageBuffer.putByte(LogPages.SMART_AVAILABLE_SPARE_OFFSET, (byte)100);
                pageBuffer.putByte(LogPages.SMART_AVAILABLE_SPARE_THRESHOLD_OFFSET, (byte)10);
                LogPages.putCounter128(pageBuffer, LogPages.SMART_DATA_UNITS_READ_OFFSET,
                    LogPages.dataUnits(dataUnitsReadBytes));
                LogPages.putCounter128(pageBuffer, LogPages.SMART_DATA_UNITS_WRITTEN_OFFSET,
                    LogPages.dataUnits(dataUnitsWrittenBytes));
                LogPages.putCounter128(pageBuffer, LogPages.SMART_HOST_READ_COMMANDS_OFFSET, hostReadCommands);
                LogPages.putCounter128(pageBuffer, LogPages.SMART_HOST_WRITE_COMMANDS_OFFSET, hostWriteCommands);
                LogPages.putCounter128(pageBuffer, LogPages.SMART_POWER_CYCLES_OFFSET, 1);
                LogPages.putCounter128(pageBuffer, LogPages.SMART_MEDIA_ERRORS_OFFSET, mediaErrors);
                LogPages.putCounter128(pageBuffer, LogPages.SMART_ERROR_LOG_ENTRIES_OFFSET, errorCount);
                break;
            }
            case NvmeOpcodes.LOG_FIRMWARE_SLOT:
                pageLength = 512;
                pageBuffer.putByte(0, (byte)1); // active slot 1
                pageBuffer.putBytes(8, IdentifyController.EBS_FIRMWARE_REVISION.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                pageBuffer.putBytes(8 + 3, "     ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                break;
            default:
                return NvmeStatus.INVALID_LOG_PAGE | DNR;
        }
        if ((offset & 3) != 0 || offset >= pageLength || lengthBytes > PAGE_SIZE * 2L)
        {
            return NvmeStatus.INVALID_FIELD | DNR;
        }
        // Bytes past the log's end read as zeros; the whole requested length is transferred.
        if (lengthBytes <= PAGE_SIZE - offset)
        {
            return transferOut(pageBuffer, (int)offset, (int)lengthBytes);
        }
        return NvmeStatus.INVALID_FIELD | DNR;
    }
}
