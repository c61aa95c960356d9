package io.nitrosim.nic.card;

import static io.nitrosim.nic.testbed.TestBed.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.nitrosim.nic.shaping.NetworkInstanceCaps;
import io.nitrosim.nic.shaping.NetworkShapingConfig;
import io.nitrosim.nic.testbed.TestBed;
import io.nitrosim.nic.traffic.Iperf;
import io.nitrosim.nic.traffic.StreamSpec;
import io.nitrosim.nic.shaping.EniMeter;

class DeterminismTest
{
    private static List<Object> run()
    {
        final NetworkShapingConfig config = NetworkShapingConfig.builder().ingressBufferBytes(128 * 1024).build();
        try (TestBed bed = new TestBed(config, 25_000))
        {
            final EniPort a = bed.port("i-a", NetworkInstanceCaps.C5_LARGE, 1);
            final EniPort c = bed.port("i-c", NetworkInstanceCaps.C5_LARGE, 3);
            final EniPort b = bed.port("i-b", NetworkInstanceCaps.C5_LARGE, 2);
            final Iperf iperf = new Iperf(bed.runtime);
            iperf.stream(StreamSpec.builder(StreamSpec.Mode.TCP).mtu(9001).window(0, 200 * MS).build(), a, b);
            iperf.stream(StreamSpec.builder(StreamSpec.Mode.UDP_UNLIMITED).mtu(1500).window(0, 200 * MS).build(), c, b);
            iperf.stream(StreamSpec.builder(StreamSpec.Mode.UDP_RATE).rateBytesPerSec(300_000_000L).mtu(9001)
                .window(50 * MS, 150 * MS).build(), a, b);
            bed.advanceTo(250 * MS);
            final List<Object> outcome = new ArrayList<>(iperf.results());
            outcome.add(b.counters().get(EniMeter.BW_IN_ALLOWANCE_EXCEEDED));
            outcome.add(a.counters().get(EniMeter.BW_OUT_ALLOWANCE_EXCEEDED));
            outcome.add(bed.runtime.passes());
            return outcome;
        }
    }

    @Test
    void shouldProduceIdenticalResultsForTheSameScenario()
    {
        final List<Object> first = run();
        assertTrue((Long)first.get(3) > 0, "the scenario overloads b's inbound allowance");
        assertEquals(first, run());
    }
}
