package io.nitrosim.ebs.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Fuzzes the NBD server as a hostile client would: the input is the client side of one connection, played into
 * the server's own per-connection pipeline ({@link NbdServer#initConnection}) on a Netty embedded channel, in
 * pieces of any size, against a 256 KiB export served by {@link MemoryBlockDevice} (run by the harness between
 * pieces, so requests are in flight while others arrive). The client sends client flags (any), options (GO, INFO,
 * LIST, ABORT, EXPORT_NAME, unknown ones, bad magic, absurd lengths, malformed GO/INFO data, unknown names), then
 * requests (READ, WRITE with and without FUA, FLUSH, TRIM, WRITE_ZEROES, DISC, unknown commands; any flags,
 * offsets and lengths past the end or over the payload limit), and sometimes raw junk. The harness feeds bytes
 * only while the channel reads (auto-read), as a socket would.
 * <p>
 * Invariants: no exception escapes the pipeline; the server's output parses as the greeting, option replies that
 * name the option sent (each option answered by exactly one final ACK or error, the error for a malformed,
 * unknown or refused option) and simple replies; every request of the transmission phase gets exactly one reply
 * with its cookie, error 0 when the request was valid and one of the protocol's error values when it was not,
 * unless the connection was closed for a reason the protocol gives (a violation, ABORT, DISC, a payload the server
 * never takes); the server never closes without such a reason nor stops reading with nothing to wait for; READ data
 * is what the acknowledged writes left there, and the device holds exactly what acknowledged writes, trims and
 * zeroes wrote (nothing unacknowledged was written); buffers stay within the server's limits and none leaks.
 * Regression inputs: {@code NbdServerFuzzTestInputs} in the test resources; {@code -Pfuzz} fuzzes.
 */
class NbdServerFuzzTest
{
    static final int SIZE = 256 * 1024;
    static final int BLOCK = 512;
    static final int MAX_PAYLOAD = 64 * 1024;
    static final int MAX_IN_FLIGHT = 8;
    static final int MAX_QUEUED = 256 * 1024;
    /** Write payloads the harness really sends; larger declared lengths are sent only when the server must close. */
    static final int MAX_SENT_PAYLOAD = 2 * MAX_PAYLOAD;
    /** What the server may hold at once: queued payloads, one request or option being cumulated, replies not yet out. */
    static final long MEMORY_BOUND = MAX_QUEUED + 2L * MAX_SENT_PAYLOAD + NbdServer.MAX_OPTION_BYTES + 4 * MAX_PAYLOAD;
    static final Set<Integer> NBD_ERRORS = Set.of(NbdProtocol.EPERM, NbdProtocol.EIO, NbdProtocol.ENOMEM,
        NbdProtocol.EINVAL, NbdProtocol.ENOSPC, NbdProtocol.EOVERFLOW, NbdProtocol.ENOTSUP, NbdProtocol.ESHUTDOWN);
    static final String[] NAMES = {"data", "d", "", "nope", "data\u0000", "DATA"};

    private static Bed bed;

    @FuzzTest(maxDuration = "10m")
    void shouldAnswerEveryRequestOnce(final FuzzedDataProvider data)
    {
        if (bed == null)
        {
            bed = new Bed();
        }
        new Client(bed, data).play();
    }

    /** One server (bound to an ephemeral loopback port it never serves here) and one device, shared by every input. */
    static final class Bed
    {
        final MemoryBlockDevice device;
        final NbdServer server;

        Bed()
        {
            final NbdServer.Context context = NbdServer.context().maxInFlight(MAX_IN_FLIGHT).maxQueuedBytes(MAX_QUEUED)
                .maxConnections(4);
            device = MemoryBlockDevice.manual(SIZE, context.queueCapacityNeeded());
            server = context.export(NbdExport.builder("data").alias("d").description("fuzzed").sizeBytes(SIZE)
                .maxPayloadBytes(MAX_PAYLOAD).queue(device.queue).build()).start();
        }
    }

    /** A request the client sent in the transmission phase, and what a valid one must get. */
    record Request(int type, int flags, long cookie, long offset, long length, byte[] payload, boolean valid)
    {
    }

    /**
     * An option the client sent, and what it expects: an ACK or an error, then transmission (GO), a close after the
     * reply (ABORT, a length no server must skip), or a close without any reply ({@code silent}: bad magic,
     * EXPORT_NAME refused, since EXPORT_NAME has no error reply).
     */
    record Option(int option, boolean succeeds, boolean entersTransmission, boolean closes, boolean silent)
    {
    }

