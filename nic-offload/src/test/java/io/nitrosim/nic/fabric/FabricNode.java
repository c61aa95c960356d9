package io.nitrosim.nic.fabric;

import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.card.FrameSink;
import io.nitrosim.nic.card.VpcCard;
import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.nic.traffic.StreamPayload;
import io.nitrosim.time.RealTimeRuntime;
import io.nitrosim.nic.shaping.EniMeter;

import org.agrona.DirectBuffer;

/**
 * The child process of {@link TwoProcessFabricTest} (argument: the fabric key file): serves host 2 (instance i-b)
 * of the shared scenario behind a UDP transport on 127.0.0.1, prints "PORT n", counts the stream's frames and prints
 * "RESULT received gaps rx" when all arrived, after a quiet second, or after 20 s of real time, then exits.
 */
public final class FabricNode
{
    private FabricNode()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final TwoProcessScenario scenario = new TwoProcessScenario();
        try (RealTimeRuntime runtime = new RealTimeRuntime())
        {
            final HostDirectory directory = new HostDirectory();
            final VpcCard card = VpcCard.builder().hostId(2).network(scenario.net).clock(runtime.clock())
                .directory(directory).build();
            directory.addLocalHost(2, card.fabricInbound(), 0);
            card.addInstance("i-b");
            final EniPort port = card.eniPort(scenario.b.id());
            final Counter counter = new Counter();
            port.sink(counter);
            try (UdpFabricTransport transport = UdpFabricTransport.builder().localHostId(2).clock(runtime.clock())
                .key(FabricKey.readFrom(java.nio.file.Path.of(args[0])))
                .localHost(2, card.fabricInbound()).bind(new java.net.InetSocketAddress("127.0.0.1", 0)).build())
            {
                runtime.add(card);
                System.out.println("PORT " + transport.localAddress().getPort());
                System.out.println("ENI " + scenario.b.id());
                System.out.flush();
                long lastSeen = 0;
                int quietSteps = 0;
                // Stops when all arrived, after 1 s without a new frame once some came, or after 20 s.
                for (int step = 0; step < 400 && counter.received < TwoProcessScenario.FRAMES && quietSteps < 20; step++)
                {
                    runtime.runUntil(runtime.clock().nanoTime() + 50_000_000L);
                    final long now = counter.received;
                    quietSteps = now > 0 && now == lastSeen ? quietSteps + 1 : 0;
                    lastSeen = now;
                }
                runtime.remove(card);
                System.out.println("RESULT " + counter.received + " " + counter.gaps + " " + port.counters().get(EniMeter.RX_FRAMES));
                System.out.flush();
            }
        }
    }

    private static final class Counter implements FrameSink
    {
        private final EthernetFrame frame = new EthernetFrame();
        volatile long received;
        long gaps;
        long expected;

        @Override
        public boolean onFrame(final EniPort eni, final DirectBuffer buffer, final int offset, final int captured,
            final int frameLength, final long nowNs)
        {
            frame.wrap(buffer, offset, captured);
            final long seq = StreamPayload.seq(buffer, offset + frame.payloadOffset());
            if (seq != expected)
            {
                gaps++;
            }
            expected = seq + 1;
            received = received + 1;
            return true;
        }
    }
}
