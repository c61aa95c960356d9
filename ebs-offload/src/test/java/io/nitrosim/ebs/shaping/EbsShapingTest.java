package io.nitrosim.ebs.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.PriorityQueue;

import org.junit.jupiter.api.Test;

import io.nitrosim.ebs.volume.ServiceLatencyModel;
import io.nitrosim.ebs.volume.VolumeServiceTimer;
import io.nitrosim.ebs.volume.VolumeSpec;
import io.nitrosim.ebs.volume.VolumeType;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.shaping.ShapingGate;

class EbsShapingTest
{
    private static final long SEC = 1_000_000_000L;
    /** Caps far above any volume's, so only the volume's buckets bind. */
    private static final EbsInstanceCaps UNCAPPED = EbsInstanceCaps.fixed(8_000_000_000L, 1_000_000L);
    /** c5.large (facts.md section 1): 2250 / 525 Mbps, 16000 / 4000 IOPS, 30 minutes. */
    private static final EbsInstanceCaps C5_LARGE =
        EbsInstanceCaps.ofMbps(2250, 525, 16_000, 4_000, EbsInstanceCaps.EBS_BURST_SECONDS);

    private static VolumeSpec volume(final String id, final VolumeType type, final int sizeGiB, final int iops)
    {
        final VolumeSpec.Builder b = VolumeSpec.builder().volumeId(id).type(type).sizeGiB(sizeGiB).deviceName("/dev/sdf");
        if (iops > 0)
        {
            b.iops(iops);
        }
        if (type == VolumeType.GP3 && iops >= 4000)
        {
            b.throughputMiBps(1000);
        }
        return b.build();
    }

    /** Offers I/Os of {@code bytes} back to back from {@code fromNs} until {@code untilNs}; returns the count. */
    private static long saturate(final EbsIoGate gate, final int bytes, final long fromNs, final long untilNs)
    {
        long now = fromNs;
        long admitted = 0;
        while (now <= untilNs)
        {
            if (gate.tryAdmit(bytes, now))
            {
                admitted++;
            }
            else
            {
                now = gate.admitTimeNs(bytes, now);
            }
        }
        return admitted;
    }

    @Test
    void shouldBurstGp2OneHundredGiBForTwoThousandSeconds()
    {
        final EbsShaping shaping = EbsShaping.context(UNCAPPED).build();
        final VolumeShaping vol = shaping.addVolume(volume("vol-0000000000000000a", VolumeType.GP2, 100, 0), 0);
        final EbsIoGate gate = shaping.ioGateFor(vol);
        final int bytes = 16 * 1024;

        // Burst at 3000 IOPS: 15 ops of peak depth, then 3000/s.
        assertEquals(15 + 3000 * 1000, saturate(gate, bytes, 0, 1000 * SEC));
        // Credits: 5.4e6 + 300 x 1000 earned - 3000015 spent = 2699985 = 49.9997 %.
        assertEquals(499_997, vol.burstBalancePpm(1000 * SEC));

        // Find when the burst ends: the first admission spaced at the baseline (1/300 s) instead of 1/3000 s.
        long now = 1000 * SEC;
        long burstEndNs = -1;
        while (now < 2100 * SEC && burstEndNs < 0)
        {
            final long at = gate.admitTimeNs(bytes, now);
            if (at - now > SEC / 1000)
            {
                burstEndNs = now;
            }
            gate.consume(bytes, at);
            now = at;
        }
        // 5.4e6 / (3000 - 300) = 2000 s, less the 15 ops of peak depth: 1999.994 s.
        assertTrue(Math.abs(burstEndNs - 2000 * SEC) < SEC / 100, "burst ended at " + burstEndNs + " ns");
        assertEquals(0, vol.burstBalancePpm(burstEndNs + SEC / 1000));
        // Then the baseline: 300 IOPS.
        final long atBaseline = saturate(gate, bytes, burstEndNs + SEC / 1000, burstEndNs + SEC / 1000 + 100 * SEC);
        // Within one op: the credit bucket holds a fraction of a credit when the burst ends.
        assertEquals(300.0 * 100, atBaseline, 1.0);
    }

