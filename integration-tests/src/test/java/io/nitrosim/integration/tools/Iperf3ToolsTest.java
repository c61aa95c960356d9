package io.nitrosim.integration.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Debian's iperf3 through ENI ports in a real-time run: an iperf3 server on 127.0.0.1 behind one instance, the
 * client on the other instance's listen port, judged by the server's own JSON (what it received, per second).
 * Network caps of a c5.large scaled to 80 Mbps peak, 40 Mbps baseline, 20 s burst. Skipped without iperf3.
 */
class Iperf3ToolsTest
{
    private static final double TCP_PAYLOAD = 8961.0 / 9015;
    private static final double UDP_PAYLOAD = 8000.0 / 8042;

    @TempDir
    static Path work;

    private static RealTimeRun run;
    private static int tcpListen;
    private static int tcpTarget;
    private static int udpListen;
    private static int udpTarget;
    private static int deniedListen;

    @BeforeAll
    static void start() throws IOException
    {
        Tools.require("iperf3");
        tcpListen = Tools.freePort();
        tcpTarget = Tools.freePort();
        udpListen = Tools.freePort();
        udpTarget = Tools.freePort();
        deniedListen = Tools.freePort();
        final String yaml = """
            name: port-tools
            duration: 30m
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
              - {name: guarded, type: c5.large, securityGroups: [ssh-only]}
            ports:
              - {instance: client, listen: 127.0.0.1:%1$d, to: server:%2$d, protocol: tcp}
              - {instance: udp-client, listen: 127.0.0.1:%3$d, to: udp-server:%4$d, protocol: tcp}
              - {instance: udp-client, listen: 127.0.0.1:%3$d, to: udp-server:%4$d, protocol: udp}
              - {instance: client, listen: 127.0.0.1:%5$d, to: guarded:5201, protocol: tcp}
            """.formatted(tcpListen, tcpTarget, udpListen, udpTarget, deniedListen);
        run = new RealTimeRun(yaml, work.resolve("sim"));
    }

    @AfterAll
    static void stop()
    {
        if (run != null)
        {
            run.close();
        }
    }

