package io.nitrosim.nic.ena;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.nic.card.TxQueue;
import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.pci.DmaPort;
import io.nitrosim.pci.queue.SubmissionQueueReader;
import io.nitrosim.pci.trace.TraceKind;

/**
 * The transmit path of an ENA function: walks each TX SQ from its head (descriptors read by DMA in bursts), checks
 * the chain of each frame, claims a record in the ENI's card {@link TxQueue}, DMA-reads the frame (or its first
 * {@code captureBytes}) into it, computes the TCP/UDP checksum when the first descriptor asks (l4_csum_en) and the
 * whole frame is there ({@link EnaChecksum}), and writes a TX completion. A full card queue stops the SQ until the card has
 * taken a frame (back-pressure, never a drop); per-frame problems complete with an error status; ring corruption
 * is a fatal error. Agent thread.
 */
final class EnaTxPath
{
    private static final int MIN_FRAME_BYTES = EthernetFrame.L4_OFFSET;

    private final EnaFunction device;
    private final EnaQueues queues;
    private final EnaDeviceMeters meters;
    private final int captureBytes;
    private final int burst;
    private final TxDescriptor descriptor = new TxDescriptor();
    private final TxCompletion completion = new TxCompletion();
    private final UnsafeBuffer completionBuffer = new UnsafeBuffer(new byte[TxCompletion.LENGTH]);
    private int roundRobin;

    EnaTxPath(final EnaFunction device, final EnaQueues queues, final EnaDeviceMeters meters, final int captureBytes,
        final int burst)
    {
        this.device = device;
        this.queues = queues;
        this.meters = meters;
        this.captureBytes = captureBytes;
        this.burst = burst;
    }

    /** Sends up to {@code burst} frames from each TX SQ, starting at a rotating queue. @return frames handled. */
    int process()
    {
        int work = 0;
        final int n = queues.pairs();
        int i = roundRobin;
        for (int k = 0; k < n; k++)
        {
            final EnaQueues.Sq sq = queues.txSq(i);
            i = i + 1 == n ? 0 : i + 1;
            if (sq.inUse() && !sq.ring.isEmpty())
            {
                work += processQueue(sq);
                if (device.isFatal())
                {
                    break;
                }
            }
        }
        roundRobin = i;
        return work;
    }

    private int processQueue(final EnaQueues.Sq sq)
    {
        int frames = 0;
        final DmaPort dma = device.dma();
        while (frames < burst)
        {
            if (sq.chainLength == 0 && !scanChain(sq))
            {
                break; // incomplete chain (wait for the doorbell) or fatal
            }
            final int total = sq.chainBytes;
            int status = TxCompletion.STATUS_OK;
            if (sq.chainMalformed || total > device.mtu() + EthernetFrame.ETH_HEADER_LENGTH || total < MIN_FRAME_BYTES)
            {
                status = TxCompletion.STATUS_MALFORMED;
            }
            else
            {
                final TxQueue queue = sq.txQueue;
                final int captured = Math.min(total, captureBytes);
                final int index = queue.tryClaim(captured, total);
                if (index < 0)
                {
                    if (!sq.blocked)
                    {
                        sq.blocked = true;
                        meters.txBlocked.incrementRelease();
                    }
                    break; // the card's queue is full: leave the frame in the guest's ring
                }
                sq.blocked = false;
                status = copyFrame(sq, dma, queue.buffer(), index, captured);
                if (status == TxCompletion.STATUS_OK)
                {
                    if (sq.chainL4Csum && captured == total)
                    {
                        EnaChecksum.writeL4(queue.buffer(), index, total); // TX L4 checksum offload (whole frame)
                    }
                    queue.commit(index);
                    meters.txFrames.incrementRelease();
                    meters.txBytes.getAndAddRelease(total);
                }
                else
                {
                    queue.abort(index);
                }
            }
            if (status != TxCompletion.STATUS_OK)
            {
                meters.txErrors.incrementRelease();
            }
            device.tracer().emit(TraceKind.DESCRIPTOR_COMPLETE, 2 * sq.idx, sq.ring.head().value(), sq.chainReqId, status, 0);
            sq.ring.consume(sq.chainLength);
            sq.chainLength = 0;
            frames++;
            if ((sq.chainCompReq || sq.completeAll) && !complete(sq, sq.chainReqId, status))
            {
                break;
            }
        }
        return frames;
    }

