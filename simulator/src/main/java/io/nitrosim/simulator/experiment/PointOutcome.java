package io.nitrosim.simulator.experiment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import io.nitrosim.simulator.report.ResultsJson;
import io.nitrosim.simulator.results.Column;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.SeriesKind;
import io.nitrosim.simulator.results.TimeSeries;

/**
 * What a member puts in the experiment's results map for one point: results.json's text and the time series
 * (every double as its 64 bits, so the coordinator sees exactly what the member computed), or the error that
 * stopped the point; with the member that ran it and the wall time it took.
 */
public final class PointOutcome implements IdentifiedDataSerializable
{
    private int index;
    private String member;
    private double wallSeconds;
    private String error;
    private String resultsJson;
    private TimeSeries series;

    /** For deserialization. */
    public PointOutcome()
    {
    }

    PointOutcome(final int index, final String member, final double wallSeconds, final String error,
        final String resultsJson, final TimeSeries series)
    {
        this.index = index;
        this.member = member;
        this.wallSeconds = wallSeconds;
        this.error = error;
        this.resultsJson = resultsJson;
        this.series = series;
    }

    public int index()
    {
        return index;
    }

    /** The member that ran the point (host:port). */
    public String member()
    {
        return member;
    }

    public double wallSeconds()
    {
        return wallSeconds;
    }

    /** Why the point failed, or null. */
    public String error()
    {
        return error;
    }

    /** The point's results, parsed from the JSON the member wrote. */
    public RunResults results()
    {
        try
        {
            return ResultsJson.parseRun(resultsJson);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("point " + (index + 1) + ": unreadable results from " + member, ex);
        }
    }

    public TimeSeries series()
    {
        return series;
    }

    @Override
    public int getFactoryId()
    {
        return ExperimentSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId()
    {
        return ExperimentSerialization.POINT_OUTCOME;
    }

    @Override
    public void writeData(final ObjectDataOutput out) throws IOException
    {
        out.writeInt(index);
        out.writeString(member);
        out.writeDouble(wallSeconds);
        out.writeString(error);
        out.writeString(resultsJson);
        out.writeBoolean(series != null);
        if (series != null)
        {
            writeSeries(series, out);
        }
    }

    @Override
    public void readData(final ObjectDataInput in) throws IOException
    {
        index = in.readInt();
        member = in.readString();
        wallSeconds = in.readDouble();
        error = in.readString();
        resultsJson = in.readString();
        series = in.readBoolean() ? readSeries(in) : null;
    }

    private static void writeSeries(final TimeSeries ts, final ObjectDataOutput out) throws IOException
    {
        out.writeInt(ts.columns().size());
        for (final Column c : ts.columns())
        {
            out.writeString(c.key());
            out.writeString(c.label());
            out.writeString(c.unit());
            out.writeString(c.instance());
            out.writeString(c.subject());
            out.writeString(c.direction());
            out.writeString(c.kind().name());
            writeOptional(c.peak(), out);
            writeOptional(c.baseline(), out);
        }
        out.writeLongArray(ts.timesNs());
        for (final Column c : ts.columns())
        {
            out.writeDoubleArray(ts.values(c.key()));
        }
    }

    private static TimeSeries readSeries(final ObjectDataInput in) throws IOException
    {
        final int count = in.readInt();
        final List<Column> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            columns.add(new Column(in.readString(), in.readString(), in.readString(), in.readString(),
                in.readString(), in.readString(), SeriesKind.valueOf(in.readString()), readOptional(in),
                readOptional(in)));
        }
        final long[] times = in.readLongArray();
        final double[][] values = new double[count][];
        for (int i = 0; i < count; i++)
        {
            values[i] = in.readDoubleArray();
        }
        return TimeSeries.of(columns, times, values);
    }

    private static void writeOptional(final Double value, final ObjectDataOutput out) throws IOException
    {
        out.writeBoolean(value != null);
        if (value != null)
        {
            out.writeDouble(value);
        }
    }

    private static Double readOptional(final ObjectDataInput in) throws IOException
    {
        return in.readBoolean() ? in.readDouble() : null;
    }
}
