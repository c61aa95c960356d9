package io.nitrosim.ebs.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Clients that break the protocol or hold resources: clean errors or closes, and the server stays up. */
class NbdBadClientTest
{
    private static final int SIZE = 1 << 20;

    private MemoryBlockDevice device;
    private NbdServer server;

    private void start(final NbdServer.Context context)
    {
        device = new MemoryBlockDevice(SIZE, context.queueCapacityNeeded());
        server = context.export(NbdExport.builder("data").sizeBytes(SIZE).maxPayloadBytes(64 * 1024)
            .queue(device.queue).build()).start();
    }

    @AfterEach
    void tearDown()
    {
        if (server != null)
        {
            server.close();
        }
        if (device != null)
        {
            device.close();
        }
    }

    private void assertServes() throws IOException
    {
        try (NbdTestClient c = NbdTestClient.open(server.address(), "data"))
        {
            assertEquals(0, c.read(0, 512).error());
        }
    }

    private static void await(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void shouldDropGarbageInTheHandshakeAndStayUp() throws IOException
    {
        start(NbdServer.context());
        final SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 20; i++)
        {
            try (NbdTestClient c = new NbdTestClient(server.address()))
            {
                c.in.readFully(new byte[18]);
                final byte[] garbage = new byte[64 + random.nextInt(4096)];
                random.nextBytes(garbage);
                garbage[0] |= 0x10; // unknown client flags
                c.out.write(garbage);
                c.out.flush();
                assertTrue(c.closedByServer(), "garbage client flags end the session");
            }
        }
        try (NbdTestClient c = new NbdTestClient(server.address()).greet(1))
        {
            c.out.writeLong(0x1122334455667788L); // not IHAVEOPT
            c.out.writeInt(7);
            c.out.writeInt(0);
            c.out.flush();
            assertTrue(c.closedByServer(), "a bad option magic cannot be parsed past");
        }
        try (NbdTestClient c = NbdTestClient.open(server.address(), "data"))
        {
            c.out.writeInt(0xdeadbeef); // not a request
            c.out.write(new byte[24]);
            c.out.flush();
            assertTrue(c.closedByServer());
        }
        try (NbdTestClient c = new NbdTestClient(server.address()).greet(1))
        {
            c.sendOption(6, new byte[40_000]); // option data over the limit: skipped and refused
            assertEquals(0x80000009, c.readOptionReply().type());
            assertEquals(1, c.go("data").type());
        }
        assertEquals(22, server.protocolViolations());
        assertServes();
    }

    @Test
    void shouldEndTheSessionWithoutAReplyWhenAnExportNameIsOverTheOptionLimit() throws IOException
    {
        start(NbdServer.context());
        try (NbdTestClient c = new NbdTestClient(server.address()).greet(1))
        {
            c.sendOption(NbdProtocol.OPT_EXPORT_NAME, new byte[NbdServer.MAX_OPTION_BYTES + 1]);
            assertTrue(c.closedByServer(), "EXPORT_NAME has no error reply: a client would read one as the export size");
        }
        assertEquals(1, server.protocolViolations());
        assertServes();
    }

    @Test
    void shouldWriteNothingOfARequestCutOffMidPayload() throws IOException
    {
        start(NbdServer.context());
        final byte[] before = new byte[8192];
        new SplittableRandom(5).nextBytes(before);
        try (NbdTestClient c = NbdTestClient.open(server.address(), "data"))
        {
            assertEquals(0, c.write(0, before, 0).error());
        }
        try (NbdTestClient c = NbdTestClient.open(server.address(), "data"))
        {
            c.send(0, 1, 0, 8192, null); // WRITE header, then half the payload, then gone
            c.out.write(new byte[4096]);
            c.out.flush();
        }
        try (NbdTestClient c = NbdTestClient.open(server.address(), "data"))
        {
            assertArrayEquals(before, c.read(0, 8192).data());
        }
        assertEquals(List.of("WRITE 0+8192", "READ 0+8192"), device.seen);
    }

