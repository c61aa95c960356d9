package io.nitrosim.nic.driver;

import java.nio.ByteOrder;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.nic.ena.EnaResetReason;
import io.nitrosim.nic.ena.RxCompletion;
import io.nitrosim.nic.ena.TxCompletion;
import io.nitrosim.nic.ena.TxDescriptor;
import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.nic.frame.FrameOutlet;
import io.nitrosim.pci.GuestMemoryAccess;
import io.nitrosim.pci.queue.CompletionQueueReader;
import io.nitrosim.pci.queue.SubmissionQueueWriter;

/**
 * One TX queue of the driver: its SQ and CQ in guest memory, a buffer per descriptor, and the {@link FrameOutlet}
 * face (claim, write the frame into a staging buffer, commit: the frame is copied into the queue's guest buffers,
 * split over several descriptors when longer than one). A frame that fits one buffer is written in place instead: the
 * claim points {@link #buffer()} at the guest buffer itself, as a driver builds a packet in its DMA buffer, and the
 * commit copies nothing. TX completions free descriptors in order; a req_id out of order is INV_TX_REQ_ID. Doorbells
 * are batched ({@link #ringDoorbell()}).
 */
final class EnaTxRing implements FrameOutlet
{
    private final EnaDriver driver;
    private final EnaDriverContext ctx;
    private final GuestMemoryAccess memory;
    private final int pair;
    private final UnsafeBuffer staging;
    /** The claimed frame's guest buffer, when it is written in place. */
    private final UnsafeBuffer inPlace = new UnsafeBuffer(new byte[0]);
    private final UnsafeBuffer descriptors = new UnsafeBuffer(new byte[EnaDriver.MAX_FRAME_DESCS * TxDescriptor.LENGTH]);
    private final UnsafeBuffer completionBuffer = new UnsafeBuffer(new byte[TxCompletion.LENGTH]);
    private final TxDescriptor descriptor = new TxDescriptor();
    private final TxCompletion completion = new TxCompletion();
    private final int[] descsOfReq;
    final EnaRing ring;
    private final SubmissionQueueWriter sq;
    private final CompletionQueueReader cq;
    private int cleanHead;
    private boolean claimed;
    private int claimedCaptured;
    private int claimedLength;
    private int claimedDescs;
    private boolean claimedInPlace;
    long frames;
    long completions;
    long descriptorsPosted;
    int lastErrorStatus;

    EnaTxRing(final EnaDriver driver, final EnaDriverContext ctx, final int pair)
    {
        this.driver = driver;
        this.ctx = ctx;
        this.memory = ctx.memory;
        this.pair = pair;
        this.staging = new UnsafeBuffer(new byte[ctx.captureBytes]);
        this.descsOfReq = new int[ctx.txDepth];
        this.ring = new EnaRing(TxCompletion.PHASE_TAG, ctx.txDepth, TxCompletion.LENGTH, ctx.txBufferBytes,
            ctx.captureBytes);
        this.sq = ring.sq;
        this.cq = ring.cq;
    }

    /** The queues exist on the device: start from empty rings. */
    void start()
    {
        ring.start(memory);
        cleanHead = 0;
        claimed = false;
        claimedInPlace = false;
        java.util.Arrays.fill(descsOfReq, 0);
    }

    /**
     * The device is being reset: the ring stops and every frame posted and not completed is forgotten (its
     * descriptors die with the device's queues). @return the frames lost.
     */
    int stop()
    {
        ring.running = false;
        claimed = false;
        int lost = 0;
        for (int i = 0; i < descsOfReq.length; i++)
        {
            if (descsOfReq[i] != 0)
            {
                lost++;
                descsOfReq[i] = 0;
            }
        }
        return lost;
    }

    private int free()
    {
        return ctx.txDepth - sq.tail().between(cleanHead, sq.tail().value());
    }

    @Override
    public int tryClaim(final int capturedLength, final int frameLength)
    {
        if (!driver.isUp() || driver.carrierOff() || !ring.running || claimed || frameLength < 1
            || frameLength > 0xFFFF * EnaDriver.MAX_FRAME_DESCS)
        {
            return -1;
        }
        final int descs = (frameLength + ctx.txBufferBytes - 1) / ctx.txBufferBytes;
        if (descs > EnaDriver.MAX_FRAME_DESCS || descs > free())
        {
            return -1;
        }
        claimed = true;
        claimedCaptured = Math.min(Math.min(capturedLength, frameLength), ctx.captureBytes);
        claimedLength = frameLength;
        claimedDescs = descs;
        // Same capacity as the staging buffer, so a writer sees no difference.
        claimedInPlace = descs == 1 && ctx.captureBytes <= ctx.txBufferBytes
            && memory.view(ring.buffer(sq.tail().slot()), ctx.captureBytes, inPlace);
        return 0;
    }