    /** The client: builds its byte stream and its expectations, feeds the stream, then checks what came back. */
    static final class Client
    {
        private final Bed bed;
        private final FuzzedDataProvider data;
        private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);
        private final ByteArrayOutputStream stream = new ByteArrayOutputStream();
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final List<Option> options = new ArrayList<>();
        private final List<Request> requests = new ArrayList<>();
        private final Set<Long> cookies = new HashSet<>();
        private boolean noZeroes;
        private boolean closeExpected;
        private boolean transmission;
        private boolean disconnected;
        private boolean desynced;
        private EmbeddedChannel channel;

        Client(final Bed bed, final FuzzedDataProvider data)
        {
            this.bed = bed;
            this.data = data;
            Arrays.fill(bed.device.bytes, (byte)0);
        }

        void play()
        {
            build();
            channel = new EmbeddedChannel();
            channel.config().setAllocator(alloc);
            bed.server.initConnection(channel);
            channel.pipeline().fireChannelActive();
            feed(stream.toByteArray());
            settle();
            final boolean closed = !channel.isOpen();
            collect();
            channel.close();
            settle();
            collect();
            channel.finishAndReleaseAll();
            assertEquals(0, alloc.metric().usedDirectMemory() + alloc.metric().usedHeapMemory(),
                "every buffer the server allocated is released");
            check(closed);
        }

        // -----------------------------------------------------------------------------------------------------
        // The client's stream

        private void build()
        {
            final int flags = data.consumeBoolean() ? data.pickValue(new int[] {0, 1, 2, 3, 3, 3}) : data.consumeInt();
            putInt(flags);
            if ((flags & ~3) != 0)
            {
                closeExpected = true;
                junk();
                return;
            }
            noZeroes = (flags & NbdProtocol.FLAG_C_NO_ZEROES) != 0;
            for (int i = 0; i < 8 && !transmission && !closeExpected && data.remainingBytes() > 0; i++)
            {
                option();
            }
            for (int i = 0; i < 48 && transmission && !closeExpected && !disconnected && data.remainingBytes() > 0; i++)
            {
                request();
            }
            if (data.remainingBytes() > 0 && data.consumeInt(0, 15) == 0)
            {
                junk();
            }
        }

        private void junk()
        {
            desynced = true;
            stream.writeBytes(data.consumeBytes(data.consumeInt(0, 512)));
        }

