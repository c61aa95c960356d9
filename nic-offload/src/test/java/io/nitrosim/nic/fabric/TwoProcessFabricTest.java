package io.nitrosim.nic.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.card.VpcCard;
import io.nitrosim.nic.traffic.Iperf;
import io.nitrosim.nic.traffic.StreamSpec;
import io.nitrosim.time.RealTimeRuntime;

/** One VPC across two JVMs: this one serves host 1, a child JVM ({@link FabricNode}) host 2. */
@Tag("slow")
class TwoProcessFabricTest
{
    @Test
    void shouldCarryAStreamBetweenTwoProcesses() throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.addAll(Arrays.asList(System.getProperty("nitro.jvm.flags", "").trim().split("\\s+")));
        command.removeIf(String::isEmpty);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(FabricNode.class.getName());
        // The simulation's fabric key goes to the child in an owner-only file (not on its command line).
        final FabricKey key = FabricKey.generate();
        final java.nio.file.Path keyDir = java.nio.file.Files.createTempDirectory("fabric-key");
        final java.nio.file.Path keyFile = keyDir.resolve("fabric.key");
        key.writeTo(keyFile);
        command.add(keyFile.toString());
        final Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)))
        {
            final int childPort = Integer.parseInt(expect(out, "PORT "));
            final TwoProcessScenario scenario = new TwoProcessScenario();
            assertEquals(scenario.b.id(), expect(out, "ENI "), "both processes derived the same ids from the seed");
            try (RealTimeRuntime runtime = new RealTimeRuntime())
            {
                final HostDirectory directory = new HostDirectory();
                final VpcCard card = VpcCard.builder().hostId(1).network(scenario.net).clock(runtime.clock())
                    .directory(directory).build();
                try (UdpFabricTransport transport = UdpFabricTransport.builder().localHostId(1).clock(runtime.clock())
                    .key(key)
                    .localHost(1, card.fabricInbound()).peer(2, new InetSocketAddress("127.0.0.1", childPort))
                    .bind(new InetSocketAddress("127.0.0.1", 0)).build())
                {
                    directory.addLocalHost(1, card.fabricInbound(), 0).addHost(2, transport.portTo(2));
                    card.addInstance("i-a");
                    final EniPort from = card.eniPort(scenario.a.id());
                    final Iperf iperf = new Iperf(runtime);
                    final long startNs = runtime.clock().nanoTime() + 50_000_000L;
                    // 2000 timing-only frames of 1514 B at 3.028 MB/s: 1 s.
                    final io.nitrosim.nic.traffic.TrafficStream sender = iperf.sender(StreamSpec.builder(StreamSpec.Mode.UDP_RATE).mtu(1500)
                        .rateBytesPerSec(3_028_000L).window(startNs, startNs + 1_000_000_000L).ports(40000, 5201)
                        .build(), from, scenario.b);
                    runtime.add(card);
                    final String result = expect(out, "RESULT ");
                    runtime.remove(sender);
                    runtime.remove(card);
                    final String[] fields = result.split(" ");
                    final long sent = sender.framesSent();
                    System.out.println("two processes: sent " + sent + ", child received " + fields[0] + ", gaps "
                        + fields[1] + ", datagrams " + transport.datagramsSent());
                    assertTrue(sent > 0);
                    assertEquals(sent, Long.parseLong(fields[0]));
                    assertEquals(0, Long.parseLong(fields[1]));
                }
            }
        }
        finally
        {
            if (!child.waitFor(30, TimeUnit.SECONDS))
            {
                child.destroyForcibly();
            }
            java.nio.file.Files.deleteIfExists(keyFile);
            java.nio.file.Files.deleteIfExists(keyDir);
        }
        assertEquals(0, child.exitValue());
    }

    private static String expect(final BufferedReader out, final String prefix) throws java.io.IOException
    {
        for (int i = 0; i < 1000; i++)
        {
            final String line = out.readLine();
            if (line == null)
            {
                throw new AssertionError("child ended before printing " + prefix.trim());
            }
            if (line.startsWith(prefix))
            {
                return line.substring(prefix.length());
            }
        }
        throw new AssertionError("child never printed " + prefix.trim());
    }
}
