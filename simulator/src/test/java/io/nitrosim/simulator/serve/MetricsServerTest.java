package io.nitrosim.simulator.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MeterSpec;
import io.nitrosim.metrics.MetricTags;

class MetricsServerTest
{
    /** Meters shaped like the cards' (an ENA allowance counter, a ring counter, a credit gauge). */
    private static final class TestMeter
    {
        static final MeterSpec BW_OUT =
            MeterSpec.counter("ena.bw_out_allowance_exceeded", "Packets queued or dropped", "instance", "eni");
        static final MeterSpec RING_BYTES =
            MeterSpec.counter("ring.admitted.bytes", "Bytes taken", "host|instance", "direction|volume");
        static final MeterSpec CREDITS =
            MeterSpec.gauge("net.credit.balance.percent", "Credit balance", "instance", "direction");
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(TIMEOUT)
        .build();
    private final CounterRegistry counters = new CounterRegistry(64);
    private final AtomicLong simulatedNs = new AtomicLong(1_500_000_000L);
    private MetricsServer server;
    private int port;

    @BeforeEach
    void start() throws Exception
    {
        final AtomicCounter bwOut = counters.counter(TestMeter.BW_OUT,
            MetricTags.of("instance", "web-1", "eni", "eni-0aa0000000000001"));
        bwOut.getAndAddRelease(5432);
        counters.counter(TestMeter.RING_BYTES, MetricTags.of("instance", "web-1", "direction", "out"))
            .getAndAddRelease(1_250_000_000L);
        counters.gauge(TestMeter.CREDITS, MetricTags.of("instance", "web-1", "direction", "out"), () -> 37);
        final PrometheusMeterRegistry prometheus = PrometheusMetrics.bind(counters);
        server = MetricsServer.start(0, prometheus, () -> new RunStatus("demo", "running",
            simulatedNs.get() / 1e9, 600.0,
            List.of(new RunStatus.InstanceStatus("web-1", "c5.large", 0.12, 9.95, 2250.0, 16000.0))));
        final InetSocketAddress address = server.bound().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(InetAddress.getByName("127.0.0.1"), address.getAddress());
        port = address.getPort();
        assertTrue(port > 0);
        assertEquals(port, server.port());
    }

    @AfterEach
    void stop()
    {
        server.close();
        counters.close();
    }

