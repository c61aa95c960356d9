package io.nitrosim.nic.ena;

import org.agrona.concurrent.NanoClock;

import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.pci.PciFunction;
import io.nitrosim.pci.PciFunctionBuilder;

/**
 * Configuration of one ENA function ({@link EnaFunction#context()}), validated in {@link #build()} with one-line
 * messages naming the value and the accepted range.
 */
public final class EnaFunctionContext
{
    EniPort port;
    NanoClock clock;
    CounterRegistry registry;
    int maxQueuePairs = 8;
    int maxQueueDepth = 8192;
    int txQueueDepthFrames = 256;
    int captureBytes = EthernetFrame.MAX_FRAME_LENGTH;
    int rxHandoffFrames = 256;
    int txBurst = 256;
    int rxBudget = 1024;
    long keepAliveIntervalNs = 1_000_000_000L;
    long resetDelayNs = 10_000L;
    int doorbellRingCapacity = 1024;

    EnaFunctionContext()
    {
    }

    /** The ENI this function serves (required); the function becomes its frame sink and adds TX queues. */
    public EnaFunctionContext port(final EniPort port)
    {
        this.port = port;
        return this;
    }

    /** The simulation clock (required): keep-alive events, reset timing, AENQ timestamps. */
    public EnaFunctionContext clock(final NanoClock clock)
    {
        this.clock = clock;
        return this;
    }

    /** Where the function's counters are registered (tags instance, eni); null keeps them unregistered. */
    public EnaFunctionContext registry(final CounterRegistry registry)
    {
        this.registry = registry;
        return this;
    }

    /** IO queue pairs offered (1..32, default 8); MSI-X vectors = pairs + 1. */
    public EnaFunctionContext maxQueuePairs(final int pairs)
    {
        this.maxQueuePairs = pairs;
        return this;
    }

    /** Largest SQ/CQ depth accepted (a power of two, 16..32768, default 8192). */
    public EnaFunctionContext maxQueueDepth(final int depth)
    {
        this.maxQueueDepth = depth;
        return this;
    }

    /** Frames each card egress queue holds between device and shaper (1..65536, default 256). */
    public EnaFunctionContext txQueueDepthFrames(final int frames)
    {
        this.txQueueDepthFrames = frames;
        return this;
    }

    /**
     * Bytes of each frame the device moves (54..9015; default 9015: every byte). Smaller values are timing-only
     * mode: only the first bytes (headers) are read from TX buffers and written to RX buffers, while lengths,
     * shaping and completions stay those of the full frame.
     */
    public EnaFunctionContext captureBytes(final int bytes)
    {
        this.captureBytes = bytes;
        return this;
    }

    /** Timing-only mode with {@link EnaFunction#TIMING_ONLY_CAPTURE_BYTES} captured per frame (true) or payload mode. */
    public EnaFunctionContext timingOnly(final boolean timingOnly)
    {
        this.captureBytes = timingOnly ? EnaFunction.TIMING_ONLY_CAPTURE_BYTES : EthernetFrame.MAX_FRAME_LENGTH;
        return this;
    }

    /** Frames the card-to-device RX hand-off ring holds (16..65536, default 256). */
    public EnaFunctionContext rxHandoffFrames(final int frames)
    {
        this.rxHandoffFrames = frames;
        return this;
    }

    /** Most frames one TX SQ sends per device pass (1..65536, default 256). */
    public EnaFunctionContext txBurst(final int frames)
    {
        this.txBurst = frames;
        return this;
    }

    /** Period of KEEP_ALIVE events in simulated time (1 ms..60 s, default 1 s). */
    public EnaFunctionContext keepAliveIntervalNs(final long intervalNs)
    {
        this.keepAliveIntervalNs = intervalNs;
        return this;
    }

    /** Time from DEV_CTL.dev_reset released to DEV_STS.ready (0..10 s, default 10 us). */
    public EnaFunctionContext resetDelayNs(final long delayNs)
    {
        this.resetDelayNs = delayNs;
        return this;
    }

    /** Doorbell ring records of the PCI function (16..65536, default 1024). */
    public EnaFunctionContext doorbellRingCapacity(final int records)
    {
        this.doorbellRingCapacity = records;
        return this;
    }

