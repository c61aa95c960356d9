package io.nitrosim.ebs.device;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.ebs.nvme.NvmeOpcodes;
import io.nitrosim.ebs.nvme.NvmeStatus;
import io.nitrosim.ebs.shaping.EbsInstanceCaps;
import io.nitrosim.ebs.shaping.EbsShaping;
import io.nitrosim.ebs.shaping.EbsShapingMeter;
import io.nitrosim.ebs.shaping.VolumeShaping;
import io.nitrosim.ebs.storage.StorageBackend;
import io.nitrosim.ebs.storage.StorageCompletionHandler;
import io.nitrosim.ebs.storage.StorageOp;
import io.nitrosim.ebs.storage.StorageStatus;
import io.nitrosim.ebs.volume.ServiceLatencyModel;
import io.nitrosim.ebs.volume.VolumeId;
import io.nitrosim.ebs.volume.VolumeSpec;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.shaping.ShapedRecordHandler;
import io.nitrosim.time.SimAgent;

/**
 * The EBS card of one instance: owns the instance's {@link EbsShaping} (EBS bytes and IOPS buckets shared by all
 * its volumes, plus each volume's own) and consumes every attached {@link NvmeController}'s shaped ring, so the
 * shared buckets have one owner. Add the card itself and each controller's
 * {@link NvmeController#agent()} to the runtime.
 * <p>
 * <b>Data path.</b> A controller turns an I/O command into a shaped-ring record ({@code readyAtNs} = fetch time
 * + the volume's service latency, charged bytes = the transfer length; IOPS counted in AWS units: a record of B
 * bytes counts ceil(B / 256 KiB) ops on SSD volumes, ceil(B / 1 MiB) on st1/sc1). The card admits it when
 * it is ready and every bucket admits it; then, in data mode, a write goes to {@link StorageBackend#submitWrite}
 * (its data was DMAed from the guest into the record at fetch) and completes when the backend acknowledges; a
 * read is read from the backend and the data travels back to the controller, which DMAs it to the guest's PRPs
 * and posts the completion. In timing-only mode the card completes an admitted record at once.
 * <p>
 * <b>Shaping.</b> Each volume's ring is gated by its {@link EbsShaping#gateFor gate}, which says which limits hold
 * an I/O and counts them ({@link io.nitrosim.ebs.shaping.EbsShapingMeter}: instance and volume throttle counters,
 * credit balances); {@link EbsMeter#BACKEND_ERRORS} is the card's own. Gauges read bucket state owned by the
 * card's agent without changing it: exact in virtual time, approximate when read from another thread.
 */
public final class EbsCard implements SimAgent
{
    private static final long CREATE_REQUEST = 1L << 62;
    private static final int POLL_LIMIT = 64;

    private final Context ctx;
    private final NanoClock clock;
    private final EbsShaping shaping;
    private final StorageBackend backend;
    private final SplittableRandom random;
    private final MetricTags tags;
    private final AtomicCounter backendErrors;
    private final List<NvmeController> attached = new ArrayList<>();
    private volatile Volume[] volumes = new Volume[0];
    private final RecordHandler recordHandler = new RecordHandler();
    private final BackendHandler backendHandler = new BackendHandler();

    // A completion that found its controller's done ring full (at most one; backend polling waits for it).
    private final UnsafeBuffer stash =
        new UnsafeBuffer(ByteBuffer.allocateDirect(NvmeController.MAX_TRANSFER_BYTES + IoRecord.DONE_DATA_OFFSET));
    private Volume stashVolume;
    private int rotation;
    private int stashLength;

    private EbsCard(final Context ctx)
    {
        this.ctx = ctx;
        this.clock = ctx.clock;
        this.backend = ctx.backend;
        this.random = new SplittableRandom(ctx.seed);
        this.tags = MetricTags.of("instance", ctx.instanceId);
        this.shaping = EbsShaping.context(ctx.caps).nowNs(clock.nanoTime()).counters(ctx.registry, tags).build();
        this.backendErrors = EbsMeter.BACKEND_ERRORS.newCounter(ctx.registry, tags);
        EbsShapingMeter.IO_BALANCE.newGauge(ctx.registry, tags, () -> shaping.ioBalancePpm(clock.nanoTime()));
        EbsShapingMeter.BYTE_BALANCE.newGauge(ctx.registry, tags, () -> shaping.byteBalancePpm(clock.nanoTime()));
    }

