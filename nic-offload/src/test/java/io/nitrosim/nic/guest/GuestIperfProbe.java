package io.nitrosim.nic.guest;

import java.util.ArrayList;
import java.util.List;

import io.nitrosim.nic.shaping.NetworkInstanceCaps;
import io.nitrosim.nic.shaping.NetworkShapingConfig;
import io.nitrosim.nic.testbed.TestBed;
import io.nitrosim.nic.traffic.StreamSpec;

/**
 * Not a test: measures how fast the whole guest path runs (driver, ENA device, card, fabric, card, device,
 * driver, iperf) in timing-only mode. c5.large to c5.large, N unlimited jumbo UDP streams for S simulated seconds.
 * Arguments: [seconds=30] [streams=10] [shapingQuantumNs=100000] [queuePairs=2] [mtu=9001].
 */
public final class GuestIperfProbe
{
    private GuestIperfProbe()
    {
    }

    public static void main(final String[] args)
    {
        final long seconds = args.length > 0 ? Long.parseLong(args[0]) : 30;
        final int streams = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        final long quantumNs = args.length > 2 ? Long.parseLong(args[2]) : 100_000;
        final int pairs = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        final int mtu = args.length > 4 ? Integer.parseInt(args[4]) : 9001;
        for (int run = 0; run < 2; run++) // the first run warms the JIT up
        {
            final long simulatedNs = (run == 0 ? Math.min(3, seconds) : seconds) * TestBed.SECOND;
            final NetworkShapingConfig config = NetworkShapingConfig.builder().shapingQuantumNs(quantumNs).build();
            try (TestBed bed = new TestBed(config, 25_000))
            {
                final GuestIperfTest.Guest a = new GuestIperfTest.Guest(bed,
                    bed.port("i-a", NetworkInstanceCaps.C5_LARGE, 1), true, mtu, pairs);
                final GuestIperfTest.Guest b = new GuestIperfTest.Guest(bed,
                    bed.port("i-b", NetworkInstanceCaps.C5_LARGE, 2), true, mtu, pairs);
                final List<GuestIperf.Stream> all = new ArrayList<>();
                for (int i = 0; i < streams; i++)
                {
                    all.add(GuestIperf.stream(StreamSpec.builder(StreamSpec.Mode.UDP_UNLIMITED).mtu(mtu)
                        .window(TestBed.MS, simulatedNs).build(), a.iperf, b.iperf));
                }
                final long t0 = System.nanoTime();
                bed.advanceTo(simulatedNs);
                final long wallNs = System.nanoTime() - t0;
                long frames = 0;
                long bytes = 0;
                for (final GuestIperf.Stream s : all)
                {
                    frames += s.receiver().framesReceived();
                    bytes += s.receiver().bytesReceived();
                }
                System.out.printf("%s: %d s simulated, %d streams, MTU %d, quantum %d ns, %d pairs: %.4f Gbps, %d frames"
                    + " in %.3f s wall = %.0f frames/s, %.1f simulated s per wall s, %d passes, %d time jumps%n",
                    run == 0 ? "warm-up" : "measured", simulatedNs / TestBed.SECOND, streams, mtu, quantumNs, pairs,
                    bytes * 8.0 / (simulatedNs - TestBed.MS), frames, wallNs / 1e9, frames / (wallNs / 1e9),
                    simulatedNs / (double)wallNs, bed.runtime.passes(), bed.runtime.timeJumps());
            }
        }
    }
}
