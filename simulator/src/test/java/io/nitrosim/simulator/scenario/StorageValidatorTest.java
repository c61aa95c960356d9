package io.nitrosim.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage section: a storage server on loopback, real time and full payload only, each refusal one line. */
class StorageValidatorTest
{
    private static final String BASE = """
        name: t
        duration: 1m
        clock: real
        payload: full
        instances:
          - name: db
            type: c5.large
            volumes:
              - {name: data, type: gp3, sizeGiB: 100}
        """;

    @TempDir
    Path dir;

    private static Scenario yaml(final String text) throws Exception
    {
        return ScenarioLoader.parse("s.yaml", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), false);
    }

    private static void assertError(final String expected, final String yaml)
    {
        assertEquals(expected, assertThrows(ScenarioException.class, () -> yaml(yaml)).getMessage());
    }

    private String token() throws Exception
    {
        final Path token = dir.resolve("access-token");
        Files.writeString(token, "0".repeat(64));
        return token.toString();
    }

    @Test
    void shouldReadTheStorageServer() throws Exception
    {
        final Scenario s = yaml(BASE + "storage: {server: 127.0.0.1:7070, tokenFile: " + token() + "}\n");
        assertEquals(new Scenario.Storage("127.0.0.1", 7070, token()), s.storage());
        assertTrue(s.remoteStorage());
        assertNull(yaml(BASE).storage(), "the run's own engine by default");
        assertFalse(yaml(BASE).remoteStorage());
    }

    @Test
    void shouldRefuseAStorageServerInVirtualTimeOrTimingOnly() throws Exception
    {
        final String storage = "storage: {server: 127.0.0.1:7070, tokenFile: " + token() + "}\n";
        assertError("s.yaml:10:1: storage: a storage server completes I/O when the network delivers it, which no "
            + "virtual-time run can reproduce: it needs 'clock: real' (this one is virtual)",
            BASE.replace("clock: real", "clock: virtual") + storage);
        assertError("s.yaml:10:1: storage: a storage server keeps real bytes: it needs 'payload: full' (this one is "
            + "timing-only)", BASE.replace("payload: full", "payload: timing-only") + storage);
    }

    @Test
    void shouldRefuseBadFieldsWithTheirLineAndColumn() throws Exception
    {
        assertError("s.yaml:11:3: storage.server: '10.0.0.5:7070' is not a loopback address and port; accepted "
            + "127.x.y.z:PORT, e.g. 127.0.0.1:7070 (nitro-sim reaches no other address)",
            BASE + "storage:\n  server: 10.0.0.5:7070\n  tokenFile: " + token() + "\n");
        assertError("s.yaml:11:3: storage.server: port 0 is out of range; accepted 1..65535",
            BASE + "storage:\n  server: 127.0.0.1:0\n  tokenFile: " + token() + "\n");
        assertError("s.yaml:10:1: storage.server: missing; accepted 127.x.y.z:PORT, e.g. 127.0.0.1:7070",
            BASE + "storage:\n  tokenFile: " + token() + "\n");
        final Path missing = dir.resolve("nope");
        assertError("s.yaml:12:3: storage.tokenFile: '" + missing + "' is not a file; the server writes its access "
            + "token to DIR/access-token at first start",
            BASE + "storage:\n  server: 127.0.0.1:7070\n  tokenFile: " + missing + "\n");
    }
}