        private void option()
        {
            final int kind = data.consumeInt(0, 11);
            switch (kind)
            {
                case 0:
                case 1:
                case 2:
                {
                    final int option = data.consumeBoolean() ? NbdProtocol.OPT_GO : NbdProtocol.OPT_INFO;
                    final String name = name();
                    final int infos = data.consumeInt(0, 4);
                    final ByteBuffer b = ByteBuffer.allocate(4 + name.length() * 3 + 2 + 2 * infos);
                    final byte[] n = name.getBytes(StandardCharsets.UTF_8);
                    b.putInt(n.length).put(n).putShort((short)infos);
                    for (int i = 0; i < infos; i++)
                    {
                        b.putShort((short)(data.consumeBoolean() ? data.consumeInt(0, 4) : data.consumeInt()));
                    }
                    byte[] body = Arrays.copyOf(b.array(), b.position());
                    if (data.consumeInt(0, 5) == 0) // malformed: cut or extended, or a name length that lies
                    {
                        body = Arrays.copyOf(body, data.consumeInt(0, body.length + 8));
                        if (body.length >= 4 && data.consumeBoolean())
                        {
                            ByteBuffer.wrap(body).putInt(data.consumeInt());
                        }
                    }
                    final boolean ok = goSucceeds(body);
                    sendOption(option, body);
                    options.add(new Option(option, ok, ok && option == NbdProtocol.OPT_GO, false, false));
                    transmission = ok && option == NbdProtocol.OPT_GO;
                    break;
                }
                case 3:
                {
                    final byte[] body = data.consumeInt(0, 3) == 0 ? data.consumeBytes(data.consumeInt(1, 16)) : new byte[0];
                    sendOption(NbdProtocol.OPT_LIST, body);
                    options.add(new Option(NbdProtocol.OPT_LIST, body.length == 0, false, false, false));
                    break;
                }
                case 4:
                    sendOption(NbdProtocol.OPT_ABORT, new byte[0]);
                    options.add(new Option(NbdProtocol.OPT_ABORT, true, false, true, false));
                    closeExpected = true;
                    break;
                case 5:
                case 6:
                {
                    final String name = name();
                    sendOption(NbdProtocol.OPT_EXPORT_NAME, name.getBytes(StandardCharsets.UTF_8));
                    final boolean ok = exists(name);
                    options.add(new Option(NbdProtocol.OPT_EXPORT_NAME, ok, ok, !ok, !ok));
                    transmission = ok;
                    closeExpected = !ok;
                    break;
                }
                case 7:
                {
                    int option = data.consumeInt();
                    if (option == NbdProtocol.OPT_EXPORT_NAME || option == NbdProtocol.OPT_ABORT
                        || option == NbdProtocol.OPT_LIST || option == NbdProtocol.OPT_INFO || option == NbdProtocol.OPT_GO)
                    {
                        option = NbdProtocol.OPT_STRUCTURED_REPLY;
                    }
                    sendOption(option, data.consumeBytes(data.consumeInt(0, 64)));
                    options.add(new Option(option, false, false, false, false));
                    break;
                }
                case 8: // absurd declared length: too big but sent, or beyond what any server must skip
                {
                    final int option = data.pickValue(new int[] {NbdProtocol.OPT_GO, NbdProtocol.OPT_EXPORT_NAME,
                        NbdProtocol.OPT_LIST, 99});
                    if (data.consumeBoolean())
                    {
                        final int length = data.consumeInt(NbdServer.MAX_OPTION_BYTES + 1, 3 * NbdServer.MAX_OPTION_BYTES);
                        sendOption(option, new byte[length]);
                        // EXPORT_NAME has no error reply: a name the server will not take ends the session
                        final boolean exportName = option == NbdProtocol.OPT_EXPORT_NAME;
                        options.add(new Option(option, false, false, exportName, exportName));
                        closeExpected = exportName;
                    }
                    else
                    {
                        final long length = data.consumeLong(NbdProtocol.DOS_PAYLOAD_FLOOR + 1L, 0xFFFF_FFFFL);
                        putLong(NbdProtocol.IHAVEOPT);
                        putInt(option);
                        putInt((int)length);
                        stream.writeBytes(data.consumeBytes(data.consumeInt(0, 64)));
                        options.add(new Option(option, false, false, true, option == NbdProtocol.OPT_EXPORT_NAME));
                        closeExpected = true;
                    }
                    break;
                }
                case 9: // bad magic
                    putLong(data.consumeLong() | 1L << 62);
                    putInt(NbdProtocol.OPT_GO);
                    putInt(0);
                    options.add(new Option(NbdProtocol.OPT_GO, false, false, true, true));
                    closeExpected = true;
                    break;
                default:
                {
                    final int option = data.pickValue(new int[] {NbdProtocol.OPT_STARTTLS, NbdProtocol.OPT_STRUCTURED_REPLY,
                        NbdProtocol.OPT_LIST_META_CONTEXT, NbdProtocol.OPT_SET_META_CONTEXT});
                    sendOption(option, data.consumeBytes(data.consumeInt(0, 32)));
                    options.add(new Option(option, false, false, false, false));
                    break;
                }
            }
        }

        private String name()
        {
            return data.consumeBoolean() ? data.pickValue(NAMES) : data.consumeString(24);
        }

        /** NBD_OPT_GO/INFO data as the protocol lays it out: u32 name length, name, u16 n, n u16 info requests. */
        private static boolean goSucceeds(final byte[] body)
        {
            if (body.length < 6)
            {
                return false;
            }
            final ByteBuffer b = ByteBuffer.wrap(body);
            final long nameLength = b.getInt(0) & 0xFFFF_FFFFL;
            if (nameLength > body.length - 6)
            {
                return false;
            }
            final int infos = b.getShort(4 + (int)nameLength) & 0xFFFF;
            return body.length == 4 + nameLength + 2 + 2L * infos
                && exists(new String(body, 4, (int)nameLength, StandardCharsets.UTF_8));
        }

        private static boolean exists(final String name)
        {
            return name.isEmpty() || name.equals("data") || name.equals("d");
        }

        private void sendOption(final int option, final byte[] body)
        {
            putLong(NbdProtocol.IHAVEOPT);
            putInt(option);
            putInt(body.length);
            stream.writeBytes(body);
        }