    /** Bytes of the claimed frame the staging buffer carries (the whole frame, or its first bytes). */
    int claimedCaptured()
    {
        return claimedCaptured;
    }

    @Override
    public MutableDirectBuffer buffer()
    {
        return claimedInPlace ? inPlace : staging;
    }

    @Override
    public void commit(final int index)
    {
        if (!claimed)
        {
            throw new IllegalStateException("commit without a claim on TX queue " + pair);
        }
        claimed = false;
        final int segment = ctx.txBufferBytes;
        final int reqId = sq.tail().slot();
        final int offloads = offloads();
        int remaining = claimedLength;
        int capturedLeft = claimedCaptured;
        for (int d = 0; d < claimedDescs; d++)
        {
            final long buffer = ring.buffer(sq.tail().slotAhead(d));
            final int length = Math.min(segment, remaining);
            final int copy = Math.min(length, capturedLeft);
            if (copy > 0 && !claimedInPlace)
            {
                memory.write(buffer, staging, d * segment, copy);
            }
            descriptor.wrap(descriptors, d * TxDescriptor.LENGTH).set(length, reqId, sq.tail().phaseAhead(d),
                d == 0, d == claimedDescs - 1, d == 0, d == 0 ? offloads : 0, buffer);
            remaining -= length;
            capturedLeft -= copy;
        }
        sq.write(memory, descriptors, 0, claimedDescs);
        claimedInPlace = false;
        descsOfReq[reqId] = claimedDescs;
        descriptorsPosted += claimedDescs;
        frames++;
    }

    /**
     * The first descriptor's meta bits for the staged frame: for IPv4 TCP/UDP the protocol indexes and l4_csum_en
     * (the device computes the full L4 checksum, as Linux's {@code ena_tx_csum} asks for CHECKSUM_PARTIAL skbs; the
     * IPv4 header checksum is the guest's own), 0 otherwise.
     */
    private int offloads()
    {
        final MutableDirectBuffer frame = buffer(); // the staging buffer, or the guest buffer written in place
        if (claimedCaptured < EthernetFrame.L4_OFFSET
            || (frame.getShort(EthernetFrame.ETHER_TYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF)
            != EthernetFrame.ETHER_TYPE_IPV4)
        {
            return 0;
        }
        final int protocol = frame.getByte(EthernetFrame.IP_PROTOCOL_OFFSET) & 0xFF;
        final int l4 = protocol == EthernetFrame.PROTO_TCP ? RxCompletion.L4_PROTO_TCP
            : protocol == EthernetFrame.PROTO_UDP ? RxCompletion.L4_PROTO_UDP : 0;
        return l4 == 0 ? 0 : RxCompletion.L3_PROTO_IPV4 | (l4 << TxDescriptor.L4_PROTO_IDX_SHIFT)
            | TxDescriptor.L4_CSUM_EN;
    }

    @Override
    public boolean hasRoom()
    {
        return driver.isUp() && ring.running && free() >= 1;
    }

    /** Writes the SQ tail doorbell if descriptors were posted since the last one. @return doorbells written. */
    int ringDoorbell()
    {
        if (!ring.ringDoorbell(ctx.function))
        {
            return 0;
        }
        driver.txDoorbells++;
        return 1;
    }

    /** Reaps up to {@code budget} TX completions, freeing their descriptors. @return completions reaped. */
    int reap(final int budget)
    {
        // Nothing posted and not yet completed: a TX completion only ever answers a posted descriptor, so the CQ is
        // not read (as a driver whose next_to_clean has caught up with next_to_use has nothing to clean). A stray
        // completion is still found, as INV_TX_REQ_ID, once a descriptor is in flight.
        if (!ring.running || cleanHead == sq.tail().value())
        {
            return 0;
        }
        final int depth = ctx.txDepth;
        int done = 0;
        while (done < budget && cq.peek(memory, completionBuffer, 0))
        {
            final TxCompletion c = completion.wrap(completionBuffer, 0);
            final int reqId = c.reqId();
            if (reqId != (cleanHead & (depth - 1)) || descsOfReq[reqId] == 0)
            {
                driver.fail(EnaResetReason.INV_TX_REQ_ID);
                return done + 1;
            }
            final int status = c.status();
            if (status != TxCompletion.STATUS_OK)
            {
                driver.txErrors++;
                lastErrorStatus = status;
            }
            cleanHead = (cleanHead + descsOfReq[reqId]) & 0xFFFF;
            descsOfReq[reqId] = 0;
            cq.consume();
            completions++;
            done++;
        }
        return done;
    }

    /** Whether completions are waiting (a reap ran out of budget). */
    boolean backlog()
    {
        return ring.backlog(memory);
    }
}
