package io.nitrosim.benchmarks;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;

import io.nitrosim.shaping.BurstableLimit;
import io.nitrosim.shaping.ShapedRecordHandler;
import io.nitrosim.shaping.ShapedRing;
import io.nitrosim.shaping.ShapingGate;
import io.nitrosim.time.SimAgent;
import io.nitrosim.time.VirtualTimeRuntime;

/**
 * One c5.large network flow at its 10 Gbps peak, in virtual time: a producer agent keeps a {@link ShapedRing}
 * of timing-only 9001-byte records from running empty (offered load above the cap), and a consumer agent polls
 * it through a gate made of the c5.large peak and credit buckets. The credits (420 s of burst) outlast any run
 * here, so the admitted rate is the peak.
 * <p>
 * The producer either tops the ring up on every pass ({@link Producer#GREEDY}) or, like a driver refilling its
 * queue in batches, only once the ring is down to half ({@link Producer#BATCHED}). Both keep thousands of
 * records queued (about 10 ms at peak), so the consumer never starves and the admitted rate is the same; the
 * batched one skips a failing claim on a full ring in every pass.
 * <p>
 * Used by {@link VirtualTimeFlowBenchmark} (how fast simulated time runs) and by its smoke test (that the
 * admitted rate is the cap). Not thread-safe: one flow, one thread.
 */
public final class VirtualTimeFlow implements AutoCloseable
{
    public static final long PEAK_BYTES_PER_SEC = 1_250_000_000L;     // 10 Gbps
    public static final long BASELINE_BYTES_PER_SEC = 93_750_000L;    // 0.75 Gbps
    public static final long BURST_SECONDS = 420;                     // c5.large, 7 min measured
    /** Depth of the peak bucket as time at peak (a few ms at most: docs/architecture.md, "Bandwidth semantics"). */
    public static final long PEAK_DEPTH_NS = 1_000_000L;
    public static final int RECORD_BYTES = 9001;
    public static final int RING_CAPACITY_BYTES = 64 * 1024;
    /** Records the consumer takes per doWork, as a device agent would bound its pass. */
    public static final int POLL_LIMIT = 64;
    static final int TAG = 1;

    private final VirtualTimeRuntime runtime = new VirtualTimeRuntime();
    private final ShapedRing ring;
    private final BurstableLimit netOut;
    private final ProducerAgent producer;

    /** How the producer keeps the ring from running empty. */
    public enum Producer
    {
        /** Offers until the ring is full, on every pass. */
        GREEDY,
        /** Waits until the ring is down to half, then fills it. */
        BATCHED
    }

    public VirtualTimeFlow(final Producer producerMode)
    {
        final NanoClock clock = runtime.clock();
        netOut = newLimit(clock.nanoTime());
        ring = newRing(netOut);
        producer = new ProducerAgent(ring, clock, producerMode == Producer.BATCHED ? ring.capacityBytes() / 2 :
            ring.capacityBytes());
        runtime.add(producer);
        runtime.add(new Consumer(ring, clock));
    }

    /** The c5.large net-out limit: the peak and credit buckets, full at {@code nowNs}. */
    static BurstableLimit newLimit(final long nowNs)
    {
        return BurstableLimit.of(
            "c5.large net-out", PEAK_BYTES_PER_SEC, BASELINE_BYTES_PER_SEC, BURST_SECONDS, PEAK_DEPTH_NS, RECORD_BYTES,
            nowNs);
    }

    /** The flow's ring of timing-only records, gated by {@code netOut}. */
    static ShapedRing newRing(final BurstableLimit netOut)
    {
        return ShapedRing.builder("c5.large flow")
            .capacityBytes(RING_CAPACITY_BYTES)
            .maxPayloadBytes(0)
            .gate(ShapingGate.builder().bytes(netOut).build())
            .build();
    }

    /** Runs the flow for {@code durationNs} more simulated nanoseconds. */
    public Result runFor(final long durationNs)
    {
        if (durationNs < 1)
        {
            throw new IllegalArgumentException("duration " + durationNs + " ns must be positive");
        }
        final long startNs = runtime.clock().nanoTime();
        final long endNs = runtime.runUntil(Math.addExact(startNs, durationNs));
        return new Result(
            endNs,
            ring.admittedRecords(),
            ring.admittedBytes(),
            producer.offeredRecords,
            runtime.passes(),
            runtime.timeJumps());
    }

    /** The gate's credit balance, parts per million of full (stays high: the burst outlasts the run). */
    public long creditBalancePpm()
    {
        return netOut.creditBalancePpm(runtime.clock().nanoTime());
    }

    @Override
    public void close()
    {
        runtime.close();
    }

    /**
     * What a run achieved, cumulative since the flow was created.
     *
     * @param simulatedNs     simulated time at the end of the run.
     * @param recordsAdmitted records the consumer took through the gate.
     * @param bytesAdmitted   bytes those records stand for.
     * @param recordsOffered  records the producer placed in the ring.
     * @param passes          runtime passes over all agents.
     * @param timeJumps       times the runtime moved the clock.
     */
    public record Result(
        long simulatedNs, long recordsAdmitted, long bytesAdmitted, long recordsOffered, long passes, long timeJumps)
    {
        public double achievedBitsPerSec()
        {
            return bytesAdmitted * 8.0 * 1e9 / simulatedNs;
        }

        public double achievedGbps()
        {
            return achievedBitsPerSec() / 1e9;
        }

        public double simulatedSeconds()
        {
            return simulatedNs / 1e9;
        }
    }

    /** Fills the ring once it is at or below a mark: it only reacts to space, so it has no deadline. */
    private static final class ProducerAgent implements SimAgent
    {
        private final ShapedRing ring;
        private final NanoClock clock;
        private final int refillAtOrBelowBytes;
        long offeredRecords;

        ProducerAgent(final ShapedRing ring, final NanoClock clock, final int refillAtOrBelowBytes)
        {
            this.ring = ring;
            this.clock = clock;
            this.refillAtOrBelowBytes = refillAtOrBelowBytes;
        }

        @Override
        public int doWork()
        {
            if (ring.sizeBytes() > refillAtOrBelowBytes)
            {
                return 0;
            }
            final long nowNs = clock.nanoTime();
            int offered = 0;
            while (ring.offerTimingOnly(nowNs, RECORD_BYTES, TAG))
            {
                offered++;
            }
            offeredRecords += offered;
            return offered;
        }

        @Override
        public long nextDeadlineNs()
        {
            return NO_DEADLINE;
        }

        @Override
        public String roleName()
        {
            return "flow-producer";
        }
    }

    /** Takes what the gate admits; its deadline is when the gate will admit the head. */
    private static final class Consumer implements SimAgent, ShapedRecordHandler
    {
        private final ShapedRing ring;
        private final NanoClock clock;

        Consumer(final ShapedRing ring, final NanoClock clock)
        {
            this.ring = ring;
            this.clock = clock;
        }

        @Override
        public int doWork()
        {
            return ring.poll(this, POLL_LIMIT, clock.nanoTime());
        }

        @Override
        public long nextDeadlineNs()
        {
            return ring.nextEligibleNs();
        }

        @Override
        public boolean onRecord(
            final int tag,
            final DirectBuffer buffer,
            final int payloadIndex,
            final int payloadLength,
            final int chargedBytes,
            final long readyAtNs,
            final long nowNs)
        {
            return true; // the sink: the ring's own counters record what was admitted
        }

        @Override
        public String roleName()
        {
            return "flow-consumer";
        }
    }
}
