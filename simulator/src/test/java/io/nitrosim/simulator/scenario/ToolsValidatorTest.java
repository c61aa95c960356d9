package io.nitrosim.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The exports and ports sections: what they accept and each refusal as one line with its line and column. */
class ToolsValidatorTest
{
    private static final String BASE = """
        name: t
        duration: 1m
        clock: real
        payload: full
        instances:
          - name: client
            type: c5.large
          - name: server
            type: c5.large
            volumes:
              - {name: data, type: gp3, sizeGiB: 100}
        """;

    private static Scenario yaml(final String text) throws Exception
    {
        return ScenarioLoader.parse("s.yaml", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), false);
    }

    private static void assertError(final String expected, final String yaml)
    {
        assertEquals(expected, assertThrows(ScenarioException.class, () -> yaml(yaml)).getMessage());
    }

    @Test
    void shouldReadExportsAndPorts() throws Exception
    {
        final Scenario s = yaml(BASE + """
            exports:
              - {volume: data, port: 10809, readOnly: true}
            ports:
              - {instance: client, listen: 127.0.0.1:15201, to: server:5201}
              - {instance: client, listen: 127.0.0.1:15201, to: server:5201, protocol: udp}
            """);
        assertEquals(List.of(new Scenario.Export("data", "server", 10809, true)), s.exports());
        assertEquals(List.of(new Scenario.Port("client", "127.0.0.1", 15201, "server", 5201, "tcp"),
            new Scenario.Port("client", "127.0.0.1", 15201, "server", 5201, "udp")), s.ports());
    }

    @Test
    void shouldLoadTheShippedExample()
    {
        final Scenario s = ScenarioLoader.load(Path.of("..", "examples", "tools", "use-your-own-tools.yaml"));
        assertEquals(1, s.exports().size());
        assertEquals(2, s.ports().size());
    }

    @Test
    void shouldRefuseDoorsInAVirtualTimeScenario()
    {
        assertError("s.yaml:12:1: exports: outside programs run on the wall clock: a scenario with exports or ports "
            + "needs 'clock: real' (this one is virtual)", BASE.replace("clock: real", "clock: virtual")
            + "exports:\n  - {volume: data, port: 0}\n");
        assertError("s.yaml:12:1: ports: exports and ports carry real bytes: they need 'payload: full' (this one is "
            + "timing-only)", BASE.replace("payload: full\n", "") .replace("clock: real\n", "clock: real\npayload: timing-only\n")
            + "ports:\n  - {instance: client, listen: 127.0.0.1:0, to: server:1}\n");
    }

    @Test
    void shouldRefuseBadEntriesWithTheirLineAndColumn()
    {
        assertError("s.yaml:13:5: exports[0].volume: unknown volume 'logs'; defined: data",
            BASE + "exports:\n  - volume: logs\n    port: 1\n");
        assertError("s.yaml:13:5: exports[0].port: port 70000 is out of range; accepted 0..65535 (0 = any free port)",
            BASE + "exports:\n  - port: 70000\n    volume: data\n");
        assertError("s.yaml:15:5: exports[1].volume: volume 'data' is exported twice",
            BASE + "exports:\n  - volume: data\n    port: 1\n  - volume: data\n    port: 2\n");
        assertError("s.yaml:14:6: exports[1].volume: volume 'data' is exported twice",
            BASE + "exports:\n  - {volume: data, port: 1}\n  - {volume: data, port: 2}\n"); // the second entry's own place
        assertError("s.yaml:14:5: ports[0].listen: '0.0.0.0:15201' is not a loopback address and port; accepted "
            + "127.x.y.z:PORT, e.g. 127.0.0.1:15201", BASE + "ports:\n  - instance: client\n    listen: 0.0.0.0:15201\n"
            + "    to: server:5201\n".replace("    listen", "    listen"));
        assertError("s.yaml:15:5: ports[0].to: unknown instance 'db'; defined: client, server",
            BASE + "ports:\n  - instance: client\n    listen: 127.0.0.1:1\n    to: db:5201\n");
        assertError("s.yaml:15:5: ports[0].to: 'client:5201' is the instance's own address; a port bridges two "
            + "instances", BASE + "ports:\n  - instance: client\n    listen: 127.0.0.1:1\n    to: client:5201\n");
        assertError("s.yaml:15:5: ports[0].to: port 0 is out of range; accepted 1..65535",
            BASE + "ports:\n  - instance: client\n    listen: 127.0.0.1:1\n    to: server:0\n");
        assertError("s.yaml:16:5: ports[0].protocol: 'sctp' is not accepted; accepted: tcp, udp",
            BASE + "ports:\n  - instance: client\n    listen: 127.0.0.1:1\n    to: server:5\n    protocol: sctp\n");
        assertError("s.yaml:16:5: ports[0].listen: tcp 127.0.0.1:10809 is already taken by another export or port",
            BASE + "exports:\n  - {volume: data, port: 10809}\nports:\n  - instance: client\n    listen: 127.0.0.1:10809\n"
                + "    to: server:5\n");
    }

    @Test
    void shouldRefuseAnExportOfAVolumeAFioWorkloadUses()
    {
        assertError("s.yaml:15:5: exports[0].volume: volume 'data' is used by a fio workload; an exported volume "
            + "belongs to its NBD clients", BASE + "workloads:\n  - {name: w, kind: fio, volume: data, rw: write}\n"
            + "exports:\n  - volume: data\n    port: 0\n");
    }
}
