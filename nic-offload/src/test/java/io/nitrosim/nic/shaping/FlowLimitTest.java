package io.nitrosim.nic.shaping;

import static io.nitrosim.nic.testbed.TestBed.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.testbed.TestBed;
import io.nitrosim.nic.traffic.Iperf;
import io.nitrosim.nic.traffic.StreamSpec;

class FlowLimitTest
{
    @Test
    void shouldCapOneStreamAtFiveGbpsByTheFlowLimit()
    {
        try (TestBed bed = new TestBed())
        {
            final EniPort a = bed.port("i-a", NetworkInstanceCaps.C5_LARGE, 1);
            final EniPort b = bed.port("i-b", NetworkInstanceCaps.C5_LARGE, 2);
            final Iperf iperf = new Iperf(bed.runtime);
            iperf.stream(StreamSpec.builder(StreamSpec.Mode.UDP_UNLIMITED).mtu(9001).window(0, 3 * SECOND).build(), a, b);
            final long cpu0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            bed.runtime.runUntil(SECOND);
            final long atOne = iperf.totalBytesReceived();
            bed.runtime.runUntil(3 * SECOND);
            final long atThree = iperf.totalBytesReceived();
            final double rate = (atThree - atOne) / 2.0;
            System.out.printf("one stream: %.6f Gbps (cpu %d ms)%n", rate * 8 / 1e9,
                (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0) / 1_000_000);
            assertEquals(625_000_000.0, rate, 625_000_000.0 * 0.01);
        }
    }
}
