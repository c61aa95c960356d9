package io.nitrosim.simulator.region;

import io.nitrosim.metrics.MeterDescriptor;
import io.nitrosim.metrics.MeterSpec;

/** The real-time region's own meters: how its simulated time keeps pace with the wall clock. */
public enum RegionMeter implements MeterDescriptor
{
    SIMULATED(MeterSpec.gauge("region.simulated.ns", "Simulated time of the real-time region since it started, ns")),
    LAG(MeterSpec.gauge("region.lag.ns",
        "How far the region's simulated time trailed the wall clock at its latest time jump, ns")),
    MAX_LAG(MeterSpec.gauge("region.lag.max.ns", "The largest lag of the region since it started, ns"));

    private final MeterSpec spec;

    RegionMeter(final MeterSpec spec)
    {
        this.spec = spec;
    }

    @Override
    public MeterSpec spec()
    {
        return spec;
    }
}
