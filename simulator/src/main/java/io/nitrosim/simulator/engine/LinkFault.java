package io.nitrosim.simulator.engine;

import java.util.LinkedHashMap;
import java.util.Map;

import io.nitrosim.nic.driver.EnaDriver;
import io.nitrosim.nic.ena.EnaFunction;
import io.nitrosim.pci.trace.Tracer;
import io.nitrosim.simulator.results.FaultResult;
import io.nitrosim.simulator.scenario.DurationParser;
import io.nitrosim.simulator.scenario.Scenario;

/**
 * An ENI's link down for the fault's duration, then up ({@link EnaFunction#link}): the device posts AENQ
 * LINK_CHANGE (link_status 0, then 1), takes no TX frame and drops every frame delivered while down; the guest's
 * ENA driver (when the guest runs one on this ENI) turns its carrier off and on. Recovery: the first frame the
 * device moved (TX or RX) after the link came back.
 */
final class LinkFault extends FaultInjection
{
    private final String eni;
    private final EnaFunction function;
    /** The guest's driver on this ENI, or null when no workload drives it. */
    private final EnaDriver driver;
    private long framesAtStart;
    private long framesAtEnd;
    private long droppedAtStart;
    private long dropped;
    private long linkChangesAtStart;
    private boolean carrierOffSeen;

    LinkFault(final Scenario.Fault fault, final EniHandle eni, final EnaDriver driver)
    {
        super(fault);
        this.eni = eni.name();
        this.function = eni.function();
        this.driver = driver;
    }

    private long frames()
    {
        return function.txFrames() + function.rxFrames();
    }

    @Override
    void start(final long nowNs)
    {
        framesAtStart = frames();
        droppedAtStart = function.linkDropped();
        linkChangesAtStart = driver == null ? 0 : driver.linkChanges();
        function.link(false);
    }

    @Override
    void end(final long nowNs)
    {
        framesAtEnd = frames();
        dropped = function.linkDropped() - droppedAtStart;
        carrierOffSeen = driver != null && driver.carrierOff();
        function.link(true);
    }

    @Override
    boolean recovered(final long nowNs)
    {
        return frames() > framesAtEnd;
    }

    @Override
    Tracer tracer()
    {
        return function.tracer();
    }

    @Override
    FaultResult result(final Double recoverySeconds)
    {
        final Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("framesMovedDuringFault", framesAtEnd - framesAtStart);
        counters.put("framesDroppedWhileDown", dropped);
        if (driver != null)
        {
            counters.put("driverCarrierOffAtEnd", carrierOffSeen ? 1L : 0L);
            counters.put("driverLinkChanges", driver.linkChanges() - linkChangesAtStart);
        }
        return new FaultResult(fault.kind().key(), eni, fault.atNs() / 1e9, fault.durationNs() / 1e9, Map.of(),
            "link of " + eni + " down for " + DurationParser.format(fault.durationNs()) + " (AENQ LINK_CHANGE down, then up); "
                + dropped + " frames dropped", counters, "until the first frame moved after the link came up",
            recoverySeconds);
    }
}
