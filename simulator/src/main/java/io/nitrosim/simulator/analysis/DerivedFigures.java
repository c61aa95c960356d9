package io.nitrosim.simulator.analysis;

import java.util.ArrayList;
import java.util.List;

import io.nitrosim.simulator.results.BurstFigures;
import io.nitrosim.simulator.results.Column;
import io.nitrosim.simulator.results.InstanceResult;
import io.nitrosim.simulator.results.SeriesKeys;
import io.nitrosim.simulator.results.SeriesKind;
import io.nitrosim.simulator.results.TimeSeries;
import io.nitrosim.simulator.results.VolumeResult;

/**
 * The derived figures of a run: {@link BurstAnalysis} of every governed quantity that carried traffic, with its
 * caps (the column's reference lines) and how much of it its caps held back.
 * <p>
 * Quantities and their series ({@link SeriesKeys}, the time-series keys of docs/reports.md):
 * <pre>
 *   net-out, net-in   netGbps          credits netCreditPct
 *   ebs-mbps          ebsMbps          credits ebsByteBalancePct
 *   ebs-iops          ebsIops          credits ebsIoBalancePct
 *   volume-iops       volumeIops       credits volumeBurstBalancePct (when it bursts)
 *   volume-mibps      volumeMibps      credits volumeBurstBalancePct (when it bursts)
 * </pre>
 */
public final class DerivedFigures
{
    private static final double BITS_PER_MEGABIT = 1e6;
    private static final double BYTES_PER_MIB = 1024.0 * 1024.0;

    private DerivedFigures()
    {
    }

    /**
     * @param series           the run's time series.
     * @param instances        the run's instance results (allowance counters, EBS throttling).
     * @param volumes          the run's volume results (volume throttling).
     * @param simulatedSeconds simulated time covered, to turn average rates back into counts.
     * @return one entry per quantity that carried traffic, in column order.
     */
    public static List<BurstFigures> of(
        final TimeSeries series, final List<InstanceResult> instances, final List<VolumeResult> volumes,
        final double simulatedSeconds)
    {
        final List<BurstFigures> figures = new ArrayList<>();
        for (final Column c : series.columns())
        {
            final boolean instanceLevel = c.subject().equals(c.instance());
            final InstanceResult instance = find(instances, c.instance());
            final VolumeResult volume = instanceLevel ? null : findVolume(volumes, c.subject());
            final String quantity;
            final String creditKey;
            final double throttled;
            if (c.kind() == SeriesKind.NET_THROUGHPUT && instanceLevel && instance != null)
            {
                final boolean out = "out".equals(c.direction());
                quantity = out ? "net-out" : "net-in";
                creditKey = SeriesKeys.netCreditPct(c.instance(), c.direction());
                final long held = instance.allowance().get(out ? "bw_out_allowance_exceeded" : "bw_in_allowance_exceeded");
                throttled = ratio(held, (out ? instance.netOut() : instance.netIn()).packets());
            }
            else if (c.kind() == SeriesKind.EBS_THROUGHPUT && instanceLevel && instance != null)
            {
                quantity = "ebs-mbps";
                creditKey = SeriesKeys.ebsByteBalancePct(c.instance());
                throttled = ratio(instance.ebs().throttledBytes(),
                    instance.ebs().averageMbps() * BITS_PER_MEGABIT / 8 * simulatedSeconds);
            }
            else if (c.kind() == SeriesKind.EBS_IOPS && instanceLevel && instance != null)
            {
                quantity = "ebs-iops";
                creditKey = SeriesKeys.ebsIoBalancePct(c.instance());
                throttled = ratio(instance.ebs().throttledOps(), instance.ebs().averageIops() * simulatedSeconds);
            }
            else if (c.kind() == SeriesKind.EBS_IOPS && volume != null)
            {
                quantity = "volume-iops";
                creditKey = bursts(c) ? SeriesKeys.volumeBurstBalancePct(c.instance(), c.subject()) : null;
                throttled = ratio(volume.throttledOps(), (volume.readIops() + volume.writeIops()) * simulatedSeconds);
            }
            else if (c.kind() == SeriesKind.EBS_THROUGHPUT && volume != null)
            {
                quantity = "volume-mibps";
                creditKey = bursts(c) ? SeriesKeys.volumeBurstBalancePct(c.instance(), c.subject()) : null;
                throttled = ratio(volume.throttledBytes(),
                    (volume.readMBps() + volume.writeMBps()) * BYTES_PER_MIB * simulatedSeconds);
            }
            else
            {
                continue;
            }
            final double peak = c.peak() == null ? 0 : c.peak();
            final double baseline = c.baseline() == null ? peak : c.baseline();
            final double[] credits = creditKey != null && series.columnIndex(creditKey) >= 0 ?
                series.values(creditKey) : null;
            final BurstAnalysis.Result r = BurstAnalysis.analyze(series.timesNs(), series.values(c.key()), credits,
                peak, baseline);
            if (r == null)
            {
                continue;
            }
            figures.add(new BurstFigures(c.subject(), c.instance(), quantity, c.unit(), peak, baseline,
                r.startSeconds(), r.peakHeld(), r.burstEnded(), r.burstSeconds(), r.baselineAfter(), r.drainSeconds(),
                r.drainProjected(), r.finalCreditsPercent(), throttled));
        }
        return figures;
    }

    /** A volume quantity has a burst bucket when its peak is above its baseline (gp2 IOPS, st1/sc1 throughput). */
    private static boolean bursts(final Column c)
    {
        return c.peak() != null && c.baseline() != null && c.peak() > c.baseline();
    }

    private static double ratio(final double part, final double whole)
    {
        return whole > 0 ? part / whole : 0;
    }

    private static InstanceResult find(final List<InstanceResult> instances, final String name)
    {
        for (final InstanceResult i : instances)
        {
            if (i.name().equals(name))
            {
                return i;
            }
        }
        return null;
    }

    private static VolumeResult findVolume(final List<VolumeResult> volumes, final String name)
    {
        for (final VolumeResult v : volumes)
        {
            if (v.name().equals(name))
            {
                return v;
            }
        }
        return null;
    }
}
