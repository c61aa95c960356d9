package io.nitrosim.nic.card;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.nitrosim.nic.shaping.InstanceShaper;
import io.nitrosim.nic.vpc.ConnTrackTable;
import io.nitrosim.nic.vpc.VpcInstance;
import io.nitrosim.pci.trace.Tracer;
import io.nitrosim.shaping.ShapedRing;

/**
 * One instance's state on its card: the shaper (allowances shared by all its ENIs), its connection tracking
 * table, its bounded ingress buffer (a ring gated by the inbound allowance, one per instance so a throttled
 * instance never blocks another, bounded to {@code ingressBufferBytes} of frames) and its ENI ports. Owned by the
 * card agent's thread.
 */
public final class CardInstance
{
    private final VpcInstance vpcInstance;
    private final InstanceShaper shaper;
    private final ConnTrackTable conntrack;
    final ShapedRing ingress;
    final int ingressBufferBytes;
    final List<EniPort> ports = new ArrayList<>();
    EniPort[] portArray = new EniPort[0];
    TxQueue[] queueArray = new TxQueue[0];
    long ingressQueuedBytes;
    int roundRobin;

    CardInstance(final VpcInstance vpcInstance, final InstanceShaper shaper, final ConnTrackTable conntrack,
        final ShapedRing ingress, final int ingressBufferBytes)
    {
        this.vpcInstance = vpcInstance;
        this.shaper = shaper;
        this.conntrack = conntrack;
        this.ingress = ingress;
        this.ingressBufferBytes = ingressBufferBytes;
    }

    public String instanceId()
    {
        return vpcInstance.instanceId();
    }

    public VpcInstance vpcInstance()
    {
        return vpcInstance;
    }

    public InstanceShaper shaper()
    {
        return shaper;
    }

    public ConnTrackTable conntrack()
    {
        return conntrack;
    }

    /** Ports currently served (a detached port keeps its local index but is no longer listed). */
    public List<EniPort> ports()
    {
        final List<EniPort> served = new ArrayList<>(ports.size());
        for (final EniPort port : ports)
        {
            if (!port.detached)
            {
                served.add(port);
            }
        }
        return Collections.unmodifiableList(served);
    }

    /** Where the ingress buffer's shaping decisions are traced (record tag: the ENI's local index). */
    public void ingressTracer(final Tracer tracer)
    {
        ingress.tracer(tracer);
    }

    /** Inbound frames dropped because the ingress buffer was full. */
    public long ingressDroppedFrames()
    {
        return ingress.droppedRecords();
    }

    /** Bytes (as charged) waiting in the ingress buffer. */
    public long ingressQueuedBytes()
    {
        return ingressQueuedBytes;
    }

    void addPort(final EniPort port)
    {
        ports.add(port);
        portArray = ports.toArray(new EniPort[0]);
        rebuildQueues();
    }

    void rebuildQueues()
    {
        final List<TxQueue> all = new ArrayList<>();
        for (final EniPort port : ports)
        {
            if (!port.detached)
            {
                all.addAll(port.mutableQueues());
            }
        }
        queueArray = all.toArray(new TxQueue[0]);
        roundRobin = 0;
    }
}
