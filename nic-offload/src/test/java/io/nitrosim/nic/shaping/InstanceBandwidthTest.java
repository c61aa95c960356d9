package io.nitrosim.nic.shaping;

import static io.nitrosim.nic.testbed.TestBed.MS;
import static io.nitrosim.nic.testbed.TestBed.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.testbed.TestBed;
import io.nitrosim.nic.traffic.Iperf;
import io.nitrosim.nic.traffic.StreamSpec;
import io.nitrosim.nic.shaping.EniMeter;

/** Instance-level allowances in virtual time (the accuracy contract of docs/architecture.md). */
class InstanceBandwidthTest
{
    private static final double PEAK_C5_LARGE = 1_250_000_000.0;
    private static final double BASELINE_C5_LARGE = 93_750_000.0;

    private static long cpuMs()
    {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1_000_000;
    }

    private static StreamSpec unlimited(final long stopNs)
    {
        return StreamSpec.builder(StreamSpec.Mode.UDP_UNLIMITED).mtu(9001).window(0, stopNs).build();
    }

    @Test
    void shouldBurstTenStreamsAtTenGbpsForTheConfiguredBurstThenHoldBaseline()
    {
        // The 420 s run scaled down: a 4 s burst, sampled every 10 ms.
        final long burstSeconds = 4;
        final Burst burst = runBurst(burstSeconds, 10 * MS, 100_000);
        System.out.printf("scaled burst: peak %.4f Gbps, burst %.3f s (configured %d s), baseline %.4f Gbps, cpu %d ms%n",
            burst.peakRate * 8 / 1e9, burst.burstEndNs / 1e9, burstSeconds, burst.baselineRate * 8 / 1e9, burst.cpuMs);
        assertEquals(PEAK_C5_LARGE, burst.peakRate, PEAK_C5_LARGE * 0.01);
        assertEquals(burstSeconds * 1e9, burst.burstEndNs, burstSeconds * 1e9 * 0.01);
        assertEquals(BASELINE_C5_LARGE, burst.baselineRate, BASELINE_C5_LARGE * 0.01);
    }

    @Test
    @Tag("slow")
    void shouldBurstTenStreamsAtTenGbpsForSevenMinutesThenHoldBaseline()
    {
        final Burst burst = runBurst(420, SECOND, 100_000);
        System.out.printf("420 s burst: peak %.4f Gbps, burst %.3f s, baseline %.4f Gbps, cpu %d ms%n",
            burst.peakRate * 8 / 1e9, burst.burstEndNs / 1e9, burst.baselineRate * 8 / 1e9, burst.cpuMs);
        assertEquals(PEAK_C5_LARGE, burst.peakRate, PEAK_C5_LARGE * 0.01);
        assertEquals(420e9, burst.burstEndNs, 420e9 * 0.01);
        assertEquals(BASELINE_C5_LARGE, burst.baselineRate, BASELINE_C5_LARGE * 0.01);
    }

    private record Burst(double peakRate, long burstEndNs, double baselineRate, long cpuMs)
    {
    }

