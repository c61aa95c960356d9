package io.nitrosim.simulator.experiment;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import io.nitrosim.simulator.report.ResultsJson;
import io.nitrosim.time.WallClock;

/**
 * One point, as submitted to the durable executor: the point's scenario tree and the name of the map its
 * outcome goes to. Whichever member runs it (again, after the member first given it died) puts the same
 * outcome under the same key, since a point's run depends on its scenario alone. Returns the member's address.
 */
public final class PointTask implements Callable<String>, IdentifiedDataSerializable, HazelcastInstanceAware
{
    /** The member's log, from its user context (a worker prints one line per point). */
    static final String LOG = "nitro-sim.log";

    private String mapName;
    private int index;
    private String label;
    private String source;
    private String scenarioJson;
    private transient HazelcastInstance member;

    /** For deserialization. */
    public PointTask()
    {
    }

    PointTask(final String mapName, final ExperimentPlan.PlannedPoint point)
    {
        this.mapName = mapName;
        this.index = point.index();
        this.label = point.label();
        this.source = point.source();
        this.scenarioJson = point.scenarioJson();
    }

    int index()
    {
        return index;
    }

    @Override
    public void setHazelcastInstance(final HazelcastInstance hazelcastInstance)
    {
        this.member = hazelcastInstance;
    }

    @Override
    public String call()
    {
        final String address = SweepCluster.address(member.getCluster().getLocalMember());
        final long startNs = WallClock.nanoTime();
        PointOutcome outcome;
        try
        {
            final PointRunner.PointResult result = PointRunner.run(source, scenarioJson);
            outcome = new PointOutcome(index, address, seconds(startNs), null, ResultsJson.toJson(result.results()),
                result.series());
        }
        catch (final RuntimeException ex)
        {
            outcome = new PointOutcome(index, address, seconds(startNs), ex.toString(), null, null);
        }
        member.<Integer, PointOutcome>getMap(mapName).set(index, outcome);
        log(String.format(Locale.ROOT, "point %d (%s): %s in %.1f s", index + 1, label,
            outcome.error() == null ? "done" : "FAILED: " + outcome.error(), outcome.wallSeconds()));
        return address;
    }

    @SuppressWarnings("unchecked")
    private void log(final String line)
    {
        final Object log = member.getUserContext().get(LOG);
        if (log instanceof Consumer)
        {
            ((Consumer<String>)log).accept(line);
        }
    }

    private static double seconds(final long startNs)
    {
        return (WallClock.nanoTime() - startNs) / 1e9;
    }

    @Override
    public int getFactoryId()
    {
        return ExperimentSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId()
    {
        return ExperimentSerialization.POINT_TASK;
    }

    @Override
    public void writeData(final ObjectDataOutput out) throws IOException
    {
        out.writeString(mapName);
        out.writeInt(index);
        out.writeString(label);
        out.writeString(source);
        out.writeString(scenarioJson);
    }

    @Override
    public void readData(final ObjectDataInput in) throws IOException
    {
        mapName = in.readString();
        index = in.readInt();
        label = in.readString();
        source = in.readString();
        scenarioJson = in.readString();
    }
}
