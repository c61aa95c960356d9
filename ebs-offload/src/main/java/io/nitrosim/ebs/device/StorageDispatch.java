package io.nitrosim.ebs.device;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.ebs.storage.StorageBackend;
import io.nitrosim.ebs.storage.StorageCompletionHandler;
import io.nitrosim.ebs.storage.StorageOp;
import io.nitrosim.ebs.storage.StorageStatus;
import io.nitrosim.pci.queue.HandoffLayout;
import io.nitrosim.pci.queue.HandoffRecord;

/**
 * The EBS card's storage path, in storage terms: it hands each admitted {@link StorageRequest} to the
 * {@link StorageBackend} (a TRIM as one backend trim per range, resumed where it stopped when the backend is
 * busy), and returns each completion, with its {@link StorageStatus} and read data, on the volume's completion
 * ring. A timing-only volume's request completes as soon as it is admitted. A completion that finds its ring full
 * is kept aside, and the backend is not polled again until the ring takes it. Runs on the card's agent.
 */
final class StorageDispatch implements StorageCompletionHandler
{
    /** Backend request ids: the volume's index in the high half, the request's slot in the low one. */
    private static final long CREATE_REQUEST = 1L << 62;
    private static final int POLL_LIMIT = 64;

    /** The card's bookkeeping of one volume's backend requests. */
    private static final class Volume
    {
        final VolumePort port;
        final int[] pending = new int[NvmeController.MAX_SLOTS];
        final int[] worst = new int[NvmeController.MAX_SLOTS];
        final int[] epoch = new int[NvmeController.MAX_SLOTS];
        int rangesSubmitted;

        Volume(final VolumePort port)
        {
            this.port = port;
        }
    }

    private final StorageBackend backend;
    private final AtomicCounter backendErrors;
    private final StorageRequest request = new StorageRequest();
    private final UnsafeBuffer kept = new UnsafeBuffer(
        ByteBuffer.allocateDirect(HandoffLayout.COMPLETION.headerBytes() + NvmeController.MAX_TRANSFER_BYTES));
    private final HandoffRecord keptRecord = new HandoffRecord();
    private Volume[] volumes = new Volume[0];
    private Volume keptFor;

    StorageDispatch(final StorageBackend backend, final AtomicCounter backendErrors)
    {
        this.backend = backend;
        this.backendErrors = backendErrors;
    }

    /** A volume joins (in data mode the backend creates it, idempotently). */
    void attach(final VolumePort port, final long sizeBytes)
    {
        final int index = port.index();
        if (index >= volumes.length)
        {
            volumes = Arrays.copyOf(volumes, index + 1);
        }
        volumes[index] = new Volume(port);
        if (!port.timingOnly())
        {
            backend.submitCreateVolume(CREATE_REQUEST | index, port.volumeId(), sizeBytes);
        }
    }

    /** A volume leaves: its outstanding completions (and one kept aside) are dropped. */
    void detach(final int index)
    {
        if (keptFor != null && keptFor == volumes[index])
        {
            keptFor = null;
        }
        volumes[index] = null;
    }

    /**
     * Serves an admitted request of {@code port}: submits it to the backend, or completes it at once (timing-only).
     *
     * @return false when it cannot be taken now (backend busy, completion ring full): it stays at the ring's head.
     */
    boolean dispatch(final VolumePort port, final DirectBuffer buffer, final int payloadIndex)
    {
        final StorageRequest r = request.wrap(buffer, payloadIndex);
        final int slot = r.slot();
        final int epoch = r.epoch();
        if (epoch != port.epoch())
        {
            return true; // the front end was reset since: drop
        }
        if (port.timingOnly())
        {
            return port.completions().offer(slot, epoch, StorageStatus.OK, 0, buffer, 0, 0);
        }
        final Volume v = volumes[port.index()];
        final long requestId = ((long)port.index() << 32) | (slot & 0xFFFF_FFFFL);
        final long offsetBytes = r.offsetBytes();
        final int lengthBytes = (int)r.lengthBytes();
        final boolean submitted;
        switch (r.op())
        {
            case StorageOp.WRITE:
                submitted = backend.submitWrite(requestId, port.volumeId(), offsetBytes, buffer, r.dataIndex(),
                    lengthBytes);
                break;
            case StorageOp.READ:
                submitted = backend.submitRead(requestId, port.volumeId(), offsetBytes, lengthBytes);
                break;
            case StorageOp.FLUSH:
                submitted = backend.submitFlush(requestId, port.volumeId());
                break;
            default:
                return trim(v, r, requestId, slot, epoch);
        }
        if (!submitted)
        {
            return false; // backend busy: the record stays at the head
        }
        v.pending[slot] = 1;
        v.worst[slot] = StorageStatus.OK;
        v.epoch[slot] = epoch;
        return true;
    }