    /**
     * c5.large to c5.large, ten unlimited jumbo UDP streams from full credits, received bytes sampled every
     * {@code sampleNs}. The burst ends inside the first sample interval whose rate falls below the midpoint of
     * peak and baseline; its position inside that interval is interpolated from the bytes the interval carried.
     */
    private static Burst runBurst(final long burstSeconds, final long sampleNs, final long quantumNs)
    {
        final NetworkShapingConfig config = NetworkShapingConfig.builder().shapingQuantumNs(quantumNs).build();
        final NetworkInstanceCaps caps = NetworkInstanceCaps.C5_LARGE.withBurstSeconds(burstSeconds);
        try (TestBed bed = new TestBed(config, 25_000))
        {
            final EniPort a = bed.port("i-a", caps, 1);
            final EniPort b = bed.port("i-b", caps, 2);
            final Iperf iperf = new Iperf(bed.runtime);
            final long endNs = (burstSeconds + 4) * SECOND;
            for (int i = 0; i < 10; i++)
            {
                iperf.stream(unlimited(endNs + SECOND), a, b);
            }
            final long cpu0 = cpuMs();
            final int samples = (int)(endNs / sampleNs);
            final long[] received = new long[samples + 1];
            for (int k = 1; k <= samples; k++)
            {
                bed.runtime.runUntil(k * sampleNs);
                received[k] = iperf.totalBytesReceived();
            }
            final double sampleSeconds = sampleNs / 1e9;
            final double midpoint = (PEAK_C5_LARGE + BASELINE_C5_LARGE) / 2 * sampleSeconds;
            final int first = (int)(SECOND / sampleNs);
            int k = first + 1;
            while (k <= samples && received[k] - received[k - 1] >= midpoint)
            {
                k++;
            }
            assertTrue(k <= samples, "the burst never ended");
            final long intervalStartNs = (k - 1) * sampleNs;
            final double peakRate = (received[k - 1] - received[first]) * 1e9 / (intervalStartNs - first * sampleNs);
            final double bytes = received[k] - received[k - 1];
            final double atPeakSeconds = (bytes - BASELINE_C5_LARGE * sampleSeconds) / (peakRate - BASELINE_C5_LARGE);
            final long burstEndNs = intervalStartNs + (long)(atPeakSeconds * 1e9);
            final int twoSeconds = (int)(2 * SECOND / sampleNs);
            final double baselineRate = (received[samples] - received[samples - twoSeconds]) / 2.0;
            return new Burst(peakRate, burstEndNs, baselineRate, cpuMs() - cpu0);
        }
    }

    @Test
    void shouldHoldTenStreamsOfC518xlargeToTwentyFiveGbpsAndNoMore()
    {
        final NetworkShapingConfig config = NetworkShapingConfig.builder().shapingQuantumNs(20_000).build();
        try (TestBed bed = new TestBed(config, 25_000))
        {
            final EniPort a = bed.port("i-a", NetworkInstanceCaps.C5_18XLARGE, 1);
            final EniPort b = bed.port("i-b", NetworkInstanceCaps.C5_18XLARGE, 2);
            final Iperf iperf = new Iperf(bed.runtime);
            for (int i = 0; i < 10; i++)
            {
                iperf.stream(unlimited(2 * SECOND), a, b);
            }
            final long cpu0 = cpuMs();
            final long windowNs = 50 * MS;
            final double rate = 3_125_000_000.0;
            final long depthBytes = 3_125_000; // 1 ms at peak
            long previous = 0;
            long atHalf = 0;
            for (long t = windowNs; t <= 2 * SECOND; t += windowNs)
            {
                bed.runtime.runUntil(t);
                final long received = iperf.totalBytesReceived();
                assertTrue(received - previous <= rate * windowNs / 1e9 + depthBytes,
                    "window ending " + t + " ns carried " + (received - previous) + " B, more than rate x W + depth");
                previous = received;
                if (t == 500 * MS)
                {
                    atHalf = received;
                }
            }
            final double measured = (previous - atHalf) / 1.5;
            System.out.printf("c5.18xlarge ten streams: %.4f Gbps, cpu %d ms%n", measured * 8 / 1e9, cpuMs() - cpu0);
            assertEquals(rate, measured, rate * 0.01);
            // Its allowance is its port's line rate: the egress pipeline paces it, nothing waits for the allowance.
            assertEquals(0L, a.counters().get(EniMeter.BW_OUT_ALLOWANCE_EXCEEDED));
        }
    }

