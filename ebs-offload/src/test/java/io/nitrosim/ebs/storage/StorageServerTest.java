package io.nitrosim.ebs.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netty.buffer.Unpooled;

import io.nitrosim.ebs.volume.VolumeId;

/**
 * The server's connection handling (authentication, framing errors, flow control, timeouts, fairness) on the real
 * pipeline over Netty's embedded channel: the test decides when the I/O worker runs and when time moves.
 */
class StorageServerTest
{
    private static final VolumeId VOL = VolumeId.parse("vol-0123456789abcdef0");
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    private static ServerHarness.Response only(final List<ServerHarness.Response> responses)
    {
        assertEquals(1, responses.size(), () -> "responses " + responses);
        return responses.get(0);
    }

    @Test
    void shouldAnswerAuthWithTheServersLimits()
    {
        try (ServerHarness h = new ServerHarness(dir, s -> s.maxInFlightPerConnection(8).idleTimeoutMs(30_000), e -> { }))
        {
            final ServerHarness.Connection c = h.connect();
            final byte[] token = new byte[AccessToken.LENGTH];
            h.token.copyTo(new org.agrona.concurrent.UnsafeBuffer(token), 0);
            c.send(StorageOp.AUTH, 5, 0, 0, 0, 0, 0, token);
            final ServerHarness.Response hello = c.next();
            assertEquals(StorageStatus.OK, hello.status());
            assertEquals(5, hello.requestId());
            final ByteBuffer b = ByteBuffer.wrap(hello.payload()).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(StorageProtocol.HELLO_LENGTH, b.capacity());
            assertEquals(64 * 1024, b.getInt(StorageProtocol.HELLO_MAX_IO_OFFSET));
            assertEquals(8, b.getInt(StorageProtocol.HELLO_MAX_IN_FLIGHT_OFFSET));
            assertEquals(30_000, b.getLong(StorageProtocol.HELLO_IDLE_TIMEOUT_OFFSET));
            c.send(StorageOp.CREATE, 6, VOL.high(), VOL.low(), 1 << 20, 0, 0, null);
            h.runWorker();
            assertEquals(StorageStatus.OK, c.next().status());
        }
    }

    @Test
    void shouldRefuseARequestBeforeAuthAndClose()
    {
        try (ServerHarness h = new ServerHarness(dir))
        {
            final ServerHarness.Connection c = h.connect();
            c.send(StorageOp.CREATE, 9, VOL.high(), VOL.low(), 1 << 20, 0, 0, null);
            final ServerHarness.Response r = c.next();
            assertEquals(StorageStatus.UNAUTHORIZED, r.status());
            assertEquals(9, r.requestId());
            assertFalse(c.isOpen());
            h.runWorker();
            assertEquals(0, h.engine.volumeCount(), "nothing was done");
            assertEquals(1, h.log.count(StorageServerLog.Reason.UNAUTHORIZED));
            assertTrue(h.logText().startsWith("storage-server event=refused reason=unauthorized remote=embedded"
                + " op=CREATE detail=\"request before AUTH\""), h.logText());
        }
    }

    @Test
    void shouldRefuseAWrongTokenAndClose()
    {
        try (ServerHarness h = new ServerHarness(dir))
        {
            final ServerHarness.Connection c = h.connect();
            c.send(StorageOp.AUTH, 1, 0, 0, 0, 0, 0, new byte[AccessToken.LENGTH]);
            assertEquals(StorageStatus.UNAUTHORIZED, c.next().status());
            assertFalse(c.isOpen());
            final ServerHarness.Connection d = h.connect();
            d.send(StorageOp.AUTH, 1, 0, 0, 0, 0, 0, new byte[5]);
            assertEquals(StorageStatus.UNAUTHORIZED, d.next().status());
            assertEquals(2, h.log.count(StorageServerLog.Reason.UNAUTHORIZED));
            assertTrue(h.logText().contains("detail=\"wrong access token\""), h.logText());
            assertTrue(h.logText().contains("detail=\"token of 5 B: accepted 32\""), h.logText());
        }
    }