    public EnaFunction build()
    {
        if (port == null || clock == null)
        {
            throw new IllegalArgumentException("ENA function needs an ENI port and a clock (port=" + port
                + ", clock=" + clock + ")");
        }
        requireRange("ENA max queue pairs", maxQueuePairs, 1, EnaRegisters.MAX_QUEUE_PAIRS);
        if (maxQueueDepth < 16 || maxQueueDepth > 32_768 || Integer.bitCount(maxQueueDepth) != 1)
        {
            throw new IllegalArgumentException("ENA max queue depth " + maxQueueDepth
                + " must be a power of two in 16..32768");
        }
        requireRange("ENA TX queue depth frames", txQueueDepthFrames, 1, 65_536);
        requireRange("ENA capture bytes", captureBytes, EthernetFrame.L4_OFFSET + EthernetFrame.TCP_HEADER_LENGTH,
            EthernetFrame.MAX_FRAME_LENGTH);
        requireRange("ENA RX hand-off frames", rxHandoffFrames, 16, 65_536);
        requireRange("ENA TX burst", txBurst, 1, 65_536);
        if (keepAliveIntervalNs < 1_000_000L || keepAliveIntervalNs > 60_000_000_000L)
        {
            throw new IllegalArgumentException("ENA keep-alive interval " + keepAliveIntervalNs
                + " ns out of range, accepted 1000000..60000000000 ns");
        }
        if (resetDelayNs < 0 || resetDelayNs > 10_000_000_000L)
        {
            throw new IllegalArgumentException("ENA reset delay " + resetDelayNs
                + " ns out of range, accepted 0..10000000000 ns");
        }
        final String instanceId = port.instance().instanceId();
        final String eniId = port.eni().id();
        final PciFunctionBuilder builder = PciFunction.builder()
            .name("ena-" + eniId)
            .vendorId(EnaFunction.VENDOR_ID).deviceId(EnaFunction.DEVICE_ID)
            .classCode(EnaFunction.CLASS_CODE_ETHERNET).subsystem(EnaFunction.VENDOR_ID, EnaFunction.DEVICE_ID)
            .memoryBar(EnaRegisters.REGISTER_BAR, EnaRegisters.REGISTER_BAR_SIZE_BYTES, true, false)
            .msix(maxQueuePairs + 1, EnaRegisters.REGISTER_BAR, EnaRegisters.MSIX_TABLE_OFFSET,
                EnaRegisters.REGISTER_BAR, EnaRegisters.MSIX_PBA_OFFSET)
            .readOnly(EnaRegisters.REGISTER_BAR, EnaRegisters.VERSION, 16)
            .resetValue32(EnaRegisters.REGISTER_BAR, EnaRegisters.VERSION, EnaRegisters.VERSION_VALUE)
            .resetValue32(EnaRegisters.REGISTER_BAR, EnaRegisters.CONTROLLER_VERSION,
                EnaRegisters.CONTROLLER_VERSION_VALUE)
            .resetValue32(EnaRegisters.REGISTER_BAR, EnaRegisters.CAPS,
                (EnaRegisters.DMA_ADDRESS_WIDTH_BITS << EnaRegisters.CAPS_DMA_ADDR_WIDTH_SHIFT)
                    | (resetTimeoutUnits() << EnaRegisters.CAPS_RESET_TIMEOUT_SHIFT))
            .doorbells(EnaRegisters.REGISTER_BAR, EnaRegisters.AQ_DB, 4)
            .readOnly(EnaRegisters.REGISTER_BAR, EnaRegisters.ACQ_TAIL, 4)
            .doorbells(EnaRegisters.REGISTER_BAR, EnaRegisters.AENQ_HEAD_DB, 4)
            .readOnly(EnaRegisters.REGISTER_BAR, EnaRegisters.AENQ_TAIL, 4)
            .notifyOnWrite(EnaRegisters.REGISTER_BAR, EnaRegisters.DEV_CTL, 4)
            .readOnly(EnaRegisters.REGISTER_BAR, EnaRegisters.DEV_STS, 4)
            .resetValue32(EnaRegisters.REGISTER_BAR, EnaRegisters.DEV_STS, EnaRegisters.DEV_STS_READY)
            .doorbells(EnaRegisters.REGISTER_BAR, EnaRegisters.MMIO_REG_READ, 4)
            .doorbells(EnaRegisters.REGISTER_BAR, EnaRegisters.SQ_DOORBELL_BASE,
                EnaRegisters.SQ_DOORBELL_STRIDE * EnaRegisters.MAX_QUEUE_PAIRS)
            .doorbells(EnaRegisters.REGISTER_BAR, EnaRegisters.CQ_UNMASK_BASE,
                EnaRegisters.CQ_UNMASK_STRIDE * 2 * EnaRegisters.MAX_QUEUE_PAIRS)
            .doorbellRingCapacity(doorbellRingCapacity)
            .counters(registry, MetricTags.of("instance", instanceId, "eni", eniId));
        return new EnaFunction(this, builder);
    }

    int resetTimeoutUnits()
    {
        // CAPS.reset_timeout in 100 ms units, at least 1, at most 31.
        return (int)Math.min(31, Math.max(1, (resetDelayNs + EnaRegisters.RESET_TIMEOUT_UNIT_NS - 1)
            / EnaRegisters.RESET_TIMEOUT_UNIT_NS));
    }

    private static void requireRange(final String what, final int value, final int min, final int max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(what + " " + value + " out of range, accepted " + min + ".." + max);
        }
    }
}
