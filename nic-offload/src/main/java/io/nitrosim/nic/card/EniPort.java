package io.nitrosim.nic.card;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.nitrosim.nic.shaping.EniCounters;
import io.nitrosim.nic.vpc.Eni;
import io.nitrosim.pci.trace.Tracer;
import io.nitrosim.shaping.ShapingGate;
import io.nitrosim.time.Wake;

/**
 * An ENI as the card serves it: its egress queues and their gate, the sink its delivered frames go to, its
 * counters and its link-local gate (1024 packets/s). Created by {@link VpcCard} for every ENI attached to one of
 * its instances.
 */
public final class EniPort
{
    private final VpcCard card;
    private final CardInstance instance;
    private final Eni eni;
    private final int localIndex;
    private final EniCounters counters;
    private final ShapingGate egressGate;
    private final ShapingGate linkLocalGate;
    private final List<TxQueue> queues = new ArrayList<>();
    /** No longer served (hot-unplugged): its queues are not polled and frames still buffered for it are discarded. */
    boolean detached;
    private final long lineRateBytesPerSec;
    /** When the egress pipeline is free again, plus the remainder of that time in 1/lineRate ns. */
    private long pipelineFreeNs;
    private long pipelineRemainder;
    FrameSink sink = FrameSink.DISCARD;
    private Tracer tracer = Tracer.OFF;
    /** The card's group wake (consumer of the egress queues, producer of the sink's hand-off). */
    private Wake cardWake = Wake.NONE;
    /** The ENA function's group wake (producer of the egress queues, consumer of the sink's hand-off). */
    private Wake functionWake = Wake.NONE;

    EniPort(final VpcCard card, final CardInstance instance, final Eni eni, final int localIndex,
        final EniCounters counters, final ShapingGate egressGate, final ShapingGate linkLocalGate)
    {
        this.card = card;
        this.instance = instance;
        this.eni = eni;
        this.localIndex = localIndex;
        this.counters = counters;
        this.egressGate = egressGate;
        this.linkLocalGate = linkLocalGate;
        lineRateBytesPerSec = Math.max(instance.shaper().config().lineRateBytesPerSec(),
            instance.shaper().caps().peakBytesPerSec());
    }

    /** Bytes per second the ENI's egress pipeline takes in: the port's line rate, or the instance's peak if higher. */
    public long lineRateBytesPerSec()
    {
        return lineRateBytesPerSec;
    }

    /**
     * Takes a frame of {@code bytes} into the ENI's egress pipeline, which holds each frame for its wire time at
     * the line rate whatever its fate: returns when it enters (now, or when the frames before it have passed), and
     * keeps the pipeline busy until it has passed. Exact: no rounding error accumulates from frame to frame.
     */
    long enterPipeline(final long nowNs, final int bytes)
    {
        if (nowNs >= pipelineFreeNs)
        {
            pipelineFreeNs = nowNs;
            pipelineRemainder = 0;
        }
        final long startNs = pipelineFreeNs;
        final long scaled = bytes * 1_000_000_000L + pipelineRemainder;
        pipelineFreeNs += scaled / lineRateBytesPerSec;
        pipelineRemainder = scaled % lineRateBytesPerSec;
        return startNs;
    }

    public Eni eni()
    {
        return eni;
    }

    public CardInstance instance()
    {
        return instance;
    }

    public EniCounters counters()
    {
        return counters;
    }

    /** The gate of the ENI's egress queues: the instance's outbound allowance and PPS limit, counted here. */
    public ShapingGate egressGate()
    {
        return egressGate;
    }

    ShapingGate linkLocalGate()
    {
        return linkLocalGate;
    }

    /** Index of this ENI among its instance's ports. */
    public int localIndex()
    {
        return localIndex;
    }

    /** Adds an egress queue with the card's default depth and capture size. Configure before running. */
    public TxQueue addTxQueue()
    {
        return addTxQueue(card.context().txQueueDepthFrames(), card.context().txMaxCapturedBytes());
    }

    /** Adds an egress queue; {@code maxCapturedBytes} bounds what a record carries (small for timing-only). */
    public TxQueue addTxQueue(final int depthFrames, final int maxCapturedBytes)
    {
        final TxQueue queue = new TxQueue(this, queues.size(), depthFrames, maxCapturedBytes, card.clock());
        queue.ring().wakeConsumer(cardWake);
        queue.ring().wakeProducer(functionWake);
        queues.add(queue);
        instance.rebuildQueues();
        return queue;
    }

    public List<TxQueue> txQueues()
    {
        return Collections.unmodifiableList(queues);
    }

    List<TxQueue> mutableQueues()
    {
        return queues;
    }

    /**
     * Where the ENI's frames and its egress queues' shaping decisions are traced (its ENA function's tracer); set
     * before its queues are added.
     */
    public void tracer(final Tracer tracer)
    {
        this.tracer = tracer == null ? Tracer.OFF : tracer;
        for (final TxQueue queue : queues)
        {
            queue.ring().tracer(this.tracer);
        }
    }

    public Tracer tracer()
    {
        return tracer;
    }

    /** Where delivered frames go (default: discarded). */
    public void sink(final FrameSink sink)
    {
        this.sink = sink == null ? FrameSink.DISCARD : sink;
        this.sink.bindWakes(cardWake, functionWake);
    }

    /** The card's group wake: its agent took it from the runtime (see {@link io.nitrosim.time.SimAgent#bindWake}). */
    void bindCardWake(final Wake wake)
    {
        this.cardWake = wake;
        rewire();
    }

    /** The wake of the group the ENI's device (its ENA function) runs in. */
    public void bindFunctionWake(final Wake wake)
    {
        this.functionWake = wake == null ? Wake.NONE : wake;
        rewire();
    }

    private void rewire()
    {
        for (final TxQueue queue : queues)
        {
            queue.ring().wakeConsumer(cardWake);
            queue.ring().wakeProducer(functionWake);
        }
        sink.bindWakes(cardWake, functionWake);
    }

    public FrameSink sink()
    {
        return sink;
    }

    @Override
    public String toString()
    {
        return "EniPort{" + eni.id() + " of " + instance.instanceId() + "}";
    }
}