        private void request()
        {
            if (data.consumeInt(0, 31) == 0) // bad request magic: the stream cannot be parsed further
            {
                putInt(data.consumeInt() | 1);
                stream.writeBytes(new byte[24]);
                closeExpected = true;
                return;
            }
            final int type = data.consumeBoolean() ? data.pickValue(new int[] {NbdProtocol.CMD_READ,
                NbdProtocol.CMD_WRITE, NbdProtocol.CMD_WRITE, NbdProtocol.CMD_FLUSH, NbdProtocol.CMD_TRIM,
                NbdProtocol.CMD_WRITE_ZEROES}) : data.consumeInt(0, 3) == 0 ? data.consumeInt(0, 0xFFFF)
                : data.pickValue(new int[] {NbdProtocol.CMD_DISC, NbdProtocol.CMD_CACHE, NbdProtocol.CMD_BLOCK_STATUS,
                    NbdProtocol.CMD_READ, NbdProtocol.CMD_WRITE});
            final int flags = data.consumeBoolean() ? 0 : data.consumeBoolean() ? NbdProtocol.CMD_FLAG_FUA
                : data.consumeInt(0, 0xFFFF);
            long cookie = data.consumeLong();
            while (!cookies.add(cookie))
            {
                cookie++; // unique, so that each reply names one request
            }
            final long offset;
            final long length;
            switch (data.consumeInt(0, 5))
            {
                case 0:
                    offset = data.consumeLong();
                    length = data.consumeLong(0, 0xFFFF_FFFFL);
                    break;
                case 1:
                    offset = SIZE - (long)data.consumeInt(0, 8) * BLOCK;
                    length = (long)data.consumeInt(0, 16) * BLOCK;
                    break;
                case 2:
                    offset = (long)data.consumeInt(0, SIZE / BLOCK) * BLOCK;
                    length = data.consumeBoolean() ? MAX_PAYLOAD + BLOCK : data.consumeInt(0, MAX_SENT_PAYLOAD);
                    break;
                default:
                    offset = (long)data.consumeInt(0, SIZE / BLOCK - 1) * BLOCK;
                    length = (long)data.consumeInt(0, 16) * BLOCK;
                    break;
            }
            if (type == NbdProtocol.CMD_FLUSH && data.consumeBoolean())
            {
                putRequest(flags, type, cookie, 0, 0);
                requests.add(new Request(type, flags, cookie, 0, 0, null, (flags & ~NbdProtocol.CMD_FLAG_FUA) == 0));
                return;
            }
            putRequest(flags, type, cookie, offset, length);
            if (type == NbdProtocol.CMD_DISC)
            {
                disconnected = true;
                return;
            }
            byte[] payload = null;
            if (type == NbdProtocol.CMD_WRITE)
            {
                if (length > NbdProtocol.DOS_PAYLOAD_FLOOR)
                {
                    requests.add(new Request(type, flags, cookie, offset, length, null, false));
                    closeExpected = true; // answered, then closed: the payload is never read
                    return;
                }
                if (length > MAX_SENT_PAYLOAD)
                {
                    desynced = true; // the payload the server must skip is not sent
                    return;
                }
                payload = new byte[(int)length];
                final byte[] some = data.consumeBytes(Math.min((int)length, 64));
                for (int i = 0; i < payload.length; i++)
                {
                    payload[i] = some.length == 0 ? (byte)(i * 31 + cookie) : (byte)(some[i % some.length] + i / some.length);
                }
                stream.writeBytes(payload);
            }
            requests.add(new Request(type, flags, cookie, offset, length, payload, valid(type, flags, offset, length)));
        }

        private static boolean valid(final int type, final int flags, final long offset, final long length)
        {
            final boolean inside = offset >= 0 && offset <= SIZE && length <= SIZE - offset
                && offset % BLOCK == 0 && length % BLOCK == 0;
            switch (type)
            {
                case NbdProtocol.CMD_READ:
                case NbdProtocol.CMD_WRITE:
                    return (flags & ~NbdProtocol.CMD_FLAG_FUA) == 0 && inside && length <= MAX_PAYLOAD;
                case NbdProtocol.CMD_FLUSH:
                    return (flags & ~NbdProtocol.CMD_FLAG_FUA) == 0 && offset == 0 && length == 0;
                case NbdProtocol.CMD_TRIM:
                    return (flags & ~NbdProtocol.CMD_FLAG_FUA) == 0 && inside;
                case NbdProtocol.CMD_WRITE_ZEROES:
                    return (flags & ~(NbdProtocol.CMD_FLAG_FUA | NbdProtocol.CMD_FLAG_NO_HOLE)) == 0 && inside;
                default:
                    return false;
            }
        }

