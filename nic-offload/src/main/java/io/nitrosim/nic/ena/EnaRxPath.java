package io.nitrosim.nic.ena;

import java.util.concurrent.atomic.AtomicLong;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler.Action;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.card.FrameSink;
import io.nitrosim.nic.flow.FlowKey;
import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.pci.DmaPort;
import io.nitrosim.pci.queue.HandoffLayout;
import io.nitrosim.pci.queue.HandoffRecord;
import io.nitrosim.pci.queue.HandoffRing;
import io.nitrosim.pci.queue.SubmissionQueueReader;
import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.time.Wake;

/**
 * The receive path of an ENA function. The card delivers a frame to the function's {@link FrameSink}, which copies
 * it (or its first {@code captureBytes}) into a bounded {@link HandoffRing} of {@link HandoffLayout#FRAME} records
 * (the frame's full length, then the captured bytes; the card may run on another thread);
 * a full ring refuses, which the card counts as a receiver without buffers. The device agent drains the ring: it
 * picks an RX SQ by flow hash, takes as many posted buffers as the frame needs, DMA-writes the frame into them and
 * writes one RX completion per buffer, the last with the frame's protocol indexes and the RX checksum offloads'
 * verdicts ({@link EnaChecksum}). No posted buffer (or no RX queue, or the device in reset or fatal): the
 * frame is dropped and counted in the ENI's {@code nic.rx_no_buffer_dropped}.
 */
final class EnaRxPath implements FrameSink, HandoffRing.Handler
{
    @Override
    public void bindWakes(final Wake card, final Wake consumer)
    {
        handoff.wakeProducer(card);
        handoff.wakeConsumer(consumer);
    }

    private final EnaFunction device;
    private final EnaQueues queues;
    private final EnaDeviceMeters meters;
    private final int captureBytes;
    private final HandoffRing handoff;
    private final RxDescriptor descriptor = new RxDescriptor();
    private final RxCompletion completion = new RxCompletion();
    private final UnsafeBuffer completionBuffer = new UnsafeBuffer(new byte[RxCompletion.LENGTH]);
    private final EthernetFrame frame = new EthernetFrame();
    /**
     * Frames the card handed over: its own count (card thread), published (release) before each offer and taken back
     * when the offer is refused, and the frames the device agent took. Equal: the hand-off ring is empty, and the
     * device does not read it (a frame being offered may already be counted: one read for nothing).
     */
    private long offered;
    private final AtomicLong offeredPublished = new AtomicLong();
    private long taken;

    EnaRxPath(final EnaFunction device, final EnaQueues queues, final EnaDeviceMeters meters, final int captureBytes,
        final int handoffFrames)
    {
        this.device = device;
        this.queues = queues;
        this.meters = meters;
        this.captureBytes = captureBytes;
        this.handoff = new HandoffRing(HandoffRing.capacityFor(HandoffLayout.FRAME, handoffFrames, captureBytes),
            HandoffLayout.FRAME);
    }

    /** Card thread: hands a delivered frame to the device agent. @return false when the hand-off ring is full. */
    @Override
    public boolean onFrame(final EniPort eni, final DirectBuffer buffer, final int offset, final int capturedLength,
        final int frameLength, final long nowNs)
    {
        if (!device.linkUp())
        {
            meters.linkDropped.incrementRelease(); // no link: the frame never reaches the device
            return true;
        }
        final int captured = Math.min(capturedLength, captureBytes);
        offeredPublished.lazySet(++offered); // before the offer wakes the device: a device woken by it sees the count
        if (!handoff.offer(frameLength, buffer, offset, captured))
        {
            offeredPublished.lazySet(--offered);
            return false;
        }
        return true;
    }

    boolean hasFrames()
    {
        return !handoff.isEmpty();
    }

    /** Device agent: writes up to {@code budget} handed-off frames into the guest's RX buffers. */
    int drain(final int budget)
    {
        if (offeredPublished.get() == taken)
        {
            return 0; // nothing handed over since the last drain
        }
        final int n = handoff.drain(this, budget);
        taken += n;
        return n;
    }

    @Override
    public Action onRecord(final HandoffRecord record)
    {
        receive(record.buffer(), record.payloadIndex(), record.payloadLength(), record.length());
        return Action.CONTINUE;
    }

