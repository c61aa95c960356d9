package io.nitrosim.ebs.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server whose exports change while it runs (a region's attached volumes): exports appear and are withdrawn;
 * a withdrawn one is unknown to new sessions (NBD_REP_ERR_UNKNOWN) and its open connections get NBD_ESHUTDOWN for
 * every request received after, then are closed, as doc/proto.md of the NBD project asks of a server shutting down.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NbdChangeableExportsTest
{
    private static final int SIZE = 1 << 20;
    private static final int ERR_UNKNOWN = 0x80000006;
    private static final int ESHUTDOWN = 108;

    private NbdServer server;
    private MemoryBlockDevice device;

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

    private NbdServer.Context context()
    {
        return NbdServer.context().changeable(true).maxConnections(8).maxInFlight(16).maxQueuedBytes(1 << 20);
    }

    private NbdExport volume(final String name, final NbdServer.Context context)
    {
        device = new MemoryBlockDevice(SIZE, context.queueCapacityNeeded());
        return NbdExport.builder(name).sizeBytes(SIZE).maxPayloadBytes(256 * 1024).queue(device.queue).build();
    }

    private static void await(final String what, final java.util.function.BooleanSupplier condition)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void shouldStartEmptyAndListWhatIsAddedWithNoDefaultExport() throws Exception
    {
        final NbdServer.Context context = context();
        server = context.start();
        try (NbdTestClient c = new NbdTestClient(server.address()).greet(3))
        {
            assertEquals(List.of(), c.list());
            server.addExport(volume("vol-0a", context));
            assertEquals(List.of("vol-0a"), c.list(), "the next LIST sees the new table");
            assertEquals(ERR_UNKNOWN, c.go("").type(), "no default export when the table changes");
            assertEquals(1, c.go("vol-0a").type());
            final byte[] data = new byte[4096];
            java.util.Arrays.fill(data, (byte)7);
            assertEquals(0, c.write(8192, data, 0).error());
            assertArrayEquals(data, c.read(8192, 4096).data());
        }
        final NbdExport again = NbdExport.builder("vol-0a").sizeBytes(SIZE).maxPayloadBytes(256 * 1024)
            .queue(new BlockQueue(context.queueCapacityNeeded())).build();
        assertThrows(IllegalArgumentException.class, () -> server.addExport(again), "a name is served once");
        assertNull(server.withdrawExport("vol-none"));
    }

    @Test
    void shouldAnswerEveryRequestAfterWithdrawalWithEshutdownThenClose() throws Exception
    {
        final NbdServer.Context context = context();
        server = context.start();
        final NbdExport export = volume("vol-0b", context);
        server.addExport(export);
        try (NbdTestClient held = NbdTestClient.open(server.address(), "vol-0b");
             NbdTestClient piped = NbdTestClient.open(server.address(), "vol-0b"))
        {
            device.hold(true);
            final long first = held.send(0, 1, 0, 4096, new byte[4096]);
            await("the device holds the write", () -> device.received() == 1);
            assertSame(export, server.withdrawExport("vol-0b"));
            assertTrue(export.queue().isClosed());
            assertFalse(export.queue().isAbandoned(), "two connections may still offer");
            try (NbdTestClient late = new NbdTestClient(server.address()).greet(3))
            {
                assertEquals(List.of(), late.list());
                assertEquals(ERR_UNKNOWN, late.go("vol-0b").type());
            }

            // what the device held when the export went is its owner's to answer: here it completes
            device.hold(false);
            final NbdTestClient.Reply done = held.readReply(0);
            assertEquals(first, done.cookie());
            assertEquals(0, done.error());
            // the next request gets NBD_ESHUTDOWN, then the server closes the connection
            held.send(0, 0, 0, 4096, null);
            assertEquals(ESHUTDOWN, held.readReply(4096).error());
            assertTrue(held.closedByServer());

            // requests that arrive together: each is answered (a WRITE's payload skipped), then the close
            final ByteArrayOutputStream batch = new ByteArrayOutputStream();
            final DataOutputStream d = new DataOutputStream(batch);
            for (int i = 0; i < 3; i++)
            {
                d.writeInt(NbdTestClient.REQUEST_MAGIC);
                d.writeShort(0);
                d.writeShort(i == 1 ? 1 : 0);
                d.writeLong(100 + i);
                d.writeLong(0);
                d.writeInt(4096);
                if (i == 1)
                {
                    d.write(new byte[4096]);
                }
            }
            piped.out.write(batch.toByteArray());
            piped.out.flush();
            for (int i = 0; i < 3; i++)
            {
                final NbdTestClient.Reply r = piped.readReply(4096);
                assertEquals(100 + i, r.cookie());
                assertEquals(ESHUTDOWN, r.error());
            }
            assertTrue(piped.closedByServer());
            assertEquals(1, device.received(), "nothing reached the device after the withdrawal");
        }
        await("no connection can offer to the withdrawn export", export.queue()::isAbandoned);
        assertEquals(4, server.errorReplies(), "one NBD_ESHUTDOWN on the held connection, three on the piped one");
    }

    @Test
    void shouldRefuseChangesToAFixedServerAndNameAPortInUse() throws Exception
    {
        final NbdServer.Context fixed = NbdServer.context().maxConnections(2).maxInFlight(2);
        server = fixed.export(volume("data", fixed)).start();
        assertThrows(IllegalStateException.class, () -> server.withdrawExport("data"));
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            final NbdListenException ex = assertThrows(NbdListenException.class,
                () -> context().port(taken.getLocalPort()).start());
            assertEquals(taken.getLocalPort(), ex.port());
            assertEquals("Address already in use", ex.reason());
            assertEquals("NBD server cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": Address already in use",
                ex.getMessage());
        }
    }
}
