package io.nitrosim.nic.driver;

import io.nitrosim.nic.ena.EnaFunction;
import io.nitrosim.nic.ena.EnaRegisters;
import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.nic.frame.FrameReceiver;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.GuestMemoryAccess;
import io.nitrosim.pci.GuestMemoryAllocator;

/**
 * The configuration of one {@link EnaDriver} ({@link EnaDriver#context()}), validated in {@link #build()} with
 * one-line messages naming the value and the accepted range.
 */
public final class EnaDriverContext
{
    FunctionAccess function;
    GuestMemoryAccess memory;
    GuestMemoryAllocator allocator;
    FrameReceiver receiver;
    int queuePairs = 1;
    int txDepth = 1024;
    int rxDepth = 1024;
    int txBufferBytes = 9216;
    int rxBufferBytes = 9216;
    int mtu = 1500;
    int captureBytes = EthernetFrame.MAX_FRAME_LENGTH;
    boolean interruptMode;
    boolean ioBusyPoll;
    long msiAddress;
    int firstVector;
    int adminDepth = 32;
    int aenqDepth = 32;
    int completionBudget = 256;
    long pollIntervalNs = 1_000L;
    long readyTimeoutNs = 1_000_000_000L;
    long adminTimeoutNs = 3_000_000_000L;
    long keepAliveTimeoutNs = 6_000_000_000L;
    long healthCheckIntervalNs = 1_000_000_000L;
    boolean autoRecovery = true;

    EnaDriverContext()
    {
    }

    /** The function, reached through configuration space and BAR MMIO (required). */
    public EnaDriverContext function(final FunctionAccess function)
    {
        this.function = function;
        return this;
    }

    /** The guest's memory (required). */
    public EnaDriverContext memory(final GuestMemoryAccess memory)
    {
        this.memory = memory;
        return this;
    }

    /** Where queues and buffers are allocated (required); taken once, at the first bring-up. */
    public EnaDriverContext allocator(final GuestMemoryAllocator allocator)
    {
        this.allocator = allocator;
        return this;
    }

    /** Where received frames go (null: counted and dropped). */
    public EnaDriverContext receiver(final FrameReceiver receiver)
    {
        this.receiver = receiver;
        return this;
    }

    /** IO queue pairs to create (1..32, default 1). */
    public EnaDriverContext queuePairs(final int pairs)
    {
        this.queuePairs = pairs;
        return this;
    }

    /** TX and RX ring depths (powers of two, 16..32768, default 1024). */
    public EnaDriverContext depths(final int txDepth, final int rxDepth)
    {
        this.txDepth = txDepth;
        this.rxDepth = rxDepth;
        return this;
    }

    /**
     * Guest buffer sizes (64..65535 for TX, 64..65536 for RX, default 9216). A frame longer than a TX buffer is
     * sent with several descriptors; one longer than an RX buffer arrives in several.
     */
    public EnaDriverContext bufferBytes(final int txBufferBytes, final int rxBufferBytes)
    {
        this.txBufferBytes = txBufferBytes;
        this.rxBufferBytes = rxBufferBytes;
        return this;
    }

    /** MTU set with SET_FEATURE MTU at bring-up (128..9001, default 1500). */
    public EnaDriverContext mtu(final int mtu)
    {
        this.mtu = mtu;
        return this;
    }

    /** Bytes of each frame written to TX buffers and read from RX buffers (54..9015, default all). */
    public EnaDriverContext captureBytes(final int bytes)
    {
        this.captureBytes = bytes;
        return this;
    }

    /** Timing-only mode: only {@link EnaFunction#TIMING_ONLY_CAPTURE_BYTES} per frame. */
    public EnaDriverContext timingOnly(final boolean timingOnly)
    {
        this.captureBytes = timingOnly ? EnaFunction.TIMING_ONLY_CAPTURE_BYTES
            : EthernetFrame.MAX_FRAME_LENGTH;
        return this;
    }

    /**
     * Interrupt mode: MSI-X vector v (0 admin/AENQ, 1..pairs IO) is programmed with {@code messageAddress} and
     * data {@code firstVector + v}; {@link EnaDriver#onInterrupt} expects those vectors.
     */
    public EnaDriverContext interrupts(final long messageAddress, final int firstVector)
    {
        this.interruptMode = true;
        this.ioBusyPoll = false;
        this.msiAddress = messageAddress;
        this.firstVector = firstVector;
        return this;
    }

    /**
     * Busy polling, as Linux's {@code net.core.busy_poll} with {@code SO_PREFER_BUSY_POLL} runs a socket's queues:
     * MSI-X programmed as in {@link #interrupts}, the admin queue and AENQ read on their vector; an IO pair is read
     * once its vector fires, and from then on on every doWork with its vector left masked (no interrupt and no unmask
     * write per completion); a pair that carries nothing is never read.
     */
    public EnaDriverContext busyPolling(final long messageAddress, final int firstVector)
    {
        interrupts(messageAddress, firstVector);
        this.ioBusyPoll = true;
        return this;
    }

    /** Polling mode (the default): no MSI-X, completions reaped on every doWork. */
    public EnaDriverContext polling()
    {
        this.interruptMode = false;
        this.ioBusyPoll = false;
        return this;
    }