    private void receive(final MutableDirectBuffer src, final int srcIndex, final int captured, final int frameLength)
    {
        final int hash = flowHash(src, srcIndex, captured);
        final EnaQueues.Sq sq = device.isResetting() || device.isFatal() ? null : queues.rxQueueFor(hash);
        if (sq == null)
        {
            meters.countRxDrop();
            return;
        }
        final SubmissionQueueReader ring = sq.ring;
        final int pending = ring.pending();
        if (pending > ring.entries())
        {
            device.fatal(EnaResetReason.RX_DESCRIPTOR_MALFORMED);
            return;
        }
        // First pass: find enough posted buffers for the whole frame, checking each descriptor.
        final DmaPort dma = device.dma();
        int needed = 0;
        long room = 0;
        while (room < frameLength)
        {
            if (needed == pending)
            {
                meters.countRxDrop();
                return;
            }
            if (needed == EnaFunction.MAX_PACKET_DESCS)
            {
                meters.rxOverruns.incrementRelease(); // buffers too small for this frame
                return;
            }
            final int at = ring.peek(needed, dma);
            if (at < 0)
            {
                device.fatal(EnaResetReason.GENERIC);
                return;
            }
            final RxDescriptor d = descriptor.wrap(ring.cache(), at);
            if (d.phase() != ring.expectedPhase(needed))
            {
                device.fatal(EnaResetReason.RX_DESCRIPTOR_MALFORMED);
                return;
            }
            final int reqId = d.reqId();
            if (reqId >= ring.entries())
            {
                device.fatal(EnaResetReason.INV_RX_REQ_ID);
                return;
            }
            sq.chainAddr[needed] = d.bufferAddress();
            sq.chainLen[needed] = d.bufferLength();
            sq.chainReq[needed] = reqId;
            room += sq.chainLen[needed];
            needed++;
        }
        // Second pass: DMA the captured bytes, one completion per buffer.
        final EnaQueues.Cq cq = sq.cq;
        final int protocols = parsedStatus(src, srcIndex, captured, frameLength);
        int offset = 0;
        for (int d = 0; d < needed; d++)
        {
            final int inBuffer = Math.min(sq.chainLen[d], frameLength - offset);
            final int copy = Math.min(inBuffer, captured - offset);
            if (copy > 0 && dma.write(sq.chainAddr[d], src, srcIndex + offset, copy) != DmaPort.OK)
            {
                device.fatal(EnaResetReason.RX_DESCRIPTOR_MALFORMED); // RX completions carry no error status
                return;
            }
            final boolean last = d == needed - 1;
            completion.wrap(completionBuffer, 0).set(last ? protocols : 0, cq.ring.phase(), d == 0, last, inBuffer,
                sq.chainReq[d], hash);
            if (cq.ring.post(dma, completionBuffer, 0) != DmaPort.OK)
            {
                device.fatal(EnaResetReason.GENERIC);
                return;
            }
            offset += inBuffer;
        }
        device.tracer().emit(TraceKind.DESCRIPTOR_COMPLETE, 2 * sq.idx + 1, ring.head().value(), sq.chainReq[0],
            frameLength, cq.ring.phase() ? 1 : 0);
        ring.consume(needed);
        meters.rxFrames.incrementRelease();
        meters.rxBytes.getAndAddRelease(frameLength);
        queues.completionWritten(cq);
    }

    private int flowHash(final DirectBuffer src, final int index, final int captured)
    {
        if (captured < EthernetFrame.L4_OFFSET + 4)
        {
            return 0;
        }
        final EthernetFrame f = frame.wrap(src, index, captured);
        return FlowKey.hash(FlowKey.hi(f.srcIp(), f.dstIp()), FlowKey.lo(f.srcPort(), f.dstPort(), f.protocol(), 0));
    }

    /**
     * The last completion's parsing bits: the protocol indexes and the RX checksum offloads' verdicts
     * ({@link EnaChecksum}): l3_csum_err when the IPv4 header checksum fails; for TCP/UDP, l4_csum_checked when the
     * whole frame is here and carries a checksum, with l4_csum_err when it fails.
     */
    private static int parsedStatus(final DirectBuffer src, final int index, final int captured, final int frameLength)
    {
        if (!EnaChecksum.isIpv4(src, index, captured))
        {
            return 0;
        }
        final int protocol = src.getByte(index + EthernetFrame.IP_PROTOCOL_OFFSET) & 0xFF;
        final int l4 = protocol == EthernetFrame.PROTO_TCP ? RxCompletion.L4_PROTO_TCP
            : protocol == EthernetFrame.PROTO_UDP ? RxCompletion.L4_PROTO_UDP : 0;
        int status = RxCompletion.protocolIndexes(RxCompletion.L3_PROTO_IPV4, l4);
        if (!EnaChecksum.ipv4HeaderOk(src, index))
        {
            status |= RxCompletion.L3_CSUM_ERR;
        }
        if (l4 != 0 && captured >= frameLength)
        {
            final int verdict = EnaChecksum.checkL4(src, index, frameLength);
            if (verdict >= 0)
            {
                status |= RxCompletion.L4_CSUM_CHECKED | (verdict == 0 ? RxCompletion.L4_CSUM_ERR : 0);
            }
        }
        return status;
    }
}