    private HttpResponse<String> send(final String method, final String path) throws Exception
    {
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(TIMEOUT)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeRegistryCountersAsPrometheusTextWithTheirTags() throws Exception
    {
        final HttpResponse<String> response = send("GET", "/metrics");

        assertEquals(200, response.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8",
            response.headers().firstValue("content-type").orElseThrow());
        final String body = response.body();
        assertTrue(body.contains("# HELP ena_bw_out_allowance_exceeded_total Packets queued or dropped\n"), body);
        assertTrue(body.contains("# TYPE ena_bw_out_allowance_exceeded_total counter\n"), body);
        assertTrue(body.contains(
            "ena_bw_out_allowance_exceeded_total{eni=\"eni-0aa0000000000001\",instance=\"web-1\"} 5432.0\n"), body);
        assertTrue(body.contains("ring_admitted_bytes_total{direction=\"out\",instance=\"web-1\"} 1.25E9\n"), body);
        assertTrue(body.contains("net_credit_balance_percent{direction=\"out\",instance=\"web-1\"} 37.0\n"), body);
    }

    @Test
    void shouldServeOneNameWhoseOwnersCarryDifferentTagKeys()
    {
        try (CounterRegistry registry = new CounterRegistry(8))
        {
            registry.counter(TestMeter.RING_BYTES, MetricTags.of("instance", "web-1", "volume", "vol-1"))
                .getAndAddRelease(7);
            registry.counter(TestMeter.RING_BYTES, MetricTags.of("host", "0", "direction", "in")).getAndAddRelease(9);
            final String body = PrometheusMetrics.bind(registry).scrape();
            assertTrue(body.contains("ring_admitted_bytes_total{instance=\"web-1\",volume=\"vol-1\"} 7.0\n"), body);
            assertTrue(body.contains("ring_admitted_bytes_total{direction=\"in\",host=\"0\"} 9.0\n"), body);
        }
    }

    @Test
    void shouldReadCountersAtScrapeTime() throws Exception
    {
        counters.find("ena.bw_out_allowance_exceeded",
            MetricTags.of("instance", "web-1", "eni", "eni-0aa0000000000001")).counter().increment();
        assertTrue(send("GET", "/metrics?name=x").body().contains(
            "ena_bw_out_allowance_exceeded_total{eni=\"eni-0aa0000000000001\",instance=\"web-1\"} 5433.0\n"));
    }

    @Test
    void shouldServeTheStatusAsJson() throws Exception
    {
        final HttpResponse<String> response = send("GET", "/status");

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        final JsonNode status = new ObjectMapper().readTree(response.body());
        assertEquals("running", status.get("state").asText());
        assertEquals(1.5, status.get("simulatedSeconds").asDouble());
        assertEquals(9.95, status.get("instances").get(0).get("netOutGbps").asDouble());

        simulatedNs.set(3_000_000_000L);
        assertEquals(3.0, new ObjectMapper().readTree(send("GET", "/status").body()).get("simulatedSeconds")
            .asDouble());
    }

    @Test
    void shouldAnswerUnknownPathsWith404AndOtherMethodsWith405() throws Exception
    {
        final HttpResponse<String> notFound = send("GET", "/nope");
        assertEquals(404, notFound.statusCode());
        assertEquals("not found: /nope (try /metrics or /status)\n", notFound.body());

        final HttpResponse<String> post = send("POST", "/metrics");
        assertEquals(405, post.statusCode());
        assertEquals("GET", post.headers().firstValue("allow").orElseThrow());
        assertEquals(405, send("DELETE", "/status").statusCode());
        assertEquals(200, send("GET", "/status").statusCode()); // the connection still works afterwards
    }

    @Test
    void shouldAnswer500WhenTheStatusSupplierFails() throws Exception
    {
        try (MetricsServer failing = MetricsServer.start(0, () -> "", () ->
        {
            throw new IllegalStateException("not started");
        }))
        {
            final int failingPort = failing.bound().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).getPort();
            final HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + failingPort + "/status")).timeout(TIMEOUT)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(500, response.statusCode());
            assertEquals("error: java.lang.IllegalStateException: not started\n", response.body());
        }
    }

    @Test
    void shouldReleaseThePortOnClose() throws Exception
    {
        assertEquals(200, send("GET", "/metrics").statusCode());
        server.close();
        server.close(); // idempotent

        try (ServerSocket socket = new ServerSocket())
        {
            socket.setReuseAddress(true); // the closed server's accepted connections may linger in TIME_WAIT
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            assertEquals(port, socket.getLocalPort());
        }
    }

    @Test
    void shouldFailTheBoundFutureWhenThePortIsTaken() throws Exception
    {
        try (MetricsServer second = MetricsServer.start(port, () -> "", () -> "x"))
        {
            final ExecutionException ex = assertThrows(ExecutionException.class,
                () -> second.bound().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            assertInstanceOf(BindException.class, ex.getCause());
        }
    }

    @Test
    void shouldRejectAPortOutOfRange()
    {
        assertEquals("port must be in [0, 65535] (0 = any free port), got 65536",
            assertThrows(IllegalArgumentException.class, () -> MetricsServer.start(65536, () -> "", () -> "x"))
                .getMessage());
    }

    /** Sends raw bytes on a new connection and returns everything the server answers until it closes. */
    private static String raw(final int port, final String request) throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", port))
        {
            socket.setSoTimeout((int)TIMEOUT.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void shouldAnswer505ToAnUnsupportedHttpVersion() throws Exception
    {
        final String response = raw(port, "GET /metrics HTTP/9.9\r\nHost: x\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 505 HTTP Version Not Supported\r\n"), response);
        assertTrue(response.endsWith("HTTP version HTTP/9.9 not supported, use HTTP/1.1 or HTTP/1.0\n"), response);
    }

    @Test
    void shouldCloseARequestThatNeverFinishes() throws Exception
    {
        try (MetricsServer strict = MetricsServer.start(0, () -> "", () -> "x", new MetricsServer.Limits(300, 4)))
        {
            final int strictPort = strict.bound().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).getPort();
            final String response = raw(strictPort, "GET /metrics HTTP/1.1\r\nHost: x\r\n"); // no final CRLF
            assertTrue(response.startsWith("HTTP/1.1 408 Request Timeout\r\n"), response);
            assertTrue(response.endsWith("request timeout: a whole request must arrive within 300 ms\n"), response);
            // an idle connection (nothing sent) is closed the same way
            assertTrue(raw(strictPort, "").startsWith("HTTP/1.1 408 Request Timeout\r\n"));
        }
    }

    @Test
    void shouldBoundTheNumberOfConnections() throws Exception
    {
        try (MetricsServer small = MetricsServer.start(0, () -> "m\n", () -> "x", new MetricsServer.Limits(10_000, 2)))
        {
            final int smallPort = small.bound().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).getPort();
            final Socket first = new Socket("127.0.0.1", smallPort);
            final Socket second = new Socket("127.0.0.1", smallPort);
            first.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            first.setSoTimeout((int)TIMEOUT.toMillis());
            assertEquals('H', first.getInputStream().read(), "the first connection is served");
            assertEquals("", raw(smallPort, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"),
                "a third connection is closed without an answer");
            second.close();
            first.close();
            String answer = "";
            for (int attempt = 0; attempt < 50 && answer.isEmpty(); attempt++)
            {
                // the server counts a closed connection when it notices the close: retry until it has
                answer = raw(smallPort, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            }
            assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
        }
    }
}
