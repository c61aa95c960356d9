package io.nitrosim.ebs.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The NBD server against a client written from the protocol document, over a memory-backed export. */
class NbdServerTest
{
    private static final int SIZE = 1 << 20;

    private MemoryBlockDevice device;
    private MemoryBlockDevice readOnlyDevice;
    private NbdServer server;

    private NbdServer start(final NbdServer.Context context)
    {
        device = new MemoryBlockDevice(SIZE, context.queueCapacityNeeded());
        readOnlyDevice = new MemoryBlockDevice(SIZE, context.queueCapacityNeeded());
        server = context
            .export(NbdExport.builder("data").alias("vol-0123456789abcdef0").description("data volume of web-1")
                .sizeBytes(SIZE).minimumBlockBytes(512).maxPayloadBytes(256 * 1024).queue(device.queue).build())
            .export(NbdExport.builder("logs").sizeBytes(SIZE).readOnly(true).maxPayloadBytes(256 * 1024)
                .queue(readOnlyDevice.queue).build())
            .start();
        return server;
    }

    private NbdServer start()
    {
        return start(NbdServer.context().maxConnections(8).maxInFlight(16).maxQueuedBytes(1 << 20));
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
            readOnlyDevice.close();
        }
    }

    @Test
    void shouldUseTheProtocolDocumentsNumbers()
    {
        // doc/proto.md of the NBD project, "Values" and the message layouts
        assertEquals(0x4e42444d41474943L, NbdProtocol.NBDMAGIC);
        assertEquals(0x49484156454F5054L, NbdProtocol.IHAVEOPT);
        assertEquals(0x3e889045565a9L, NbdProtocol.OPTION_REPLY_MAGIC);
        assertEquals(0x25609513, NbdProtocol.REQUEST_MAGIC);
        assertEquals(0x67446698, NbdProtocol.SIMPLE_REPLY_MAGIC);
        assertEquals(List.of(1, 2, 3, 5, 6, 7, 8), List.of(NbdProtocol.OPT_EXPORT_NAME, NbdProtocol.OPT_ABORT,
            NbdProtocol.OPT_LIST, NbdProtocol.OPT_STARTTLS, NbdProtocol.OPT_INFO, NbdProtocol.OPT_GO,
            NbdProtocol.OPT_STRUCTURED_REPLY));
        assertEquals(List.of(1, 2, 3, 0x80000001, 0x80000002, 0x80000003, 0x80000006, 0x80000009),
            List.of(NbdProtocol.REP_ACK, NbdProtocol.REP_SERVER, NbdProtocol.REP_INFO, NbdProtocol.REP_ERR_UNSUP,
                NbdProtocol.REP_ERR_POLICY, NbdProtocol.REP_ERR_INVALID, NbdProtocol.REP_ERR_UNKNOWN,
                NbdProtocol.REP_ERR_TOO_BIG));
        assertEquals(List.of(0, 1, 2, 3), List.of(NbdProtocol.INFO_EXPORT, NbdProtocol.INFO_NAME,
            NbdProtocol.INFO_DESCRIPTION, NbdProtocol.INFO_BLOCK_SIZE));
        assertEquals(List.of(0, 1, 2, 3, 4, 6), List.of(NbdProtocol.CMD_READ, NbdProtocol.CMD_WRITE,
            NbdProtocol.CMD_DISC, NbdProtocol.CMD_FLUSH, NbdProtocol.CMD_TRIM, NbdProtocol.CMD_WRITE_ZEROES));
        assertEquals(List.of(1, 2), List.of(NbdProtocol.CMD_FLAG_FUA, NbdProtocol.CMD_FLAG_NO_HOLE));
        assertEquals(List.of(1, 2, 4, 8, 32, 64, 256), List.of(NbdProtocol.FLAG_HAS_FLAGS, NbdProtocol.FLAG_READ_ONLY,
            NbdProtocol.FLAG_SEND_FLUSH, NbdProtocol.FLAG_SEND_FUA, NbdProtocol.FLAG_SEND_TRIM,
            NbdProtocol.FLAG_SEND_WRITE_ZEROES, NbdProtocol.FLAG_CAN_MULTI_CONN));
        assertEquals(List.of(1, 5, 22, 28, 75, 108), List.of(NbdProtocol.EPERM, NbdProtocol.EIO, NbdProtocol.EINVAL,
            NbdProtocol.ENOSPC, NbdProtocol.EOVERFLOW, NbdProtocol.ESHUTDOWN));
    }

    @Test
    void shouldGreetWithFixedNewstyleAndNoZeroes() throws IOException
    {
        start();
        try (Socket s = new Socket("127.0.0.1", server.port()))
        {
            s.setSoTimeout(10_000);
            final byte[] greeting = new byte[18];
            new DataInputStream(s.getInputStream()).readFully(greeting);
            // "NBDMAGIC", "IHAVEOPT", handshake flags FIXED_NEWSTYLE | NO_ZEROES
            assertEquals("4e42444d41474943" + "49484156454f5054" + "0003", HexFormat.of().formatHex(greeting));
        }
    }

    @Test
    void shouldListEveryExportThenAck() throws IOException
    {
        start();
        try (NbdTestClient c = new NbdTestClient(server.address()).greet(1))
        {
            c.sendOption(3, new byte[0]);
            final NbdTestClient.OptionReply first = c.readOptionReply();
            assertEquals(3, first.option());
            assertEquals(2, first.type()); // NBD_REP_SERVER
            assertEquals("0000000464617461", HexFormat.of().formatHex(first.data())); // u32 4, "data"
            assertEquals("000000046c6f6773", HexFormat.of().formatHex(c.readOptionReply().data()));
            assertEquals(1, c.readOptionReply().type()); // NBD_REP_ACK
            c.sendOption(3, new byte[] {1});
            assertEquals(0x80000003, c.readOptionReply().type()); // data with LIST: NBD_REP_ERR_INVALID
        }
    }

    @Test
    void shouldDescribeAnExportOnInfo() throws IOException
    {
        start();
        try (NbdTestClient c = new NbdTestClient(server.address()).greet(1))
        {
            c.sendOption(6, NbdTestClient.infoRequest("vol-0123456789abcdef0", 3, 1, 2));
            final NbdTestClient.OptionReply export = c.readOptionReply();
            assertEquals(3, export.type()); // NBD_REP_INFO
            // NBD_INFO_EXPORT: size 1 MiB, flags HAS_FLAGS|SEND_FLUSH|SEND_FUA|SEND_TRIM|SEND_WRITE_ZEROES|CAN_MULTI_CONN
            assertEquals("0000" + "0000000000100000" + "016d", HexFormat.of().formatHex(export.data()));
            // NBD_INFO_BLOCK_SIZE: minimum 512, preferred 4096, max payload 256 KiB
            assertEquals("0003" + "00000200" + "00001000" + "00040000", HexFormat.of().formatHex(c.readOptionReply().data()));
            assertEquals("0001" + HexFormat.of().formatHex("data".getBytes(StandardCharsets.US_ASCII)),
                HexFormat.of().formatHex(c.readOptionReply().data())); // NBD_INFO_NAME: the canonical name
            assertEquals("data volume of web-1", new String(c.readOptionReply().data(), 2, 20, StandardCharsets.UTF_8));
            assertEquals(1, c.readOptionReply().type());
            // INFO leaves the client in the handshake: another option works
            c.sendOption(6, NbdTestClient.infoRequest("logs"));
            final NbdTestClient.OptionReply logs = c.readOptionReply();
            assertEquals("0000" + "0000000000100000" + "010f", HexFormat.of().formatHex(logs.data())); // READ_ONLY, no TRIM or WRITE_ZEROES
        }
    }

    @Test
    void shouldRefuseUnknownExportsAndOptionsWithErrorReplies() throws IOException
    {
        start();
        try (NbdTestClient c = new NbdTestClient(server.address()).greet(1))
        {
            c.sendOption(7, NbdTestClient.infoRequest("nope", 3));
            final NbdTestClient.OptionReply unknown = c.readOptionReply();
            assertEquals(0x80000006, unknown.type()); // NBD_REP_ERR_UNKNOWN
            assertEquals("no export named 'nope'; exports: data, logs", unknown.text());
            c.sendOption(8, new byte[0]); // structured replies: not offered
            assertEquals(0x80000001, c.readOptionReply().type());
            c.sendOption(5, new byte[0]); // STARTTLS: NOTLS mode
            assertEquals(0x80000001, c.readOptionReply().type());
            c.sendOption(42, new byte[] {1, 2, 3});
            assertEquals(0x80000001, c.readOptionReply().type());
            c.sendOption(6, new byte[] {0, 0, 0, 9, 'x'}); // name longer than the data
            assertEquals(0x80000003, c.readOptionReply().type());
            assertEquals(1, c.go("data").type()); // still usable afterwards
            assertEquals(SIZE, c.exportSize);
        }
    }

    @Test
    void shouldEnterTransmissionWithExportNameAndItsZeroes() throws IOException
    {
        start();
        try (NbdTestClient c = new NbdTestClient(server.address()).greet(1))
        {
            c.sendOption(1, "data".getBytes(StandardCharsets.UTF_8));
            assertEquals(SIZE, c.in.readLong());
            assertEquals(0x016d, c.in.readUnsignedShort());
            final byte[] zeroes = new byte[124];
            c.in.readFully(zeroes);
            assertArrayEquals(new byte[124], zeroes);
            assertEquals(0, c.read(0, 512).error()); // transmission right after the zeroes
        }
        try (NbdTestClient c = new NbdTestClient(server.address()).greet(3))
        {
            c.sendOption(1, new byte[0]); // the default export, no zeroes negotiated
            assertEquals(SIZE, c.in.readLong());
            assertEquals(0x016d, c.in.readUnsignedShort());
            final NbdTestClient.Reply r = c.read(512, 512);
            assertEquals(0, r.error());
            assertEquals(512, r.data().length);
        }
        try (NbdTestClient c = new NbdTestClient(server.address()).greet(1))
        {
            c.sendOption(1, "nope".getBytes(StandardCharsets.UTF_8));
            assertTrue(c.closedByServer(), "an unknown EXPORT_NAME ends the session");
        }
    }

    @Test
    void shouldAckAbortAndClose() throws IOException
    {
        start();
        try (NbdTestClient c = new NbdTestClient(server.address()).greet(1))
        {
            c.sendOption(2, new byte[0]);
            final NbdTestClient.OptionReply r = c.readOptionReply();
            assertEquals(2, r.option());
            assertEquals(1, r.type());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void shouldReadWhatWasWrittenAcrossConnectionsAndCommands() throws IOException
    {
        start();
        final byte[] data = new byte[96 * 1024];
        new SplittableRandom(7).nextBytes(data);
        try (NbdTestClient a = NbdTestClient.open(server.address(), "data");
            NbdTestClient b = NbdTestClient.open(server.address(), "vol-0123456789abcdef0"))
        {
            assertEquals(0, a.write(4096, data, 1).error()); // FUA
            final NbdTestClient.Reply read = b.read(4096, data.length);
            assertEquals(0, read.error());
            assertArrayEquals(data, read.data());
            assertEquals(0, b.command(3, 0, 0, 0).error()); // FLUSH
            assertEquals(0, b.command(4, 0, 8192, 4096).error()); // TRIM
            assertEquals(0, b.command(6, 2, 16384, 8192).error()); // WRITE_ZEROES, NO_HOLE
            final byte[] expected = data.clone();
            Arrays.fill(expected, 4096, 4096 + 4096, (byte)0);
            Arrays.fill(expected, 12288, 12288 + 8192, (byte)0);
            assertArrayEquals(expected, a.read(4096, data.length).data());
            // pipelined: several requests before any reply, cookies come back
            final long c1 = a.send(0, 0, 0, 512, null);
            final long c2 = a.send(0, 0, 1024, 512, null);
            assertEquals(c1, a.readReply(512).cookie());
            assertEquals(c2, a.readReply(512).cookie());
            a.disconnect();
            assertTrue(a.closedByServer());
        }
        assertTrue(device.seen.containsAll(List.of("WRITE 4096+98304 fua", "FLUSH 0+0", "TRIM 8192+4096",
            "WRITE_ZEROES 16384+8192 nohole")), device.seen.toString());
    }

    @Test
    void shouldAnswerBadRequestsWithTheirErrorsAndCarryOn() throws IOException
    {
        start();
        try (NbdTestClient c = NbdTestClient.open(server.address(), "data");
            NbdTestClient ro = NbdTestClient.open(server.address(), "logs"))
        {
            assertEquals(22, c.read(SIZE - 512, 1024).error()); // past the end: EINVAL
            assertEquals(28, c.write(SIZE - 512, new byte[1024], 0).error()); // past the end: ENOSPC
            assertEquals(28, c.command(6, 0, SIZE, 512).error()); // WRITE_ZEROES past the end: ENOSPC
            assertEquals(22, c.command(4, 0, SIZE, 512).error()); // TRIM past the end: EINVAL
            assertEquals(22, c.read(-512, 512).error()); // offset beyond 2^63
            assertEquals(22, c.read(100, 512).error()); // misaligned offset
            assertEquals(22, c.write(0, new byte[100], 0).error()); // misaligned length
            assertEquals(22, c.command(3, 0, 512, 0).error()); // FLUSH with an offset
            assertEquals(22, c.command(0, 4, 0, 512).error()); // DF without structured replies
            assertEquals(22, c.command(7, 0, 0, 512).error()); // BLOCK_STATUS: not negotiated
            assertEquals(22, c.command(99, 0, 0, 0).error()); // unknown command
            assertEquals(22, c.read(0, 512 * 1024).error()); // over the max payload
            assertEquals(22, c.write(0, new byte[512 * 1024], 0).error()); // payload skipped, then EINVAL
            assertEquals(1, ro.write(0, new byte[512], 0).error()); // read-only: EPERM
            assertEquals(1, ro.command(4, 0, 0, 512).error());
            assertEquals(1, ro.command(6, 0, 0, 512).error());
            assertEquals(0, ro.read(0, 512).error());
            assertEquals(0, c.read(0, 512).error()); // the connection is still in sync
        }
        assertEquals(0, server.protocolViolations());
        assertEquals(16, server.errorReplies());
    }

    @Test
    void shouldAnswerAndCloseOnAPayloadBeyondWhatAnyClientMaySend() throws IOException
    {
        start();
        try (NbdTestClient c = NbdTestClient.open(server.address(), "data"))
        {
            c.send(0, 1, 0, 0x7000_0000L, null); // a 1.75 GiB WRITE header, no payload
            assertEquals(22, c.readReply(0).error());
            assertTrue(c.closedByServer());
        }
        try (NbdTestClient c = NbdTestClient.open(server.address(), "data"))
        {
            assertEquals(0, c.read(0, 512).error()); // the server stays up
        }
    }

    @Test
    void shouldRefuseBadConfiguration()
    {
        final BlockQueue small = new BlockQueue(4);
        final NbdExport e = NbdExport.builder("x").sizeBytes(SIZE).queue(small).build();
        assertEquals("export x: block queue of 4 requests is below 4096 (connections x requests in flight)",
            assertThrows(IllegalArgumentException.class, () -> NbdServer.context().export(e).start()).getMessage());
        assertEquals("export y: size 1000 B: accepted a non-negative multiple of the minimum block 512",
            assertThrows(IllegalArgumentException.class,
                () -> NbdExport.builder("y").sizeBytes(1000).queue(small).build()).getMessage());
        assertEquals("NBD port 70000 is out of range: accepted 0..65535 (0 = any free)",
            assertThrows(IllegalArgumentException.class, () -> NbdServer.context().port(70000).start()).getMessage());
    }

    static byte[] bytes(final ByteBuffer b)
    {
        return Arrays.copyOf(b.array(), b.position());
    }
}