    /** iperf3 -s for one test on 127.0.0.1:{@code port}, in the background; its JSON when it ends. */
    private static CompletableFuture<Tools.Result> server(final int port) throws InterruptedException
    {
        final CompletableFuture<Tools.Result> result = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return Tools.run(work, 180, "iperf3", "-s", "-B", "127.0.0.1", "-p", String.valueOf(port), "-1", "-J");
            }
            catch (final IOException | InterruptedException ex)
            {
                throw new IllegalStateException(ex);
            }
        });
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && !listening(port))
        {
            Thread.sleep(20);
        }
        return result;
    }

    /** Whether something listens on the port (it cannot be bound). */
    private static boolean listening(final int port)
    {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress()))
        {
            return probe.isClosed(); // bound: nobody listens yet
        }
        catch (final IOException ex)
        {
            return true;
        }
    }

    /** The server's received bits per second in second i (intervals of one second). */
    private static double[] receivedPerSecond(final JsonNode serverJson)
    {
        final JsonNode intervals = serverJson.get("intervals");
        final double[] bps = new double[intervals.size() + 1];
        for (final JsonNode interval : intervals)
        {
            final JsonNode sum = interval.get("sum");
            final int second = (int)Math.round(sum.get("end").asDouble());
            if (second < bps.length)
            {
                bps[second] = sum.get("bits_per_second").asDouble();
            }
        }
        return bps;
    }

    private static long meter(final String suffix, final String instance)
    {
        final String id = run.simulation.instanceId(instance);
        long total = 0;
        for (final var m : run.simulation.counters().meters())
        {
            if (m.name().endsWith(suffix) && id.equals(m.tags().get("instance")))
            {
                total += m.value();
            }
        }
        return total;
    }

    @Test
    void shouldRefuseAPortTheTargetsSecurityGroupDenies() throws Exception
    {
        final long start = System.nanoTime();
        final Tools.Result r = Tools.run(work, 60, "iperf3", "-c", "127.0.0.1", "-p", String.valueOf(deniedListen),
            "-t", "2", "-J");
        final double seconds = (System.nanoTime() - start) / 1e9;
        // iperf3 3.12 with -J exits 0 even when the test failed: its JSON says what happened
        final JsonNode error = r.json().get("error");
        assertTrue(error != null && !error.asText().isEmpty(), r.toString());
        assertEquals(0, r.json().get("intervals").size(), "nothing was measured");
        System.out.println("iperf3 to a denied port: \"" + error.asText() + "\" after " + seconds + " s");
        assertTrue(seconds < 10, "refused promptly (" + seconds + " s)");
        run.check();
    }

    @Test
    @Tag("slow")
    void shouldMeasureTheTcpBurstThenTheBaseline() throws Exception
    {
        final CompletableFuture<Tools.Result> server = server(tcpTarget);
        final long outExceededBefore = meter("bw_out_allowance_exceeded", "client");
        final PaceLog pace = PaceLog.start(run.simulation);
        final Tools.Result client = Tools.run(work, 120, "iperf3", "-c", "127.0.0.1", "-p", String.valueOf(tcpListen),
            "-t", "36", "-J");
        pace.stop();
        assertEquals(0, client.exit(), client.toString());
        final Tools.Result s = server.get();
        assertEquals(0, s.exit(), s.toString());
        final double[] bps = receivedPerSecond(s.json());
        final double burst = NbdToolsTest.mean(bps, 3, 16) / 1e6;
        final double baseline = NbdToolsTest.mean(bps, 25, 35) / 1e6;
        final long outExceeded = meter("bw_out_allowance_exceeded", "client") - outExceededBefore;
        System.out.printf("iperf3 TCP through a port, server's view: %.2f Mbps in seconds 3-16 (cap 80 Mbps of frames "
            + "= %.2f of payload), %.2f Mbps in seconds 25-35 (baseline 40 = %.2f); bw_out_allowance_exceeded +%d; "
            + "simulation %s, %s%n", burst, 80 * TCP_PAYLOAD, baseline, 40 * TCP_PAYLOAD, outExceeded,
            pace.between(3, 16), pace.between(25, 35));
        assertTrue(outExceeded > 0, "the ENA allowance counter rises when iperf3 pushes past the cap");
        Tools.assumeKeptPace("iperf3 TCP, burst", pace.between(3, 16));
        Tools.assumeKeptPace("iperf3 TCP, baseline", pace.between(25, 35));
        assertEquals(80 * TCP_PAYLOAD, burst, 80 * 0.03, "network peak of the (scaled) c5.large");
        assertEquals(40 * TCP_PAYLOAD, baseline, 40 * 0.03, "network baseline");
        run.check();
    }

    @Test
    @Tag("slow")
    void shouldMeasureTheUdpBurstThenTheBaseline() throws Exception
    {
        final CompletableFuture<Tools.Result> server = server(udpTarget);
        final PaceLog pace = PaceLog.start(run.simulation);
        final Tools.Result client = Tools.run(work, 120, "iperf3", "-c", "127.0.0.1", "-p", String.valueOf(udpListen),
            "-u", "-b", "120M", "-l", "8000", "-w", "4M", "-t", "36", "-J");
        pace.stop();
        assertEquals(0, client.exit(), client.toString());
        final Tools.Result s = server.get();
        assertEquals(0, s.exit(), s.toString());
        final double[] bps = receivedPerSecond(s.json());
        final double burst = NbdToolsTest.mean(bps, 3, 16) / 1e6;
        final double baseline = NbdToolsTest.mean(bps, 25, 35) / 1e6;
        System.out.printf("iperf3 UDP at 120 Mbps through a port, server's view: %.2f Mbps in seconds 3-16 (cap 80 "
            + "Mbps of frames = %.2f of payload), %.2f Mbps in seconds 25-35 (baseline 40 = %.2f); lost %.1f %%; "
            + "simulation %s, %s%n", burst, 80 * UDP_PAYLOAD, baseline, 40 * UDP_PAYLOAD,
            s.json().get("end").get("sum").get("lost_percent").asDouble(), pace.between(3, 16), pace.between(25, 35));
        Tools.assumeKeptPace("iperf3 UDP, burst", pace.between(3, 16));
        Tools.assumeKeptPace("iperf3 UDP, baseline", pace.between(25, 35));
        assertEquals(80 * UDP_PAYLOAD, burst, 80 * 0.03, "network peak of the (scaled) c5.large");
        assertEquals(40 * UDP_PAYLOAD, baseline, 40 * 0.03, "network baseline");
        run.check();
    }
}
