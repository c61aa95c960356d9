package io.nitrosim.ebs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.ebs.volume.VolumeId;

/** The storage server on real sockets (127.0.0.1, ephemeral ports); every wait is bounded. */
class StorageServerSocketTest
{
    private static final VolumeId VOL = VolumeId.parse("vol-0123456789abcdef0");

    @TempDir
    Path dir;

    private static StorageServerLog quietLog(final ByteArrayOutputStream out)
    {
        return new StorageServerLog(new PrintStream(out, true, StandardCharsets.UTF_8), SystemNanoClock.INSTANCE, 1000);
    }

    @Test
    void shouldGenerateAnOwnerOnlyAccessTokenAtFirstStartAndKeepIt() throws Exception
    {
        final String first;
        try (StorageEngine engine = StorageEngine.context(dir).open();
            StorageServer server = StorageServer.start(engine, "127.0.0.1", 0))
        {
            final Path file = dir.resolve("access-token");
            assertTrue(server.port() > 0);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            first = Files.readString(file);
            assertTrue(first.matches("[0-9a-f]{64}\n"), first);
        }
        try (StorageEngine engine = StorageEngine.context(dir).open();
            StorageServer server = StorageServer.start(engine, "127.0.0.1", 0);
            RemoteStorageBackend client = RemoteStorageBackend.context(server.port())
                .accessToken(AccessToken.fromHex(first)).connect())
        {
            assertEquals(first, Files.readString(dir.resolve("access-token")), "the same token after a restart");
            final Completions c = new Completions();
            assertTrue(client.submitCreateVolume(1, VOL, 1 << 20));
            c.awaitCount(client, 1, 10_000);
            assertEquals(StorageStatus.OK, c.byId(1).status());
        }
    }

