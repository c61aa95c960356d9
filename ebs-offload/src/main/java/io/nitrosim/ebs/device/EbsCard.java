package io.nitrosim.ebs.device;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.ebs.shaping.EbsInstanceCaps;
import io.nitrosim.ebs.shaping.EbsShaping;
import io.nitrosim.ebs.shaping.EbsShapingMeter;
import io.nitrosim.ebs.shaping.IoMerge;
import io.nitrosim.ebs.shaping.VolumeShaping;
import io.nitrosim.ebs.storage.EmbeddedStorageBackend;
import io.nitrosim.ebs.storage.StorageBackend;
import io.nitrosim.ebs.storage.StorageOp;
import io.nitrosim.ebs.volume.ServiceLatencyModel;
import io.nitrosim.ebs.volume.VolumeId;
import io.nitrosim.ebs.volume.VolumeSpec;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.shaping.ShapedRecordHandler;
import io.nitrosim.shaping.ShapedRing;
import io.nitrosim.time.SimAgent;
import io.nitrosim.time.Wake;

/**
 * The EBS card of one instance: owns the instance's {@link EbsShaping} (EBS bytes and IOPS buckets shared by all
 * its volumes, plus each volume's own) and consumes every attached {@link NvmeController}'s shaped ring, so the
 * shared buckets have one owner. Add the card itself and each controller's
 * {@link NvmeController#agent()} to the runtime.
 * <p>
 * <b>Data path.</b> The card speaks storage, not NVMe: each volume's front end (its {@link NvmeController}) turns
 * an I/O command into a {@link StorageRequest} (read, write, flush, trim) in the volume's shaped ring
 * ({@code readyAtNs} = fetch time + the volume's service latency, charged bytes = the transfer length; IOPS counted
 * in AWS units: a record of B bytes counts ceil(B / 256 KiB) ops on SSD volumes, ceil(B / 1 MiB) on st1/sc1, and a
 * read or write contiguous with the volume's previous one of the same kind merges into its operation up to that
 * unit: {@link IoMerge}), and
 * the card sees only that ring, a completion ring and the front end's epoch ({@link VolumePort}). The card admits
 * a request when it is ready and every bucket admits it; then {@link StorageDispatch} hands it to the
 * {@link StorageBackend} (a write's data was DMAed from the guest into the record at fetch) and returns the
 * backend's storage status, with read data, on the completion ring; the controller maps the status to NVMe's, DMAs
 * read data to the guest's PRPs and posts the completion. In timing-only mode an admitted request completes at
 * once.
 * <p>
 * <b>Shaping.</b> Each volume's ring is gated by its {@link EbsShaping#gateFor gate}, which says which limits hold
 * an I/O and counts them ({@link io.nitrosim.ebs.shaping.EbsShapingMeter}: instance and volume throttle counters,
 * credit balances); {@link EbsMeter#BACKEND_ERRORS} is the card's own. Gauges read bucket state owned by the
 * card's agent without changing it: exact in virtual time, approximate when read from another thread.
 */
public final class EbsCard implements SimAgent
{
    private static final int POLL_LIMIT = 64;

    private final Context ctx;
    private final NanoClock clock;
    private final EbsShaping shaping;
    private final StorageBackend backend;
    private final SplittableRandom random;
    private final MetricTags tags;
    private final AtomicCounter backendErrors;
    private final List<NvmeController> attached = new ArrayList<>();
    /** Attached controllers by index (null where one was detached), replaced whole on attach and detach. */
    private volatile NvmeController[] volumes = new NvmeController[0];
    private final StorageDispatch dispatch;
    private final RecordHandler recordHandler = new RecordHandler();
    private int rotation;
    /** The card's group wake ({@link #bindWake}): every volume's port calls it. */
    private Wake wake = Wake.NONE;

