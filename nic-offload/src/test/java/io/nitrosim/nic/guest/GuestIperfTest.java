package io.nitrosim.nic.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.driver.EnaDriver;
import io.nitrosim.nic.driver.EnaDriverContext;
import io.nitrosim.nic.ena.EnaFunction;
import io.nitrosim.nic.shaping.NetworkInstanceCaps;
import io.nitrosim.nic.shaping.NetworkShapingConfig;
import io.nitrosim.pci.FakeGuestMemoryAccess;
import io.nitrosim.nic.testbed.TestBed;
import io.nitrosim.nic.traffic.StreamResult;
import io.nitrosim.nic.traffic.StreamSpec;
import io.nitrosim.pci.FakeGuestMemory;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.GuestMemoryAllocator;
import io.nitrosim.time.SimAgent;
import io.nitrosim.nic.shaping.EniMeter;

/**
 * The guest iperf end to end: two c5.large instances, each an ENA function on its ENI with the reference driver
 * and the iperf workload in a guest agent, through their VPC cards (virtual time).
 */
class GuestIperfTest
{
    static final long MS = TestBed.MS;
    static final long SECOND = TestBed.SECOND;
    private static final double FLOW_LIMIT = 625_000_000.0;
    private static final double PEAK_C5_LARGE = 1_250_000_000.0;
    private static final double BASELINE_C5_LARGE = 93_750_000.0;

    /** A guest program as the simulator would run it: an agent on the vCPU, interrupts routed to it. */
    static final class Guest implements SimAgent
    {
        final TestBed bed;
        final EniPort port;
        final EnaFunction device;
        final GuestIperf iperf;
        final FakeGuestMemoryAccess access;

        Guest(final TestBed bed, final EniPort port, final boolean timingOnly, final int mtu, final int pairs)
        {
            this(bed, port, timingOnly, mtu, pairs, false);
        }

        /** @param inPlace whether the driver may read and write its frame buffers in place (guest memory views). */
        Guest(final TestBed bed, final EniPort port, final boolean timingOnly, final int mtu, final int pairs,
            final boolean inPlace)
        {
            this(bed, port, timingOnly, mtu, pairs, inPlace, false);
        }

        /** @param busyPoll whether the driver busy-polls its IO queues (MSI-X for admin and AENQ only). */
        Guest(final TestBed bed, final EniPort port, final boolean timingOnly, final int mtu, final int pairs,
            final boolean inPlace, final boolean busyPoll)
        {
            this.bed = bed;
            this.port = port;
            device = EnaFunction.context().port(port).clock(bed.runtime.clock()).registry(bed.registry)
                .maxQueuePairs(2).timingOnly(timingOnly).build();
            final int memoryBytes = 48 << 20;
            final long base = 0x10_0000L;
            final FakeGuestMemory memory = new FakeGuestMemory(base, memoryBytes);
            device.connect(memory, (address, data) -> iperf().onInterrupt(data & 0xFF));
            bed.runtime.add(device.agent());
            access = new FakeGuestMemoryAccess(memory, inPlace);
            final EnaDriverContext driver = EnaDriver.context().function(FunctionAccess.of(device))
                .memory(access).allocator(new GuestMemoryAllocator(base, memoryBytes))
                .interrupts(0xFEE0_0000L, 0x40).queuePairs(pairs).depths(1024, 1024).mtu(mtu).timingOnly(timingOnly);
            if (busyPoll)
            {
                driver.busyPolling(0xFEE0_0000L, 0x40);
            }
            iperf = GuestIperf.create(driver, port.eni().primaryIp());
            bed.runtime.add(this);
        }

        GuestIperf iperf()
        {
            return iperf;
        }

        @Override
        public int doWork()
        {
            return iperf.doWork(bed.runtime.clock().nanoTime());
        }

        @Override
        public long nextDeadlineNs()
        {
            return iperf.nextDeadlineNs();
        }

        @Override
        public String roleName()
        {
            return "guest " + port.eni().id();
        }
    }

    private static long receivedBytes(final List<GuestIperf.Stream> streams)
    {
        long bytes = 0;
        for (final GuestIperf.Stream s : streams)
        {
            bytes += s.receiver().bytesReceived();
        }
        return bytes;
    }

    private static long cpuMs()
    {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1_000_000;
    }