    @Test
    void shouldRefuseToStartWhenTheTokenFileIsOpenToOthers() throws Exception
    {
        AccessToken.loadOrCreate(dir);
        final Path file = dir.resolve("access-token");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> AccessToken.loadOrCreate(dir));
        assertEquals("access token file " + file + " has mode rw-r--r--: accepted rw------- or stricter (chmod 600 "
            + file + ")", ex.getMessage());
    }

    @Test
    void shouldRefuseAClientWithTheWrongTokenOrNone()
    {
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (StorageEngine engine = StorageEngine.context(dir).open();
            StorageServer server = StorageServer.context().log(quietLog(log)).start(engine))
        {
            final IllegalStateException wrong = assertThrows(IllegalStateException.class,
                () -> RemoteStorageBackend.context(server.port()).accessToken(AccessToken.generate()).connect());
            assertEquals("storage server 127.0.0.1:" + server.port() + " refused the connection: answered UNAUTHORIZED"
                + " to AUTH (wrong access token?)", wrong.getMessage());
            final IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> RemoteStorageBackend.context(server.port()).connect());
            assertEquals("storage server access token is missing: give accessToken(...), accessTokenFile(FILE) or"
                + " accessTokenFrom(SERVER_DATA_DIR)", none.getMessage());
            assertEquals(1, server.log().count(StorageServerLog.Reason.UNAUTHORIZED));
            assertEquals(0, engine.volumeCount());
        }
    }

    @Test
    void shouldHoldAClientThatDoesNotReadItsAnswers() throws Exception
    {
        final int reads = 4000;
        final int readBytes = 64 * 1024; // 250 MiB of answers in all
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (StorageEngine engine = StorageEngine.context(dir).open();
            StorageServer server = StorageServer.context().log(quietLog(log)).maxQueuedBytesPerConnection(1 << 20)
                .start(engine);
            SocketChannel socket = SocketChannel.open())
        {
            socket.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
            final UnsafeBuffer token = new UnsafeBuffer(new byte[AccessToken.LENGTH]);
            AccessToken.read(dir.resolve("access-token")).copyTo(token, 0);
            final ByteBuffer requests = ByteBuffer.allocate(2 * 100 + (reads + 2) * 52).order(ByteOrder.LITTLE_ENDIAN);
            requests.put(ServerHarness.frame(StorageOp.AUTH, 0, 0, 0, 0, 0, 0, token.byteArray()).nioBuffer());
            requests.put(ServerHarness.frame(StorageOp.CREATE, 1, VOL.high(), VOL.low(), 1 << 20, 0, 0, null).nioBuffer());
            for (int i = 0; i < reads; i++)
            {
                requests.put(ServerHarness.frame(StorageOp.READ, 2 + i, VOL.high(), VOL.low(), 0, readBytes, 0, null)
                    .nioBuffer());
            }
            requests.flip();
            socket.configureBlocking(false);
            // Send what the sockets take, never reading, until the server has answered nothing more for 1 s.
            final long deadline = System.nanoTime() + 20_000_000_000L;
            long answered = -1;
            int still = 0;
            while (System.nanoTime() < deadline && still < 20)
            {
                socket.write(requests);
                Thread.sleep(50);
                final long now = server.requestsAnswered();
                still = now == answered ? still + 1 : 0;
                answered = now;
            }
            assertTrue(answered < reads, "the server stopped working for a client that does not read");
            // Answers held: Netty's buffer (1 MiB high-water mark) plus what the kernel's socket buffers took.
            assertTrue(answered * readBytes < 48L << 20, "answered " + answered + " reads of 64 KiB without being read");
            System.out.printf("unread answers: server stopped after %d of %d reads (%d MiB)%n", answered, reads,
                answered * readBytes >> 20);

            // Once the client reads, everything is answered.
            socket.configureBlocking(true);
            final ByteBuffer in = ByteBuffer.allocateDirect(1 << 20);
            long frames = 0;
            long pending = 0; // bytes of the current frame still to skip
            final Thread writer = new Thread(() ->
            {
                try
                {
                    while (requests.hasRemaining())
                    {
                        socket.write(requests);
                    }
                }
                catch (final java.io.IOException ignore)
                {
                    // the test fails on the count below
                }
            });
            writer.start();
            final ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            while (frames < reads + 2 && System.nanoTime() < deadline + 20_000_000_000L)
            {
                in.clear();
                if (socket.read(in) < 0)
                {
                    break;
                }
                in.flip();
                while (in.hasRemaining())
                {
                    if (pending > 0)
                    {
                        final int skip = (int)Math.min(pending, in.remaining());
                        in.position(in.position() + skip);
                        pending -= skip;
                        if (pending == 0)
                        {
                            frames++;
                        }
                        continue;
                    }
                    header.put(in.get());
                    if (!header.hasRemaining())
                    {
                        pending = header.getInt(0);
                        header.clear();
                    }
                }
            }
            writer.join(10_000);
            assertEquals(reads + 2, frames);
            assertEquals(reads + 2, server.requestsAnswered() + 1); // AUTH is answered by the network thread
        }
    }

    @Test
    void shouldKeepAnIdleButHealthyClientConnected() throws Exception
    {
        try (StorageEngine engine = StorageEngine.context(dir).open();
            StorageServer server = StorageServer.context().idleTimeoutMs(500).start(engine);
            RemoteStorageBackend client = RemoteStorageBackend.context(server.port()).accessTokenFrom(dir).connect())
        {
            Thread.sleep(2_000); // four idle timeouts of real time: the client's PINGs keep the connection
            final Completions c = new Completions();
            assertTrue(client.submitCreateVolume(1, VOL, 1 << 20));
            c.awaitCount(client, 1, 10_000);
            assertEquals(StorageStatus.OK, c.byId(1).status());
            assertEquals(0, server.log().count(StorageServerLog.Reason.IDLE_TIMEOUT));
        }
    }

    @Test
    void shouldNameThePortWhenItCannotListen() throws Exception
    {
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
            StorageEngine engine = StorageEngine.context(dir).open())
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> StorageServer.context().port(busy.getLocalPort()).start(engine));
            assertEquals("cannot listen on 127.0.0.1:" + busy.getLocalPort() + ": Address already in use",
                ex.getMessage());
            assertEquals(StorageStatus.OK, engine.createVolume(VOL, 1 << 20), "the engine is still usable");
        }
    }
}
