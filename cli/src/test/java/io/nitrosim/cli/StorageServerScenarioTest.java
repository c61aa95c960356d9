package io.nitrosim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A scenario whose volumes a storage server keeps: a server that is not there is one line and exit 2. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StorageServerScenarioTest extends CliTestBase
{
    @Test
    void shouldNameTheStorageServerItCannotReach() throws Exception
    {
        final int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            port = probe.getLocalPort(); // closed again: nothing listens there
        }
        final Path token = write("access-token", "ab".repeat(32) + "\n");
        final Path scenario = write("remote.yaml", """
            name: remote
            duration: 2s
            clock: real
            payload: full
            instances:
              - name: db
                type: c5.large
                volumes:
                  - {name: data, type: gp3, sizeGiB: 1}
            storage: {server: 127.0.0.1:%d, tokenFile: %s}
            """.formatted(port, token));
        assertEquals(2, run("run", scenario.toString(), "--quiet", "--out", dir.resolve("out").toString()));
        final String message = err.toString().trim();
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.startsWith("nitro-sim: storage.server 127.0.0.1:" + port + ": cannot connect to storage "
            + "server 127.0.0.1:" + port), message);
        assertEquals(List.of(), TempDirectories.live(), "the run's temporary directory is removed");
    }
}