    @Test
    void shouldShapeInboundAndOutboundIndependently()
    {
        final NetworkShapingConfig config = NetworkShapingConfig.builder().shapingQuantumNs(50_000).build();
        try (TestBed bed = new TestBed(config, 25_000))
        {
            final NetworkInstanceCaps caps = NetworkInstanceCaps.C5_LARGE;
            final EniPort a = bed.port("i-a", caps, 1);
            final EniPort c = bed.port("i-c", caps, 3);
            final EniPort b = bed.port("i-b", caps, 2);
            final EniPort d = bed.port("i-d", NetworkInstanceCaps.C5_18XLARGE, 4);
            final Iperf in = new Iperf(bed.runtime);
            final Iperf out = new Iperf(bed.runtime);
            final long stop = 2 * SECOND;
            for (int i = 0; i < 5; i++)
            {
                in.stream(unlimited(stop), a, b);   // a -> b: 10 Gbps offered
                in.stream(unlimited(stop), c, b);   // c -> b: 10 Gbps offered, b's inbound takes 10 in total
            }
            for (int i = 0; i < 5; i++)
            {
                out.stream(StreamSpec.builder(StreamSpec.Mode.UDP_UNLIMITED).mtu(9001).window(0, stop)
                    .ports(41000 + i, 6000 + i).build(), b, d);
            }
            bed.runtime.runUntil(500 * MS);
            final long in0 = in.totalBytesReceived();
            final long out0 = out.totalBytesReceived();
            bed.runtime.runUntil(stop);
            final double inRate = (in.totalBytesReceived() - in0) / 1.5;
            final double outRate = (out.totalBytesReceived() - out0) / 1.5;
            System.out.printf("b inbound %.4f Gbps, b outbound %.4f Gbps, bw_in %d, bw_out %d%n", inRate * 8 / 1e9,
                outRate * 8 / 1e9, b.counters().get(EniMeter.BW_IN_ALLOWANCE_EXCEEDED), b.counters().get(EniMeter.BW_OUT_ALLOWANCE_EXCEEDED));
            assertEquals(PEAK_C5_LARGE, inRate, PEAK_C5_LARGE * 0.01);
            assertEquals(PEAK_C5_LARGE, outRate, PEAK_C5_LARGE * 0.01);
            assertTrue(b.counters().get(EniMeter.BW_IN_ALLOWANCE_EXCEEDED) > 0, "inbound over the allowance is counted");
            assertTrue(b.counters().get(EniMeter.BW_OUT_ALLOWANCE_EXCEEDED) > 0, "outbound over the allowance is counted");
            final long dropped = bed.card(2).instance("i-b").ingressDroppedFrames();
            assertTrue(dropped > 0 && dropped <= b.counters().get(EniMeter.BW_IN_ALLOWANCE_EXCEEDED),
                "ingress drops " + dropped + " are part of bw_in " + b.counters().get(EniMeter.BW_IN_ALLOWANCE_EXCEEDED));
        }
    }

    @Test
    void shouldShareTheInstanceAllowanceBetweenTwoEnis()
    {
        final NetworkShapingConfig config = NetworkShapingConfig.builder().shapingQuantumNs(50_000).build();
        try (TestBed bed = new TestBed(config, 25_000))
        {
            final List<EniPort> a = bed.instance("i-a", NetworkInstanceCaps.C5_LARGE, 1, 2);
            final EniPort x = bed.port("i-x", NetworkInstanceCaps.C5_18XLARGE, 2);
            final EniPort y = bed.port("i-y", NetworkInstanceCaps.C5_18XLARGE, 3);
            final Iperf first = new Iperf(bed.runtime);
            final Iperf second = new Iperf(bed.runtime);
            for (int i = 0; i < 5; i++)
            {
                first.stream(unlimited(2 * SECOND), a.get(0), x);
                second.stream(unlimited(2 * SECOND), a.get(1), y);
            }
            bed.runtime.runUntil(500 * MS);
            final long f0 = first.totalBytesReceived();
            final long s0 = second.totalBytesReceived();
            bed.runtime.runUntil(2 * SECOND);
            final double firstRate = (first.totalBytesReceived() - f0) / 1.5;
            final double secondRate = (second.totalBytesReceived() - s0) / 1.5;
            System.out.printf("two ENIs: %.4f + %.4f = %.4f Gbps%n", firstRate * 8 / 1e9, secondRate * 8 / 1e9,
                (firstRate + secondRate) * 8 / 1e9);
            assertEquals(PEAK_C5_LARGE, firstRate + secondRate, PEAK_C5_LARGE * 0.01);
            assertEquals(PEAK_C5_LARGE / 2, firstRate, PEAK_C5_LARGE / 2 * 0.05);
            assertTrue(a.get(0).counters().get(EniMeter.BW_OUT_ALLOWANCE_EXCEEDED) > 0);
            assertTrue(a.get(1).counters().get(EniMeter.BW_OUT_ALLOWANCE_EXCEEDED) > 0);
        }
    }
}
