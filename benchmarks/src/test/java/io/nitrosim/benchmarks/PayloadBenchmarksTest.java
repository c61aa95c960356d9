package io.nitrosim.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.nitrosim.simulator.results.RunResults;

/**
 * The payload benchmarks do what their figures claim: frames are sent and verified, blocks are written and
 * verified, the end-to-end run delivers at the cap. How fast is the benchmarks' business, not a test's.
 */
class PayloadBenchmarksTest
{
    @Test
    void shouldCountTheFillOfUdpFramesAfterTheStreamHeader()
    {
        assertEquals(9001 - 20 - 8 - 32, PayloadFigures.fillBytes(9001), "MTU - IPv4 - UDP - stream header");
        assertEquals(1500 - 20 - 8 - 32, PayloadFigures.fillBytes(1500));
    }

    @Test
    void shouldSendAndVerifyEveryFrame()
    {
        final PayloadPatternBenchmark b = new PayloadPatternBenchmark();
        b.mtu = 9001;
        b.regionBytes = 1 << 20;
        b.setUp();
        assertEquals(PayloadPatternBenchmark.FRAMES_PER_OP, b.send());
        b.memcpy();
        final int slots = (1 << 20) / ((b.fillBytes() + 32 + 28 + 14 + 63) & ~63);
        long received = 0;
        for (int i = 0; i <= slots / PayloadPatternBenchmark.FRAMES_PER_OP; i++)
        {
            received = b.receive();
        }
        assertTrue(received > slots, "went round the slots at least once");
        b.checkEveryFrameVerified(); // throws on any corrupted frame
    }

    @Test
    void shouldWriteAndVerifyEveryBlock()
    {
        final BlockPatternBenchmark b = new BlockPatternBenchmark();
        b.bs = 16384;
        b.regionBytes = 1 << 20;
        b.setUp();
        for (int i = 0; i < 2 * 64; i++)
        {
            b.write();
            b.memcpy();
            b.write();
            assertTrue(b.verify());
        }
        b.checkEveryBlockVerified();
    }

    @Test
    void shouldDeliverTheCapInTheIssueScenario() throws Exception
    {
        final FullPayloadRunBenchmark b = new FullPayloadRunBenchmark();
        b.payload = "full";
        b.simulated = "20ms";
        b.prepare();
        final FullPayloadRunBenchmark.RunFigures figures = new FullPayloadRunBenchmark.RunFigures();
        final RunResults results;
        try
        {
            results = b.run(figures);
        }
        finally
        {
            b.close();
        }
        assertEquals(20_000_000L, figures.simulatedNs);
        assertEquals(results.instances().get(1).netIn().bytes(), figures.bytesDelivered);
        // 25 Gbps for 20 ms is 62.5 MB. The sender's port runs at that line rate, so nothing passes above it; its
        // eight flows start with one frame of tokens each (no start-up burst) and two share each TX queue, so the
        // first millisecond or two run below the cap (61.3 MB measured).
        assertTrue(figures.bytesDelivered >= 62_500_000L * 0.975 && figures.bytesDelivered <= 62_500_000L,
            figures.bytesDelivered + " B");
    }

    @Test
    void shouldReportBothCapsOfTheRealTimeFullPayloadRun() throws Exception
    {
        final FullPayloadRealTimeBenchmark b = new FullPayloadRealTimeBenchmark();
        b.threads = 2;
        b.clock = "real";
        b.simulated = "50ms";
        b.prepare();
        final FullPayloadRealTimeBenchmark.RealTimeFigures figures = new FullPayloadRealTimeBenchmark.RealTimeFigures();
        final RunResults results;
        try
        {
            results = b.run(figures);
        }
        finally
        {
            b.close();
        }
        assertEquals("real", results.clockMode());
        assertEquals("full", results.payloadMode());
        assertEquals(50_000_000L, figures.simulatedNs);
        assertEquals(results.instances().get(1).netIn().bytes(), figures.networkBytes);
        // Whatever the machine keeps up with, the simulated rates are the caps': 25 Gbps for 50 ms is 156 MB of
        // frames (the first ms or two below it, as above); 9000 Mbps is 56.25 MB of writes, plus at most the
        // instance's EBS peak bucket, 5 ms of 9000 Mbps full at the start (61.1 MB measured).
        assertTrue(figures.networkBytes >= 156_250_000L * 0.95 && figures.networkBytes <= 156_250_000L,
            figures.networkBytes + " B");
        assertTrue(figures.ebsBytes >= 56_250_000L * 0.95 && figures.ebsBytes <= 56_250_000L + 5_625_000L,
            figures.ebsBytes + " B");
        assertTrue(figures.realTimeFactorPpm > 0, "a real-time factor");
        assertTrue(figures.processCpuNs > 0, "the process's CPU time");
    }
}
