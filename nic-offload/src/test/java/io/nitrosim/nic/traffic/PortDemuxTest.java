package io.nitrosim.nic.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.nic.vpc.Ipv4;

class PortDemuxTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
    private final List<String> delivered = new ArrayList<>();

    private int udpTo(final int dstPort)
    {
        return new EthernetFrame().wrapForWrite(buffer, 0, 256).writeHeaders(1, 2, Ipv4.parse("10.0.0.1"),
            Ipv4.parse("10.0.0.2"), EthernetFrame.PROTO_UDP, 4000, dstPort, 100, 0);
    }

    private void send(final PortDemux demux, final int dstPort)
    {
        final int length = udpTo(dstPort);
        demux.onFrame(buffer, 0, length, length, 0);
    }

    @Test
    void shouldHandEachFrameToItsPortsReceiverWhateverThePreviousFramesPort()
    {
        final PortDemux demux = new PortDemux();
        demux.register(5001, (b, o, c, l, t) -> delivered.add("a"));
        demux.register(5002, (b, o, c, l, t) -> delivered.add("b"));
        send(demux, 5001);
        send(demux, 5001);
        send(demux, 5002);
        send(demux, 7);
        send(demux, 5001);
        send(demux, 7);
        assertEquals(List.of("a", "a", "b", "a"), delivered);
        assertEquals(2, demux.unmatched());
    }

    @Test
    void shouldFindAReceiverRegisteredAfterFramesForItsPortWentUnmatched()
    {
        final PortDemux demux = new PortDemux();
        send(demux, 5001);
        demux.register(5001, (b, o, c, l, t) -> delivered.add("a"));
        send(demux, 5001);
        assertEquals(List.of("a"), delivered);
        assertEquals(1, demux.unmatched());
    }
}
