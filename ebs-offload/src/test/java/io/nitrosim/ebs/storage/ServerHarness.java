package io.nitrosim.ebs.storage;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Test helper: the storage server's connection handling without sockets or threads. Each {@link Connection} is a
 * Netty {@link EmbeddedChannel} with the server's real pipeline (frame decoder + session); the I/O worker runs only
 * when the test calls {@link #runWorker()}, and time moves only when the test calls {@link #advanceMs(long)}, so
 * every interleaving is chosen by the test.
 */
final class ServerHarness implements AutoCloseable
{
    /** A clock the test moves. */
    static final class ManualClock implements NanoClock
    {
        long nowNs = 1_000_000_000L;

        @Override
        public long nanoTime()
        {
            return nowNs;
        }
    }

    record Response(int op, int status, long requestId, long value, byte[] payload)
    {
    }

    final ManualClock clock = new ManualClock();
    final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    final StorageServerLog log = new StorageServerLog(new PrintStream(logBytes, true, StandardCharsets.UTF_8), clock,
        1000);
    final AccessToken token = AccessToken.generate();
    final StorageEngine engine;
    final ServerCore core;
    private final List<Connection> connections = new ArrayList<>();

    ServerHarness(final Path dir, final Consumer<StorageServer.Context> server,
        final Consumer<StorageEngine.Context> engineSettings)
    {
        final StorageEngine.Context engineContext = StorageEngine.context(dir).maxIoBytes(64 * 1024);
        engineSettings.accept(engineContext);
        engine = engineContext.open();
        final StorageServer.Context context = StorageServer.context().clock(clock).log(log);
        server.accept(context);
        core = new ServerCore(context.validate(), engine, token, false);
    }

    ServerHarness(final Path dir)
    {
        this(dir, s -> { }, e -> { });
    }

    Connection connect()
    {
        final Connection c = new Connection(new EmbeddedChannel(core.newDecoder(), core.newSession()));
        connections.add(c);
        return c;
    }

    /** Closes a connection and forgets it (the worker drops whatever it still held of it). */
    void disconnect(final Connection c)
    {
        c.channel.finishAndReleaseAll();
        connections.remove(c);
        core.worker.runUntilIdle();
    }

    /** Runs the worker until idle and lets every connection write what it produced. @return units run. */
    int runWorker()
    {
        final int units = core.worker.runUntilIdle();
        connections.forEach(c -> c.channel.runPendingTasks());
        return units;
    }

    /** Runs the worker and the connections until neither has anything left to do. @return units run. */
    int runWorkerToCompletion()
    {
        int total = 0;
        for (int units = runWorker(); units > 0; units = runWorker())
        {
            total += units;
        }
        return total;
    }

    /** Runs one unit of the worker, then lets every connection write. */
    boolean runWorkerOnce()
    {
        final boolean ran = core.worker.runOnce();
        connections.forEach(c -> c.channel.runPendingTasks());
        return ran;
    }

    void advanceMs(final long ms)
    {
        clock.nowNs += TimeUnit.MILLISECONDS.toNanos(ms);
        for (final Connection c : connections)
        {
            c.channel.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
            c.channel.runScheduledPendingTasks();
            c.channel.runPendingTasks();
        }
    }

    String logText()
    {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close()
    {
        connections.forEach(c -> c.channel.finishAndReleaseAll());
        core.worker.runUntilIdle();
        engine.close();
    }

    /** A request frame (length prefix included). */
    static ByteBuf frame(final int op, final long requestId, final int volHigh, final long volLow, final long offset,
        final int length, final long value, final byte[] payload)
    {
        final int payloadLength = payload == null ? 0 : payload.length;
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[StorageProtocol.LENGTH_PREFIX
            + StorageProtocol.HEADER_LENGTH + payloadLength]);
        StorageProtocol.encodeRequest(buffer, 0, op, requestId, volHigh, volLow, offset, length, value, payloadLength);
        if (payloadLength > 0)
        {
            buffer.putBytes(StorageProtocol.LENGTH_PREFIX + StorageProtocol.HEADER_LENGTH, payload);
        }
        return Unpooled.wrappedBuffer(buffer.byteArray());
    }

    static Response decode(final ByteBuf out)
    {
        try
        {
            final int base = out.readerIndex() + StorageProtocol.LENGTH_PREFIX;
            final byte[] payload = new byte[out.readableBytes() - StorageProtocol.LENGTH_PREFIX
                - StorageProtocol.HEADER_LENGTH];
            out.getBytes(base + StorageProtocol.HEADER_LENGTH, payload);
            if (out.getIntLE(out.readerIndex()) != StorageProtocol.HEADER_LENGTH + payload.length
                || out.getIntLE(base + StorageProtocol.MAGIC_OFFSET) != StorageProtocol.MAGIC)
            {
                throw new AssertionError("malformed response frame");
            }
            return new Response(out.getUnsignedByte(base + StorageProtocol.OP_OFFSET),
                out.getUnsignedShortLE(base + StorageProtocol.STATUS_OFFSET),
                out.getLongLE(base + StorageProtocol.REQUEST_ID_OFFSET),
                out.getLongLE(base + StorageProtocol.VALUE_OFFSET), payload);
        }
        finally
        {
            out.release();
        }
    }

    /** One client connection. */
    final class Connection
    {
        final EmbeddedChannel channel;

        Connection(final EmbeddedChannel channel)
        {
            this.channel = channel;
        }

        void send(final ByteBuf bytes)
        {
            channel.writeInbound(bytes);
            channel.runPendingTasks();
        }

        void send(final int op, final long requestId, final int volHigh, final long volLow, final long offset,
            final int length, final long value, final byte[] payload)
        {
            send(frame(op, requestId, volHigh, volLow, offset, length, value, payload));
        }

        Connection authenticate()
        {
            final UnsafeBuffer t = new UnsafeBuffer(new byte[AccessToken.LENGTH]);
            token.copyTo(t, 0);
            send(StorageOp.AUTH, 0, 0, 0, 0, 0, 0, t.byteArray());
            final Response hello = next();
            if (hello == null || hello.status() != StorageStatus.OK)
            {
                throw new AssertionError("AUTH refused: " + hello);
            }
            return this;
        }

        /** The next response written, or null. */
        Response next()
        {
            final ByteBuf out = channel.readOutbound();
            return out == null ? null : decode(out);
        }

        List<Response> all()
        {
            final List<Response> list = new ArrayList<>();
            for (Response r = next(); r != null; r = next())
            {
                list.add(r);
            }
            return list;
        }

        boolean isOpen()
        {
            return channel.isOpen();
        }

        boolean isReading()
        {
            return channel.config().isAutoRead();
        }
    }
}