    @Test
    void shouldAnswerMalformedFramesAndCountThem()
    {
        try (ServerHarness h = new ServerHarness(dir))
        {
            final ServerHarness.Connection c = h.connect().authenticate();
            c.send(StorageOp.WRITE, 1, VOL.high(), VOL.low(), 0, 100, 0, new byte[10]); // length disagrees
            c.send(42, 2, 0, 0, 0, 0, 0, null); // unknown op
            c.send(StorageOp.FLUSH, 3, 0, 0, 0, 0, 0, new byte[3]); // payload on a FLUSH
            c.send(StorageOp.CREATE, 4, 16, 0, 1 << 20, 0, 0, null); // no such volume id
            h.runWorker();
            final List<ServerHarness.Response> answers = c.all();
            assertEquals(4, answers.size());
            for (final ServerHarness.Response r : answers)
            {
                assertEquals(StorageStatus.BAD_REQUEST, r.status());
            }
            assertTrue(c.isOpen(), "a bad request does not cost the connection");
            assertEquals(4, h.log.count(StorageServerLog.Reason.BAD_REQUEST));

            c.send(Unpooled.wrappedBuffer(new byte[] {8, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8})); // 8 B body: no header
            assertEquals(StorageStatus.BAD_REQUEST, c.next().status());
            assertFalse(c.isOpen());
            assertEquals(1, h.log.count(StorageServerLog.Reason.MALFORMED_FRAME));

            final ServerHarness.Connection d = h.connect().authenticate();
            final io.netty.buffer.ByteBuf v1 = ServerHarness.frame(StorageOp.FLUSH, 7, 0, 0, 0, 0, 0, null);
            v1.setByte(StorageProtocol.LENGTH_PREFIX + StorageProtocol.VERSION_OFFSET, 1);
            d.send(v1);
            final ServerHarness.Response r = d.next();
            assertEquals(StorageStatus.BAD_VERSION, r.status());
            assertEquals(7, r.requestId());
            assertFalse(d.isOpen());

            final ServerHarness.Connection e = h.connect().authenticate();
            e.send(Unpooled.wrappedBuffer(new byte[] {(byte)0xFF, (byte)0xFF, (byte)0xFF, 0x7F})); // 2 GiB frame
            assertFalse(e.isOpen());
            assertEquals(3, h.log.count(StorageServerLog.Reason.MALFORMED_FRAME));
            assertEquals(0, h.log.count(StorageServerLog.Reason.INTERNAL_ERROR));
        }
    }

    @Test
    void shouldStopReadingAtTheInFlightLimitAndResumeWhenAnswered()
    {
        try (ServerHarness h = new ServerHarness(dir, s -> s.maxInFlightPerConnection(4), e -> { }))
        {
            final ServerHarness.Connection c = h.connect().authenticate();
            c.send(StorageOp.CREATE, 0, VOL.high(), VOL.low(), 1 << 20, 0, 0, null);
            h.runWorker();
            c.all();
            for (int i = 1; i <= 10; i++)
            {
                c.send(StorageOp.FLUSH, i, VOL.high(), VOL.low(), 0, 0, 0, null);
            }
            assertFalse(c.isReading(), "stopped reading with 4 in progress and 6 waiting");
            assertEquals(4, h.core.worker.runUntilIdle());
            c.channel.runPendingTasks();
            assertEquals(4, c.all().size(), "the first 4 answered");
            assertEquals(4, h.runWorker(), "the next 4 went to the worker as room freed");
            assertEquals(4, c.all().size());
            assertEquals(2, h.runWorker());
            final List<ServerHarness.Response> last = c.all();
            assertEquals(List.of(9L, 10L), last.stream().map(ServerHarness.Response::requestId).toList());
            assertTrue(c.isReading());
        }
    }