    @Test
    void shouldCloseIdleAndExcessConnectionsAndStayUp() throws IOException
    {
        start(NbdServer.context().maxConnections(64).handshakeTimeoutMs(500));
        final List<Socket> idle = new ArrayList<>();
        try
        {
            for (int i = 0; i < 100; i++)
            {
                idle.add(new Socket("127.0.0.1", server.port()));
            }
            await(() -> server.acceptedConnections() + server.refusedConnections() == 100, "100 connections");
            assertEquals(64, server.acceptedConnections());
            assertEquals(36, server.refusedConnections());
            try (NbdTestClient c = new NbdTestClient(server.address()).greet(1))
            {
                final NbdTestClient.OptionReply r = c.go("data"); // over the limit: an error, not a hang
                assertEquals(0x80000002, r.type());
                assertEquals("too many connections: the server takes 64", r.text());
            }
            await(() -> server.connections() == 0, "the handshake timeout to close every idle connection");
            assertEquals(100, server.timeouts()); // the 101st client left by itself
            for (final Socket s : idle)
            {
                s.setSoTimeout(5_000);
                s.getInputStream().readNBytes(18);
                assertEquals(-1, s.getInputStream().read());
            }
        }
        finally
        {
            for (final Socket s : idle)
            {
                s.close();
            }
        }
        assertServes();
    }

    @Test
    void shouldStopReadingWhileTheDeviceHoldsTheConnectionsLimit() throws IOException
    {
        start(NbdServer.context().maxInFlight(8).maxQueuedBytes(128 * 1024));
        device.hold(true);
        final byte[] block = new byte[64 * 1024];
        Arrays.fill(block, (byte)7);
        try (NbdTestClient c = NbdTestClient.open(server.address(), "data"))
        {
            final Thread writer = new Thread(() ->
            {
                try
                {
                    for (int i = 0; i < 40; i++)
                    {
                        c.send(0, 1, (i % 16) * 65536L, block.length, block);
                    }
                }
                catch (final IOException ex)
                {
                    // the test closes the socket at the end
                }
            });
            writer.setDaemon(true);
            writer.start();
            await(() -> device.received() == 2, "two writes at the queued-bytes limit");
            // 128 KiB queued: the server reads no further however long the client pushes
            final long deadline = System.nanoTime() + 300_000_000L;
            while (System.nanoTime() < deadline)
            {
                assertEquals(2, device.received());
                Thread.yield();
            }
            device.hold(false);
            for (int i = 0; i < 40; i++)
            {
                assertEquals(0, c.readReply(0).error());
            }
        }
        assertEquals(40, device.received());
    }

    @Test
    void shouldStopReadingWhenTheClientDoesNotReadItsReplies() throws IOException
    {
        start(NbdServer.context().maxInFlight(64).maxQueuedBytes(1 << 20));
        try (Socket s = new Socket("127.0.0.1", server.port()))
        {
            s.setReceiveBufferSize(64 * 1024);
            final NbdTestClient c = new NbdTestClient(server.address()); // handshake on a second socket
            c.close();
            final OutputStream out = s.getOutputStream();
            final java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
            in.readFully(new byte[18]);
            final java.io.DataOutputStream d = new java.io.DataOutputStream(out);
            d.writeInt(3);
            d.writeLong(NbdTestClient.IHAVEOPT);
            d.writeInt(1);
            d.writeInt(4);
            d.writeBytes("data");
            d.flush();
            in.readFully(new byte[10]);
            final Thread reader = new Thread(() ->
            {
                try
                {
                    // 64 KiB READs, never answered by reading: replies pile up until the server stops reading
                    for (int i = 0; i < 100_000; i++)
                    {
                        d.writeInt(NbdTestClient.REQUEST_MAGIC);
                        d.writeShort(0);
                        d.writeShort(0);
                        d.writeLong(i);
                        d.writeLong(0);
                        d.writeInt(64 * 1024);
                    }
                    d.flush();
                }
                catch (final IOException ex)
                {
                    // closed at the end
                }
            });
            reader.setDaemon(true);
            reader.start();
            await(() -> device.received() > 16, "some reads");
            long last = -1;
            while (device.received() != last)
            {
                last = device.received();
                final long until = System.nanoTime() + 500_000_000L;
                while (System.nanoTime() < until)
                {
                    Thread.yield();
                }
            }
            // bounded by the socket buffers plus the writability limit (a few MiB), never the 6 GiB asked for
            assertTrue(device.received() < 200, "reads taken while the client reads nothing: " + device.received());
        }
        assertServes();
    }
}