        private void putRequest(final int flags, final int type, final long cookie, final long offset, final long length)
        {
            putInt(NbdProtocol.REQUEST_MAGIC);
            stream.write(flags >>> 8);
            stream.write(flags);
            stream.write(type >>> 8);
            stream.write(type);
            putLong(cookie);
            putLong(offset);
            putInt((int)length);
        }

        private void putInt(final int v)
        {
            stream.writeBytes(ByteBuffer.allocate(4).putInt(v).array());
        }

        private void putLong(final long v)
        {
            stream.writeBytes(ByteBuffer.allocate(8).putLong(v).array());
        }

        // -----------------------------------------------------------------------------------------------------
        // Feeding it, as a socket would: only while the channel reads

        private void feed(final byte[] bytes)
        {
            int at = 0;
            while (at < bytes.length && channel.isOpen())
            {
                if (!channel.config().isAutoRead())
                {
                    if (!step(true))
                    {
                        assertTrue(disconnected || !channel.isOpen(), "the server stopped reading with nothing in flight");
                        break; // after DISC the server reads nothing more
                    }
                    continue;
                }
                final int piece = Math.min(bytes.length - at, data.remainingBytes() > 0 && data.consumeBoolean()
                    ? data.consumeInt(1, 64) : 1 + data.consumeInt(0, 16) * 512);
                channel.writeInbound(Unpooled.wrappedBuffer(bytes, at, piece));
                at += piece;
                if (data.remainingBytes() == 0 || data.consumeBoolean())
                {
                    step(false);
                }
                collect();
            }
        }

        /** Runs the device and the event loop's tasks once; true if anything happened. */
        private boolean step(final boolean mustProgress)
        {
            final int ran = bed.device.runPending();
            channel.runPendingTasks();
            final int before = received.size();
            collect();
            return ran > 0 || received.size() > before || (!mustProgress && channel.isOpen());
        }

        /** Runs the device and the event loop until neither has anything left (the device completes what it took). */
        private void settle()
        {
            int i = 0;
            do
            {
                channel.runPendingTasks();
            }
            while (bed.device.runPending() > 0 && ++i < 1000);
            channel.runPendingTasks();
        }

        private void collect()
        {
            final long used = alloc.metric().usedDirectMemory() + alloc.metric().usedHeapMemory();
            assertTrue(used <= MEMORY_BOUND, () -> "the server holds " + used + " bytes, over " + MEMORY_BOUND);
            ByteBuf out;
            while ((out = channel.readOutbound()) != null)
            {
                final byte[] b = new byte[out.readableBytes()];
                out.readBytes(b);
                out.release();
                received.writeBytes(b);
            }
            channel.checkException(); // any exception that escaped a handler
        }

        // -----------------------------------------------------------------------------------------------------
        // Checks