    @Test
    void shouldStopReadingAtTheQueuedBytesLimitsPerConnectionAndInTotal()
    {
        final int read = 32 * 1024;
        try (ServerHarness h = new ServerHarness(dir,
            s -> s.maxQueuedBytesPerConnection(128 * 1024).maxQueuedBytesTotal(192 * 1024), e -> { }))
        {
            final ServerHarness.Connection a = h.connect().authenticate();
            final ServerHarness.Connection b = h.connect().authenticate();
            a.send(StorageOp.CREATE, 0, VOL.high(), VOL.low(), 1 << 20, 0, 0, null);
            h.runWorker();
            a.all();
            for (int i = 1; i <= 8; i++)
            {
                a.send(StorageOp.READ, i, VOL.high(), VOL.low(), 0, read, 0, null);
            }
            // Each READ may hold its 32 KiB answer: three fit under 128 KiB, the rest wait unread.
            assertFalse(a.isReading());
            for (int i = 1; i <= 8; i++)
            {
                b.send(StorageOp.READ, 100 + i, VOL.high(), VOL.low(), 0, read, 0, null);
            }
            // The total of 192 KiB leaves room for two of b's: it waits too.
            assertFalse(b.isReading());
            assertEquals(5, h.core.worker.runUntilIdle());
            a.channel.runPendingTasks();
            b.channel.runPendingTasks();
            assertEquals(3, a.all().size());
            assertEquals(2, b.all().size());
            assertTrue(h.core.queuedBytes() <= 192 * 1024, "queued " + h.core.queuedBytes());
            int answered = 5;
            for (int round = 0; round < 20 && answered < 16; round++)
            {
                h.runWorker();
                answered += a.all().size() + b.all().size();
            }
            assertEquals(16, answered);
            assertTrue(a.isReading() && b.isReading());
            assertEquals(0, h.core.queuedBytes());
        }
    }

    @Test
    void shouldServeOtherConnectionsBetweenPiecesOfALargeTrim()
    {
        final long volume = 64L << 20;
        try (ServerHarness h = new ServerHarness(dir, s -> s.trimChunkBytes(1 << 20), e -> { }))
        {
            final ServerHarness.Connection a = h.connect().authenticate();
            final ServerHarness.Connection b = h.connect().authenticate();
            a.send(StorageOp.CREATE, 0, VOL.high(), VOL.low(), volume, 0, 0, null);
            final byte[] data = StorageEngineTest.block(1, 1);
            a.send(StorageOp.WRITE, 1, VOL.high(), VOL.low(), volume - BLOCK, BLOCK, 0, data);
            h.runWorker();
            assertEquals(2, a.all().size());
            a.send(StorageOp.TRIM, 2, VOL.high(), VOL.low(), 0, 0, volume, null); // 64 pieces
            b.send(StorageOp.READ, 3, VOL.high(), VOL.low(), volume - BLOCK, BLOCK, 0, null);
            assertTrue(h.runWorkerOnce()); // a: first piece
            assertNull(a.next());
            assertTrue(h.runWorkerOnce()); // b's read, before a's next piece
            final ServerHarness.Response read = b.next();
            assertEquals(3, read.requestId());
            assertArrayEquals(data, read.payload(), "read before the trim reached the last piece");
            assertEquals(63, h.runWorker());
            final ServerHarness.Response trim = a.next();
            assertEquals(StorageStatus.OK, trim.status());
            assertEquals(2 + 64, trim.value(), "one journal record per piece");
            b.send(StorageOp.READ, 4, VOL.high(), VOL.low(), volume - BLOCK, BLOCK, 0, null);
            h.runWorker();
            assertArrayEquals(new byte[BLOCK], b.next().payload());
        }
    }

    @Test
    void shouldRefuseAWholeTrimOutsideTheVolumeBeforeApplyingAnyPiece()
    {
        try (ServerHarness h = new ServerHarness(dir, s -> s.trimChunkBytes(4096), e -> { }))
        {
            final ServerHarness.Connection a = h.connect().authenticate();
            a.send(StorageOp.CREATE, 0, VOL.high(), VOL.low(), 1 << 20, 0, 0, null);
            a.send(StorageOp.WRITE, 1, VOL.high(), VOL.low(), 0, BLOCK, 0, StorageEngineTest.block(0, 1));
            a.send(StorageOp.TRIM, 2, VOL.high(), VOL.low(), 0, 0, (1 << 20) + 4096, null);
            h.runWorker();
            final List<ServerHarness.Response> answers = a.all();
            assertEquals(StorageStatus.OUT_OF_RANGE, answers.get(2).status());
            assertEquals(2, h.engine.lastSequence(), "no piece journaled");
        }
    }

