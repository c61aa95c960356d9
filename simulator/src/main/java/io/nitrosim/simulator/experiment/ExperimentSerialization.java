package io.nitrosim.simulator.experiment;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/** Creates the experiment's cluster messages on deserialization (no Java serialization on the wire). */
final class ExperimentSerialization implements DataSerializableFactory
{
    /** "NS" for nitro-sim; any id other factories of the cluster do not use. */
    static final int FACTORY_ID = 0x4E53;
    static final int POINT_TASK = 1;
    static final int POINT_OUTCOME = 2;

    @Override
    public IdentifiedDataSerializable create(final int typeId)
    {
        switch (typeId)
        {
            case POINT_TASK:
                return new PointTask();
            case POINT_OUTCOME:
                return new PointOutcome();
            default:
                return null;
        }
    }
}
