package io.nitrosim.integration.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ENI ports in a real-time run, with plain Java sockets as the outside programs: a TCP stream and UDP datagrams
 * through two instances' ENA devices and VPC cards, at the (scaled) network caps of a c5.large: 80 Mbps peak,
 * 40 Mbps baseline, a 20 s burst; a port that a security group denies is refused.
 */
class EniPortRealTimeTest
{
    private static final double PEAK_BPS = 80e6;
    private static final double BASELINE_BPS = 40e6;
    /** Payload per frame on the wire: a full TCP segment of MTU 9001 and an 8000-byte datagram. */
    private static final double TCP_PAYLOAD = 8961.0 / 9015;
    private static final double UDP_PAYLOAD = 8000.0 / 8042;

    @TempDir
    static Path work;

    private static ServerSocket sink;
    private static ServerSocket echo;
    private static ServerSocket guarded;
    private static DatagramSocket datagrams;
    private static final AtomicLong sunk = new AtomicLong();
    private static final AtomicLong datagramBytes = new AtomicLong();
    private static final AtomicInteger guardedAccepts = new AtomicInteger();
    private static RealTimeRun run;

    @BeforeAll
    static void start() throws IOException
    {
        sink = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        guarded = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        datagrams = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        datagrams.setReceiveBufferSize(4 << 20);
        daemon("sink", () -> serve(sink, s -> drain(s.getInputStream(), sunk)));
        daemon("echo", () -> serve(echo, s -> s.getInputStream().transferTo(s.getOutputStream())));
        daemon("guarded", () -> serve(guarded, s -> guardedAccepts.incrementAndGet()));
        daemon("datagrams", EniPortRealTimeTest::receiveDatagrams);
        final String yaml = """
            name: eni-ports
            duration: 10m
            clock: real
            payload: full
            overrides:
              instanceTypes:
                c5.large: {networkPeakGbps: 0.08, networkBaselineGbps: 0.04, networkBurstSeconds: 20}
            securityGroups:
              - name: ssh-only
                vpc: vpc-1
                ingress:
                  - {protocol: tcp, ports: "22", from: 10.0.0.0/16}
            instances:
              - {name: client, type: c5.large}
              - {name: server, type: c5.large}
              - {name: udp-client, type: c5.large}
              - {name: udp-server, type: c5.large}
              - {name: echo-client, type: c5.large}
              - {name: echo-server, type: c5.large}
              - {name: guarded, type: c5.large, securityGroups: [ssh-only]}
            ports:
              - {instance: client, listen: 127.0.0.1:0, to: server:%d, protocol: tcp}
              - {instance: udp-client, listen: 127.0.0.1:0, to: udp-server:%d, protocol: udp}
              - {instance: echo-client, listen: 127.0.0.1:0, to: echo-server:%d, protocol: tcp}
              - {instance: client, listen: 127.0.0.1:0, to: guarded:%d, protocol: tcp}
            """.formatted(sink.getLocalPort(), datagrams.getLocalPort(), echo.getLocalPort(), guarded.getLocalPort());
        run = new RealTimeRun(yaml, work.resolve("sim"));
    }

    @AfterAll
    static void stop() throws IOException
    {
        run.close();
        sink.close();
        echo.close();
        guarded.close();
        datagrams.close();
    }

    @FunctionalInterface
    interface Connection
    {
        void handle(Socket s) throws IOException;
    }

    private static void serve(final ServerSocket server, final Connection handler)
    {
        while (!server.isClosed())
        {
            try
            {
                final Socket s = server.accept();
                daemon("connection", () ->
                {
                    try (s)
                    {
                        handler.handle(s);
                    }
                    catch (final IOException ex)
                    {
                        // the test ended the connection
                    }
                });
            }
            catch (final IOException ex)
            {
                return;
            }
        }
    }

