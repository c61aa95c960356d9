package io.nitrosim.benchmarks;

import org.agrona.DirectBuffer;

import io.nitrosim.shaping.BurstableLimit;
import io.nitrosim.shaping.ShapedRecordHandler;
import io.nitrosim.shaping.ShapedRing;
import io.nitrosim.shaping.ShapingGate;

/**
 * {@link VirtualTimeFlow}'s work without parts of it, to say where its time per record goes (the caller times them):
 * <ul>
 * <li>{@link #ringAndGate}: the same ring, gate and producer rule, but no runtime: a loop offers (at the same
 * refill mark as the batched producer), polls once, and sets its clock to the ring's {@link
 * ShapedRing#nextEligibleNs() deadline}. The flow minus this is the runtime (passes, deadline scans, time jumps).</li>
 * <li>{@link #gate}: the gate's arithmetic alone, as the ring asks it per record: the check that admits a record,
 * its charge, and the check that holds the next one and says until when. Ring-and-gate minus this is the hand-off
 * (claim, commit, read, the ring's bookkeeping).</li>
 * </ul>
 * Both admit exactly the records the flow admits in the same simulated time (the same limit, the same record times).
 */
public final class VirtualTimeFlowParts
{
    private static final ShapedRecordHandler SINK = new ShapedRecordHandler()
    {
        @Override
        public boolean onRecord(
            final int tag, final DirectBuffer buffer, final int payloadIndex, final int payloadLength,
            final int chargedBytes, final long readyAtNs, final long nowNs)
        {
            return true;
        }
    };

    private VirtualTimeFlowParts()
    {
    }

    /** Runs the ring and gate without a runtime for {@code durationNs} simulated ns; returns the records admitted. */
    public static long ringAndGate(final long durationNs)
    {
        final ShapedRing ring = VirtualTimeFlow.newRing(VirtualTimeFlow.newLimit(0));
        final int refillAtOrBelowBytes = ring.capacityBytes() / 2;
        long nowNs = 0;
        long admitted = 0;
        while (nowNs <= durationNs)
        {
            if (ring.sizeBytes() <= refillAtOrBelowBytes)
            {
                while (ring.offerTimingOnly(nowNs, VirtualTimeFlow.RECORD_BYTES, VirtualTimeFlow.TAG))
                {
                    // fill it
                }
            }
            admitted += ring.poll(SINK, VirtualTimeFlow.POLL_LIMIT, nowNs);
            nowNs = ring.nextEligibleNs();
        }
        return admitted;
    }

    /** Runs the gate's per-record questions alone for {@code durationNs} simulated ns; returns the records admitted. */
    public static long gate(final long durationNs)
    {
        final BurstableLimit netOut = VirtualTimeFlow.newLimit(0);
        final ShapingGate gate = ShapingGate.builder().bytes(netOut).build();
        final ShapingGate.Hold hold = new ShapingGate.Hold();
        final long bytes = VirtualTimeFlow.RECORD_BYTES;
        final long ops = gate.opsFor(bytes);
        long nowNs = 0;
        long admitted = 0;
        while (nowNs <= durationNs)
        {
            if (gate.check(bytes, ops, null, nowNs, hold) == 0)
            {
                gate.consume(bytes, ops, null, nowNs);
                admitted++;
                gate.check(bytes, ops, null, nowNs, hold); // the next record: held, until when
            }
            nowNs = hold.admitNs();
        }
        return admitted;
    }
}