    @Test
    void shouldCloseAConnectionThatDoesNotAuthenticateInTime()
    {
        try (ServerHarness h = new ServerHarness(dir, s -> s.requestTimeoutMs(10_000), e -> { }))
        {
            final ServerHarness.Connection c = h.connect();
            h.advanceMs(9_000);
            assertTrue(c.isOpen());
            h.advanceMs(2_000);
            assertFalse(c.isOpen());
            assertEquals(1, h.log.count(StorageServerLog.Reason.HANDSHAKE_TIMEOUT));
        }
    }

    @Test
    void shouldCloseAConnectionThatTricklesARequest()
    {
        try (ServerHarness h = new ServerHarness(dir, s -> s.requestTimeoutMs(10_000), e -> { }))
        {
            final ServerHarness.Connection c = h.connect().authenticate();
            final io.netty.buffer.ByteBuf frame = ServerHarness.frame(StorageOp.FLUSH, 1, 0, 0, 0, 0, 0, null);
            for (int i = 0; i < 20; i++) // one byte every 0.5 s: 52 B would take 26 s
            {
                c.send(frame.retainedSlice(i, 1));
                h.advanceMs(500);
            }
            frame.release();
            assertFalse(c.isOpen());
            assertEquals(1, h.log.count(StorageServerLog.Reason.REQUEST_TIMEOUT));
            assertEquals(0, h.log.count(StorageServerLog.Reason.IDLE_TIMEOUT));
        }
    }

    @Test
    void shouldCloseAnIdleConnectionButNotOneWaitingForAnAnswer()
    {
        try (ServerHarness h = new ServerHarness(dir, s -> s.idleTimeoutMs(60_000), e -> { }))
        {
            final ServerHarness.Connection idle = h.connect().authenticate();
            final ServerHarness.Connection waiting = h.connect().authenticate();
            waiting.send(StorageOp.FLUSH, 1, 0, 0, 0, 0, 0, null); // the worker does not run: still in progress
            h.advanceMs(59_000);
            assertTrue(idle.isOpen());
            h.advanceMs(2_000);
            assertFalse(idle.isOpen());
            assertTrue(waiting.isOpen());
            assertEquals(1, h.log.count(StorageServerLog.Reason.IDLE_TIMEOUT));
            h.runWorker();
            assertEquals(StorageStatus.UNKNOWN_VOLUME, waiting.next().status());
            h.advanceMs(61_000);
            assertFalse(waiting.isOpen());
        }
    }

    @Test
    void shouldCloseConnectionsBeyondTheMaximum()
    {
        try (ServerHarness h = new ServerHarness(dir, s -> s.maxConnections(2), e -> { }))
        {
            final ServerHarness.Connection a = h.connect();
            final ServerHarness.Connection b = h.connect();
            final ServerHarness.Connection c = h.connect();
            assertTrue(a.isOpen() && b.isOpen());
            assertFalse(c.isOpen());
            assertEquals(1, h.log.count(StorageServerLog.Reason.TOO_MANY_CONNECTIONS));
            assertEquals(2, h.core.connections());
            a.channel.close();
            assertTrue(h.connect().isOpen(), "room again after one closed");
        }
    }

    @Test
    void shouldRefuseAndLogCreatesBeyondTheVolumeLimits()
    {
        try (ServerHarness h = new ServerHarness(dir, s -> { }, e -> e.maxVolumes(2).maxVolumeSizeBytes(1 << 30)))
        {
            final ServerHarness.Connection c = h.connect().authenticate();
            for (int i = 0; i < 3; i++)
            {
                c.send(StorageOp.CREATE, i, 0, i, 1 << 20, 0, 0, null);
            }
            c.send(StorageOp.CREATE, 3, 0, 9, 1L << 50, 0, 0, null);
            h.runWorker();
            assertEquals(List.of(StorageStatus.OK, StorageStatus.OK, StorageStatus.LIMIT_EXCEEDED,
                StorageStatus.OUT_OF_RANGE), c.all().stream().map(ServerHarness.Response::status).toList());
            assertEquals(2, h.log.count(StorageServerLog.Reason.LIMIT_EXCEEDED));
            assertTrue(h.logText().contains("detail=\"maximum 2 volumes reached\""), h.logText());
            assertTrue(h.logText().contains("detail=\"volume size 1125899906842624 B above the maximum 1073741824 B\""),
                h.logText());
        }
    }
}
