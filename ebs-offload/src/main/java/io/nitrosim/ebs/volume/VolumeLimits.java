package io.nitrosim.ebs.volume;

/**
 * The per-volume performance limits that follow from a validated {@link VolumeSpec} (docs/sources.md section 5).
 * Rates are integers per second (IOPS, bytes per second); the shaping layer turns them into token buckets.
 * <p>
 * Sources: AWS EBS User Guide, "General Purpose SSD volumes", "Provisioned IOPS SSD volumes" and
 * "Throughput Optimized HDD and Cold HDD volumes" pages.
 * <ul>
 * <li><b>gp2</b>: baseline IOPS = 3 per GiB, clamped to 100..16000. Volumes whose baseline is below 3000
 * (i.e. under 1000 GiB, so every volume under 1 TiB) burst to 3000 IOPS from an I/O credit bucket of
 * 5.4 M credits, full at creation and refilled at the baseline rate; a full bucket lasts
 * {@code 5.4e6 / (3000 - baseline)} s at 3000 IOPS. Throughput cap: 128 MiB/s for volumes up to 170 GiB,
 * 250 MiB/s above. AWS documents that volumes between 170 and 334 GiB reach 250 MiB/s only while burst
 * credits last and otherwise deliver {@code baseline IOPS x 256 KiB} (0.75 MiB/s per GiB); we model that by
 * applying the 250 MiB/s cap together with the IOPS buckets, so the in-between figure emerges from the IOPS
 * limit at the 256 KiB maximum I/O size and volumes of 334 GiB and more (1002 IOPS x 256 KiB >= 250 MiB/s)
 * hold 250 MiB/s regardless of credits, as AWS states.</li>
 * <li><b>gp3</b>: provisioned IOPS (3000 baseline) and throughput (125 MiB/s baseline), both fixed caps.</li>
 * <li><b>io1/io2</b>: provisioned IOPS; throughput follows IOPS as AWS documents it: up to 32000 IOPS,
 * 256 KiB per provisioned IOPS up to 500 MiB/s; above 32000 IOPS, 16 KiB per provisioned IOPS up to
 * 1000 MiB/s (64000 IOPS).</li>
 * <li><b>st1/sc1</b>: throughput baseline 40 (st1) / 12 (sc1) MiB/s per TiB, burst 250 / 80 MiB/s per TiB,
 * capped at 500 / 250 MiB/s; a throughput credit bucket holding 1 TiB of credits per TiB of size, full at
 * creation, refilled at the baseline. IOPS fixed at 500 / 250 (1 MiB I/O).</li>
 * </ul>
 *
 * @param ioUnitBytes                   bytes one operation stands for (256 KiB SSD, 1 MiB HDD).
 * @param baselineIops                  IOPS sustained with no credits.
 * @param burstIops                     IOPS while credits last (== baseline when there is no IOPS burst).
 * @param iopsCreditCapacity            I/O credits of a full bucket (0 without IOPS burst).
 * @param throughputBaselineBytesPerSec throughput sustained with no credits.
 * @param throughputPeakBytesPerSec     throughput cap (burst throughput for st1/sc1).
 * @param throughputCreditCapacityBytes bytes of credit of a full throughput bucket (0 without burst).
 */
public record VolumeLimits(
    int ioUnitBytes,
    long baselineIops,
    long burstIops,
    long iopsCreditCapacity,
    long throughputBaselineBytesPerSec,
    long throughputPeakBytesPerSec,
    long throughputCreditCapacityBytes)
{
    public static final long MIB = 1024L * 1024L;
    public static final long GIB = 1024L * MIB;
    /** gp2 I/O credit bucket, full at creation. */
    public static final long GP2_IO_CREDITS = 5_400_000L;
    /** gp2 burst IOPS for volumes whose baseline is below it. */
    public static final long GP2_BURST_IOPS = 3000L;

    /** Limits of a validated spec. */
    public static VolumeLimits of(final VolumeSpec spec)
    {
        final VolumeType type = spec.type();
        final long sizeGiB = spec.sizeGiB();
        switch (type)
        {
            case GP2:
            {
                final long baseline = gp2BaselineIops(sizeGiB);
                final boolean burst = baseline < GP2_BURST_IOPS;
                final long cap = (sizeGiB <= 170 ? 128 : 250) * MIB;
                return new VolumeLimits(type.ioUnitBytes(), baseline, burst ? GP2_BURST_IOPS : baseline,
                    burst ? GP2_IO_CREDITS : 0, cap, cap, 0);
            }
            case GP3:
            {
                final long bytesPerSec = spec.throughputMiBps() * MIB;
                return new VolumeLimits(type.ioUnitBytes(), spec.iops(), spec.iops(), 0, bytesPerSec, bytesPerSec, 0);
            }
            case IO1:
            case IO2:
            {
                final long bytesPerSec = provisionedIopsThroughputBytesPerSec(spec.iops());
                return new VolumeLimits(type.ioUnitBytes(), spec.iops(), spec.iops(), 0, bytesPerSec, bytesPerSec, 0);
            }
            case ST1:
                return hdd(type, sizeGiB, 500, 40, 250, 500);
            case SC1:
                return hdd(type, sizeGiB, 250, 12, 80, 250);
            default:
                throw new IllegalStateException("unhandled volume type " + type);
        }
    }

    /** gp2 baseline: 3 IOPS per GiB, at least 100, at most 16000. */
    public static long gp2BaselineIops(final long sizeGiB)
    {
        return Math.min(16_000L, Math.max(100L, 3L * sizeGiB));
    }

    /** io1/io2 throughput from provisioned IOPS (AWS: 256 KiB/IOPS to 500 MiB/s, then 16 KiB/IOPS to 1000). */
    public static long provisionedIopsThroughputBytesPerSec(final long iops)
    {
        return iops <= 32_000 ? Math.min(500 * MIB, iops * 256 * 1024) : Math.min(1000 * MIB, iops * 16 * 1024);
    }

    private static VolumeLimits hdd(
        final VolumeType type,
        final long sizeGiB,
        final long iops,
        final long baselineMiBpsPerTiB,
        final long burstMiBpsPerTiB,
        final long maxMiBps)
    {
        // x MiB/s per TiB = x * 1024 B/s per GiB.
        final long baseline = Math.min(maxMiBps * MIB, baselineMiBpsPerTiB * 1024 * sizeGiB);
        final long burst = Math.min(maxMiBps * MIB, burstMiBpsPerTiB * 1024 * sizeGiB);
        final long credits = burst > baseline ? sizeGiB * GIB : 0; // 1 TiB of credit per TiB of size
        return new VolumeLimits(type.ioUnitBytes(), iops, iops, 0, baseline, burst, credits);
    }

    public boolean hasIopsBurst()
    {
        return iopsCreditCapacity > 0 && burstIops > baselineIops;
    }

    public boolean hasThroughputBurst()
    {
        return throughputCreditCapacityBytes > 0 && throughputPeakBytesPerSec > throughputBaselineBytesPerSec;
    }

    /** How long a full I/O credit bucket sustains the burst IOPS, in seconds (0 without burst). */
    public double iopsBurstSeconds()
    {
        return hasIopsBurst() ? (double)iopsCreditCapacity / (burstIops - baselineIops) : 0.0;
    }

    /** How long a full throughput credit bucket sustains the burst throughput, in seconds (0 without burst). */
    public double throughputBurstSeconds()
    {
        return hasThroughputBurst() ?
            (double)throughputCreditCapacityBytes / (throughputPeakBytesPerSec - throughputBaselineBytesPerSec) : 0.0;
    }
}
