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
import io.nitrosim.shaping.ShapedRecordHandler;
import io.nitrosim.shaping.ShapedRing;
import io.nitrosim.shaping.ShapingGate;
import io.nitrosim.shaping.ShapingReason;

class EbsShapingTest
{
    private static final long SEC = 1_000_000_000L;
    /** Caps far above any volume's, so only the volume's buckets bind. */
    private static final EbsInstanceCaps UNCAPPED = EbsInstanceCaps.fixed(8_000_000_000L, 1_000_000L);
    /** c5.large (docs/sources.md section 1): 2250 / 525 Mbps, 16000 / 4000 IOPS, 30 minutes. */
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

    private static boolean tryAdmit(final ShapingGate gate, final int bytes, final long nowNs)
    {
        if (gate.check(bytes, nowNs) != 0)
        {
            return false;
        }
        gate.consume(bytes, nowNs);
        return true;
    }

    /** Offers I/Os of {@code bytes} back to back from {@code fromNs} until {@code untilNs}; returns the count. */
    private static long saturate(final ShapingGate gate, final int bytes, final long fromNs, final long untilNs)
    {
        long now = fromNs;
        long admitted = 0;
        while (now <= untilNs)
        {
            if (tryAdmit(gate, bytes, now))
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
        final ShapingGate gate = shaping.gateFor(vol);
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
        final ShapingGate gateA = shaping.gateFor(a);
        final ShapingGate gateB = shaping.gateFor(b);

        long now = 0;
        long admittedA = 0;
        long admittedB = 0;
        boolean aFirst = true;
        while (now <= 10 * SEC)
        {
            // Round robin between the volumes, as a device serving both queues would.
            final ShapingGate first = aFirst ? gateA : gateB;
            final ShapingGate second = aFirst ? gateB : gateA;
            if (tryAdmit(first, 4096, now))
            {
                admittedA += aFirst ? 1 : 0;
                admittedB += aFirst ? 0 : 1;
                aFirst = !aFirst;
            }
            else if (tryAdmit(second, 4096, now))
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
        assertEquals(4 + 100 * 10, saturate(shaping.gateFor(io1), 4096, 0, 10 * SEC));
        // 100 IOPS is far below the instance's 4000 baseline: credits stay full but for the last op taken.
        assertEquals(999_999, shaping.ioBalancePpm(10 * SEC));
    }

    @Test
    void shouldDrainTheInstanceIoCreditsOfAnUpToType()
    {
        final EbsShaping shaping = EbsShaping.context(C5_LARGE).build();
        final VolumeShaping gp3 =
            shaping.addVolume(volume("vol-0000000000000000d", VolumeType.GP3, 100, 16_000), 0);
        assertEquals(80 + 16_000 * 90, saturate(shaping.gateFor(gp3), 4096, 0, 90 * SEC));
        // Credit bucket (16000 - 4000) x 1800 = 21.6e6; 90 s at 16000 spend 12000/s more than the baseline earns.
        assertEquals(949_996, shaping.ioBalancePpm(90 * SEC));
        assertEquals(94.9996, shaping.ioBalancePercent(90 * SEC));
        // 4 KiB x 16000/s = 65.5 MB/s stays under the 525 Mbps (65.6 MB/s) baseline: byte credits stay full
        // but for the last I/O taken.
        assertEquals(999_999, shaping.byteBalancePpm(90 * SEC));
    }

    @Test
    void shouldCountAwsOpsPerIo()
    {
        final EbsShaping shaping = EbsShaping.context(EbsInstanceCaps.fixed(8_000_000_000L, 1000)).build();
        final ShapingGate gate =
            shaping.gateFor(shaping.addVolume(volume("vol-0000000000000000e", VolumeType.GP3, 100, 16_000), 0));
        assertEquals(4, gate.opsFor(1 << 20), "1 MiB is four 256 KiB units");
        assertEquals(1, gate.opsFor(4096), "any I/O up to the unit counts one");
        // 1 MiB I/Os count 4 ops each against 1000 instance IOPS: 5 ops of peak depth + 10000 in 10 s, 4 per I/O.
        assertEquals((5 + 1000 * 10) / 4, saturate(gate, 1 << 20, 0, 10 * SEC));
        assertEquals(ShapingReason.INSTANCE_OPS, gate.check(1 << 20, 10 * SEC), "held by the instance's IOPS alone");
    }

    @Test
    void shouldBurstSt1ThroughputFromItsCreditBucket()
    {
        final EbsShaping shaping = EbsShaping.context(UNCAPPED).build();
        final VolumeShaping st1 = shaping.addVolume(volume("vol-0000000000000000f", VolumeType.ST1, 1024, 0), 0);
        final ShapingGate gate = shaping.gateFor(st1);
        // 250 MiB/s burst while credits last; 500 IOPS of 1 MiB do not bind (250 < 500).
        final long ios = saturate(gate, 1 << 20, 0, 100 * SEC);
        assertEquals(1 + 250 * 100, ios); // 1 MiB of peak depth, then 250 MiB/s
        // 1 TiB of credits, 210 MiB/s net drain: 100 s use 21001 MiB of 1048576.
        assertEquals(979_971, st1.burstBalancePpm(100 * SEC));
    }

    @Test
    void shouldCountWhatHoldsAnIoOncePerCounterInTheInstanceAndVolumeCounters()
    {
        try (CounterRegistry registry = new CounterRegistry(64))
        {
            final MetricTags instance = MetricTags.of("instance", "i-1");
            // 1000 IOPS with 5 ops of peak depth; bytes do not bind.
            final EbsShaping shaping = EbsShaping.context(EbsInstanceCaps.fixed(8_000_000_000L, 1000))
                .counters(registry, instance).build();
            // gp3 at 125 MiB/s: a throughput peak depth of 1 MiB (the minimum), IOPS do not bind.
            final VolumeShaping v = shaping.addVolume(volume("vol-0000000000000000a", VolumeType.GP3, 10, 0), 0);
            final ShapedRing ring = ShapedRing.builder("vol").maxPayloadBytes(0).gate(shaping.gateFor(v)).build();
            final ShapedRecordHandler take = (tag, buffer, index, length, charged, readyAtNs, nowNs) -> true;
            assertTrue(ring.offerTimingOnly(0, 1 << 20, 1));
            assertTrue(ring.offerTimingOnly(0, 1 << 20, 2));
            assertTrue(ring.offerTimingOnly(0, 4096, 3));

            // The first 1 MiB takes 4 of the 5 instance ops and the volume's whole 1 MiB: the second waits for both.
            assertEquals(1, ring.poll(take, 10, 0));
            assertEquals(0, ring.poll(take, 10, 1));
            assertEquals(4, shaping.instanceThrottledOps(), "held by the instance's IOPS: 4 ops, once");
            assertEquals(1 << 20, shaping.instanceThrottledBytes());
            assertEquals(4, v.throttledOps(), "held by the volume's throughput too");
            assertEquals(1 << 20, v.throttledBytes());
            final MetricTags volumeTags = instance.and("volume", "vol-0000000000000000a");
            assertEquals(4, registry.value(EbsShapingMeter.VOLUME_THROTTLED_OPS, volumeTags));
            assertEquals(1 << 20, registry.value(EbsShapingMeter.INSTANCE_THROTTLED_BYTES, instance));

            // Polled again while it waits, it is not counted again; at the ring's deadline it passes.
            final long admitNs = ring.nextEligibleNs();
            // 1 MiB of volume throughput at 125 MiB/s: 8 ms, rounded up to the nanosecond.
            assertEquals(8_000_000L, admitNs);
            assertEquals(0, ring.poll(take, 10, admitNs - 1));
            assertEquals(4, shaping.instanceThrottledOps());
            assertEquals(4, v.throttledOps());
            assertEquals(1, ring.poll(take, 1, admitNs));

            // The 4 KiB I/O: the volume's bucket is empty again, the instance has 1000 x 8 ms = 8 ops back.
            assertEquals(0, ring.poll(take, 10, admitNs));
            assertEquals(4 + 0, shaping.instanceThrottledOps(), "the instance no longer holds");
            assertEquals(4 + 1, v.throttledOps(), "one op of 4 KiB held by the volume");
            assertEquals((1 << 20) + 4096, v.throttledBytes());
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
        final ShapingGate gate, final VolumeServiceTimer timer, final int queueDepth, final int bytes,
        final long untilNs)
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
            shaping.gateFor(gp3), latency.timerFor(VolumeType.GP3, null), 1, 16_384, 10 * SEC));

        final EbsShaping other = EbsShaping.context(UNCAPPED).build();
        final VolumeShaping gp3b = other.addVolume(volume("vol-0000000000000000b", VolumeType.GP3, 100, 0), 0);
        // QD 8 would give 16000 IOPS: the volume's 3000 IOPS bind.
        final long completed = closedLoopCompletions(
            other.gateFor(gp3b), latency.timerFor(VolumeType.GP3, null), 8, 16_384, 20 * SEC);
        assertTrue(completed >= 3000 * 20 - 8 && completed <= 15 + 3000 * 20, "completed " + completed);
    }

    @Test
    void shouldApplyAModifiedGp3IopsLiveAndRefuseATypeChange()
    {
        final EbsShaping shaping = EbsShaping.context(UNCAPPED).build();
        final VolumeShaping vol = shaping.addVolume(volume("vol-0000000000000000a", VolumeType.GP3, 100, 0), 0);
        final ShapingGate gate = shaping.gateFor(vol);
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
