package io.nitrosim.simulator.results;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.DoubleSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import org.agrona.concurrent.NanoClock;

import io.nitrosim.time.SimAgent;

/**
 * Samples registered probes every {@code sampleIntervalNs} of simulated time into growing primitive arrays.
 * <p>
 * Samples fall on the grid {@code startNs + k * sampleIntervalNs} (k >= 1), where {@code startNs} is the clock
 * when the agent starts; the recorder reports the next grid time as its deadline, so under the virtual-time
 * runtime every sample is taken exactly on the grid and a run is reproducible bit for bit. Under the real-time
 * runtime a sample is taken at the first pass at or after its grid time, rates use the time actually elapsed,
 * and missed grid points are skipped rather than replayed.
 * <p>
 * Probes: a gauge (a {@link DoubleSupplier} read as is), a total (a {@link LongSupplier} counter read as is, for
 * cumulative counters such as the ENA allowance counters) or a rate (the delta of a monotonically increasing
 * {@link LongSupplier} counter since the previous sample, per second, scaled by a {@link RateUnit}).
 * <p>
 * Threading: the recorder belongs to the thread that runs it. {@link #latest(int)} and
 * {@link #latestTimeNs()} may be read from any thread (status endpoint, progress line); {@link #snapshot()} and
 * {@link #recordFinalSample()} only from the owning thread or after the run.
 */
public final class TimeSeriesRecorder implements SimAgent
{
    private static final int GAUGE = 0;
    private static final int TOTAL = 1;
    private static final int RATE = 2;

    private final NanoClock clock;
    private final long sampleIntervalNs;
    private final long stopAtNs;
    private final List<Column> columns;
    private final int[] probeKinds;
    private final DoubleSupplier[] gauges;
    private final LongSupplier[] counters;
    private final RateUnit[] rateUnits;
    private final long[] lastCounts;
    private final AtomicLongArray latestBits;
    private volatile long latestTimeNs = -1;
    private LongConsumer sampleListener;

    private boolean started;
    private long startNs;
    private long lastSampleNs;
    private long nextSampleNs;
    private int sampleCount;
    private long[] timesNs;
    private double[][] values;

    private TimeSeriesRecorder(final Builder b)
    {
        this.clock = b.clock;
        this.sampleIntervalNs = b.sampleIntervalNs;
        this.stopAtNs = b.stopAtNs;
        this.columns = TimeSeries.validColumns(b.columns);
        final int n = columns.size();
        this.probeKinds = new int[n];
        this.gauges = new DoubleSupplier[n];
        this.counters = new LongSupplier[n];
        this.rateUnits = new RateUnit[n];
        for (int i = 0; i < n; i++)
        {
            probeKinds[i] = b.probeKinds.get(i);
            gauges[i] = b.gauges.get(i);
            counters[i] = b.counters.get(i);
            rateUnits[i] = b.rateUnits.get(i);
        }
        this.lastCounts = new long[n];
        this.latestBits = new AtomicLongArray(n);
        this.timesNs = new long[b.initialCapacity];
        this.values = new double[n][b.initialCapacity];
    }

    /**
     * @param clock            the simulation's clock (the runtime's).
     * @param sampleIntervalNs simulated time between samples, > 0.
     */
    public static Builder builder(final NanoClock clock, final long sampleIntervalNs)
    {
        return new Builder(clock, sampleIntervalNs);
    }

    @Override
    public void onStart()
    {
        start();
    }

    @Override
    public int doWork()
    {
        if (!started)
        {
            start();
        }
        final long nowNs = clock.nanoTime();
        if (nextSampleNs > stopAtNs || nowNs < nextSampleNs)
        {
            return 0;
        }
        sample(nowNs);
        // Next grid point strictly after now (skips grid points a real-time stall missed).
        nextSampleNs = startNs + ((nowNs - startNs) / sampleIntervalNs + 1) * sampleIntervalNs;
        return 1;
    }

    @Override
    public long nextDeadlineNs()
    {
        return nextSampleNs > stopAtNs ? NO_DEADLINE : nextSampleNs;
    }

    /**
     * It only works at its deadline (the next sample time) and a sample only reads counters, changing nothing
     * another agent reads: it may be skipped between samples.
     */
    @Override
    public boolean wakesOnInput()
    {
        return true;
    }

    @Override
    public String roleName()
    {
        return "time-series-recorder";
    }

    /**
     * Takes one more sample at the current time if time moved since the last one, covering the tail of a run
     * that ended between grid points; rates cover the partial interval. Call after the run ends.
     *
     * @return whether a sample was taken.
     */
    public boolean recordFinalSample()
    {
        if (!started)
        {
            start();
        }
        final long nowNs = clock.nanoTime();
        if (nowNs <= lastSampleNs)
        {
            return false;
        }
        sample(nowNs);
        return true;
    }

    /**
     * Called with the sample time after every sample, on the sampling thread (e.g. a trace recording credit
     * balances on the same grid as the series). Set before the run.
     */
    public void sampleListener(final LongConsumer listener)
    {
        this.sampleListener = listener;
    }

    private void start()
    {
        started = true;
        startNs = clock.nanoTime();
        lastSampleNs = startNs;
        nextSampleNs = startNs + sampleIntervalNs;
        for (int i = 0; i < counters.length; i++)
        {
            if (probeKinds[i] == RATE)
            {
                lastCounts[i] = counters[i].getAsLong();
            }
        }
    }