    @Test
    void shouldShareInstanceIopsBetweenVolumesOnTopOfTheirOwnLimits()
    {
        final EbsShaping shaping = EbsShaping.context(EbsInstanceCaps.fixed(1_000_000_000L, 1000)).build();
        final VolumeShaping a = shaping.addVolume(volume("vol-0000000000000000a", VolumeType.GP3, 100, 0), 0);
        final VolumeShaping b = shaping.addVolume(volume("vol-0000000000000000b", VolumeType.GP3, 100, 0), 0);
        final EbsIoGate gateA = shaping.ioGateFor(a);
        final EbsIoGate gateB = shaping.ioGateFor(b);
        assertEquals(2, gateA.byteBucketCount()); // instance bytes peak + volume throughput
        assertEquals(2, gateA.opBucketCount()); // instance IOPS peak + volume IOPS

        long now = 0;
        long admittedA = 0;
        long admittedB = 0;
        boolean aFirst = true;
        while (now <= 10 * SEC)
        {
            // Round robin between the volumes, as a device serving both queues would.
            final EbsIoGate first = aFirst ? gateA : gateB;
            final EbsIoGate second = aFirst ? gateB : gateA;
            if (first.tryAdmit(4096, now))
            {
                admittedA += aFirst ? 1 : 0;
                admittedB += aFirst ? 0 : 1;
                aFirst = !aFirst;
            }
            else if (second.tryAdmit(4096, now))
            {
                admittedA += aFirst ? 0 : 1;
                admittedB += aFirst ? 1 : 0;
            }
            else
            {
                now = Math.min(gateA.admitTimeNs(4096, now), gateB.admitTimeNs(4096, now));
            }
        }
        // Both volumes could do 3000 IOPS; together they get the instance's 1000 (+5 ops of peak depth).
        assertEquals(5 + 1000 * 10, admittedA + admittedB);
        assertEquals(5003, admittedA);
        assertEquals(5002, admittedB);
    }

    @Test
    void shouldHoldAVolumeToItsOwnLimitUnderAGenerousInstance()
    {
        final EbsShaping shaping = EbsShaping.context(C5_LARGE).build();
        final VolumeShaping io1 = shaping.addVolume(volume("vol-0000000000000000c", VolumeType.IO1, 100, 100), 0);
        // io1 at 100 IOPS: 4 ops of minimum depth, then 100/s.
        assertEquals(4 + 100 * 10, saturate(shaping.ioGateFor(io1), 4096, 0, 10 * SEC));
        // 100 IOPS is far below the instance's 4000 baseline: credits stay full but for the last op taken.
        assertEquals(999_999, shaping.ioBalancePpm(10 * SEC));
    }

    @Test
    void shouldDrainTheInstanceIoCreditsOfAnUpToType()
    {
        final EbsShaping shaping = EbsShaping.context(C5_LARGE).build();
        final VolumeShaping gp3 =
            shaping.addVolume(volume("vol-0000000000000000d", VolumeType.GP3, 100, 16_000), 0);
        assertEquals(80 + 16_000 * 90, saturate(shaping.ioGateFor(gp3), 4096, 0, 90 * SEC));
        // Credit bucket (16000 - 4000) x 1800 = 21.6e6; 90 s at 16000 spend 12000/s more than the baseline earns.
        assertEquals(949_996, shaping.ioBalancePpm(90 * SEC));
        assertEquals(94.9996, shaping.ioBalancePercent(90 * SEC));
        // 4 KiB x 16000/s = 65.5 MB/s stays under the 525 Mbps (65.6 MB/s) baseline: byte credits stay full
        // but for the last I/O taken.
        assertEquals(999_999, shaping.byteBalancePpm(90 * SEC));
    }

