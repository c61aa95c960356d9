package io.nitrosim.simulator.engine;

import io.nitrosim.hypervisor.guest.PciAddress;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.ena.EnaFunction;
import io.nitrosim.nic.vpc.Eni;

/** An ENI plugged into an instance: the VPC model's interface, its port on the card, its ENA function and slot. */
public record EniHandle(String name, Eni eni, EniPort port, EnaFunction function, PciAddress address)
{
    /** The tags the card's counters of this ENI carry (read through the registry, see {@code EniMeter}). */
    public MetricTags tags()
    {
        return MetricTags.of("instance", eni.instanceId(), "eni", eni.id());
    }
}
