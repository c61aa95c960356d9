package io.nitrosim.simulator.region;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.nitrosim.ebs.device.EbsCard;
import io.nitrosim.hypervisor.Instance;
import io.nitrosim.nic.card.VpcCard;
import io.nitrosim.nic.guest.GuestIperf;
import io.nitrosim.simulator.engine.EniHandle;
import io.nitrosim.simulator.engine.GuestSide;
import io.nitrosim.simulator.engine.StoragePlumbing;

/**
 * One instance of the region as the data plane holds it: the hypervisor's instance on its host, its VPC card,
 * its ENIs (ENA functions) and volumes (NVMe controllers on its EBS card), and its guest program once a workload
 * runs in it. Read and changed on the runtime thread only.
 */
public final class RegionInstance
{
    private final Instance instance;
    private final int hostIndex;
    private final VpcCard vpcCard;
    final Map<String, EniHandle> enis = new LinkedHashMap<>();
    final Map<String, StoragePlumbing.PluggedVolume> volumes = new LinkedHashMap<>();
    EbsCard ebsCard;
    GuestSide guest;
    GuestIperf iperf;

    RegionInstance(final Instance instance, final int hostIndex, final VpcCard vpcCard)
    {
        this.instance = instance;
        this.hostIndex = hostIndex;
        this.vpcCard = vpcCard;
    }

    public String id()
    {
        return instance.id();
    }

    /** The hypervisor's instance: type, state, placement. */
    public Instance instance()
    {
        return instance;
    }

    public int hostIndex()
    {
        return hostIndex;
    }

    public VpcCard vpcCard()
    {
        return vpcCard;
    }

    /** ENIs by id, in attach order (the primary first). */
    public Map<String, EniHandle> enis()
    {
        return Collections.unmodifiableMap(enis);
    }

    /** Attached volumes by id, in attach order. */
    public Map<String, StoragePlumbing.PluggedVolume> volumes()
    {
        return Collections.unmodifiableMap(volumes);
    }

    /** The instance's EBS card, or null before its first volume. */
    public EbsCard ebsCard()
    {
        return ebsCard;
    }

    @Override
    public String toString()
    {
        return instance + " on host " + hostIndex;
    }
}
