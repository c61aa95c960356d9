package io.nitrosim.ebs.storage;

import java.util.ArrayDeque;

import org.agrona.concurrent.NanoClock;

/**
 * What every connection of one {@link StorageServer} shares: the configuration, the access token, the log, the
 * {@link StorageWorker} that owns the engine, the connection count and the global budget of queued bytes.
 * <p>
 * The connection count and the budget belong to the server's single event-loop thread (every {@link StorageSession}
 * runs on it), so they need no synchronisation. The budget counts, for every request handed to the worker and not
 * yet answered, its frame plus the response it can produce (a READ's data); a session that would exceed it waits
 * (stops reading) in {@link #starved} until answers free room.
 */
final class ServerCore
{
    final StorageServer.Context config;
    final AccessToken token;
    final StorageServerLog log;
    final StorageWorker worker;
    final NanoClock clock;
    final int maxIoBytes;
    final int maxFrameLength;

    private final ArrayDeque<StorageSession> starved = new ArrayDeque<>();
    private long queuedBytes;
    private int connections;

    ServerCore(final StorageServer.Context config, final StorageEngine engine, final AccessToken token,
        final boolean startWorker)
    {
        this.config = config;
        this.token = token;
        this.log = config.log();
        this.clock = config.clock();
        this.maxIoBytes = engine.maxIoBytes();
        this.maxFrameLength = StorageProtocol.maxFrameLength(maxIoBytes);
        this.worker = new StorageWorker(engine, config.trimChunkBytes(), log, startWorker);
    }

    StorageSession newSession()
    {
        return new StorageSession(this);
    }

    RequestFrameDecoder newDecoder()
    {
        return new RequestFrameDecoder(maxFrameLength, clock);
    }

    /** A connection opened; false when it is one too many (the caller closes it). */
    boolean connectionOpened()
    {
        connections++;
        return connections <= config.maxConnections();
    }

    void connectionClosed()
    {
        connections--;
    }

    int connections()
    {
        return connections;
    }

    /** Takes {@code bytes} from the global budget, or parks the session until room frees up. */
    boolean reserve(final StorageSession session, final int bytes)
    {
        if (queuedBytes > 0 && queuedBytes + bytes > config.maxQueuedBytesTotal())
        {
            if (!session.starved)
            {
                session.starved = true;
                starved.addLast(session);
            }
            return false;
        }
        queuedBytes += bytes;
        return true;
    }

    /** Returns bytes to the budget and lets waiting sessions try again. */
    void release(final long bytes)
    {
        queuedBytes -= bytes;
        for (int n = starved.size(); n > 0 && queuedBytes < config.maxQueuedBytesTotal(); n--)
        {
            final StorageSession session = starved.pollFirst();
            session.starved = false;
            session.pump();
        }
    }

    void forget(final StorageSession session)
    {
        if (session.starved)
        {
            starved.remove(session);
            session.starved = false;
        }
    }

    long queuedBytes()
    {
        return queuedBytes;
    }
}