        private void check(final boolean closed)
        {
            final ByteBuffer in = ByteBuffer.wrap(received.toByteArray());
            assertTrue(in.remaining() >= NbdProtocol.GREETING_LENGTH, "greeting");
            assertEquals(NbdProtocol.NBDMAGIC, in.getLong());
            assertEquals(NbdProtocol.IHAVEOPT, in.getLong());
            assertEquals(NbdProtocol.FLAG_FIXED_NEWSTYLE | NbdProtocol.FLAG_NO_ZEROES, in.getShort());
            if (desynced)
            {
                return; // the stream is the input's own garbage: only the generic invariants hold
            }
            if (closed)
            {
                assertTrue(closeExpected || disconnected, "the server closed the connection without a reason");
            }
            boolean inTransmission = false;
            for (final Option o : options)
            {
                if (!in.hasRemaining() && !o.silent())
                {
                    assertTrue(closed, "option " + o + " unanswered on an open connection");
                    return;
                }
                if (o.option() == NbdProtocol.OPT_EXPORT_NAME && o.succeeds())
                {
                    assertEquals(SIZE, in.getLong(), "EXPORT_NAME reply: size");
                    in.getShort();
                    if (!noZeroes)
                    {
                        in.position(in.position() + NbdProtocol.EXPORT_NAME_REPLY_ZEROES);
                    }
                    inTransmission = true;
                    break;
                }
                if (o.silent())
                {
                    assertFalse(in.hasRemaining(), "nothing after a handshake violation");
                    assertTrue(closed, "closed after a handshake violation");
                    return;
                }
                int type;
                do
                {
                    assertTrue(in.remaining() >= NbdProtocol.OPTION_REPLY_HEADER_LENGTH, "option reply header");
                    assertEquals(NbdProtocol.OPTION_REPLY_MAGIC, in.getLong(), "option reply magic");
                    assertEquals(o.option(), in.getInt(), "option reply names the option");
                    type = in.getInt();
                    final int length = in.getInt();
                    assertTrue(length >= 0 && length <= in.remaining(), "option reply length");
                    in.position(in.position() + length);
                }
                while (type == NbdProtocol.REP_INFO || type == NbdProtocol.REP_SERVER);
                final int finalType = type;
                assertEquals(o.succeeds(), type == NbdProtocol.REP_ACK, () -> o + " answered 0x"
                    + Integer.toHexString(finalType));
                if (!o.succeeds())
                {
                    assertTrue((type & NbdProtocol.REP_FLAG_ERROR) != 0, "an error reply");
                }
                if (o.closes())
                {
                    assertFalse(in.hasRemaining(), "nothing after " + o);
                    assertTrue(closed, "closed after " + o);
                    return;
                }
                if (o.entersTransmission())
                {
                    inTransmission = true;
                    break;
                }
            }
            if (!inTransmission)
            {
                assertFalse(in.hasRemaining(), "nothing but option replies in the handshake");
                return;
            }
            final Map<Long, Integer> replies = new HashMap<>();
            final Map<Long, byte[]> readData = new HashMap<>();
            final Map<Long, Request> byCookie = new HashMap<>();
            for (final Request r : requests)
            {
                byCookie.put(r.cookie(), r);
            }
            while (in.hasRemaining())
            {
                assertTrue(in.remaining() >= NbdProtocol.SIMPLE_REPLY_LENGTH, "a whole simple reply");
                assertEquals(NbdProtocol.SIMPLE_REPLY_MAGIC, in.getInt(), "simple reply magic");
                final int error = in.getInt();
                final long cookie = in.getLong();
                final Request r = byCookie.get(cookie);
                assertTrue(r != null, "a reply for cookie " + cookie + ", which no request carried");
                assertEquals(null, replies.put(cookie, error), () -> "a second reply for " + r);
                if (r.valid())
                {
                    assertEquals(0, error, () -> "a valid request refused: " + r);
                }
                else
                {
                    assertTrue(NBD_ERRORS.contains(error), () -> "an invalid request answered " + error + ": " + r);
                }
                if (error == 0 && r.type() == NbdProtocol.CMD_READ)
                {
                    final byte[] b = new byte[(int)r.length()];
                    in.get(b);
                    readData.put(cookie, b);
                }
            }
            boolean allAnswered = true;
            for (final Request r : requests)
            {
                allAnswered &= replies.containsKey(r.cookie());
                if (!closed || disconnected && !closeExpected) // open, or closed by DISC once all was answered
                {
                    assertTrue(replies.containsKey(r.cookie()), () -> "no reply for " + r);
                }
            }
            // In this bed the device runs requests in the order they arrive: replay the acknowledged ones.
            final byte[] model = new byte[SIZE];
            for (final Request r : requests)
            {
                final Integer error = replies.get(r.cookie());
                if (error == null || error != 0)
                {
                    continue;
                }
                switch (r.type())
                {
                    case NbdProtocol.CMD_WRITE:
                        System.arraycopy(r.payload(), 0, model, (int)r.offset(), (int)r.length());
                        break;
                    case NbdProtocol.CMD_TRIM:
                    case NbdProtocol.CMD_WRITE_ZEROES:
                        Arrays.fill(model, (int)r.offset(), (int)(r.offset() + r.length()), (byte)0);
                        break;
                    case NbdProtocol.CMD_READ:
                        assertArrayEquals(Arrays.copyOfRange(model, (int)r.offset(), (int)(r.offset() + r.length())),
                            readData.get(r.cookie()), () -> "READ data of " + r);
                        break;
                    default:
                        break;
                }
            }
            if (allAnswered) // else writes in flight when the connection broke may or may not have landed
            {
                assertArrayEquals(model, bed.device.bytes, "the device holds what acknowledged requests wrote, nothing else");
            }
        }
    }
}
