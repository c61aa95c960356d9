package io.nitrosim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class CommandsTest extends CliTestBase
{
    @Test
    void shouldRunAScenarioWriteItsFilesAndExit0WhenExpectationsHold() throws Exception
    {
        final Path scenario = write("s.yaml", SMALL
            + "expectations:\n  - {metric: net-out-gbps, instance: a, from: 1s, to: 3s, min: 9.9, max: 10.01}\n");
        final Path outDir = dir.resolve("out");
        assertEquals(0, run("run", scenario.toString(), "--out", outDir.toString(), "--quiet"), err.toString());
        final JsonNode results = new ObjectMapper().readTree(outDir.resolve("results.json").toFile());
        assertEquals("small", results.get("scenario").asText());
        assertTrue(results.get("expectations").get(0).get("passed").asBoolean());
        assertTrue(Files.readString(outDir.resolve("timeseries.csv")).startsWith("time_s,"));
        assertTrue(Files.readString(outDir.resolve("report.html")).contains("data:image/png;base64,"));
        assertTrue(out.toString().contains("All 1 expectations passed."), out.toString());
    }

    @Test
    void shouldExit3WhenAnExpectationFails() throws Exception
    {
        final Path scenario = write("s.yaml", SMALL
            + "expectations:\n  - {metric: net-out-gbps, instance: a, from: 1s, to: 3s, min: 20}\n");
        assertEquals(3, run("run", scenario.toString(), "--out", dir.resolve("out").toString(), "--quiet"));
        assertTrue(out.toString().contains("1 of 1 expectations FAILED: net-out-gbps instance a over 1s-3s at least 20.0"),
            out.toString());
    }

    @Test
    void shouldExit2WithOneLineForBadInputAndRunNothing() throws Exception
    {
        final Path scenario = write("bad.yaml", SMALL.replace("seed: 2", "seed: 2\nspeed: 3"));
        final Path outDir = dir.resolve("out");
        assertEquals(2, run("run", scenario.toString(), "--out", outDir.toString()));
        assertEquals(List.of("nitro-sim: " + scenario + ":4:1: speed: unknown field 'speed'; accepted: allowedLag, clock, "
            + "description, duration, expectations, exports, faults, hosts, idle, instances, name, overrides, payload, peerings, ports, "
            + "sampleInterval, securityGroups, seed, storage, threads, trace, vpcs, workloads"), err.toString().lines().toList());
        assertFalse(Files.exists(outDir), "nothing was run or written");

        err.getBuffer().setLength(0);
        assertEquals(2, run("run", dir.resolve("missing.yaml").toString()));
        assertEquals("nitro-sim: " + dir.resolve("missing.yaml") + ": no such file", err.toString().trim());

        err.getBuffer().setLength(0);
        assertEquals(2, run("run", write("s.txt", SMALL).toString()));
        assertTrue(err.toString().trim().endsWith("unknown scenario format; accepted: .yaml, .yml or .json files"));
    }

    @Test
    void shouldEndARealTimeRunThatFallsBehindWithExit3AndOneLineSayingByHowMuchAndWhichAgentWasBusiest()
        throws Exception
    {
        // 5 ms of 25 Gbps in 1500 B frames with every byte written and checked: ~20000 frames through drivers,
        // devices and cards take far longer than 5 ms on any machine, and a 100 ms run may lag by 1 ms only.
        final Path scenario = write("behind.yaml", "name: behind\nduration: 100ms\nsampleInterval: 50ms\n"
            + "clock: real\npayload: full\nhosts: [{name: h1}, {name: h2}]\n"
            + "instances:\n  - {name: a, type: c5.18xlarge, host: h1}\n  - {name: b, type: c5.18xlarge, host: h2}\n"
            + "workloads:\n  - {name: bulk, kind: iperf, from: a, to: b, streams: 8, frameBytes: 1500, duration: 5ms}\n");
        final Path outDir = dir.resolve("out");
        assertEquals(3, run("run", scenario.toString(), "--out", outDir.toString(), "--quiet"), err.toString());
        final List<String> lines = out.toString().lines().filter(l -> l.startsWith("Real time")).toList();
        assertEquals(2, lines.size(), out.toString()); // the table's title and the verdict
        assertTrue(lines.get(1).matches("Real time NOT KEPT: fell \\d+\\.\\d ms behind the wall clock \\(allowed 1\\.0 ms\\), "
            + "real-time factor 0\\.\\d{3}; busiest agent \\S+( \\([ab]\\))?, busy \\d+\\.\\d % of the wall time\\."),
            lines.get(1));
        final JsonNode realTime = new ObjectMapper().readTree(outDir.resolve("results.json").toFile()).get("realTime");
        assertFalse(realTime.get("keptPace").asBoolean());
        assertEquals(1.0, realTime.get("allowedLagMs").asDouble());
        assertTrue(realTime.get("maxLagMs").asDouble() > 1.0, realTime.toString());
        assertTrue(realTime.get("realTimeFactor").asDouble() < 1.0, realTime.toString());
        assertTrue(lines.get(1).contains("busiest agent " + realTime.get("busiestAgents").get(0).get("agent").asText()));
    }

    @Test
    void shouldPassAShortRealTimeRunThatKeepsPace() throws Exception
    {
        // One idle instance for 1 s. The lag allowed is the scenario's choice; 40 % keeps this test green on a busy
        // 2-core machine, where the thread may wait for a core and the first passes run before the JIT compiled them.
        final Path scenario = write("pace.yaml", "name: pace\nduration: 1s\nsampleInterval: 250ms\nclock: real\n"
            + "allowedLag: 40%\ninstances:\n  - {name: a, type: c5.large}\n"
            + "expectations:\n  - {metric: max-lag-ms, max: 400}\n");
        final Path outDir = dir.resolve("out");
        assertEquals(0, run("run", scenario.toString(), "--out", outDir.toString(), "--quiet"), out + err.toString());
        assertTrue(out.toString().contains("\nReal time kept: largest lag "), out.toString());
        final JsonNode results = new ObjectMapper().readTree(outDir.resolve("results.json").toFile());
        final JsonNode realTime = results.get("realTime");
        assertTrue(realTime.get("keptPace").asBoolean());
        assertEquals(400.0, realTime.get("allowedLagMs").asDouble());
        assertTrue(results.get("wallSeconds").asDouble() >= 1.0 - 50e-6, "paced: never ahead of the wall clock");
        final double factor = realTime.get("realTimeFactor").asDouble();
        assertTrue(factor > 0.7 && factor <= 1.0 + 1e-4, realTime.toString());
        assertTrue(results.get("expectations").get(0).get("passed").asBoolean());
    }

    @Test
    void shouldPrintHelpForEveryCommand()
    {
        for (final String command : List.of("catalog", "demo", "run", "experiment", "worker", "serve"))
        {
            out.getBuffer().setLength(0);
            assertEquals(0, run(command, "--help"), command);
            assertTrue(out.toString().startsWith("Usage: nitro-sim " + command), out.toString());
        }
    }

    @Test
    void shouldListEveryCommandWithAWholeSentence()
    {
        assertEquals(0, run("--help"));
        final String help = out.toString();
        assertTrue(help.contains("Commands:"), help);
        // An entry starts on a line indented by two spaces; picocli indents its wrapped continuation lines further.
        final List<StringBuilder> entries = new java.util.ArrayList<>();
        for (final String line : help.substring(help.indexOf("Commands:") + "Commands:".length()).split("\n"))
        {
            if (line.matches("  \\S.*"))
            {
                entries.add(new StringBuilder(line.strip()));
            }
            else if (!line.isBlank() && !entries.isEmpty())
            {
                entries.get(entries.size() - 1).append(' ').append(line.strip());
            }
        }
        assertTrue(entries.size() >= 6, help);
        for (final StringBuilder entry : entries)
        {
            assertTrue(entry.toString().endsWith("."), "cut description: " + entry);
        }
    }

    @Test
    void shouldRunEveryPointOfASweepAndWriteTheComparison() throws Exception
    {
        write("s.yaml", SMALL);
        final Path sweep = write("sweep.yaml",
            "name: types\nscenario: s.yaml\nparameters:\n  instances[0].type: [c5.large, c5.9xlarge]\n");
        final Path outDir = dir.resolve("exp");
        assertEquals(0, run("experiment", sweep.toString(), "--out", outDir.toString()), err.toString());
        final List<String> csv = Files.readAllLines(outDir.resolve("experiment.csv"));
        assertEquals(3, csv.size(), "header and two points: " + csv);
        assertTrue(csv.get(1).startsWith("c5.large,"), csv.get(1));
        assertTrue(csv.get(2).startsWith("c5.9xlarge,"), csv.get(2));
        assertTrue(Files.readString(outDir.resolve("experiment.html")).contains("data:image/png;base64,"));
        final JsonNode json = new ObjectMapper().readTree(outDir.resolve("experiment.json").toFile());
        assertEquals(2, json.get("points").size());
        // Two flows of 5 Gbps each fill both types' 10 Gbps (an "up to" peak for c5.large, fixed for c5.9xlarge).
        for (final JsonNode point : json.get("points"))
        {
            assertEquals(10.0, point.get("caps").get("a.net.out.gbps").asDouble());
            assertEquals(10.0, point.get("metrics").get("a.net.out.gbps").asDouble(), 0.2);
        }
    }

    @Test
    void shouldRefuseABadSweepBeforeRunningAnything() throws Exception
    {
        write("s.yaml", SMALL);
        final Path sweep = write("sweep.yaml",
            "name: types\nscenario: s.yaml\nparameters:\n  instances[5].type: [c5.large]\n");
        assertEquals(2, run("experiment", sweep.toString(), "--out", dir.resolve("exp").toString()));
        assertEquals("nitro-sim: " + sweep + ": parameters.instances[5].type: the scenario has no instances[5]",
            err.toString().trim());
        err.getBuffer().setLength(0);
        final Path badType = write("sweep2.yaml",
            "name: types\nscenario: s.yaml\nparameters:\n  instances[0].type: [c5.huge]\n");
        assertEquals(2, run("experiment", badType.toString()));
        assertTrue(err.toString().contains("instances[0].type: unknown instance type 'c5.huge'; valid types:"),
            err.toString());
        assertFalse(Files.exists(dir.resolve("exp")));

        err.getBuffer().setLength(0);
        final Path tooBig = write("sweep3.yaml", "name: types\nscenario: s.yaml\nparameters:\n"
            + "  instances[0].type: [c5.18xlarge]\n");
        assertEquals(2, run("experiment", tooBig.toString(), "--out", dir.resolve("exp").toString()));
        assertTrue(err.toString().contains("instances[1]: InsufficientInstanceCapacity: b (c5.large, 2 vCPUs, 4 GiB) "
            + "does not fit on host host-1"), err.toString());
        assertFalse(Files.exists(dir.resolve("exp")));
    }

    @Test
    void shouldRefuseAnOutOfRangePort() throws Exception
    {
        assertEquals(2, run("serve", write("s.yaml", SMALL).toString(), "--port", "70000"));
        assertEquals("nitro-sim: --port 70000 is out of range, accepted 0..65535", err.toString().trim());
    }

    @Test
    void shouldServeMetricsAndStatusWhileAScenarioRunsInRealTime() throws Exception
    {
        // Any lag allowed: this test is about the server, and a busy machine may not keep pace with 10 Gbps.
        final Path scenario = write("s.yaml", SMALL + "allowedLag: unlimited\n");
        final int port;
        try (ServerSocket probe = new ServerSocket(0))
        {
            port = probe.getLocalPort();
        }
        final CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
            () -> run("serve", scenario.toString(), "--port", String.valueOf(port)));
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
        HttpResponse<String> metrics = null;
        for (int attempt = 0; attempt < 100 && metrics == null && !exit.isDone(); attempt++)
        {
            try
            {
                // The first scrape loads the exporter's classes: on a busy 2-core machine that takes seconds.
                metrics = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            }
            catch (final ConnectException | HttpTimeoutException notYetAnswering)
            {
                // not listening yet, or its first answer (class loading on a busy machine) took over 2 s
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
        assertTrue(metrics != null, "the server answered within the scenario's run");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("bw_out_allowance_exceeded"), metrics.body());
        final HttpResponse<String> status = client.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/status")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, status.statusCode());
        assertEquals("small", new ObjectMapper().readTree(status.body()).get("scenario").asText());
        assertEquals(0, exit.get(30, TimeUnit.SECONDS), err.toString());
        assertTrue(out.toString().contains("serving http://127.0.0.1:" + port + "/metrics"), out.toString());
    }

    @Test
    @Tag("slow")
    void shouldRunTheDemoWithEveryExpectationHolding() throws Exception
    {
        final Path outDir = dir.resolve("demo");
        assertEquals(0, run("demo", "--out", outDir.toString(), "--quiet"), out + err.toString());
        final JsonNode results = new ObjectMapper().readTree(outDir.resolve("results.json").toFile());
        assertEquals(6, results.get("expectations").size());
        for (final JsonNode e : results.get("expectations"))
        {
            assertTrue(e.get("passed").asBoolean(), e.toString());
        }
        assertEquals(2, results.get("volumes").size());
        assertTrue(Files.readString(outDir.resolve("report.html")).contains("data:image/png;base64,"));
    }
}