    /** One backend trim per range; resumes where it stopped if the backend is busy. */
    private boolean trim(final Volume v, final StorageRequest r, final long requestId, final int slot, final int epoch)
    {
        final int ranges = r.rangeCount();
        if (v.rangesSubmitted == 0)
        {
            v.pending[slot] = ranges;
            v.worst[slot] = StorageStatus.OK;
            v.epoch[slot] = epoch;
        }
        while (v.rangesSubmitted < ranges)
        {
            final long length = r.rangeLengthBytes(v.rangesSubmitted);
            if (length == 0)
            {
                v.pending[slot]--;
            }
            else if (!backend.submitTrim(requestId, v.port.volumeId(), r.rangeOffsetBytes(v.rangesSubmitted), length))
            {
                return false;
            }
            v.rangesSubmitted++;
        }
        v.rangesSubmitted = 0;
        if (v.pending[slot] == 0)
        {
            complete(v, slot, epoch, StorageStatus.OK, kept, 0, 0);
        }
        return true;
    }

    /** Hands the completion kept aside to its ring if there is room now. @return 1 when it went. */
    int flushKept()
    {
        if (keptFor == null || !keptFor.port.completions().offer(keptRecord))
        {
            return 0;
        }
        keptFor = null;
        return 1;
    }

    /** Takes the backend's completions (while none is kept aside). @return completions taken. */
    int pollBackend()
    {
        if (backend == null)
        {
            return 0;
        }
        int work = 0;
        while (keptFor == null && work < POLL_LIMIT)
        {
            final int n = backend.poll(this, 1);
            if (n == 0)
            {
                break;
            }
            work += n;
        }
        return work;
    }

    @Override
    public void onCompletion(final long requestId, final int op, final int status, final long value,
        final DirectBuffer buffer, final int dataIndex, final int dataLength)
    {
        if ((requestId & CREATE_REQUEST) != 0)
        {
            if (status != StorageStatus.OK)
            {
                backendErrors.increment();
            }
            return;
        }
        final int index = (int)(requestId >>> 32);
        final int slot = (int)requestId;
        if (index < 0 || index >= volumes.length || slot < 0 || slot >= NvmeController.MAX_SLOTS)
        {
            return;
        }
        final Volume v = volumes[index];
        if (v == null)
        {
            return; // detached
        }
        if (status != StorageStatus.OK)
        {
            backendErrors.increment();
            v.worst[slot] = status;
        }
        if (--v.pending[slot] > 0)
        {
            return;
        }
        final boolean withData = op == StorageOp.READ && v.worst[slot] == StorageStatus.OK;
        complete(v, slot, v.epoch[slot], v.worst[slot], buffer, dataIndex, withData ? dataLength : 0);
    }

    /** Returns a completion on the volume's ring, or keeps it aside when the ring is full. */
    private void complete(final Volume v, final int slot, final int epoch, final int status, final DirectBuffer data,
        final int dataIndex, final int dataLength)
    {
        if (!v.port.completions().offer(slot, epoch, status, dataLength, data, dataIndex, dataLength))
        {
            keptRecord.wrap(kept, 0, HandoffLayout.COMPLETION.headerBytes() + dataLength, HandoffLayout.COMPLETION)
                .set(slot, epoch, status, dataLength)
                .payload(data, dataIndex, dataLength);
            keptFor = v;
        }
    }
}