    /** Admin SQ/CQ and AENQ depths (powers of two, 2..4096, default 32). */
    public EnaDriverContext adminDepths(final int adminDepth, final int aenqDepth)
    {
        this.adminDepth = adminDepth;
        this.aenqDepth = aenqDepth;
        return this;
    }

    /** Most completions reaped per queue per doWork (1..65536, default 256). */
    public EnaDriverContext completionBudget(final int completions)
    {
        this.completionBudget = completions;
        return this;
    }

    /** How often bring-up polls DEV_STS (1 ns..1 s, default 1 us). */
    public EnaDriverContext pollIntervalNs(final long intervalNs)
    {
        this.pollIntervalNs = intervalNs;
        return this;
    }

    /** Keep-alive watchdog (0 disables; default 6 s) and health-check period (DEV_STS read; default 1 s). */
    public EnaDriverContext watchdog(final long keepAliveTimeoutNs, final long healthCheckIntervalNs)
    {
        this.keepAliveTimeoutNs = keepAliveTimeoutNs;
        this.healthCheckIntervalNs = healthCheckIntervalNs;
        return this;
    }

    /** Admin command timeout (1 us..60 s, default 3 s) -> failure with ADMIN_TO. */
    public EnaDriverContext adminTimeoutNs(final long timeoutNs)
    {
        this.adminTimeoutNs = timeoutNs;
        return this;
    }

    /**
     * Whether the driver recovers by itself from a failure (default on), as Linux's ENA reset task does: at the
     * watchdog's next tick it tears its queues down (frames in flight are lost and counted), resets the device
     * through DEV_CTL with the failure's reason and brings it up again. Off: it stays in
     * {@link EnaDriver#STATE_FAILED} until {@link EnaDriver#reset(int)} (tests that look at the failed state).
     */
    public EnaDriverContext autoRecovery(final boolean autoRecovery)
    {
        this.autoRecovery = autoRecovery;
        return this;
    }

    public EnaDriver build()
    {
        if (function == null || memory == null || allocator == null)
        {
            throw new IllegalArgumentException("ENA driver needs a function, guest memory and an allocator (function="
                + function + ", memory=" + memory + ", allocator=" + allocator + ")");
        }
        requireRange("ENA driver queue pairs", queuePairs, 1, EnaRegisters.MAX_QUEUE_PAIRS);
        requirePowerOfTwo("ENA driver TX depth", txDepth, 16, 32_768);
        requirePowerOfTwo("ENA driver RX depth", rxDepth, 16, 32_768);
        requirePowerOfTwo("ENA driver admin depth", adminDepth, 2, 4096);
        requirePowerOfTwo("ENA driver AENQ depth", aenqDepth, 2, 4096);
        requireRange("ENA driver TX buffer bytes", txBufferBytes, 64, 65_535);
        requireRange("ENA driver RX buffer bytes", rxBufferBytes, 64, 65_536);
        requireRange("ENA driver MTU", mtu, EnaFunction.MIN_MTU, EthernetFrame.MAX_MTU);
        requireRange("ENA driver capture bytes", captureBytes, EthernetFrame.L4_OFFSET + EthernetFrame.TCP_HEADER_LENGTH,
            EthernetFrame.MAX_FRAME_LENGTH);
        requireRange("ENA driver completion budget", completionBudget, 1, 65_536);
        final int frame = EthernetFrame.ETH_HEADER_LENGTH + mtu;
        if ((long)txBufferBytes * EnaDriver.MAX_FRAME_DESCS < frame
            || (long)rxBufferBytes * EnaDriver.MAX_FRAME_DESCS < frame)
        {
            throw new IllegalArgumentException("ENA driver buffers of " + txBufferBytes + "/" + rxBufferBytes
                + " B cannot hold a " + frame + " B frame in " + EnaDriver.MAX_FRAME_DESCS + " descriptors");
        }
        if (interruptMode && (firstVector < 0 || firstVector + queuePairs > 255))
        {
            throw new IllegalArgumentException("ENA driver interrupt vectors " + firstVector + ".."
                + (firstVector + queuePairs) + " out of range, accepted 0..255");
        }
        requireNs("ENA driver poll interval", pollIntervalNs, 1, 1_000_000_000L);
        requireNs("ENA driver admin timeout", adminTimeoutNs, 1_000, 60_000_000_000L);
        requireNs("ENA driver keep-alive timeout", keepAliveTimeoutNs, 0, 600_000_000_000L);
        requireNs("ENA driver health-check interval", healthCheckIntervalNs, 1_000_000, 600_000_000_000L);
        requireNs("ENA driver ready timeout", readyTimeoutNs, 1_000, 600_000_000_000L);
        return new EnaDriver(this);
    }

    private static void requireRange(final String what, final int value, final int min, final int max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(what + " " + value + " out of range, accepted " + min + ".." + max);
        }
    }

    private static void requirePowerOfTwo(final String what, final int value, final int min, final int max)
    {
        if (value < min || value > max || Integer.bitCount(value) != 1)
        {
            throw new IllegalArgumentException(what + " " + value + " must be a power of two in " + min + ".." + max);
        }
    }

    private static void requireNs(final String what, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(what + " " + value + " ns out of range, accepted " + min + ".." + max
                + " ns");
        }
    }
}
