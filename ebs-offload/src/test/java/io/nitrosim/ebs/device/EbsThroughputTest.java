package io.nitrosim.ebs.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.nitrosim.ebs.driver.NvmeDriver;
import io.nitrosim.ebs.fio.FioJob;
import io.nitrosim.ebs.fio.FioResult;
import io.nitrosim.ebs.fio.FioWorkload;
import io.nitrosim.ebs.shaping.EbsInstanceCaps;
import io.nitrosim.ebs.volume.VolumeLimits;
import io.nitrosim.ebs.volume.VolumeType;

/**
 * Instance and volume caps measured through the whole stack (fio -> driver -> controller -> shaped ring -> card)
 * in virtual time, timing-only mode. Figures are printed.
 */
class EbsThroughputTest
{
    private static final long SEC = 1_000_000_000L;
    private static final EbsInstanceCaps C5_18XLARGE = EbsInstanceCaps.ofMbps(9000, 9000, 64000, 64000, 0);

    private static EbsInstanceCaps c5Large(final long burstSeconds)
    {
        return new EbsInstanceCaps(281_250_000L, 65_625_000L, 16000, 4000, burstSeconds);
    }

    private static String volumeId(final int i)
    {
        return String.format("vol-%017x", 0xA0 + i);
    }

    private static String device(final int i)
    {
        return "/dev/sd" + (char)('f' + i);
    }

    private static List<NvmeController> addGp3(
        final EbsRig rig, final int count, final FioJob job, final List<FioWorkload> workloads)
    {
        for (int i = 0; i < count; i++)
        {
            workloads.add(rig.fio(EbsRig.volume(volumeId(i), VolumeType.GP3, 2000, 16000, 1000, device(i)),
                NvmeDriver.config().queueEntries(64), 100 + i, job));
        }
        return rig.card.controllers();
    }

    private static long bytes(final List<NvmeController> cs)
    {
        long sum = 0;
        for (final NvmeController c : cs)
        {
            sum += c.writeBytes() + c.readBytes();
        }
        return sum;
    }

    private static long ops(final List<NvmeController> cs)
    {
        long sum = 0;
        for (final NvmeController c : cs)
        {
            sum += c.writeOps() + c.readOps();
        }
        return sum;
    }

    private static double mbps(final long bytes, final long ns)
    {
        return bytes * 8e3 / ns;
    }

    /** 256 KiB sequential writes, iodepth 32, two gp3 at 1000 MiB/s: the burst at 2250 Mbps, then 525. */
    private static void burstThenBaseline(final long burstSeconds)
    {
        try (EbsRig rig = new EbsRig(c5Large(burstSeconds), 64 << 20, null, null))
        {
            final FioJob job = FioJob.builder("seqwrite").rw(FioJob.Rw.WRITE).blockSizeBytes(256 * 1024).iodepth(32)
                .sizeBytes(1000L << 30).runtimeNs((burstSeconds + 120) * SEC).build();
            final List<FioWorkload> workloads = new ArrayList<>();
            final List<NvmeController> cs = addGp3(rig, 2, job, workloads);
            final long t0 = SEC;
            rig.runtime.runUntil(t0);
            final long b0 = bytes(cs);
            final long t1 = burstSeconds * SEC - SEC;
            rig.runtime.runUntil(t1);
            final long b1 = bytes(cs);
            final long t2 = (burstSeconds + 10) * SEC;
            rig.runtime.runUntil(t2);
            final long b2 = bytes(cs);
            final long t3 = (burstSeconds + 110) * SEC;
            rig.runtime.runUntil(t3);
            final long b3 = bytes(cs);
            final double burst = mbps(b1 - b0, t1 - t0);
            final double baseline = mbps(b3 - b2, t3 - t2);
            System.out.printf("c5.large 2 x gp3 256 KiB seq write QD32, burst %d s: burst %.2f Mbps, baseline %.2f Mbps,"
                + " byte balance %.3f %%, instance throttled %d ops%n", burstSeconds, burst, baseline,
                rig.card.shaping().byteBalancePercent(t3), rig.card.shaping().instanceThrottledOps());
            assertEquals(2250, burst, 22.5);
            assertEquals(525, baseline, 5.25);
            assertTrue(rig.card.shaping().instanceThrottledOps() > 0);
            assertEquals(0, rig.card.controllers().get(0).volumeShaping().throttledOps());
        }
    }

    @Test
    void shouldBurstAt2250MbpsThenHoldTo525Mbps()
    {
        burstThenBaseline(60);
    }

    @Test
    @Tag("slow")
    void shouldBurstAt2250MbpsForThirtyMinutesThenHoldTo525Mbps()
    {
        burstThenBaseline(EbsInstanceCaps.EBS_BURST_SECONDS);
    }

    @Test
    void shouldCapC518xlargeAt9000Mbps()
    {
        try (EbsRig rig = new EbsRig(C5_18XLARGE, 64 << 20, null, null))
        {
            final FioJob job = FioJob.builder("seqwrite").rw(FioJob.Rw.WRITE).blockSizeBytes(256 * 1024).iodepth(32)
                .sizeBytes(1000L << 30).runtimeNs(20 * SEC).build();
            final List<FioWorkload> workloads = new ArrayList<>();
            final List<NvmeController> cs = addGp3(rig, 4, job, workloads); // 4 x 1000 MiB/s offered
            rig.runtime.runUntil(SEC);
            final long b0 = bytes(cs);
            rig.runtime.runUntil(11 * SEC);
            final double measured = mbps(bytes(cs) - b0, 10 * SEC);
            System.out.printf("c5.18xlarge 4 x gp3 1000 MiB/s 256 KiB seq write QD32: %.2f Mbps%n", measured);
            assertEquals(9000, measured, 90);
            assertTrue(measured <= 9000 * 1.001, "no more than the cap");
        }
    }