    private EbsCard(final Context ctx)
    {
        this.ctx = ctx;
        this.clock = ctx.clock;
        this.backend = ctx.backend;
        this.random = new SplittableRandom(ctx.seed);
        this.tags = MetricTags.of("instance", ctx.instanceId);
        this.shaping = EbsShaping.context(ctx.caps).nowNs(clock.nanoTime()).counters(ctx.registry, tags).build();
        this.backendErrors = EbsMeter.BACKEND_ERRORS.newCounter(ctx.registry, tags);
        this.dispatch = new StorageDispatch(backend, backendErrors);
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
        final NvmeController[] grown = java.util.Arrays.copyOf(volumes, index + 1);
        grown[index] = controller;
        volumes = grown;
        attached.add(controller);
        EbsShapingMeter.BURST_BALANCE.newGauge(ctx.registry, volumeTags,
            () -> volumeShaping.burstBalancePpm(clock.nanoTime()));
        dispatch.attach(controller.port(), spec.sizeBytes());
        controller.port().bindWakes(wake, null);
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
        final NvmeController[] vols = volumes;
        if (index < 0 || index >= vols.length || vols[index] != controller)
        {
            return false;
        }
        final NvmeController[] copy = vols.clone();
        copy[index] = null;
        volumes = copy;
        dispatch.detach(index);
        attached.remove(controller);
        shaping.removeVolume(controller.volumeSpec().volumeId());
        if (ctx.registry != null)
        {
            ctx.registry.remove(tags.and("volume", controller.volumeSpec().volumeId().toString()), "volume");
        }
        return true;
    }

