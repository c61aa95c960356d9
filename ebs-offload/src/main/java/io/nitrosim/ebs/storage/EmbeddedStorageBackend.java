package io.nitrosim.ebs.storage;

import java.nio.ByteBuffer;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.ebs.volume.VolumeId;

/**
 * The in-process backend (the default). Each submission runs the engine
 * operation on the caller's thread and queues its completion before returning, so a run under virtual time
 * is deterministic; the card still sees completions only when it polls, as with the remote backend.
 * <p>
 * Several backends (one per card) may share one engine: engine calls are serialised on the engine. Write data
 * goes to the engine as a view of the request where the request's buffer wraps a direct ByteBuffer (the card's
 * shaped rings do), so the engine's journal and block file copy it straight from there; other buffers are copied
 * once into a scratch buffer first. Read data goes straight from the block file into the completion.
 * <p>
 * A volume may be served by a server of its own instead ({@link #serveFrom}): an {@link EmbeddedStorageServer}
 * that a fault can kill and restart; while it is down, the volume's submissions are refused as busy.
 */
public final class EmbeddedStorageBackend implements StorageBackend
{
    /** Views kept: more than the volumes one card serves at once (an instance has at most 27 attachments). */
    static final int MAX_VIEWED_BUFFERS = 32;

    private final StorageEngine engine;
    private final boolean ownsEngine;
    private final CompletionRing completions;
    private final ByteBuffer writeScratch;
    private final UnsafeBuffer writeScratchBuffer;
    /**
     * The latest direct ByteBuffers writes arrived in, each with a view of it at the same index (no allocation per
     * write while a card's volumes fit); bounded, so the rings of volumes detached long ago are not kept alive.
     */
    private final ByteBuffer[] viewed = new ByteBuffer[MAX_VIEWED_BUFFERS];
    private final ByteBuffer[] views = new ByteBuffer[MAX_VIEWED_BUFFERS];
    private int nextViewSlot;
    private final ByteBuffer statusScratch = ByteBuffer.allocateDirect(StorageProtocol.STATUS_LENGTH);
    private final UnsafeBuffer statusBuffer = new UnsafeBuffer(statusScratch);
    private final int maxIoBytes;
    /** Volumes served by a server of their own, as (high, low) pairs with the server at the same index. */
    private int[] ownHigh = new int[0];
    private long[] ownLow = new long[0];
    private EmbeddedStorageServer[] ownServer = new EmbeddedStorageServer[0];
    private boolean closed;

    /**
     * @param engine      the engine (shared or owned).
     * @param ownsEngine  close the engine with this backend.
     * @param maxInFlight requests in flight at most (completions not yet polled).
     */
    public EmbeddedStorageBackend(final StorageEngine engine, final boolean ownsEngine, final int maxInFlight)
    {
        ConfigChecks.range("maximum requests in flight", maxInFlight, 1, 65_536, "");
        this.engine = engine;
        this.ownsEngine = ownsEngine;
        this.maxIoBytes = engine.maxIoBytes();
        this.completions = new CompletionRing(ringCapacity(maxIoBytes), maxIoBytes, maxInFlight);
        this.writeScratch = ByteBuffer.allocateDirect(maxIoBytes);
        this.writeScratchBuffer = new UnsafeBuffer(writeScratch);
    }

    static int ringCapacity(final int maxIoBytes)
    {
        // Agrona's largest message is capacity / 8: room for eight maximum reads at least, 4 MiB at least.
        return Math.max(4 << 20, 8 * CompletionRing.completionBytes(maxIoBytes) + 64);
    }

    public StorageEngine engine()
    {
        return engine;
    }

    /**
     * Serves {@code volumeId} from {@code server} from now on (call before the volume is created, on the thread that
     * submits). Its maximum I/O must be this backend's.
     */
    public void serveFrom(final VolumeId volumeId, final EmbeddedStorageServer server)
    {
        if (server.engine() == null || server.engine().maxIoBytes() != maxIoBytes)
        {
            throw new IllegalArgumentException("storage server for " + volumeId + " must be running with a maximum I/O of "
                + maxIoBytes + " B");
        }
        final int n = ownServer.length;
        ownHigh = java.util.Arrays.copyOf(ownHigh, n + 1);
        ownLow = java.util.Arrays.copyOf(ownLow, n + 1);
        ownServer = java.util.Arrays.copyOf(ownServer, n + 1);
        ownHigh[n] = volumeId.high();
        ownLow[n] = volumeId.low();
        ownServer[n] = server;
    }

    /** The engine that serves the volume, or null while its own server is down. */
    private StorageEngine engineFor(final int volHigh, final long volLow)
    {
        for (int i = 0; i < ownServer.length; i++)
        {
            if (ownHigh[i] == volHigh && ownLow[i] == volLow)
            {
                return ownServer[i].engine();
            }
        }
        return engine;
    }

    @Override
    public int maxIoBytes()
    {
        return maxIoBytes;
    }

    @Override
    public boolean submitCreateVolume(final long requestId, final VolumeId volumeId, final long sizeBytes)
    {
        final StorageEngine engine = engineFor(volumeId.high(), volumeId.low());
        final int reserved = CompletionRing.completionBytes(0);
        if (engine == null || !completions.reserve(reserved))
        {
            return false;
        }
        final int status;
        final long sequence;
        synchronized (engine)
        {
            status = engine.createVolume(volumeId, sizeBytes);
            sequence = engine.lastSequence();
        }
        completions.complete(requestId, StorageOp.CREATE, status, status == StorageStatus.OK ? sequence : 0, reserved);
        return true;
    }