    private static double randomReadIops(final EbsInstanceCaps caps, final int volumes)
    {
        try (EbsRig rig = new EbsRig(caps, 64 << 20, null, null))
        {
            final FioJob job = FioJob.builder("randread").rw(FioJob.Rw.RANDREAD).blockSizeBytes(16 * 1024).iodepth(32)
                .sizeBytes(100L << 30).runtimeNs(12 * SEC).build();
            final List<FioWorkload> workloads = new ArrayList<>();
            final List<NvmeController> cs = addGp3(rig, volumes, job, workloads);
            rig.runtime.runUntil(SEC);
            final long o0 = ops(cs);
            rig.runtime.runUntil(11 * SEC);
            return (ops(cs) - o0) / 10.0;
        }
    }

    @Test
    void shouldCapSixteenKibRandomReadsAtTheInstanceIops()
    {
        final double large = randomReadIops(c5Large(1800), 2);
        final double xl = randomReadIops(C5_18XLARGE, 5);
        System.out.printf("16 KiB randread QD32: c5.large 2 x gp3 %.1f IOPS (cap 16000), c5.18xlarge 5 x gp3 %.1f IOPS"
            + " (cap 64000)%n", large, xl);
        assertEquals(16000, large, 160);
        assertTrue(large <= 16000 * 1.001);
        assertEquals(64000, xl, 640);
        assertTrue(xl <= 64000 * 1.001);
    }

    /** gp2 100 GiB: 3000 IOPS burst from its credit bucket, then its 300 IOPS baseline. */
    private static void gp2(final long creditsLeft, final long burstSeconds)
    {
        try (EbsRig rig = new EbsRig(C5_18XLARGE, 64 << 20, null, null))
        {
            final FioJob job = FioJob.builder("randread").rw(FioJob.Rw.RANDREAD).blockSizeBytes(16 * 1024).iodepth(16)
                .sizeBytes(50L << 30).runtimeNs((burstSeconds + 60) * SEC).build();
            final FioWorkload w = rig.fio(EbsRig.volume(volumeId(0), VolumeType.GP2, 100, 0, 0, "/dev/sdf"),
                NvmeDriver.config(), 5, job);
            final NvmeController c = rig.card.controllers().get(0);
            if (creditsLeft < VolumeLimits.GP2_IO_CREDITS)
            {
                c.volumeShaping().iopsCreditBucket().consume(VolumeLimits.GP2_IO_CREDITS - creditsLeft, 0);
            }
            rig.runtime.runUntil(SEC);
            final long o0 = c.readOps();
            final long t1 = burstSeconds * SEC - SEC;
            rig.runtime.runUntil(t1);
            final long o1 = c.readOps();
            rig.runtime.runUntil((burstSeconds + 10) * SEC);
            final long o2 = c.readOps();
            rig.runtime.runUntil((burstSeconds + 50) * SEC);
            final long o3 = c.readOps();
            final double burst = (o1 - o0) * 1e9 / (t1 - SEC);
            final double baseline = (o3 - o2) / 40.0;
            System.out.printf("gp2 100 GiB 16 KiB randread QD16, %d credits: burst %.1f IOPS for ~%d s, then %.1f IOPS,"
                + " burst balance %.2f %%, volume throttled %d ops%n", creditsLeft, burst, burstSeconds, baseline,
                c.volumeShaping().burstBalancePercent((burstSeconds + 50) * SEC), c.volumeShaping().throttledOps());
            assertEquals(3000, burst, 30);
            assertEquals(300, baseline, 3);
            assertTrue(c.volumeShaping().throttledOps() > 0);
            assertEquals(0, rig.card.shaping().instanceThrottledOps());
            assertTrue(w.total().errors() == 0);
        }
    }

    @Test
    void shouldBurstGp2To3000IopsThenFallTo300()
    {
        // 27000 credits left: (3000 - 300) IOPS drain them in 10 s.
        gp2(27_000, 10);
    }

    @Test
    @Tag("slow")
    void shouldBurstAFullGp2BucketFor2000Seconds()
    {
        gp2(VolumeLimits.GP2_IO_CREDITS, 2000);
    }

    @Test
    void shouldBeLatencyBoundAtIodepthOne()
    {
        try (EbsRig rig = new EbsRig(C5_18XLARGE, 64 << 20, null, null))
        {
            final FioJob job = FioJob.builder("qd1").rw(FioJob.Rw.RANDREAD).blockSizeBytes(16 * 1024).iodepth(1)
                .sizeBytes(10L << 30).runtimeNs(10 * SEC).build();
            final FioWorkload gp3 = rig.fio(EbsRig.volume(volumeId(0), VolumeType.GP3, 100, 0, 0, "/dev/sdf"),
                NvmeDriver.config(), 1, job);
            final FioWorkload io2 = rig.fio(EbsRig.volume(volumeId(1), VolumeType.IO2, 100, 10000, 0, "/dev/sdg"),
                NvmeDriver.config(), 2, job);
            rig.runUntilDone(20 * SEC);
            final FioResult a = gp3.total();
            final FioResult b = io2.total();
            System.out.println("QD1 gp3 (0.5 ms): " + a);
            System.out.println("QD1 io2 (0.25 ms): " + b);
            assertEquals(2000, a.iops(), 20);
            assertEquals(4000, b.iops(), 40);
            assertEquals(500_000, a.p50Ns(), 500);
            assertEquals(250_000, b.p50Ns(), 250);
        }
    }
}