    @Test
    void shouldCountAwsOpsInBothGates()
    {
        final EbsShaping shaping = EbsShaping.context(EbsInstanceCaps.fixed(8_000_000_000L, 1000)).build();
        final VolumeShaping gp3 =
            shaping.addVolume(volume("vol-0000000000000000e", VolumeType.GP3, 100, 16_000), 0);
        // 1 MiB I/Os count 4 ops each against 1000 instance IOPS.
        final long ioGateIos = saturate(shaping.ioGateFor(gp3), 1 << 20, 0, 10 * SEC);
        assertEquals((5 + 1000 * 10) / 4, ioGateIos); // 10005 ops of 4: 2501 I/Os

        final EbsShaping other = EbsShaping.context(EbsInstanceCaps.fixed(8_000_000_000L, 1000)).build();
        final ShapingGate gate = other.gateFor(
            other.addVolume(volume("vol-0000000000000000e", VolumeType.GP3, 100, 16_000), 0));
        long now = 0;
        long records = 0;
        while (now <= 10 * SEC)
        {
            if (gate.canAdmit(1 << 20, now))
            {
                gate.consume(1 << 20, now);
                records++;
            }
            else
            {
                now = gate.admitTimeNs(1 << 20, now);
            }
        }
        // The ring gate counts a 1 MiB record as four ops too (op unit 256 KiB), as the I/O gate does.
        assertEquals(ioGateIos, records);
    }

    @Test
    void shouldBurstSt1ThroughputFromItsCreditBucket()
    {
        final EbsShaping shaping = EbsShaping.context(UNCAPPED).build();
        final VolumeShaping st1 = shaping.addVolume(volume("vol-0000000000000000f", VolumeType.ST1, 1024, 0), 0);
        final EbsIoGate gate = shaping.ioGateFor(st1);
        // 250 MiB/s burst while credits last; 500 IOPS of 1 MiB do not bind (250 < 500).
        final long ios = saturate(gate, 1 << 20, 0, 100 * SEC);
        assertEquals(1 + 250 * 100, ios); // 1 MiB of peak depth, then 250 MiB/s
        // 1 TiB of credits, 210 MiB/s net drain: 100 s use 21001 MiB of 1048576.
        assertEquals(979_971, st1.burstBalancePpm(100 * SEC));
    }

    @Test
    void shouldCountThrottlesPerVolume()
    {
        try (CounterRegistry registry = new CounterRegistry(64))
        {
            final EbsShaping shaping = EbsShaping.context(UNCAPPED)
                .counters(registry, MetricTags.of("instance", "i-1")).build();
            final VolumeShaping v = shaping.addVolume(volume("vol-0000000000000000a", VolumeType.GP3, 10, 0), 0);
            v.recordThrottled(8192, 1);
            assertEquals(1, v.throttledOps());
            assertEquals(8192, registry.find("ebs.throttled.bytes",
                MetricTags.of("instance", "i-1", "volume", "vol-0000000000000000a")).value());
        }
    }

    @Test
    void shouldRefuseBadCapsAndDuplicateVolumes()
    {
        assertEquals("EBS baseline IOPS 20000 is out of range: accepted 1..16000 (the peak)",
            assertThrows(IllegalArgumentException.class,
                () -> new EbsInstanceCaps(1000, 1000, 16_000, 20_000, 1800)).getMessage());
        final EbsShaping shaping = EbsShaping.context(UNCAPPED).build();
        shaping.addVolume(volume("vol-0000000000000000a", VolumeType.GP3, 10, 0), 0);
        assertEquals("volume vol-0000000000000000a is already shaped on this instance",
            assertThrows(IllegalArgumentException.class,
                () -> shaping.addVolume(volume("vol-0000000000000000a", VolumeType.GP3, 10, 0), 0)).getMessage());
        assertEquals("EBS peak depth 10 ns is out of range: accepted 1000..1000000000 ns",
            assertThrows(IllegalArgumentException.class,
                () -> EbsShaping.context(UNCAPPED).peakDepthNs(10).build()).getMessage());
    }