    /** DMA-reads the first {@code captured} bytes of the chain's buffers into the card record. @return a TX status. */
    private static int copyFrame(final EnaQueues.Sq sq, final DmaPort dma, final MutableDirectBuffer dst,
        final int index, final int captured)
    {
        int copied = 0;
        for (int d = 0; d < sq.chainLength && copied < captured; d++)
        {
            final int length = Math.min(sq.chainLen[d], captured - copied);
            if (length > 0 && dma.read(sq.chainAddr[d], dst, index + copied, length) != DmaPort.OK)
            {
                return TxCompletion.STATUS_DMA_ERROR;
            }
            copied += length;
        }
        return TxCompletion.STATUS_OK;
    }

    /**
     * Reads the next frame's descriptors from the SQ head into the SQ's chain arrays.
     *
     * @return true when a complete chain is ready; false when the doorbell has not covered its last descriptor
     * yet, or after a fatal error (chain without last within the queue, bad req_id, phase, DMA refusal).
     */
    private boolean scanChain(final EnaQueues.Sq sq)
    {
        final SubmissionQueueReader ring = sq.ring;
        final int pending = ring.pending();
        if (pending > ring.entries())
        {
            device.fatal(EnaResetReason.DRIVER_INVALID_STATE); // a tail more than a ring ahead of the head
            return false;
        }
        int bytes = 0;
        boolean malformed = false;
        for (int k = 0; k < pending; k++)
        {
            final int at = ring.peek(k, device.dma());
            if (at < 0)
            {
                device.fatal(EnaResetReason.GENERIC); // the ring itself is outside guest memory
                return false;
            }
            final TxDescriptor d = descriptor.wrap(ring.cache(), at);
            if (d.phase() != ring.expectedPhase(k) || d.first() != (k == 0))
            {
                device.fatal(EnaResetReason.DRIVER_INVALID_STATE);
                return false;
            }
            if (k == 0)
            {
                final int reqId = d.reqId();
                if (reqId >= ring.entries())
                {
                    device.fatal(EnaResetReason.INV_TX_REQ_ID);
                    return false;
                }
                sq.chainReqId = reqId;
                sq.chainCompReq = d.compReq();
                sq.chainL4Csum = (d.metaCtrl() & TxDescriptor.L4_CSUM_EN) != 0;
            }
            if (k >= EnaFunction.MAX_PACKET_DESCS)
            {
                device.fatal(EnaResetReason.DRIVER_INVALID_STATE); // more descriptors than one frame may have
                return false;
            }
            int length = 0;
            if (!d.metaDesc())
            {
                length = d.length();
                malformed |= length == 0;
            }
            sq.chainAddr[k] = d.bufferAddress();
            sq.chainLen[k] = length;
            bytes += length;
            if (d.last())
            {
                sq.chainLength = k + 1;
                sq.chainBytes = bytes;
                sq.chainMalformed = malformed;
                device.tracer().emit(TraceKind.DESCRIPTOR_FETCH, 2 * sq.idx, ring.head().value(), sq.chainReqId, bytes, 0);
                return true;
            }
        }
        if (pending == ring.entries())
        {
            device.fatal(EnaResetReason.DRIVER_INVALID_STATE); // the whole ring and still no last descriptor
        }
        return false;
    }

    private boolean complete(final EnaQueues.Sq sq, final int reqId, final int status)
    {
        final EnaQueues.Cq cq = sq.cq;
        completion.wrap(completionBuffer, 0).set(reqId, status, cq.ring.phase(), sq.ring.head().value());
        if (cq.ring.post(device.dma(), completionBuffer, 0) != DmaPort.OK)
        {
            device.fatal(EnaResetReason.GENERIC);
            return false;
        }
        queues.completionWritten(cq);
        return true;
    }
}