    private void sample(final long nowNs)
    {
        if (sampleCount == timesNs.length)
        {
            grow();
        }
        final long elapsedNs = nowNs - lastSampleNs;
        for (int i = 0; i < probeKinds.length; i++)
        {
            final double value;
            switch (probeKinds[i])
            {
                case GAUGE:
                    value = gauges[i].getAsDouble();
                    break;
                case TOTAL:
                    value = counters[i].getAsLong();
                    break;
                default:
                    final long count = counters[i].getAsLong();
                    value = rateUnits[i].rate(count - lastCounts[i], elapsedNs);
                    lastCounts[i] = count;
                    break;
            }
            values[i][sampleCount] = value;
            latestBits.lazySet(i, Double.doubleToRawLongBits(value));
        }
        timesNs[sampleCount] = nowNs;
        sampleCount++;
        lastSampleNs = nowNs;
        latestTimeNs = nowNs;
        if (sampleListener != null)
        {
            sampleListener.accept(nowNs);
        }
    }

    private void grow()
    {
        final int capacity = Math.max(16, timesNs.length * 2);
        timesNs = Arrays.copyOf(timesNs, capacity);
        for (int i = 0; i < values.length; i++)
        {
            values[i] = Arrays.copyOf(values[i], capacity);
        }
    }

    public List<Column> columns()
    {
        return columns;
    }

    public long sampleIntervalNs()
    {
        return sampleIntervalNs;
    }

    /** Samples taken so far (owning thread). */
    public int sampleCount()
    {
        return sampleCount;
    }

    /** Time of the latest sample, or -1 before the first; any thread. */
    public long latestTimeNs()
    {
        return latestTimeNs;
    }

    /** The latest value of a column (0 before the first sample); any thread, columns may be from different samples. */
    public double latest(final int column)
    {
        return Double.longBitsToDouble(latestBits.get(column));
    }

    /** The latest value of the column with this key. */
    public double latest(final String key)
    {
        for (int i = 0; i < columns.size(); i++)
        {
            if (columns.get(i).key().equals(key))
            {
                return latest(i);
            }
        }
        throw new IllegalArgumentException("no column '" + key + "'");
    }

    /** An immutable copy of everything sampled so far. */
    public TimeSeries snapshot()
    {
        final double[][] copy = new double[values.length][];
        for (int i = 0; i < values.length; i++)
        {
            copy[i] = Arrays.copyOf(values[i], sampleCount);
        }
        return TimeSeries.of(columns, Arrays.copyOf(timesNs, sampleCount), copy);
    }

    /** Registers the probes; {@link #build()} validates everything in one place. */
    public static final class Builder
    {
        private final NanoClock clock;
        private final long sampleIntervalNs;
        private final List<Column> columns = new ArrayList<>();
        private final List<Integer> probeKinds = new ArrayList<>();
        private final List<DoubleSupplier> gauges = new ArrayList<>();
        private final List<LongSupplier> counters = new ArrayList<>();
        private final List<RateUnit> rateUnits = new ArrayList<>();
        private long stopAtNs = NO_DEADLINE;
        private int initialCapacity = 1024;

        private Builder(final NanoClock clock, final long sampleIntervalNs)
        {
            this.clock = clock;
            this.sampleIntervalNs = sampleIntervalNs;
        }

        /** A value read as is at each sample (credit balance percent, queue depth, latency). */
        public Builder gauge(final Column column, final DoubleSupplier gauge)
        {
            return add(column, GAUGE, Objects.requireNonNull(gauge, "gauge"), null, null);
        }

        /** A counter's cumulative value at each sample (allowance counters). */
        public Builder total(final Column column, final LongSupplier counter)
        {
            return add(column, TOTAL, null, Objects.requireNonNull(counter, "counter"), null);
        }

        /** The per-second rate of a monotonically increasing counter over each interval, in {@code unit}. */
        public Builder rate(final Column column, final LongSupplier counter, final RateUnit unit)
        {
            return add(column, RATE, null, Objects.requireNonNull(counter, "counter"),
                Objects.requireNonNull(unit, "unit"));
        }

        /** No samples after this simulated time, and no deadline (lets a virtual run go quiescent). */
        public Builder stopAtNs(final long stopAtNs)
        {
            this.stopAtNs = stopAtNs;
            return this;
        }

        /** Samples to allocate room for up front (the arrays double when full). */
        public Builder initialCapacity(final int samples)
        {
            this.initialCapacity = samples;
            return this;
        }

        private Builder add(
            final Column column, final int kind, final DoubleSupplier gauge, final LongSupplier counter,
            final RateUnit unit)
        {
            columns.add(Objects.requireNonNull(column, "column"));
            probeKinds.add(kind);
            gauges.add(gauge);
            counters.add(counter);
            rateUnits.add(unit);
            return this;
        }

        public TimeSeriesRecorder build()
        {
            Objects.requireNonNull(clock, "clock");
            if (sampleIntervalNs <= 0)
            {
                throw new IllegalArgumentException(
                    "sampleIntervalNs must be > 0 (e.g. 1000000000 for one sample per second), got " + sampleIntervalNs);
            }
            if (stopAtNs < 0)
            {
                throw new IllegalArgumentException("stopAtNs must be >= 0, got " + stopAtNs);
            }
            if (initialCapacity < 1 || initialCapacity > 1 << 24)
            {
                throw new IllegalArgumentException(
                    "initialCapacity must be in [1, 16777216] samples, got " + initialCapacity);
            }
            return new TimeSeriesRecorder(this);
        }
    }
}