    private static StreamSpec udp(final int mtu, final long startNs, final long stopNs)
    {
        return StreamSpec.builder(StreamSpec.Mode.UDP_UNLIMITED).mtu(mtu).window(startNs, stopNs).build();
    }

    @Test
    void shouldCapOneJumboStreamAtTheFiveGbpsFlowLimit()
    {
        try (TestBed bed = new TestBed(NetworkShapingConfig.DEFAULT, 25_000))
        {
            final Guest a = new Guest(bed, bed.port("i-a", NetworkInstanceCaps.C5_LARGE, 1), true, 9001, 1);
            final Guest b = new Guest(bed, bed.port("i-b", NetworkInstanceCaps.C5_LARGE, 2), true, 9001, 1);
            final GuestIperf.Stream stream = GuestIperf.stream(udp(9001, MS, 3 * SECOND), a.iperf, b.iperf);
            final long cpu0 = cpuMs();
            bed.advanceTo(SECOND);
            final long atOne = stream.receiver().bytesReceived();
            bed.advanceTo(3 * SECOND);
            final long atThree = stream.receiver().bytesReceived();
            final double rate = (atThree - atOne) / 2.0;
            final long cpu = cpuMs() - cpu0;
            System.out.printf("guest iperf, 1 jumbo stream: %.6f Gbps, %d frames in %d ms cpu (%.0f frames/s)%n",
                rate * 8 / 1e9, stream.receiver().framesReceived(), cpu,
                stream.receiver().framesReceived() * 1000.0 / Math.max(1, cpu));
            assertEquals(FLOW_LIMIT, rate, FLOW_LIMIT * 0.01);
            final StreamResult result = stream.result();
            // Nothing was dropped: the frames sent but not received were still queued when the run stopped.
            assertEquals(0, result.framesLost());
            assertTrue(result.framesSent() > result.framesReceived());
            assertTrue(result.latencyP50Ns() > 0);
            assertEquals(0, b.port.counters().get(EniMeter.RX_NO_BUFFER_DROPPED));
            assertEquals(0, stream.receiver().gaps());
            assertTrue(a.port.counters().get(EniMeter.FLOW_ALLOWANCE_EXCEEDED) > 0, "the flow bucket held frames");
        }
    }

    @Test
    void shouldCapOneStreamOfStandardFramesAtTheFlowLimitToo()
    {
        try (TestBed bed = new TestBed(NetworkShapingConfig.DEFAULT, 25_000))
        {
            final Guest a = new Guest(bed, bed.port("i-a", NetworkInstanceCaps.C5_LARGE, 1), true, 1500, 1);
            final Guest b = new Guest(bed, bed.port("i-b", NetworkInstanceCaps.C5_LARGE, 2), true, 1500, 1);
            final GuestIperf.Stream stream = GuestIperf.stream(udp(1500, MS, 2 * SECOND), a.iperf, b.iperf);
            bed.advanceTo(SECOND);
            final long atOne = stream.receiver().bytesReceived();
            bed.advanceTo(2 * SECOND);
            final double rate = stream.receiver().bytesReceived() - atOne;
            System.out.printf("guest iperf, 1 stream of 1514 B frames: %.6f Gbps%n", rate * 8 / 1e9);
            assertEquals(FLOW_LIMIT, rate, FLOW_LIMIT * 0.01);
            assertEquals(0, stream.receiver().gaps());
        }
    }

