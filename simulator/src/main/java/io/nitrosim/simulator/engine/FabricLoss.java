package io.nitrosim.simulator.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.agrona.DirectBuffer;

import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.card.FrameSink;
import io.nitrosim.nic.ena.EnaFunction;
import io.nitrosim.pci.trace.Tracer;
import io.nitrosim.simulator.results.FaultResult;
import io.nitrosim.simulator.scenario.DurationParser;
import io.nitrosim.simulator.scenario.Scenario;

/**
 * Frames lost on the way to an ENI at a rate: for the fault's duration the ENI's port delivers through this sink,
 * which loses each frame with probability {@code rate} (a {@link SplittableRandom} seeded from the scenario's seed
 * and the fault's place, so the same frames are lost every run) and passes the others to the ENI's own sink (its
 * ENA device). The loss sits after the card's ingress shaping, where the frame leaves the fabric for the device. A
 * lost frame is accepted and forgotten, as a frame lost on a wire is: the sender sees nothing, and TCP-like streams
 * retransmit. Recovery: the first frame delivered after the end.
 */
final class FabricLoss extends FaultInjection implements FrameSink
{
    /** The trace parameter: the rate in parts per million. */
    private static final double PPM = 1_000_000;

    private final String eni;
    private final EniPort port;
    private final EnaFunction function;
    private final SplittableRandom random;
    private FrameSink delivered;
    private long offered;
    private long lost;
    private long rxAtEnd;

    FabricLoss(final Scenario.Fault fault, final EniHandle eni, final long seed)
    {
        super(fault);
        this.eni = eni.name();
        this.port = eni.port();
        this.function = eni.function();
        this.random = new SplittableRandom(seed);
    }

    @Override
    public boolean onFrame(final EniPort eni, final DirectBuffer buffer, final int offset, final int capturedLength,
        final int frameLength, final long nowNs)
    {
        offered++;
        if (random.nextDouble() < fault.rate())
        {
            lost++;
            return true;
        }
        return delivered.onFrame(eni, buffer, offset, capturedLength, frameLength, nowNs);
    }

    @Override
    void start(final long nowNs)
    {
        delivered = port.sink();
        port.sink(this);
    }

    @Override
    void end(final long nowNs)
    {
        port.sink(delivered);
        rxAtEnd = function.rxFrames();
    }

    @Override
    boolean recovered(final long nowNs)
    {
        return function.rxFrames() > rxAtEnd;
    }

    @Override
    Tracer tracer()
    {
        return function.tracer();
    }

    @Override
    long traceParameter()
    {
        return Math.round(fault.rate() * PPM);
    }

    @Override
    FaultResult result(final Double recoverySeconds)
    {
        final Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("framesOffered", offered);
        counters.put("framesLost", lost);
        return new FaultResult(fault.kind().key(), eni, fault.atNs() / 1e9, fault.durationNs() / 1e9,
            Map.of("rate", fault.rate()), "lost " + lost + " of the " + offered + " frames delivered to " + eni
                + " in " + DurationParser.format(fault.durationNs()), counters,
            "until the first frame the device received after the fault", recoverySeconds);
    }
}