    private static void drain(final InputStream in, final AtomicLong counter) throws IOException
    {
        final byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = in.read(buffer)) >= 0)
        {
            counter.addAndGet(n);
        }
    }

    private static void receiveDatagrams()
    {
        final DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
        while (!datagrams.isClosed())
        {
            try
            {
                datagrams.receive(p);
                datagramBytes.addAndGet(p.getLength());
            }
            catch (final IOException ex)
            {
                return;
            }
        }
    }

    private static void daemon(final String name, final Runnable r)
    {
        final Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    /** What the receiving instance's ENI took in so far, in the program's bytes. */
    private static double received(final String instance, final double payloadFraction)
    {
        final String id = run.simulation.instanceId(instance);
        long bytes = 0;
        for (final var m : run.simulation.counters().meters())
        {
            if (m.name().equals("nic.rx.bytes") && id.equals(m.tags().get("instance")))
            {
                bytes += m.value();
            }
        }
        return bytes * payloadFraction;
    }

    private static String bridgeMeters(final String instance)
    {
        final StringBuilder bridge = new StringBuilder();
        for (final var m : run.simulation.counters().meters())
        {
            if (m.name().startsWith("bridge.") && run.simulation.instanceId(instance).equals(m.tags().get("instance")))
            {
                bridge.append(m.name()).append('=').append(m.value()).append(' ');
            }
        }
        return bridge.toString();
    }

    /** Bytes that reached {@code counter} within {@code ns} of wall time (the program's own view). */
    private static long during(final AtomicLong counter, final long ns) throws InterruptedException
    {
        final long before = counter.get();
        Thread.sleep(ns / 1_000_000);
        return counter.get() - before;
    }

    @Test
    void shouldCarryAStreamBothWaysByteForByte() throws IOException
    {
        final byte[] data = new byte[4 << 20];
        new SplittableRandom(9).nextBytes(data);
        try (Socket s = new Socket())
        {
            s.connect(run.simulation.portAddress(2), 5_000);
            s.setSoTimeout(60_000);
            final OutputStream out = s.getOutputStream();
            daemon("writer", () ->
            {
                try
                {
                    out.write(data);
                    s.shutdownOutput(); // FIN travels through the bridge; the echo server then closes its side
                }
                catch (final IOException ex)
                {
                    // reported by the reader
                }
            });
            final byte[] back = new DataInputStream(s.getInputStream()).readNBytes(data.length + 1);
            assertArrayEquals(data, back, "every byte back, in order, then the end of the stream");
        }
        run.check();
    }

    @Test
    void shouldRefuseAPortTheTargetsSecurityGroupDenies() throws IOException
    {
        final long start = System.nanoTime();
        try (Socket s = new Socket())
        {
            s.connect(run.simulation.portAddress(3), 5_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("hello".getBytes());
            int read;
            try
            {
                read = s.getInputStream().read();
            }
            catch (final SocketTimeoutException ex)
            {
                read = -2;
            }
            catch (final IOException ex)
            {
                read = -1; // reset
            }
            assertEquals(-1, read, "the bridge closes a connection the security group does not let through");
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 5, "refused at the bridge's 3 s connect timeout (took " + seconds + " s)");
        assertEquals(0, guardedAccepts.get(), "nothing reached the guarded instance's program");
        run.check();
    }

    @Test
    @Tag("slow")
    void shouldStreamAtTheInstancesPeakThenItsBaseline() throws Exception
    {
        final byte[] chunk = new byte[1 << 16];
        try (Socket s = new Socket())
        {
            s.connect(run.simulation.portAddress(0), 5_000);
            final OutputStream out = s.getOutputStream();
            daemon("pusher", () ->
            {
                try
                {
                    while (true)
                    {
                        out.write(chunk);
                    }
                }
                catch (final IOException ex)
                {
                    // closed at the end of the test
                }
            });
            final long start = System.nanoTime();
            Thread.sleep(2_000);
            final Window peak = Window.measure(run.simulation::simulatedNs, () -> received("server", TCP_PAYLOAD), 8_000,
                2, "TCP through the port, burst", ns -> during(sunk, ns));
            Thread.sleep(Math.max(0, (start + 22_000_000_000L - System.nanoTime()) / 1_000_000));
            final Window baseline = Window.measure(run.simulation::simulatedNs, () -> received("server", TCP_PAYLOAD),
                8_000, 3, "TCP through the port, baseline", ns -> during(sunk, ns));
            System.out.println("client's bridge: " + bridgeMeters("client"));
            assertEquals(PEAK_BPS * TCP_PAYLOAD, peak.perSecond() * 8, PEAK_BPS * 0.03, "network peak (scaled c5.large)");
            assertEquals(BASELINE_BPS * TCP_PAYLOAD, baseline.perSecond() * 8, BASELINE_BPS * 0.03, "network baseline");
        }
        run.check();
    }

    @Test
    @Tag("slow")
    void shouldCarryDatagramsAtThePeakThenTheBaseline() throws Exception
    {
        final InetSocketAddress port = run.simulation.portAddress(1);
        final AtomicLong stop = new AtomicLong();
        try (DatagramSocket sender = new DatagramSocket())
        {
            final byte[] payload = new byte[8000];
            daemon("udp-sender", () ->
            {
                // 1.5 x the peak, in 1 ms steps
                final long perMs = (long)(PEAK_BPS * 1.5 / 8 / 1000 / payload.length) + 1;
                long next = System.nanoTime();
                try
                {
                    while (stop.get() == 0)
                    {
                        for (int i = 0; i < perMs; i++)
                        {
                            sender.send(new DatagramPacket(payload, payload.length, port));
                        }
                        next += 1_000_000L;
                        final long wait = next - System.nanoTime();
                        if (wait > 0)
                        {
                            Thread.sleep(wait / 1_000_000, (int)(wait % 1_000_000));
                        }
                    }
                }
                catch (final IOException | InterruptedException ex)
                {
                    // the socket closes at the end
                }
            });
            final long start = System.nanoTime();
            Thread.sleep(2_000);
            final Window peak;
            try
            {
                peak = Window.measure(run.simulation::simulatedNs, () -> received("udp-server", UDP_PAYLOAD),
                    8_000, 2, "UDP through the port, burst", ns -> during(datagramBytes, ns));
            }
            finally
            {
                System.out.println("udp-client's bridge: " + bridgeMeters("udp-client") + " udp-server's: "
                    + bridgeMeters("udp-server"));
            }
            Thread.sleep(Math.max(0, (start + 22_000_000_000L - System.nanoTime()) / 1_000_000));
            final Window baseline = Window.measure(run.simulation::simulatedNs, () -> received("udp-server", UDP_PAYLOAD),
                8_000, 3, "UDP through the port, baseline", ns -> during(datagramBytes, ns));
            stop.set(1);
            assertEquals(PEAK_BPS * UDP_PAYLOAD, peak.perSecond() * 8, PEAK_BPS * 0.03, "network peak (scaled c5.large)");
            assertEquals(BASELINE_BPS * UDP_PAYLOAD, baseline.perSecond() * 8, BASELINE_BPS * 0.03, "network baseline");
        }
        run.check();
    }
}