    @Test
    void shouldRunTenStreamsAtPeakThenHoldTheBaselineAfterTheConfiguredBurst()
    {
        final long burstSeconds = 2;
        final NetworkShapingConfig config = NetworkShapingConfig.builder().shapingQuantumNs(100_000).build();
        final NetworkInstanceCaps caps = NetworkInstanceCaps.C5_LARGE.withBurstSeconds(burstSeconds);
        try (TestBed bed = new TestBed(config, 25_000))
        {
            final Guest a = new Guest(bed, bed.port("i-a", caps, 1), true, 9001, 2);
            final Guest b = new Guest(bed, bed.port("i-b", caps, 2), true, 9001, 2);
            final long endNs = (burstSeconds + 3) * SECOND;
            final List<GuestIperf.Stream> streams = new ArrayList<>();
            for (int i = 0; i < 10; i++)
            {
                streams.add(GuestIperf.stream(udp(9001, MS, endNs + SECOND), a.iperf, b.iperf));
            }
            final long cpu0 = cpuMs();
            final long sampleNs = 10 * MS;
            final int samples = (int)(endNs / sampleNs);
            final long[] received = new long[samples + 1];
            for (int k = 1; k <= samples; k++)
            {
                bed.advanceTo(k * sampleNs);
                received[k] = receivedBytes(streams);
            }
            final long cpu = cpuMs() - cpu0;
            final double sampleSeconds = sampleNs / 1e9;
            final double midpoint = (PEAK_C5_LARGE + BASELINE_C5_LARGE) / 2 * sampleSeconds;
            final int first = (int)(500 * MS / sampleNs);
            int k = first + 1;
            while (k <= samples && received[k] - received[k - 1] >= midpoint)
            {
                k++;
            }
            assertTrue(k <= samples, "the burst never ended");
            final long intervalStartNs = (k - 1) * sampleNs;
            final double peakRate = (received[k - 1] - received[first]) * 1e9 / (intervalStartNs - first * sampleNs);
            final double atPeakSeconds = (received[k] - received[k - 1] - BASELINE_C5_LARGE * sampleSeconds)
                / (peakRate - BASELINE_C5_LARGE);
            final long burstEndNs = intervalStartNs + (long)(atPeakSeconds * 1e9);
            final int twoSeconds = (int)(2 * SECOND / sampleNs);
            final double baselineRate = (received[samples] - received[samples - twoSeconds]) / 2.0;
            long frames = 0;
            for (final GuestIperf.Stream s : streams)
            {
                frames += s.receiver().framesReceived();
            }
            final StreamResult total = GuestIperf.total(streams);
            System.out.printf("guest iperf, 10 streams: peak %.4f Gbps, burst %.3f s (configured %d s), baseline %.4f Gbps,"
                + " %d frames in %d ms cpu (%.0f frames/s), p50 %d ns p99 %d ns%n", peakRate * 8 / 1e9, burstEndNs / 1e9,
                burstSeconds, baselineRate * 8 / 1e9, frames, cpu, frames * 1000.0 / Math.max(1, cpu),
                total.latencyP50Ns(), total.latencyP99Ns());
            assertEquals(PEAK_C5_LARGE, peakRate, PEAK_C5_LARGE * 0.01);
            assertEquals(burstSeconds * 1e9, burstEndNs, burstSeconds * 1e9 * 0.01);
            assertEquals(BASELINE_C5_LARGE, baselineRate, BASELINE_C5_LARGE * 0.01);
            assertEquals(0, b.port.counters().get(EniMeter.RX_NO_BUFFER_DROPPED));
            assertTrue(a.port.counters().get(EniMeter.BW_OUT_ALLOWANCE_EXCEEDED) > 0);
            assertTrue(b.iperf.driver().rxFrames(0) > 0 && b.iperf.driver().rxFrames(1) > 0, "both RX queues used");
        }
    }

    @Test
    void shouldRunATcpLikeStreamWithAcksThroughBothDrivers()
    {
        try (TestBed bed = new TestBed(NetworkShapingConfig.DEFAULT, 25_000))
        {
            final Guest a = new Guest(bed, bed.port("i-a", NetworkInstanceCaps.C5_LARGE, 1), true, 9001, 1);
            final Guest b = new Guest(bed, bed.port("i-b", NetworkInstanceCaps.C5_LARGE, 2), true, 9001, 1);
            final GuestIperf.Stream stream = GuestIperf.stream(StreamSpec.builder(StreamSpec.Mode.TCP).mtu(9001)
                .window(MS, 2 * SECOND).build(), a.iperf, b.iperf);
            bed.advanceTo(SECOND);
            final long atOne = stream.receiver().bytesReceived();
            bed.advanceTo(2 * SECOND);
            final double rate = stream.receiver().bytesReceived() - atOne;
            bed.advanceTo(2 * SECOND + 100 * MS); // what is in flight arrives, acks included
            System.out.printf("guest iperf, TCP-like: %.4f Gbps, cwnd %d, srtt %d ns, acks %d (%d not sent: ring full)%n",
                rate * 8 / 1e9, stream.sender().cwndSegments(), stream.sender().smoothedRttNs(),
                stream.sender().acksReceived(), stream.receiver().acksDropped());
            assertEquals(FLOW_LIMIT, rate, FLOW_LIMIT * 0.01);
            assertEquals(stream.sender().framesSent(), stream.receiver().framesReceived());
            assertEquals(stream.receiver().framesReceived(), stream.receiver().acksSent() + stream.receiver().acksDropped());
            assertEquals(stream.receiver().acksSent(), stream.sender().acksReceived());
            assertEquals(0, stream.sender().lossEvents());
            assertEquals(0, stream.sender().timeouts());
        }
    }