    /** Closed loop: {@code queueDepth} I/Os always outstanding, each admitted by the gate then served. */
    private static long closedLoopCompletions(
        final EbsIoGate gate, final VolumeServiceTimer timer, final int queueDepth, final int bytes, final long untilNs)
    {
        final PriorityQueue<Long> completions = new PriorityQueue<>();
        for (int i = 0; i < queueDepth; i++)
        {
            completions.add(0L);
        }
        long completed = -queueDepth; // the initial slots are not completions
        long offset = 0;
        long lastAdmitNs = 0;
        while (true)
        {
            final long freeAt = completions.poll();
            if (freeAt > untilNs)
            {
                return completed;
            }
            completed++;
            // The gate serves I/Os in order: never ask it about a time before the previous admission.
            final long admitAt = gate.admitTimeNs(bytes, Math.max(freeAt, lastAdmitNs));
            lastAdmitNs = admitAt;
            gate.consume(bytes, admitAt);
            completions.add(admitAt + timer.serviceNs(offset, bytes));
            offset += 1 << 20; // random, not sequential
        }
    }

    @Test
    void shouldLetQueueDepthAndLatencyShapeThroughput()
    {
        final ServiceLatencyModel latency = ServiceLatencyModel.defaults();
        final EbsShaping shaping = EbsShaping.context(UNCAPPED).build();
        final VolumeShaping gp3 = shaping.addVolume(volume("vol-0000000000000000a", VolumeType.GP3, 100, 0), 0);
        // Little's law: QD 1 at 0.5 ms = 2000 IOPS, under the volume's 3000.
        assertEquals(2000 * 10, closedLoopCompletions(
            shaping.ioGateFor(gp3), latency.timerFor(VolumeType.GP3, null), 1, 16_384, 10 * SEC));

        final EbsShaping other = EbsShaping.context(UNCAPPED).build();
        final VolumeShaping gp3b = other.addVolume(volume("vol-0000000000000000b", VolumeType.GP3, 100, 0), 0);
        // QD 8 would give 16000 IOPS: the volume's 3000 IOPS bind.
        final long completed = closedLoopCompletions(
            other.ioGateFor(gp3b), latency.timerFor(VolumeType.GP3, null), 8, 16_384, 20 * SEC);
        assertTrue(completed >= 3000 * 20 - 8 && completed <= 15 + 3000 * 20, "completed " + completed);
    }

    @Test
    void shouldApplyAModifiedGp3IopsLiveAndRefuseATypeChange()
    {
        final EbsShaping shaping = EbsShaping.context(UNCAPPED).build();
        final VolumeShaping vol = shaping.addVolume(volume("vol-0000000000000000a", VolumeType.GP3, 100, 0), 0);
        final EbsIoGate gate = shaping.ioGateFor(vol);
        final int bytes = 16 * 1024;
        // 3000 IOPS baseline: 15 ops of peak depth (5 ms) then 3000/s for 10 s.
        assertEquals(15 + 3000 * 10, saturate(gate, bytes, 0, 10 * SEC));
        vol.apply(volume("vol-0000000000000000a", VolumeType.GP3, 100, 6000), 10 * SEC);
        assertEquals(6000, vol.spec().iops());
        // Now 6000/s: the deeper peak bucket (30 ops) refills from empty first, then 6000 per second.
        final long after = saturate(gate, bytes, 10 * SEC + 1, 20 * SEC);
        assertEquals(6000.0 * 10, after, 31.0);
        assertThrows(IllegalArgumentException.class,
            () -> vol.apply(volume("vol-0000000000000000a", VolumeType.IO1, 100, 3000), 20 * SEC));
    }
}
