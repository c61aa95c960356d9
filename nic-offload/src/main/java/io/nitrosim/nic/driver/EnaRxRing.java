package io.nitrosim.nic.driver;

import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.nic.ena.EnaResetReason;
import io.nitrosim.nic.ena.RxCompletion;
import io.nitrosim.nic.ena.RxDescriptor;
import io.nitrosim.pci.GuestMemoryAccess;
import io.nitrosim.pci.queue.CompletionQueueReader;
import io.nitrosim.pci.queue.SubmissionQueueWriter;

/**
 * One RX queue of the driver: its SQ and CQ in guest memory and a buffer per descriptor (buffer id = req_id).
 * Every buffer is posted at start; RX completions are gathered per frame (up to {@code captureBytes} copied into
 * one buffer; a frame in one buffer is read in place, without a copy), handed to the driver's receiver (unless the
 * device flagged a checksum error), and the frame's buffers are posted again at once.
 */
final class EnaRxRing
{
    private final EnaDriver driver;
    private final EnaDriverContext ctx;
    private final GuestMemoryAccess memory;
    private final UnsafeBuffer frame;
    /** A one-buffer frame's guest buffer, read in place. */
    private final UnsafeBuffer inPlace = new UnsafeBuffer(new byte[0]);
    private final UnsafeBuffer descriptorBuffer = new UnsafeBuffer(new byte[RxDescriptor.LENGTH]);
    private final UnsafeBuffer completionBuffer = new UnsafeBuffer(new byte[RxCompletion.LENGTH]);
    private final RxDescriptor descriptor = new RxDescriptor();
    private final RxCompletion completion = new RxCompletion();
    private final int[] frameBuffers = new int[EnaDriver.MAX_FRAME_DESCS];
    final EnaRing ring;
    private final SubmissionQueueWriter sq;
    private final CompletionQueueReader cq;
    private int frameDescs;
    private int frameLength;
    private int frameCaptured;
    /** Completions reaped since the queue started: the next buffer the device fills is this one's (FIFO). */
    private int reaped;
    long frames;
    long completions;

    EnaRxRing(final EnaDriver driver, final EnaDriverContext ctx)
    {
        this.driver = driver;
        this.ctx = ctx;
        this.memory = ctx.memory;
        this.frame = new UnsafeBuffer(new byte[ctx.captureBytes]);
        this.ring = new EnaRing(RxCompletion.PHASE_TAG, ctx.rxDepth, RxCompletion.LENGTH, ctx.rxBufferBytes,
            ctx.captureBytes);
        this.sq = ring.sq;
        this.cq = ring.cq;
    }

    /** The queues exist on the device: post every buffer (the doorbell rings later). */
    void start()
    {
        ring.start(memory);
        frameDescs = 0;
        reaped = 0;
        for (int id = 0; id < ctx.rxDepth; id++)
        {
            post(id);
        }
    }

    /** The device is being reset: the ring stops; a frame half gathered is forgotten. */
    void stop()
    {
        ring.running = false;
        frameDescs = 0;
    }

    /**
     * The guest address of the posted buffer the device fills next, as far as the driver has seen: buffers are
     * posted and used in ring order and every used one is posted again at the tail, so it is buffer
     * {@code reaped mod depth}.
     */
    long nextBufferAddress()
    {
        return ring.buffer(reaped & (ctx.rxDepth - 1));
    }

    /** Posts buffer {@code id} at the tail. */
    private void post(final int id)
    {
        descriptor.wrap(descriptorBuffer, 0).set(ctx.rxBufferBytes & 0xFFFF, id, sq.tail().phase(),
            ring.buffer(id));
        sq.write(memory, descriptorBuffer, 0);
    }

    /** Writes the SQ tail doorbell if buffers were posted since the last one. @return doorbells written. */
    int ringDoorbell()
    {
        if (!ring.ringDoorbell(ctx.function))
        {
            return 0;
        }
        driver.rxDoorbells++;
        return 1;
    }

    /** Reaps up to {@code budget} RX completions, delivering whole frames and reposting their buffers. */
    int reap(final int budget, final long nowNs)
    {
        if (!ring.running)
        {
            return 0;
        }
        int done = 0;
        while (done < budget && cq.peek(memory, completionBuffer, 0))
        {
            final RxCompletion c = completion.wrap(completionBuffer, 0);
            final int length = c.length();
            final int id = c.reqId();
            cq.consume();
            done++;
            completions++;
            reaped++;
            if (id >= ctx.rxDepth)
            {
                driver.fail(EnaResetReason.INV_RX_REQ_ID);
                return done;
            }
            if (c.first())
            {
                frameDescs = 0;
                frameLength = 0;
                frameCaptured = 0;
            }
            if (frameDescs == EnaDriver.MAX_FRAME_DESCS)
            {
                driver.fail(EnaResetReason.TOO_MANY_RX_DESCS);
                return done;
            }
            frameBuffers[frameDescs++] = id;
            final int copy = Math.min(length, ctx.captureBytes - frameCaptured);
            UnsafeBuffer delivered = frame;
            if (copy > 0)
            {
                if (c.first() && c.last() && memory.view(ring.buffer(id), copy, inPlace))
                {
                    delivered = inPlace; // reposted only after the receiver returns
                }
                else
                {
                    memory.read(ring.buffer(id), frame, frameCaptured, copy);
                }
                frameCaptured += copy;
            }
            frameLength += length;
            if (c.last())
            {
                frames++;
                if (checksumGood(c.status()))
                {
                    driver.frameReceived(delivered, frameCaptured, frameLength, nowNs);
                }
                for (int d = 0; d < frameDescs; d++)
                {
                    post(frameBuffers[d]);
                }
                frameDescs = 0;
                if (!driver.isUp())
                {
                    return done;
                }
            }
        }
        return done;
    }

    /**
     * What Linux's {@code ena_rx_checksum} makes of the last completion's status: an IPv4 frame with l3_csum_err, or
     * a TCP/UDP frame with l4_csum_err, is bad (dropped here, counted); a TCP/UDP frame without l4_csum_checked is
     * counted unchecked and delivered.
     */
    private boolean checksumGood(final int status)
    {
        final int l3 = status & RxCompletion.L3_PROTO_IDX_MASK;
        final int l4 = (status & RxCompletion.L4_PROTO_IDX_MASK) >>> RxCompletion.L4_PROTO_IDX_SHIFT;
        if (l3 == RxCompletion.L3_PROTO_IPV4 && (status & RxCompletion.L3_CSUM_ERR) != 0)
        {
            driver.rxCsumBad++;
            return false;
        }
        if (l4 == RxCompletion.L4_PROTO_TCP || l4 == RxCompletion.L4_PROTO_UDP)
        {
            if ((status & RxCompletion.L4_CSUM_ERR) != 0)
            {
                driver.rxCsumBad++;
                return false;
            }
            if ((status & RxCompletion.L4_CSUM_CHECKED) == 0)
            {
                driver.rxCsumUnchecked++;
            }
        }
        return true;
    }

    /** Whether completions are waiting (a reap ran out of budget). */
    boolean backlog()
    {
        return ring.backlog(memory);
    }
}
