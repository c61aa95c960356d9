package io.nitrosim.simulator.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.card.FrameSink;
import io.nitrosim.nic.driver.EnaDriver;
import io.nitrosim.nic.ena.EnaFunction;
import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.pci.trace.Tracer;
import io.nitrosim.simulator.results.FaultResult;
import io.nitrosim.simulator.scenario.DurationParser;
import io.nitrosim.simulator.scenario.FaultKind;
import io.nitrosim.simulator.scenario.Scenario;

/**
 * Frames lost or corrupted on the way to an ENI at a rate (fabric-loss, fabric-corruption): for the fault's duration
 * the ENI's port delivers through this sink, which picks each frame with probability {@code rate} (a
 * {@link SplittableRandom} seeded from the scenario's seed and the fault's place, so the same frames are picked every
 * run) and passes the others to the ENI's own sink (its ENA device). It sits after the card's ingress shaping, where
 * the frame leaves the fabric for the device. A lost frame is accepted and forgotten, as a frame lost on a wire is:
 * the sender sees nothing, and TCP-like streams retransmit. A corrupted frame is delivered with one byte changed
 * (XOR with a drawn non-zero value): with the whole frame carried (full payload) any byte from the IPv4 header to the
 * end; in timing-only mode, where the device holds only the first bytes and cannot check the L4 checksum, a byte of
 * the IPv4 header. The receiving device's checksum offloads flag it and the guest's driver drops and counts it.
 * Recovery: the first frame delivered after the end.
 */
final class FabricLoss extends FaultInjection implements FrameSink
{
    /** The trace parameter: the rate in parts per million. */
    private static final double PPM = 1_000_000;

    private final String eni;
    private final EniPort port;
    private final EnaFunction function;
    private final SplittableRandom random;
    private final boolean corrupt;
    /** The guest's driver on the ENI (its checksum drops are counted), or null. */
    private final EnaDriver driver;
    private final UnsafeBuffer scratch;
    private FrameSink delivered;
    private long offered;
    private long lost;
    private long csumBadAtStart;
    private long csumBad;
    private long rxAtEnd;

    FabricLoss(final Scenario.Fault fault, final EniHandle eni, final long seed, final EnaDriver driver)
    {
        super(fault);
        this.eni = eni.name();
        this.port = eni.port();
        this.function = eni.function();
        this.random = new SplittableRandom(seed);
        this.corrupt = fault.kind() == FaultKind.FABRIC_CORRUPTION;
        this.driver = driver;
        this.scratch = corrupt ? new UnsafeBuffer(new byte[EthernetFrame.MAX_FRAME_LENGTH]) : null;
    }

    @Override
    public boolean onFrame(final EniPort eni, final DirectBuffer buffer, final int offset, final int capturedLength,
        final int frameLength, final long nowNs)
    {
        offered++;
        if (random.nextDouble() < fault.rate())
        {
            lost++;
            if (!corrupt)
            {
                return true;
            }
            final int captured = Math.min(capturedLength, scratch.capacity());
            scratch.putBytes(0, buffer, offset, captured);
            // the whole frame: any byte past the Ethernet header; only its first bytes: the IPv4 header
            final int end = captured >= frameLength ? captured
                : Math.min(captured, EthernetFrame.IP_OFFSET + EthernetFrame.IPV4_HEADER_LENGTH);
            final int at = EthernetFrame.IP_OFFSET + random.nextInt(end - EthernetFrame.IP_OFFSET);
            scratch.putByte(at, (byte)(scratch.getByte(at) ^ (1 + random.nextInt(255))));
            return delivered.onFrame(eni, scratch, 0, captured, frameLength, nowNs);
        }
        return delivered.onFrame(eni, buffer, offset, capturedLength, frameLength, nowNs);
    }

    @Override
    void start(final long nowNs)
    {
        delivered = port.sink();
        port.sink(this);
        csumBadAtStart = driver == null ? 0 : driver.rxCsumBad();
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
        if (corrupt)
        {
            counters.put("framesCorrupted", lost);
            if (driver != null)
            {
                counters.put("driverRxCsumBad", driver.rxCsumBad() - csumBadAtStart);
            }
            return new FaultResult(fault.kind().key(), eni, fault.atNs() / 1e9, fault.durationNs() / 1e9,
                Map.of("rate", fault.rate()), "corrupted " + lost + " of the " + offered + " frames delivered to "
                    + eni + " in " + DurationParser.format(fault.durationNs()), counters,
                "until the first frame the device received after the fault", recoverySeconds);
        }
        counters.put("framesLost", lost);
        return new FaultResult(fault.kind().key(), eni, fault.atNs() / 1e9, fault.durationNs() / 1e9,
            Map.of("rate", fault.rate()), "lost " + lost + " of the " + offered + " frames delivered to " + eni
                + " in " + DurationParser.format(fault.durationNs()), counters,
            "until the first frame the device received after the fault", recoverySeconds);
    }
}