    @Test
    void shouldReactToIngressDropsWithAimdThroughTheDrivers()
    {
        // the guest version of the card-level AIMD test: a TCP-like stream with an 8 MiB window into a 1 Gbps
        // receiver whose 256 KiB ingress buffer overflows
        final NetworkInstanceCaps oneGbps = new NetworkInstanceCaps(125_000_000L, 125_000_000L, 0, 10, 3);
        final NetworkShapingConfig config = NetworkShapingConfig.builder().ingressBufferBytes(256 * 1024).build();
        try (TestBed bed = new TestBed(config, 25_000))
        {
            final Guest a = new Guest(bed, bed.port("i-a", NetworkInstanceCaps.C5_18XLARGE, 1), true, 9001, 1);
            final Guest b = new Guest(bed, bed.port("i-b", oneGbps, 2), true, 9001, 1);
            final GuestIperf.Stream tcp = GuestIperf.stream(StreamSpec.builder(StreamSpec.Mode.TCP).mtu(9001)
                .window(MS, SECOND).windowBytes(8 << 20).rtoNs(10 * MS).build(), a.iperf, b.iperf);
            bed.advanceTo(SECOND + 50 * MS);
            final double gbps = tcp.receiver().bytesReceived() * 8 / 1e9;
            System.out.printf("guest iperf, TCP-like into 1 Gbps: %.4f Gbps, loss events %d, timeouts %d, gaps %d,"
                + " cwnd %d%n", gbps, tcp.sender().lossEvents(), tcp.sender().timeouts(), tcp.receiver().gaps(),
                tcp.sender().cwndSegments());
            assertTrue(b.port.counters().get(EniMeter.BW_IN_ALLOWANCE_EXCEEDED) > 0, "the receiver's ingress buffer dropped");
            assertTrue(tcp.receiver().gaps() > 0);
            assertTrue(tcp.sender().lossEvents() > 0, "drops halved the window");
            assertTrue(gbps > 0.8 && gbps <= 1.0 + 0.01, "goodput " + gbps + " Gbps against a 1 Gbps cap");
        }
    }

    @Test
    void shouldDeliverPayloadModeStreamsIntact()
    {
        deliverPayloadModeStreamsIntact(false);
    }

    @Test
    void shouldDeliverPayloadModeStreamsIntactWithBuffersReadAndWrittenInPlace()
    {
        deliverPayloadModeStreamsIntact(true);
    }

    private static void deliverPayloadModeStreamsIntact(final boolean inPlace)
    {
        try (TestBed bed = new TestBed(NetworkShapingConfig.DEFAULT, 25_000))
        {
            final Guest a = new Guest(bed, bed.port("i-a", NetworkInstanceCaps.C5_LARGE, 1), false, 9001, 1, inPlace);
            final Guest b = new Guest(bed, bed.port("i-b", NetworkInstanceCaps.C5_LARGE, 2), false, 9001, 1, inPlace);
            final GuestIperf.Stream jumbo = GuestIperf.stream(StreamSpec.builder(StreamSpec.Mode.UDP_RATE)
                .rateBytesPerSec(125_000_000L).mtu(9001).payloadMode(true).window(MS, 51 * MS).build(), a.iperf, b.iperf);
            final GuestIperf.Stream small = GuestIperf.stream(StreamSpec.builder(StreamSpec.Mode.UDP_RATE)
                .rateBytesPerSec(12_500_000L).mtu(1500).payloadMode(true).window(MS, 51 * MS).build(), a.iperf, b.iperf);
            bed.advanceTo(100 * MS);
            assertEquals(jumbo.sender().framesSent(), jumbo.receiver().framesReceived());
            assertEquals(small.sender().framesSent(), small.receiver().framesReceived());
            assertEquals(125_000_000L / 20 / 9015 + 1, jumbo.sender().framesSent()); // 50 ms at 1 Gbps, first at start
            assertEquals(0, jumbo.receiver().corrupted());
            assertEquals(0, small.receiver().corrupted());
            assertEquals(40000, jumbo.sender().srcPort());
            assertEquals(40001, small.sender().srcPort());
            assertEquals(5201, jumbo.sender().dstPort());
            assertEquals(5202, small.sender().dstPort());
            // In place: one view per frame sent (a's TX) and received (b's RX); copied: none.
            final long frames = jumbo.sender().framesSent() + small.sender().framesSent();
            assertEquals(inPlace ? frames : 0, a.access.views());
            assertEquals(inPlace ? frames : 0, b.access.views());
        }
    }