    /**
     * Applies a modified spec (IOPS, throughput) to an attached volume's buckets from now on. Call from the
     * card's thread. @return whether the volume is attached here.
     */
    public boolean modifyVolume(final VolumeSpec modified)
    {
        final VolumeShaping volume = shaping.volume(modified.volumeId());
        if (volume == null)
        {
            return false;
        }
        volume.apply(modified, clock.nanoTime());
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

    /**
     * Fault injection: the volume's storage answers {@code latencyNs} later than its service time, for every request
     * its front end queues from now on ({@code 0} ends the fault; requests already queued keep their time). Call
     * from the card's thread.
     */
    public void addStorageLatency(final NvmeController controller, final long latencyNs)
    {
        if (latencyNs < 0)
        {
            throw new IllegalArgumentException("added storage latency " + latencyNs + " ns is negative");
        }
        controller.port().addedLatencyNs(latencyNs);
    }

    /** Requests of the volume that carried an added storage latency ({@link #addStorageLatency}). */
    public long delayedRequests(final NvmeController controller)
    {
        return controller.port().delayedRequests();
    }

    /**
     * Fault injection: the volume's storage takes no request before {@code untilNs}; requests wait in the volume's
     * ring (and, once it is full, commands in their submission queues), none is lost, and service resumes at
     * {@code untilNs}. Call from the card's thread.
     */
    public void stallStorage(final NvmeController controller, final long untilNs)
    {
        controller.port().stalledUntilNs(untilNs);
    }

    /**
     * Fault injection: the volume's storage server was killed. Requests it had not answered get no answer and the
     * card holds the volume's I/O (they and every later request wait in the volume's ring, as EBS stalls I/O
     * rather than fail it while its storage recovers) until {@link #storageRestarted}. Call from the card's thread.
     */
    public void storageKilled(final NvmeController controller)
    {
        controller.port().stalledUntilNs(NO_DEADLINE);
    }

    /**
     * Fault injection: the volume's storage server is back and has recovered. The card sends the {@code unanswered}
     * requests again, and then the rest, once the new connection's round trip (the volume type's base service
     * latency) has passed. Call from the card's thread.
     */
    public void storageRestarted(final NvmeController controller, final long unanswered)
    {
        final VolumePort port = controller.port();
        port.resubmitsDue(unanswered);
        port.stalledUntilNs(clock.nanoTime() + ctx.latencyModel.profile(controller.volumeSpec().type()).baseNs());
    }

    /** Requests of the volume the card sent again after a storage server restart ({@link #storageRestarted}). */
    public long resubmittedRequests(final NvmeController controller)
    {
        return controller.port().resubmitted();
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
        int work = dispatch.flushKept();
        work += dispatch.pollBackend();
        // Round robin, one record per volume per round, starting with a different volume each pass that took a
        // record, so volumes sharing the instance buckets share them fairly. (It turns per pass that took one, not
        // per call: how often an idle card is called is the runtime's affair.)
        final NvmeController[] vols = volumes;
        final int n = vols.length;
        if (n > 0)
        {
            final int first = rotation + 1 >= n ? 0 : rotation + 1;
            int taken = 0;
            for (int round = 0; round < POLL_LIMIT; round++)
            {
                int delivered = 0;
                for (int k = 0; k < n; k++)
                {
                    final NvmeController v = vols[(first + k) % n];
                    if (v == null || v.port().stalledUntilNs() > nowNs)
                    {
                        continue; // a stalled storage takes nothing: the requests wait in the ring
                    }
                    recordHandler.port = v.port();
                    recordHandler.merge = v.volumeShaping().merge();
                    delivered += v.ring().poll(recordHandler, 1, nowNs);
                }
                taken += delivered;
                if (delivered == 0)
                {
                    break;
                }
            }
            work += taken;
            if (taken > 0)
            {
                rotation = first;
            }
        }
        recordHandler.port = null;
        recordHandler.merge = null;
        work += dispatch.pollBackend();
        return work;
    }

    @Override
    public void bindWake(final Wake wake)
    {
        this.wake = wake;
        for (final NvmeController v : attached)
        {
            v.port().bindWakes(wake, null);
        }
    }

    /**
     * Whether all its input wakes it: requests, epochs and room from its controllers do; completions come back
     * during submission from the in-process backend, but from the network thread of a remote one, which does not.
     */
    @Override
    public boolean wakesOnInput()
    {
        return backend == null || backend instanceof EmbeddedStorageBackend;
    }

    @Override
    public long nextDeadlineNs()
    {
        long deadline = NO_DEADLINE;
        for (final NvmeController v : volumes)
        {
            if (v != null)
            {
                final long stalledUntilNs = v.port().stalledUntilNs();
                deadline = Math.min(deadline, stalledUntilNs > clock.nanoTime() ? stalledUntilNs
                    : v.ring().nextEligibleNs());
            }
        }
        return deadline;
    }

    /**
     * Counts each head's operations as EBS does (a read or write contiguous with the one before it, of the same
     * kind, merges into its operation up to the I/O unit; flush and trim count one and end the merged operation)
     * and hands each admitted record of the volume being polled to the storage path.
     */
    private final class RecordHandler implements ShapedRecordHandler
    {
        private final StorageRequest request = new StorageRequest();
        VolumePort port;
        IoMerge merge;

        @Override
        public void onHead(
            final ShapedRing.Head head, final int tag, final DirectBuffer buffer, final int payloadIndex,
            final int payloadLength, final int chargedBytes, final long nowNs)
        {
            final StorageRequest r = request.wrap(buffer, payloadIndex);
            final int op = r.op();
            if (op == StorageOp.READ || op == StorageOp.WRITE)
            {
                head.ops(merge.opsFor(op, r.offsetBytes(), r.lengthBytes()));
            }
        }

        @Override
        public boolean onRecord(
            final int tag, final DirectBuffer buffer, final int payloadIndex, final int payloadLength,
            final int chargedBytes, final long readyAtNs, final long nowNs)
        {
            if (!dispatch.dispatch(port, buffer, payloadIndex))
            {
                return false;
            }
            final StorageRequest r = request.wrap(buffer, payloadIndex);
            final int op = r.op();
            if (op == StorageOp.READ || op == StorageOp.WRITE)
            {
                merge.admit(op, r.offsetBytes(), r.lengthBytes());
            }
            else
            {
                merge.reset();
            }
            port.countTaken();
            port.tracer().emit(TraceKind.STORAGE_OP, r.slot(), r.op(), r.offsetBytes(), r.lengthBytes(), 0);
            return true;
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
