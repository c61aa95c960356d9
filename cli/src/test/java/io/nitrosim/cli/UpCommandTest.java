package io.nitrosim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UpCommandTest
{
    @TempDir
    Path dir;

    private static String get(final HttpClient http, final String url) throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void shouldServeTheEc2EndpointMetricsAndStatusUntilStopped() throws Exception
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final Path config = dir.resolve("region.yaml");
        Files.writeString(config, "hosts: 2\ntransitionDelayMs: 10\navailabilityZone: eu-west-1b\n");
        final AtomicInteger exit = new AtomicInteger(-1);
        final Thread up = new Thread(() -> exit.set(NitroSim.execute(new String[] {"up", "--port", "0", "--metrics-port",
            "0", "--data", dir.resolve("data").toString(), "--config", config.toString(), "--nbd-port", "0"},
            new PrintWriter(out, true), new PrintWriter(err, true))));
        up.start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!out.toString().contains("stop with Ctrl-C") && System.nanoTime() < deadline && up.isAlive())
        {
            Thread.sleep(20);
        }
        final String printed = out.toString();
        assertTrue(printed.contains("stop with Ctrl-C"), printed + err);
        final Matcher endpoint = Pattern.compile("EC2 endpoint (http://127\\.0\\.0\\.1:(\\d+)) \\(API 2016-11-15, 2 hosts, "
            + "data in ").matcher(printed);
        assertTrue(endpoint.find(), printed);
        final Matcher metrics = Pattern.compile("metrics (http://127\\.0\\.0\\.1:\\d+)/metrics, status ").matcher(printed);
        assertTrue(metrics.find(), printed);
        assertTrue(printed.contains("try: aws ec2 describe-instance-types --endpoint-url " + endpoint.group(1)), printed);
        final Matcher nbd = Pattern.compile("NBD (nbd://127\\.0\\.0\\.1:(\\d+)): every volume attached to a running "
            + "instance, by its volume id").matcher(printed);
        assertTrue(nbd.find(), printed);
        assertTrue(printed.contains("try: nbdinfo --list " + nbd.group(1) + "\n"), printed);
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", Integer.parseInt(nbd.group(2))))
        {
            s.setSoTimeout(10_000);
            assertEquals(0x4e42444d41474943L, new java.io.DataInputStream(s.getInputStream()).readLong(),
                "the NBD server's greeting starts with NBDMAGIC");
        }

        final HttpClient http = HttpClient.newHttpClient();
        final HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(URI.create(endpoint.group(1) + "/"))
            .POST(HttpRequest.BodyPublishers.ofString("Action=DescribeVpcs&Version=2016-11-15"))
            .header("Content-Type", "application/x-www-form-urlencoded").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, unsigned.statusCode());
        assertTrue(unsigned.body().contains("<Code>MissingAuthenticationToken</Code>"), unsigned.body());
        final String scrape = get(http, metrics.group(1) + "/metrics");
        assertTrue(scrape.contains("ec2_api_calls_total{action=\"none\",outcome=\"MissingAuthenticationToken\"} 1.0"), scrape);
        assertTrue(scrape.contains("region_simulated_ns "), scrape);
        final JsonNode status = new ObjectMapper().readTree(get(http, metrics.group(1) + "/status"));
        assertEquals(1, status.get("vpcs").asInt());
        assertEquals(2, status.get("region").get("hosts").size());
        assertEquals("running", status.get("region").get("state").asText());
        assertEquals(nbd.group(1), status.get("nbd").get("endpoint").asText());
        assertEquals(0, status.get("nbd").get("exports").size(), "no volume attached yet");

        up.interrupt();
        up.join(30_000);
        assertEquals(0, exit.get(), err.toString());
        assertTrue(out.toString().trim().endsWith("nitro-sim up: stopped"), out.toString());
        try (ServerSocket again = new ServerSocket(Integer.parseInt(endpoint.group(2)), 1,
            java.net.InetAddress.getByName("127.0.0.1")))
        {
            assertTrue(again.isBound(), "the port is free again");
        }
    }

    @Test
    void shouldNameThePortItCannotListenOnAndLeaveNoTemporaryFiles() throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1")))
        {
            final int port = taken.getLocalPort();
            for (final String[] args : List.of(new String[] {"up", "--port", String.valueOf(port)},
                new String[] {"up", "--port", "0", "--metrics-port", String.valueOf(port)},
                new String[] {"up", "--port", "0", "--nbd-port", String.valueOf(port)}))
            {
                final StringWriter out = new StringWriter();
                final StringWriter err = new StringWriter();
                assertEquals(2, NitroSim.execute(args, new PrintWriter(out, true), new PrintWriter(err, true)));
                final String message = err.toString().trim();
                final String option = args.length == 3 ? "--port" : args[3];
                assertTrue(message.startsWith("nitro-sim: " + option + " " + port + ": cannot listen on 127.0.0.1:"
                    + port + " ("), message);
                assertTrue(message.endsWith("); choose another port, or 0 for a free one"), message);
                assertEquals(1, message.lines().count(), message);
            }
        }
        assertEquals(List.of(), TempDirectories.live(), "the region's temporary directory is removed");
    }

    @Test
    void shouldRefuseABadConfigWithOneLine() throws Exception
    {
        final Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "hosts: 2\ncolour: blue\n");
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        assertEquals(2, NitroSim.execute(new String[] {"up", "--port", "0", "--config", config.toString()},
            new PrintWriter(out, true), new PrintWriter(err, true)));
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().contains("colour"), err.toString());
        final StringWriter err2 = new StringWriter();
        assertEquals(2, NitroSim.execute(new String[] {"up", "--port", "0", "--hosts", "65"},
            new PrintWriter(out, true), new PrintWriter(err2, true)));
        assertEquals("nitro-sim: hosts 65 out of range 1..64", err2.toString().trim());
    }
}
