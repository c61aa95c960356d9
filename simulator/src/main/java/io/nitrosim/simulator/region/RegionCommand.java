package io.nitrosim.simulator.region;

/**
 * Work for the region's runtime thread: the only way to change or read the data plane of a running region
 * (hosts, instances, cards, the VPC model), so every piece of state keeps its one owner thread.
 */
@FunctionalInterface
public interface RegionCommand<T>
{
    /** Runs on the runtime thread; an exception fails the command's future and leaves the region running. */
    T run(RegionControl control);
}
