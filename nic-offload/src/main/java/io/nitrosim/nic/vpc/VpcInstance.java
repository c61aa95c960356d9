package io.nitrosim.nic.vpc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.nitrosim.nic.shaping.NetworkInstanceCaps;

/** An instance as the VPC sees it: its id, network caps, the host it runs on and its attached ENIs. */
public final class VpcInstance
{
    private final String instanceId;
    private final NetworkInstanceCaps caps;
    private final int hostId;
    private final List<Eni> enis = new ArrayList<>();

    VpcInstance(final String instanceId, final NetworkInstanceCaps caps, final int hostId)
    {
        this.instanceId = instanceId;
        this.caps = caps;
        this.hostId = hostId;
    }

    public String instanceId()
    {
        return instanceId;
    }

    public NetworkInstanceCaps caps()
    {
        return caps;
    }

    public int hostId()
    {
        return hostId;
    }

    /** Attached ENIs in attachment order. */
    public List<Eni> enis()
    {
        return Collections.unmodifiableList(enis);
    }

    List<Eni> mutableEnis()
    {
        return enis;
    }

    @Override
    public String toString()
    {
        return instanceId + "@host" + hostId;
    }
}