    public static Context context()
    {
        return new Context();
    }

    public String instanceId()
    {
        return ctx.instanceId;
    }

    public NanoClock clock()
    {
        return clock;
    }

    public EbsShaping shaping()
    {
        return shaping;
    }

    public boolean timingOnly()
    {
        return ctx.timingOnly;
    }

    /** Attaches a volume under its spec's device name, in the card's data mode. */
    public NvmeController attach(final VolumeSpec spec)
    {
        return attach(spec, spec.deviceName(), ctx.timingOnly);
    }

    /**
     * Attaches a volume: one NVMe controller (a PCI function; add its {@code agent()} to the runtime and plug it
     * into the instance's bus). Creates the volume in the backend (data mode). Call from the thread that runs
     * the card (or before it runs).
     *
     * @param deviceName the block-device-mapping name shown at byte 3072 of Identify Controller ("/dev/sdf").
     * @param timingOnly no data DMA and no backend I/O for this volume.
     */
    public NvmeController attach(final VolumeSpec spec, final String deviceName, final boolean timingOnly)
    {
        if (spec == null || deviceName == null || !VolumeSpec.DEVICE_NAME.matcher(deviceName).matches())
        {
            throw new IllegalArgumentException("attach needs a volume spec and a device name like /dev/sdf, got "
                + spec + " / " + deviceName);
        }
        if (!timingOnly && backend == null)
        {
            throw new IllegalArgumentException("volume " + spec.volumeId()
                + " in data mode needs a storage backend: set Context.backend or use timing-only mode");
        }
        for (final NvmeController c : attached)
        {
            if (c.volumeSpec().volumeId().equals(spec.volumeId()))
            {
                throw new IllegalArgumentException("volume " + spec.volumeId() + " is already attached to "
                    + ctx.instanceId);
            }
        }
        final long nowNs = clock.nanoTime();
        final VolumeShaping volumeShaping = shaping.addVolume(spec, nowNs);
        final MetricTags volumeTags = tags.and("volume", spec.volumeId().toString());
        final int index = volumes.length;
        final NvmeController controller = new NvmeController(this, index, spec, deviceName, timingOnly,
            ctx.blockSizeBytes, volumeShaping, shaping.gateFor(volumeShaping),
            ctx.latencyModel.timerFor(spec.type(), random.split()),
            timingOnly ? ctx.timingRingCapacityBytes : ctx.ringCapacityBytes,
            timingOnly ? ctx.timingRingCapacityBytes : ctx.doneRingCapacityBytes,
            ctx.registry, volumeTags);
        final Volume volume = new Volume(controller, timingOnly);
        final Volume[] grown = java.util.Arrays.copyOf(volumes, index + 1);
        grown[index] = volume;
        volumes = grown;
        attached.add(controller);
        EbsShapingMeter.BURST_BALANCE.newGauge(ctx.registry, volumeTags,
            () -> volumeShaping.burstBalancePpm(clock.nanoTime()));
        if (!timingOnly)
        {
            backend.submitCreateVolume(CREATE_REQUEST | index, spec.volumeId(), spec.sizeBytes());
        }
        return controller;
    }

    /**
     * Detaches a volume: its ring is no longer served, its buckets leave the instance's shaping, its in-flight
     * commands are dropped. Remove the controller's agent from the runtime and unplug it from the bus first.
     * Call from the card's thread (or while it is not running). @return whether it was attached here.
     */
    public boolean detach(final NvmeController controller)
    {
        final int index = controller.index();
        final Volume[] vols = volumes;
        if (index < 0 || index >= vols.length || vols[index] == null || vols[index].controller != controller)
        {
            return false;
        }
        final Volume[] copy = vols.clone();
        copy[index] = null;
        volumes = copy;
        if (stashVolume == vols[index])
        {
            stashVolume = null;
        }
        attached.remove(controller);
        shaping.removeVolume(controller.volumeSpec().volumeId());
        if (ctx.registry != null)
        {
            ctx.registry.remove(tags.and("volume", controller.volumeSpec().volumeId().toString()), "volume");
        }
        return true;
    }

