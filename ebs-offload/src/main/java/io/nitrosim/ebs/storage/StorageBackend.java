package io.nitrosim.ebs.storage;

import org.agrona.DirectBuffer;

import io.nitrosim.ebs.volume.VolumeId;

/**
 * Where the EBS card sends its volumes' I/O: asynchronous submission, completions delivered through a bounded
 * queue that the card's agent polls. Submissions never block: they return false when the backend cannot take
 * the request now (too many in flight, no room for its completion or its bytes), and the agent retries later,
 * which back-pressures the guest.
 * <p>
 * Two implementations: {@link EmbeddedStorageBackend} (in-process, the default; completes during submission,
 * so results are deterministic under virtual time) and {@link RemoteStorageBackend} (a {@link StorageServer}
 * over TCP; completions arrive from the network thread).
 * <p>
 * Submit and poll from one thread (the card's agent). A length above {@link #maxIoBytes()} is a programming
 * error (the card enforces its MDTS) and throws.
 */
public interface StorageBackend extends AutoCloseable
{
    /** Largest READ or WRITE accepted. */
    int maxIoBytes();

    /** The one check every backend applies to a READ or WRITE length. */
    static void checkIoLength(final int length, final int maxIoBytes)
    {
        if (length < 0 || length > maxIoBytes)
        {
            throw new IllegalArgumentException("I/O length " + length + " B is out of range: accepted 0.." + maxIoBytes
                + " B (the backend's maximum I/O)");
        }
    }

    /** Creates the volume, or checks it exists with this size (VOLUME_SIZE_MISMATCH otherwise). */
    boolean submitCreateVolume(long requestId, VolumeId volumeId, long sizeBytes);

    /** Writes {@code length} bytes from {@code src} (copied before return); acknowledged once journaled. */
    boolean submitWrite(long requestId, VolumeId volumeId, long offsetBytes, DirectBuffer src, int srcIndex, int length);

    /** Reads {@code length} bytes; the completion carries them. */
    boolean submitRead(long requestId, VolumeId volumeId, long offsetBytes, int length);

    boolean submitFlush(long requestId, VolumeId volumeId);

    boolean submitTrim(long requestId, VolumeId volumeId, long offsetBytes, long lengthBytes);

    /** Server counters; the completion carries {@link StorageProtocol#STATUS_LENGTH} bytes. */
    boolean submitStatus(long requestId);

    /** Delivers up to {@code limit} completions to {@code handler}. @return how many were delivered. */
    int poll(StorageCompletionHandler handler, int limit);

    /** Requests submitted whose completion has not been polled yet. */
    int inFlight();

    @Override
    void close();
}
