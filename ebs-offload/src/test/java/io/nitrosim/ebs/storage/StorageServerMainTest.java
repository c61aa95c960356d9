package io.nitrosim.ebs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage server's command line: every bad value is one line and exit code 2, checked before anything opens. */
class StorageServerMainTest
{
    @TempDir
    Path dir;

    private String error(final String... args)
    {
        final String[] all = new String[args.length + 4];
        all[0] = "--dir";
        all[1] = dir.toString();
        all[2] = "--port";
        all[3] = "0";
        System.arraycopy(args, 0, all, 4, args.length);
        final PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return assertThrows(IllegalArgumentException.class, () -> StorageServerMain.parse(all, out)).getMessage();
    }

    @Test
    void shouldValidateTheVolumeLimits()
    {
        assertEquals("maximum volumes 0 is out of range: accepted 1..1000000", error("--max-volumes", "0"));
        assertEquals("--max-volumes 5000000000 is out of range: accepted 0..2147483647",
            error("--max-volumes", "5000000000"));
        assertEquals("maximum volume size 1000 B is out of range: accepted a multiple of 512 B in 512..1125899906842624 B",
            error("--max-volume-size", "1000"));
        assertEquals("maximum volume size 2251799813685248 B is out of range: accepted a multiple of 512 B in"
            + " 512..1125899906842624 B", error("--max-volume-size", "2P"));
        assertEquals("--max-volume-size \"64 TB\" is not a whole number of bytes, optionally with K, M, G, T or P",
            error("--max-volume-size", "64 TB"));
        assertEquals("--max-volume-size \"-1\" is not a whole number of bytes, optionally with K, M, G, T or P",
            error("--max-volume-size", "-1"));
        assertEquals("--max-volume-size \"99999999999999999P\" is too large", error("--max-volume-size",
            "99999999999999999P"));
        assertEquals("--max-volumes needs a value; " + StorageServerMain.USAGE, error("--max-volumes"));
    }

    @Test
    void shouldValidateTheServerLimits()
    {
        assertEquals("maximum connections 0 is out of range: accepted 1..10000", error("--max-connections", "0"));
        assertEquals("idle timeout 5 ms is out of range: accepted 100..86400000 ms", error("--idle-timeout-ms", "5"));
        assertEquals("maximum queued bytes per connection 1024 B is out of range: accepted 65536..1073741824 B",
            error("--max-queued-bytes", "1K"));
        assertEquals("port 70000 is out of range: accepted 0..65535 (0 = ephemeral)", error("--port", "70000"));
        assertTrue(error("--bogus\u0007" + "x".repeat(500)).startsWith("unknown argument \"--bogus\\x07xxxx"));
        assertTrue(error("--bogus\u0007" + "x".repeat(500)).contains("...(428 more)\""));
    }

    @Test
    void shouldAcceptSizesWithBinarySuffixes()
    {
        final StorageServerMain.Config config = StorageServerMain.parse(new String[] {"--dir", dir.toString(),
            "--port", "0", "--max-volumes", "10", "--max-volume-size", "16T", "--max-io-bytes", "256K"},
            System.out);
        try (StorageEngine engine = config.engine().open())
        {
            assertEquals(10, engine.maxVolumes());
            assertEquals(16L << 40, engine.maxVolumeSizeBytes());
            assertEquals(256 << 10, engine.maxIoBytes());
        }
        assertNull(StorageServerMain.parse(new String[] {"--help"}, System.out));
    }

    @Test
    void shouldExitTwoNamingThePortWhenItIsInUse() throws Exception
    {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            final Process process = start("--dir", dir.resolve("data").toString(), "--port",
                String.valueOf(busy.getLocalPort()));
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "exited instead of hanging");
            assertEquals(2, process.exitValue());
            assertEquals("cannot listen on 127.0.0.1:" + busy.getLocalPort() + ": Address already in use\n",
                Files.readString(dir.resolve("stderr.txt")));
        }
    }

    @Test
    void shouldExitTwoWithOneLineForABadArgument() throws Exception
    {
        final Process process = start("--dir", dir.toString(), "--port", "0", "--max-volumes", "-3");
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue());
        assertEquals("--max-volumes \"-3\" is not a whole number\n", Files.readString(dir.resolve("stderr.txt")));
        assertTrue(!Files.exists(dir.resolve("access-token")), "nothing created for a bad command line");
    }

    private Process start(final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(System.getProperty("nitro.jvm.flags", "").trim().split("\\s+")));
        command.add("-Xmx128m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StorageServerMain.class.getName());
        command.addAll(List.of(args));
        command.removeIf(String::isEmpty);
        return new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
