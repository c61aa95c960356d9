package io.nitrosim.simulator.results;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable table of samples: named {@link Column}s sampled at strictly increasing simulated times.
 * Produced by {@link TimeSeriesRecorder#snapshot()}, or built directly (tests, synthetic data) with
 * {@link #builder(List)}.
 */
public final class TimeSeries
{
    private final List<Column> columns;
    private final long[] timesNs;
    private final double[][] values;

    private TimeSeries(final List<Column> columns, final long[] timesNs, final double[][] values)
    {
        this.columns = columns;
        this.timesNs = timesNs;
        this.values = values;
    }

    /**
     * @param columns the columns, keys unique.
     * @param timesNs sample times, strictly increasing.
     * @param values  {@code values[column][sample]}, one row per column, each as long as {@code timesNs}.
     */
    public static TimeSeries of(final List<Column> columns, final long[] timesNs, final double[][] values)
    {
        final List<Column> cols = validColumns(columns);
        Objects.requireNonNull(timesNs, "timesNs");
        Objects.requireNonNull(values, "values");
        if (values.length != cols.size())
        {
            throw new IllegalArgumentException(
                "values has " + values.length + " rows, expected one per column (" + cols.size() + ")");
        }
        for (int i = 1; i < timesNs.length; i++)
        {
            if (timesNs[i] <= timesNs[i - 1])
            {
                throw new IllegalArgumentException("sample times must increase strictly: sample " + i + " at "
                    + timesNs[i] + " ns follows " + timesNs[i - 1] + " ns");
            }
        }
        final double[][] copy = new double[values.length][];
        for (int c = 0; c < values.length; c++)
        {
            if (values[c].length != timesNs.length)
            {
                throw new IllegalArgumentException("column " + cols.get(c).key() + " has " + values[c].length
                    + " values, expected " + timesNs.length);
            }
            copy[c] = values[c].clone();
        }
        return new TimeSeries(cols, timesNs.clone(), copy);
    }

    /** An empty series with these columns. */
    public static TimeSeries empty(final List<Column> columns)
    {
        return of(columns, new long[0], new double[columns.size()][0]);
    }

    public static Builder builder(final List<Column> columns)
    {
        return new Builder(validColumns(columns));
    }

    static List<Column> validColumns(final List<Column> columns)
    {
        final List<Column> cols = Collections.unmodifiableList(new ArrayList<>(Checks.list("columns", columns)));
        final Set<String> keys = new HashSet<>();
        for (final Column c : cols)
        {
            if (!keys.add(c.key()))
            {
                throw new IllegalArgumentException("duplicate column key '" + c.key() + "'");
            }
        }
        return cols;
    }

    public List<Column> columns()
    {
        return columns;
    }

    public int sampleCount()
    {
        return timesNs.length;
    }

    public long timeNs(final int sample)
    {
        return timesNs[sample];
    }

    public double value(final int column, final int sample)
    {
        return values[column][sample];
    }

    /** Index of the column with this key, or -1. */
    public int columnIndex(final String key)
    {
        for (int i = 0; i < columns.size(); i++)
        {
            if (columns.get(i).key().equals(key))
            {
                return i;
            }
        }
        return -1;
    }

    /** A copy of one column's values. */
    public double[] values(final String key)
    {
        final int index = columnIndex(key);
        if (index < 0)
        {
            throw new IllegalArgumentException("no column '" + key + "'");
        }
        return values[index].clone();
    }

    /** A copy of the sample times. */
    public long[] timesNs()
    {
        return timesNs.clone();
    }

    /** Accumulates rows in order; for tests and synthetic data. */
    public static final class Builder
    {
        private final List<Column> columns;
        private long[] timesNs = new long[16];
        private double[][] values;
        private int count;

        private Builder(final List<Column> columns)
        {
            this.columns = columns;
            this.values = new double[columns.size()][16];
        }

        /** Adds one sample: a time and one value per column, in column order. */
        public Builder add(final long timeNs, final double... row)
        {
            if (row.length != columns.size())
            {
                throw new IllegalArgumentException(
                    "row has " + row.length + " values, expected one per column (" + columns.size() + ")");
            }
            if (count == timesNs.length)
            {
                timesNs = Arrays.copyOf(timesNs, count * 2);
                for (int c = 0; c < values.length; c++)
                {
                    values[c] = Arrays.copyOf(values[c], count * 2);
                }
            }
            timesNs[count] = timeNs;
            for (int c = 0; c < row.length; c++)
            {
                values[c][count] = row[c];
            }
            count++;
            return this;
        }

        public TimeSeries build()
        {
            final double[][] trimmed = new double[values.length][];
            for (int c = 0; c < values.length; c++)
            {
                trimmed[c] = Arrays.copyOf(values[c], count);
            }
            return of(columns, Arrays.copyOf(timesNs, count), trimmed);
        }
    }
}