    @Override
    public boolean submitWrite(
        final long requestId,
        final VolumeId volumeId,
        final long offsetBytes,
        final DirectBuffer src,
        final int srcIndex,
        final int length)
    {
        StorageBackend.checkIoLength(length, maxIoBytes);
        final StorageEngine engine = engineFor(volumeId.high(), volumeId.low());
        final int reserved = CompletionRing.completionBytes(0);
        if (engine == null || !completions.reserve(reserved))
        {
            return false;
        }
        final ByteBuffer data = writeData(src, srcIndex, length);
        final int status;
        final long sequence;
        synchronized (engine)
        {
            status = engine.write(volumeId.high(), volumeId.low(), offsetBytes, data);
            sequence = engine.lastSequence();
        }
        completions.complete(requestId, StorageOp.WRITE, status, status == StorageStatus.OK ? sequence : 0, reserved);
        return true;
    }

    /**
     * The {@code length} bytes at {@code index} of {@code src} as a ByteBuffer: a view of src's direct ByteBuffer
     * (no copy), or else the scratch buffer holding a copy of them.
     */
    private ByteBuffer writeData(final DirectBuffer src, final int index, final int length)
    {
        final ByteBuffer backing = src.byteBuffer();
        if (backing == null || !backing.isDirect())
        {
            src.getBytes(index, writeScratchBuffer, 0, length);
            return writeScratch.clear().limit(length);
        }
        ByteBuffer view = null;
        for (int i = 0; i < viewed.length && view == null; i++)
        {
            view = viewed[i] == backing ? views[i] : null;
        }
        if (view == null)
        {
            final int slot = nextViewSlot;
            nextViewSlot = slot + 1 == MAX_VIEWED_BUFFERS ? 0 : slot + 1;
            view = backing.duplicate();
            viewed[slot] = backing;
            views[slot] = view;
        }
        final int at = src.wrapAdjustment() + index;
        return view.clear().position(at).limit(at + length);
    }

    @Override
    public boolean submitRead(final long requestId, final VolumeId volumeId, final long offsetBytes, final int length)
    {
        StorageBackend.checkIoLength(length, maxIoBytes);
        final StorageEngine engine = engineFor(volumeId.high(), volumeId.low());
        final int reserved = CompletionRing.completionBytes(length);
        if (engine == null || !completions.reserve(reserved))
        {
            return false;
        }
        final int index = completions.claim(StorageOp.READ, length);
        final int status;
        synchronized (engine)
        {
            status = engine.read(volumeId.high(), volumeId.low(), offsetBytes, completions.dataView(index, length));
        }
        if (status == StorageStatus.OK)
        {
            completions.commit(index, requestId, status, 0, reserved);
        }
        else
        {
            completions.abort(index);
            completions.complete(requestId, StorageOp.READ, status, 0, reserved);
        }
        return true;
    }

    @Override
    public boolean submitFlush(final long requestId, final VolumeId volumeId)
    {
        final StorageEngine engine = engineFor(volumeId.high(), volumeId.low());
        final int reserved = CompletionRing.completionBytes(0);
        if (engine == null || !completions.reserve(reserved))
        {
            return false;
        }
        final int status;
        synchronized (engine)
        {
            status = engine.flush(volumeId.high(), volumeId.low());
        }
        completions.complete(requestId, StorageOp.FLUSH, status, 0, reserved);
        return true;
    }

    @Override
    public boolean submitTrim(final long requestId, final VolumeId volumeId, final long offsetBytes, final long lengthBytes)
    {
        final StorageEngine engine = engineFor(volumeId.high(), volumeId.low());
        final int reserved = CompletionRing.completionBytes(0);
        if (engine == null || !completions.reserve(reserved))
        {
            return false;
        }
        final int status;
        final long sequence;
        synchronized (engine)
        {
            status = engine.trim(volumeId.high(), volumeId.low(), offsetBytes, lengthBytes);
            sequence = engine.lastSequence();
        }
        completions.complete(requestId, StorageOp.TRIM, status, status == StorageStatus.OK ? sequence : 0, reserved);
        return true;
    }

    @Override
    public boolean submitStatus(final long requestId)
    {
        final int reserved = CompletionRing.completionBytes(StorageProtocol.STATUS_LENGTH);
        if (!completions.reserve(reserved))
        {
            return false;
        }
        synchronized (engine)
        {
            StorageProtocol.encodeStatus(engine, statusBuffer, 0);
        }
        final int index = completions.claim(StorageOp.STATUS, StorageProtocol.STATUS_LENGTH);
        completions.buffer().putBytes(index + CompletionRing.HEADER_LENGTH, statusBuffer, 0,
            StorageProtocol.STATUS_LENGTH);
        completions.commit(index, requestId, StorageStatus.OK, 0, reserved);
        return true;
    }

    @Override
    public int poll(final StorageCompletionHandler handler, final int limit)
    {
        return completions.poll(handler, limit);
    }

    @Override
    public int inFlight()
    {
        return completions.inFlight();
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (ownsEngine)
        {
            synchronized (engine)
            {
                engine.close();
            }
        }
    }
}