    /** Controllers in attach order. */
    public List<NvmeController> controllers()
    {
        return Collections.unmodifiableList(attached);
    }

    public NvmeController controller(final VolumeId volumeId)
    {
        for (final NvmeController c : attached)
        {
            if (c.volumeSpec().volumeId().equals(volumeId))
            {
                return c;
            }
        }
        return null;
    }

    public long backendErrors()
    {
        return backendErrors.get();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Agent.

    @Override
    public String roleName()
    {
        return "ebs-card-" + ctx.instanceId;
    }

    @Override
    public int doWork()
    {
        final long nowNs = clock.nanoTime();
        int work = 0;
        if (stashVolume != null)
        {
            work += flushStash();
        }
        work += pollBackend();
        // Round robin, one record per volume per round, starting with a different volume each pass, so volumes
        // sharing the instance buckets share them fairly.
        final Volume[] vols = volumes;
        final int n = vols.length;
        if (n > 0)
        {
            final int first = rotation = rotation + 1 >= n ? 0 : rotation + 1;
            for (int round = 0; round < POLL_LIMIT; round++)
            {
                int delivered = 0;
                for (int k = 0; k < n; k++)
                {
                    final Volume v = vols[(first + k) % n];
                    if (v == null)
                    {
                        continue;
                    }
                    recordHandler.volume = v;
                    delivered += v.controller.ring().poll(recordHandler, 1, nowNs);
                }
                work += delivered;
                if (delivered == 0)
                {
                    break;
                }
            }
        }
        recordHandler.volume = null;
        work += pollBackend();
        return work;
    }

    @Override
    public long nextDeadlineNs()
    {
        long deadline = NO_DEADLINE;
        for (final Volume v : volumes)
        {
            if (v != null)
            {
                deadline = Math.min(deadline, v.controller.ring().nextEligibleNs());
            }
        }
        return deadline;
    }

    private int pollBackend()
    {
        if (backend == null)
        {
            return 0;
        }
        int work = 0;
        while (stashVolume == null && work < POLL_LIMIT)
        {
            final int n = backend.poll(backendHandler, 1);
            if (n == 0)
            {
                break;
            }
            work += n;
        }
        return work;
    }

    private int flushStash()
    {
        final OneToOneRingBuffer done = stashVolume.controller.doneRing();
        final int index = done.tryClaim(IoRecord.MSG_DONE, stashLength);
        if (index < 0)
        {
            return 0;
        }
        done.buffer().putBytes(index, stash, 0, stashLength);
        done.commit(index);
        stashVolume = null;
        return 1;
    }

    /** Sends a completion to the controller's done ring (or the stash if it is full). */
    private void complete(
        final Volume v, final int slot, final int generation, final int status,
        final DirectBuffer data, final int dataIndex, final int dataLength)
    {
        final OneToOneRingBuffer done = v.controller.doneRing();
        final int length = IoRecord.DONE_DATA_OFFSET + dataLength;
        final int index = done.tryClaim(IoRecord.MSG_DONE, length);
        final MutableDirectBuffer target;
        final int at;
        if (index >= 0)
        {
            target = done.buffer();
            at = index;
        }
        else
        {
            target = stash;
            at = 0;
            stashVolume = v;
            stashLength = length;
        }
        target.putInt(at + IoRecord.DONE_SLOT_OFFSET, slot);
        target.putInt(at + IoRecord.DONE_GENERATION_OFFSET, generation);
        target.putInt(at + IoRecord.DONE_STATUS_OFFSET, status);
        target.putInt(at + IoRecord.DONE_STATUS_OFFSET + 4, 0);
        if (dataLength > 0)
        {
            target.putBytes(at + IoRecord.DONE_DATA_OFFSET, data, dataIndex, dataLength);
        }
        if (index >= 0)
        {
            done.commit(index);
        }
    }

    private static int nvmeStatus(final int storageStatus)
    {
        switch (storageStatus)
        {
            case StorageStatus.OK:
                return NvmeStatus.SUCCESS;
            case StorageStatus.OUT_OF_RANGE:
                return NvmeStatus.LBA_OUT_OF_RANGE | NvmeStatus.DO_NOT_RETRY;
            default:
                return NvmeStatus.INTERNAL_ERROR;
        }
    }

    /** Per attached volume: the card's view and its outstanding backend requests. */
    private static final class Volume
    {
        final NvmeController controller;
        final boolean timingOnly;
        final VolumeId volumeId;
        final int[] pending = new int[NvmeController.MAX_SLOTS];
        final int[] worst = new int[NvmeController.MAX_SLOTS];
        final int[] generation = new int[NvmeController.MAX_SLOTS];
        int rangesSubmitted;
        int createStatus = -1;

        Volume(final NvmeController controller, final boolean timingOnly)
        {
            this.controller = controller;
            this.timingOnly = timingOnly;
            this.volumeId = controller.volumeSpec().volumeId();
        }
    }

    /** A storage operation the card took from a volume's ring, traced on the volume's controller. */
    private static void traceOp(final Volume v, final int slot, final int opcode, final DirectBuffer record,
        final int at)
    {
        v.controller.tracer().emit(TraceKind.STORAGE_OP, slot, opcode,
            record.getLong(at + IoRecord.OFFSET_BYTES_OFFSET), record.getLong(at + IoRecord.LENGTH_BYTES_OFFSET), 0);
    }

    private final class RecordHandler implements ShapedRecordHandler
    {
        Volume volume;

        @Override
        public boolean onRecord(
            final int tag, final DirectBuffer buffer, final int payloadIndex, final int payloadLength,
            final int chargedBytes, final long readyAtNs, final long nowNs)
        {
            final Volume v = volume;
            final int slot = buffer.getInt(payloadIndex + IoRecord.SLOT_OFFSET);
            final int opcode = buffer.getInt(payloadIndex + IoRecord.OPCODE_OFFSET);
            final int gen = buffer.getInt(payloadIndex + IoRecord.GENERATION_OFFSET);
            if (gen != v.controller.generation)
            {
                return true; // the controller was reset since: drop
            }
            if (v.timingOnly)
            {
                final OneToOneRingBuffer done = v.controller.doneRing();
                final int index = done.tryClaim(IoRecord.MSG_DONE, IoRecord.DONE_DATA_OFFSET);
                if (index < 0)
                {
                    return false;
                }
                final MutableDirectBuffer target = done.buffer();
                target.putInt(index + IoRecord.DONE_SLOT_OFFSET, slot);
                target.putInt(index + IoRecord.DONE_GENERATION_OFFSET, gen);
                target.putInt(index + IoRecord.DONE_STATUS_OFFSET, NvmeStatus.SUCCESS);
                target.putInt(index + IoRecord.DONE_STATUS_OFFSET + 4, 0);
                done.commit(index);
                traceOp(v, slot, opcode, buffer, payloadIndex);
                return true;
            }
            final long requestId = ((long)v.controller.index() << 32) | (slot & 0xFFFF_FFFFL);
            final long offsetBytes = buffer.getLong(payloadIndex + IoRecord.OFFSET_BYTES_OFFSET);
            final int lengthBytes = (int)buffer.getLong(payloadIndex + IoRecord.LENGTH_BYTES_OFFSET);
            final boolean submitted;
            switch (opcode)
            {
                case NvmeOpcodes.IO_WRITE:
                    submitted = backend.submitWrite(requestId, v.volumeId, offsetBytes, buffer,
                        payloadIndex + IoRecord.DATA_OFFSET, lengthBytes);
                    break;
                case NvmeOpcodes.IO_READ:
                    submitted = backend.submitRead(requestId, v.volumeId, offsetBytes, lengthBytes);
                    break;
                case NvmeOpcodes.IO_FLUSH:
                    submitted = backend.submitFlush(requestId, v.volumeId);
                    break;
                default:
                {
                    // Dataset management: one trim per range; resumes where it stopped if the backend is busy.
                    final int ranges = buffer.getInt(payloadIndex + IoRecord.RANGE_COUNT_OFFSET);
                    if (v.rangesSubmitted == 0)
                    {
                        v.pending[slot] = ranges;
                        v.worst[slot] = NvmeStatus.SUCCESS;
                        v.generation[slot] = gen;
                    }
                    while (v.rangesSubmitted < ranges)
                    {
                        final int at = payloadIndex + IoRecord.DATA_OFFSET + v.rangesSubmitted * IoRecord.RANGE_LENGTH;
                        final long length = buffer.getLong(at + 8);
                        if (length == 0)
                        {
                            v.pending[slot]--;
                        }
                        else if (!backend.submitTrim(requestId, v.volumeId, buffer.getLong(at), length))
                        {
                            return false;
                        }
                        v.rangesSubmitted++;
                    }
                    v.rangesSubmitted = 0;
                    if (v.pending[slot] == 0)
                    {
                        complete(v, slot, gen, NvmeStatus.SUCCESS, buffer, 0, 0);
                    }
                    return true;
                }
            }
            if (!submitted)
            {
                return false; // backend busy: the record stays at the head
            }
            v.pending[slot] = 1;
            v.worst[slot] = NvmeStatus.SUCCESS;
            v.generation[slot] = gen;
            traceOp(v, slot, opcode, buffer, payloadIndex);
            return true;
        }
    }

    private final class BackendHandler implements StorageCompletionHandler
    {
        @Override
        public void onCompletion(
            final long requestId, final int op, final int status, final long value,
            final DirectBuffer buffer, final int dataIndex, final int dataLength)
        {
            if ((requestId & CREATE_REQUEST) != 0)
            {
                final int index = (int)(requestId & 0xFFFF_FFFFL);
                if (index < volumes.length && volumes[index] != null)
                {
                    volumes[index].createStatus = status;
                }
                if (status != StorageStatus.OK)
                {
                    backendErrors.increment();
                }
                return;
            }
            final int index = (int)(requestId >>> 32);
            final int slot = (int)requestId;
            if (index < 0 || index >= volumes.length || slot < 0 || slot >= NvmeController.MAX_SLOTS)
            {
                return;
            }
            final Volume v = volumes[index];
            if (v == null)
            {
                return; // detached
            }
            if (status != StorageStatus.OK)
            {
                backendErrors.increment();
                v.worst[slot] = nvmeStatus(status);
            }
            if (--v.pending[slot] > 0)
            {
                return;
            }
            final boolean withData = op == StorageOp.READ && v.worst[slot] == NvmeStatus.SUCCESS;
            complete(v, slot, v.generation[slot], v.worst[slot], buffer, dataIndex, withData ? dataLength : 0);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Configuration of one instance's EBS card, validated in {@link #build()}. */
    public static final class Context
    {
        private String instanceId;
        private EbsInstanceCaps caps;
        private NanoClock clock;
        private CounterRegistry registry;
        private StorageBackend backend;
        private boolean timingOnly;
        private ServiceLatencyModel latencyModel = ServiceLatencyModel.defaults();
        private long seed = 1;
        private int blockSizeBytes = 512;
        private int ringCapacityBytes = 4 << 20;
        private int doneRingCapacityBytes = 4 << 20;
        private int timingRingCapacityBytes = 256 << 10;

        private Context()
        {
        }

        /** The instance id, used in tags ("instance") and agent names. Required. */
        public Context instanceId(final String instanceId)
        {
            this.instanceId = instanceId;
            return this;
        }

        /** The instance type's EBS caps (peak/baseline bytes and IOPS, burst seconds). Required. */
        public Context caps(final EbsInstanceCaps caps)
        {
            this.caps = caps;
            return this;
        }

        /** The simulation clock. Required. */
        public Context clock(final NanoClock clock)
        {
            this.clock = clock;
            return this;
        }

        /** Where counters and gauges are registered; optional. */
        public Context registry(final CounterRegistry registry)
        {
            this.registry = registry;
            return this;
        }

        /** Storage for data-mode volumes (e.g. an {@code EmbeddedStorageBackend}); polled by the card's agent. */
        public Context backend(final StorageBackend backend)
        {
            this.backend = backend;
            return this;
        }

        /** Default mode of attached volumes: timing-only (no data DMA, no backend I/O). Default false. */
        public Context timingOnly(final boolean timingOnly)
        {
            this.timingOnly = timingOnly;
            return this;
        }

        /** Service latency per volume type; default {@link ServiceLatencyModel#defaults()}. */
        public Context latencyModel(final ServiceLatencyModel latencyModel)
        {
            this.latencyModel = latencyModel;
            return this;
        }

        /** Seed of the latency jitter randoms (split per volume in attach order). Default 1. */
        public Context seed(final long seed)
        {
            this.seed = seed;
            return this;
        }

        /** Namespace LBA size: 512 (default) or 4096. */
        public Context blockSizeBytes(final int blockSizeBytes)
        {
            this.blockSizeBytes = blockSizeBytes;
            return this;
        }

        /** Data-mode shaped ring size per volume (holds write data); default 4 MiB, accepted 4 MiB..1 GiB. */
        public Context ringCapacityBytes(final int bytes)
        {
            this.ringCapacityBytes = bytes;
            return this;
        }

        /** Data-mode done ring size per volume (holds read data); default 4 MiB, accepted 4 MiB..1 GiB. */
        public Context doneRingCapacityBytes(final int bytes)
        {
            this.doneRingCapacityBytes = bytes;
            return this;
        }

        /** Timing-only ring sizes per volume; default 256 KiB, accepted 64 KiB..1 GiB. */
        public Context timingRingCapacityBytes(final int bytes)
        {
            this.timingRingCapacityBytes = bytes;
            return this;
        }

        public EbsCard build()
        {
            if (instanceId == null || instanceId.isEmpty())
            {
                throw new IllegalArgumentException("EBS card needs an instance id, got " + instanceId);
            }
            if (caps == null || clock == null || latencyModel == null)
            {
                throw new IllegalArgumentException("EBS card for " + instanceId + " needs caps, a clock and a latency "
                    + "model, got caps=" + caps + " clock=" + clock + " latencyModel=" + latencyModel);
            }
            if (blockSizeBytes != 512 && blockSizeBytes != 4096)
            {
                throw new IllegalArgumentException("block size " + blockSizeBytes + " B is not supported: accepted 512, 4096");
            }
            requirePowerOfTwoRange("ringCapacityBytes", ringCapacityBytes, 4 << 20);
            requirePowerOfTwoRange("doneRingCapacityBytes", doneRingCapacityBytes, 4 << 20);
            requirePowerOfTwoRange("timingRingCapacityBytes", timingRingCapacityBytes, 64 << 10);
            if (!timingOnly && backend == null)
            {
                throw new IllegalArgumentException("EBS card for " + instanceId
                    + " in data mode needs a storage backend (or timingOnly(true))");
            }
            if (backend != null && backend.maxIoBytes() < NvmeController.MAX_TRANSFER_BYTES)
            {
                throw new IllegalArgumentException("storage backend max I/O " + backend.maxIoBytes()
                    + " B is below the controller's MDTS of " + NvmeController.MAX_TRANSFER_BYTES + " B");
            }
            return new EbsCard(this);
        }

        private static void requirePowerOfTwoRange(final String what, final int value, final int min)
        {
            if (value < min || value > (1 << 30) || Integer.bitCount(value) != 1)
            {
                throw new IllegalArgumentException(what + " " + value + " B is out of range: accepted a power of two in "
                    + min + ".." + (1 << 30) + " B");
            }
        }
    }
}
