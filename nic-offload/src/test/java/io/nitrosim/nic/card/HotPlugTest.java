package io.nitrosim.nic.card;

import static io.nitrosim.nic.testbed.TestBed.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.nitrosim.nic.shaping.EniMeter;
import io.nitrosim.nic.shaping.NetworkInstanceCaps;
import io.nitrosim.nic.testbed.TestBed;
import io.nitrosim.nic.traffic.Iperf;
import io.nitrosim.nic.traffic.StreamSpec;
import io.nitrosim.nic.vpc.Eni;
import io.nitrosim.nic.vpc.VpcException;

/** ENIs leave and rejoin a running card (EC2 DetachNetworkInterface / AttachNetworkInterface / Delete). */
class HotPlugTest
{
    private static StreamSpec udp(final long fromNs, final int count)
    {
        return StreamSpec.builder(StreamSpec.Mode.UDP_RATE).mtu(1500).rateBytesPerSec(125_000_000L)
            .window(fromNs, fromNs + count * 1514L * 8).payloadMode(true).build(); // 1 Gbps: 12.1 us per frame
    }

    @Test
    void shouldStopServingADetachedEniAndServeItAgainOnceReattached()
    {
        try (TestBed bed = new TestBed())
        {
            final EniPort a = bed.port("i-a", NetworkInstanceCaps.C5_LARGE, 1);
            final EniPort b = bed.port("i-b", NetworkInstanceCaps.C5_LARGE, 2);
            final Eni eniB = b.eni();
            final Iperf iperf = new Iperf(bed.runtime);
            final Iperf.Stream first = iperf.stream(udp(0, 100), a, b);
            bed.advanceTo(5 * MS);
            assertEquals(100, first.receiver().framesReceived());

            final VpcCard cardB = bed.card(2);
            assertTrue(cardB.detachEni(eniB.id()));
            assertFalse(cardB.detachEni(eniB.id()), "detached once");
            bed.net.detachNetworkInterface(eniB.id());
            assertEquals(List.of(), cardB.instance("i-b").ports());
            final Iperf.Stream lost = iperf.stream(udp(5 * MS, 100), a, b);
            bed.advanceTo(10 * MS);
            assertEquals(100, lost.sender().framesSent());
            assertEquals(0, lost.receiver().framesReceived());
            assertEquals(100, a.counters().get(EniMeter.NO_ROUTE_DROPPED), "an unattached ENI is not reachable");

            bed.net.attachNetworkInterface(eniB.id(), "i-b", 0);
            final EniPort again = cardB.attachEni(eniB.id());
            assertEquals(1, again.localIndex(), "a new port; the detached one keeps index 0");
            final Iperf.Stream back = iperf.stream(udp(10 * MS, 100), a, again);
            bed.advanceTo(15 * MS);
            assertEquals(100, back.receiver().framesReceived());
            assertEquals(List.of(again), cardB.instance("i-b").ports());
        }
    }

    @Test
    void shouldRemoveAnInstanceAndDeleteItsUnattachedEniFreeingTheAddress()
    {
        try (TestBed bed = new TestBed())
        {
            final EniPort b = bed.port("i-b", NetworkInstanceCaps.C5_LARGE, 2);
            final Eni eni = b.eni();
            final int free = bed.subnet.availableAddresses();
            final VpcException inUse = assertThrows(VpcException.class, () -> bed.net.deleteNetworkInterface(eni.id()));
            assertEquals("InvalidNetworkInterface.InUse", inUse.code());
            assertTrue(bed.card(2).removeInstance("i-b"));
            assertThrows(IllegalArgumentException.class, () -> bed.card(2).instance("i-b"));
            bed.net.detachNetworkInterface(eni.id());
            bed.net.deleteNetworkInterface(eni.id());
            assertEquals(free + 1, bed.subnet.availableAddresses());
            assertNull(bed.net.eniByNumber(eni.number()));
            assertFalse(bed.net.networkInterfaces().contains(eni));
            assertEquals("InvalidNetworkInterfaceID.NotFound",
                assertThrows(VpcException.class, () -> bed.net.eni(eni.id())).code());
        }
    }
}