    /** @return frames sent, frames received, the sender's and the receiver's driver interrupts. */
    private static long[] interruptRun(final boolean busyPoll, final boolean traffic)
    {
        try (TestBed bed = new TestBed(NetworkShapingConfig.DEFAULT, 25_000))
        {
            final Guest a = new Guest(bed, bed.port("i-a", NetworkInstanceCaps.C5_LARGE, 1), true, 9001, 2, false,
                busyPoll);
            final Guest b = new Guest(bed, bed.port("i-b", NetworkInstanceCaps.C5_LARGE, 2), true, 9001, 2, false,
                busyPoll);
            final GuestIperf.Stream stream = traffic ? GuestIperf.stream(StreamSpec.builder(StreamSpec.Mode.UDP_RATE)
                .rateBytesPerSec(125_000_000L).mtu(9001).window(MS, 51 * MS).build(), a.iperf, b.iperf) : null;
            bed.advanceTo(80 * MS);
            return new long[] {traffic ? stream.sender().framesSent() : 0, traffic ? stream.receiver().framesReceived() : 0,
                a.iperf.driver().interrupts(), b.iperf.driver().interrupts()};
        }
    }

    @Test
    void shouldBusyPollAPairFromItsFirstInterruptOnWithoutAnInterruptPerFrameAndDeliverEveryFrame()
    {
        final long[] busy = interruptRun(true, true);
        final long[] busyIdle = interruptRun(true, false);
        final long[] interrupts = interruptRun(false, true);
        final long[] interruptsIdle = interruptRun(false, false);
        assertEquals(125_000_000L / 20 / 9015 + 1, busy[0]); // 50 ms at 1 Gbps, first at start
        assertEquals(busy[0], busy[1]);
        assertEquals(interrupts[0], interrupts[1]);
        assertEquals(busy[0], interrupts[0]);
        // busy polling: the admin and AENQ vector as without traffic, and one interrupt of the pair that carries the
        // stream (the sender's TX, the receiver's RX), read on every call from then on; interrupt mode: one per pass
        assertEquals(busyIdle[2] + 1, busy[2]);
        assertEquals(busyIdle[3] + 1, busy[3]);
        assertTrue(interrupts[2] > interruptsIdle[2], interrupts[2] + " sender interrupts");
        assertTrue(interrupts[3] > interruptsIdle[3], interrupts[3] + " receiver interrupts");
    }

    private static String runOnce(final boolean inPlace)
    {
        try (TestBed bed = new TestBed(NetworkShapingConfig.DEFAULT, 25_000))
        {
            final Guest a = new Guest(bed, bed.port("i-a", NetworkInstanceCaps.C5_LARGE, 1), true, 9001, 2, inPlace);
            final Guest b = new Guest(bed, bed.port("i-b", NetworkInstanceCaps.C5_LARGE, 2), true, 9001, 2, inPlace);
            final List<GuestIperf.Stream> streams = new ArrayList<>();
            streams.add(GuestIperf.stream(StreamSpec.builder(StreamSpec.Mode.TCP).mtu(9001).window(MS, 60 * MS)
                .build(), a.iperf, b.iperf));
            streams.add(GuestIperf.stream(udp(1500, MS, 60 * MS), a.iperf, b.iperf));
            streams.add(GuestIperf.stream(udp(9001, MS, 60 * MS), b.iperf, a.iperf));
            bed.advanceTo(80 * MS);
            return GuestIperf.total(streams) + " / " + streams.get(0).result() + " / " + bed.runtime.passes() + " passes / "
                + a.device.txFrames() + " " + b.device.rxFrames() + " " + a.iperf.driver().interrupts();
        }
    }

    @Test
    void shouldRepeatARunBitForBit()
    {
        final String first = runOnce(false);
        final String second = runOnce(false);
        assertEquals(first, second);
        assertTrue(first.contains("stream -1"), first);
    }

    @Test
    void shouldRunTheSameWithBuffersInPlaceAsCopied()
    {
        assertEquals(runOnce(false), runOnce(true));
    }
}
