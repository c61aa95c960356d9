package io.nitrosim.nic.ena;

import io.nitrosim.nic.card.TxQueue;
import io.nitrosim.pci.queue.CompletionQueueWriter;
import io.nitrosim.pci.queue.InterruptVectors;
import io.nitrosim.pci.queue.RingNumbering;
import io.nitrosim.pci.queue.SubmissionQueueReader;

/**
 * The IO queues of an ENA function: TX and RX submission queues (one of each per queue pair) and the completion
 * queues they complete into, created and destroyed by admin commands, reached by doorbells, and the MSI-X vectors
 * their completions raise (vector 0 for admin and AENQ, one-shot IO vectors from 1 re-armed by the CQ unmask
 * registers). Positions are ENA's 16-bit running counters. Agent thread only.
 */
final class EnaQueues
{
    /** Descriptors read by one DMA when the device walks a ring. */
    static final int DESCRIPTOR_BURST = 64;

    /** An IO completion queue. */
    static final class Cq
    {
        final int idx;
        final CompletionQueueWriter ring = new CompletionQueueWriter(RingNumbering.RUNNING_COUNTER);
        Sq boundSq;

        Cq(final int idx)
        {
            this.idx = idx;
        }

        boolean inUse()
        {
            return ring.isOpen();
        }

        void free()
        {
            ring.close();
            boundSq = null;
        }
    }

    /** An IO submission queue, with the descriptor chain of the frame at its head. */
    static final class Sq
    {
        final int idx;
        final int direction;
        final SubmissionQueueReader ring =
            new SubmissionQueueReader(RingNumbering.RUNNING_COUNTER, TxDescriptor.LENGTH, DESCRIPTOR_BURST);
        final long[] chainAddr = new long[EnaFunction.MAX_PACKET_DESCS];
        final int[] chainLen = new int[EnaFunction.MAX_PACKET_DESCS];
        final int[] chainReq = new int[EnaFunction.MAX_PACKET_DESCS];
        Cq cq;
        boolean completeAll;
        TxQueue txQueue;
        int chainLength;
        int chainBytes;
        int chainReqId;
        boolean chainCompReq;
        /** The chain's first descriptor asked for the L4 checksum (l4_csum_en). */
        boolean chainL4Csum;
        boolean chainMalformed;
        boolean blocked;

        Sq(final int idx, final int direction)
        {
            this.idx = idx;
            this.direction = direction;
        }

        boolean inUse()
        {
            return ring.isOpen();
        }

        int depth()
        {
            return ring.entries();
        }

        void open(final long base, final int depth, final Cq cq, final boolean completeAll, final TxQueue txQueue)
        {
            ring.open(base, depth);
            this.cq = cq;
            cq.boundSq = this;
            this.completeAll = completeAll;
            this.txQueue = txQueue;
            this.chainLength = 0;
            this.blocked = false;
        }

        void free()
        {
            if (ring.isOpen() && cq != null)
            {
                cq.boundSq = null;
            }
            ring.close();
            cq = null;
            chainLength = 0;
        }
    }

    private final int maxPairs;
    private final int maxQueueDepth;
    private final TxQueue[] txQueues;
    private final Sq[] txSqs;
    private final Sq[] rxSqs;
    private final Cq[] cqs;
    private final Sq[] activeRx;
    private int activeRxCount;
    private final InterruptVectors vectors;

    EnaQueues(final int maxPairs, final int maxQueueDepth, final TxQueue[] txQueues)
    {
        this.maxPairs = maxPairs;
        this.maxQueueDepth = maxQueueDepth;
        this.txQueues = txQueues;
        this.txSqs = new Sq[maxPairs];
        this.rxSqs = new Sq[maxPairs];
        this.activeRx = new Sq[maxPairs];
        this.cqs = new Cq[2 * maxPairs];
        for (int i = 0; i < maxPairs; i++)
        {
            txSqs[i] = new Sq(i, EnaAdmin.SQ_DIRECTION_TX);
            rxSqs[i] = new Sq(i, EnaAdmin.SQ_DIRECTION_RX);
        }
        for (int i = 0; i < cqs.length; i++)
        {
            cqs[i] = new Cq(i);
        }
        this.vectors = new InterruptVectors(maxPairs + 1, 1);
    }

    InterruptVectors vectors()
    {
        return vectors;
    }

    Sq txSq(final int i)
    {
        return txSqs[i];
    }

    int pairs()
    {
        return maxPairs;
    }

    /** The RX queue a frame of flow hash {@code hash} goes to (a fixed RSS), or null when there is none. */
    Sq rxQueueFor(final int hash)
    {
        if (activeRxCount == 0)
        {
            return null;
        }
        return activeRx[activeRxCount == 1 ? 0 : (hash & 0x7FFF_FFFF) % activeRxCount];
    }

    /** Drops every queue (device reset): nothing pending, every vector armed. */
    void clear()
    {
        for (final Sq sq : txSqs)
        {
            sq.free();
        }
        for (final Sq sq : rxSqs)
        {
            sq.free();
        }
        for (final Cq cq : cqs)
        {
            cq.free();
        }
        activeRxCount = 0;
        vectors.reset();
    }

    /** An IO doorbell: an SQ tail, or a CQ's unmask register. */
    void doorbell(final int offset, final int value)
    {
        if (offset >= EnaRegisters.SQ_DOORBELL_BASE && offset < EnaRegisters.CQ_UNMASK_BASE)
        {
            final int rel = offset - EnaRegisters.SQ_DOORBELL_BASE;
            final int idx = rel / EnaRegisters.SQ_DOORBELL_STRIDE;
            if (idx < maxPairs)
            {
                final Sq sq = (rel % EnaRegisters.SQ_DOORBELL_STRIDE) == 0 ? txSqs[idx] : rxSqs[idx];
                if (sq.inUse())
                {
                    sq.ring.tail(value & 0xFFFF);
                }
            }
        }
        else if (offset >= EnaRegisters.CQ_UNMASK_BASE && offset < EnaRegisters.MSIX_TABLE_OFFSET)
        {
            final int idx = (offset - EnaRegisters.CQ_UNMASK_BASE) / EnaRegisters.CQ_UNMASK_STRIDE;
            if (idx < cqs.length && cqs[idx].inUse() && (value & EnaRegisters.INTR_REG_UNMASK) != 0)
            {
                final int vector = cqs[idx].ring.vector();
                if (vector > 0)
                {
                    vectors.rearm(vector);
                }
            }
        }
    }

    /** Completions were written to {@code cq}: its vector fires at the end of the pass (if armed). */
    void completionWritten(final Cq cq)
    {
        if (cq.ring.vector() > 0)
        {
            vectors.raise(cq.ring.vector());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Admin commands that create and destroy queues. Each returns an EnaAdmin status.

    private boolean validQueueDepth(final int depth)
    {
        return depth >= 2 && depth <= maxQueueDepth && Integer.bitCount(depth) == 1;
    }

    private static boolean validRingAddress(final long base, final int depth, final int entryBytes)
    {
        return base % entryBytes == 0 && EnaMemAddress.fits(base)
            && base + (long)depth * entryBytes <= EnaRegisters.DMA_ADDRESS_LIMIT;
    }

    int createCq(final AdminCommand cmd, final AdminCompletion resp)
    {
        final int words = cmd.u8(AdminCommand.CREATE_CQ_CAPS_2_OFFSET) & AdminCommand.CQ_CAPS_2_ENTRY_SIZE_WORDS_MASK;
        final int depth = cmd.u16(AdminCommand.CREATE_CQ_DEPTH_OFFSET);
        final boolean interrupts =
            (cmd.u8(AdminCommand.CREATE_CQ_CAPS_1_OFFSET) & AdminCommand.CQ_CAPS_1_INTERRUPT_MODE) != 0;
        final int vector = cmd.u32(AdminCommand.CREATE_CQ_MSIX_VECTOR_OFFSET);
        final long base = cmd.address(AdminCommand.CREATE_CQ_BASE_OFFSET);
        if ((words != TxCompletion.ENTRY_SIZE_WORDS && words != RxCompletion.ENTRY_SIZE_WORDS)
            || !validQueueDepth(depth) || (interrupts && (vector < 1 || vector > maxPairs))
            || !validRingAddress(base, depth, words * 4))
        {
            return EnaAdmin.ILLEGAL_PARAMETER;
        }
        for (final Cq cq : cqs)
        {
            if (!cq.inUse())
            {
                cq.ring.open(base, depth, words * 4, interrupts ? vector : CompletionQueueWriter.NO_VECTOR);
                cq.boundSq = null;
                resp.u16(AdminCompletion.CREATE_CQ_IDX_OFFSET, cq.idx)
                    .u16(AdminCompletion.CREATE_CQ_ACTUAL_DEPTH_OFFSET, depth)
                    .u32(AdminCompletion.CREATE_CQ_NUMA_REGISTER_OFFSET, 0)
                    .u32(AdminCompletion.CREATE_CQ_HEAD_DB_REGISTER_OFFSET, 0)
                    .u32(AdminCompletion.CREATE_CQ_UNMASK_REGISTER_OFFSET, EnaRegisters.cqUnmask(cq.idx));
                return EnaAdmin.SUCCESS;
            }
        }
        return EnaAdmin.RESOURCE_ALLOCATION_FAILURE;
    }

    int destroyCq(final AdminCommand cmd)
    {
        final int idx = cmd.u16(AdminCommand.DESTROY_CQ_IDX_OFFSET);
        if (idx >= cqs.length || !cqs[idx].inUse())
        {
            return EnaAdmin.ILLEGAL_PARAMETER;
        }
        if (cqs[idx].boundSq != null)
        {
            return EnaAdmin.RESOURCE_BUSY;
        }
        cqs[idx].free();
        return EnaAdmin.SUCCESS;
    }

    int createSq(final AdminCommand cmd, final AdminCompletion resp)
    {
        final int direction = cmd.sqDirection();
        final int caps2 = cmd.u8(AdminCommand.CREATE_SQ_CAPS_2_OFFSET);
        final int placement = caps2 & AdminCommand.PLACEMENT_POLICY_MASK;
        final int completionPolicy =
            (caps2 & AdminCommand.COMPLETION_POLICY_MASK) >>> AdminCommand.COMPLETION_POLICY_SHIFT;
        final int cqIdx = cmd.u16(AdminCommand.CREATE_SQ_CQ_IDX_OFFSET);
        final int depth = cmd.u16(AdminCommand.CREATE_SQ_DEPTH_OFFSET);
        final long base = cmd.address(AdminCommand.CREATE_SQ_BASE_OFFSET);
        if (direction != EnaAdmin.SQ_DIRECTION_TX && direction != EnaAdmin.SQ_DIRECTION_RX
            || placement != EnaAdmin.PLACEMENT_POLICY_HOST
            || (completionPolicy != EnaAdmin.COMPLETION_POLICY_DESC
            && completionPolicy != EnaAdmin.COMPLETION_POLICY_DESC_ON_DEMAND)
            || !validQueueDepth(depth) || !validRingAddress(base, depth, TxDescriptor.LENGTH))
        {
            return EnaAdmin.ILLEGAL_PARAMETER;
        }
        final boolean tx = direction == EnaAdmin.SQ_DIRECTION_TX;
        final Cq cq = cqIdx < cqs.length ? cqs[cqIdx] : null;
        if (cq == null || !cq.inUse() || cq.boundSq != null || cq.ring.entries() < depth
            || cq.ring.entryBytes() != (tx ? TxCompletion.LENGTH : RxCompletion.LENGTH))
        {
            return EnaAdmin.ILLEGAL_PARAMETER;
        }
        final Sq[] table = tx ? txSqs : rxSqs;
        for (final Sq sq : table)
        {
            if (!sq.inUse())
            {
                sq.open(base, depth, cq, completionPolicy == EnaAdmin.COMPLETION_POLICY_DESC,
                    tx ? txQueues[sq.idx] : null);
                if (!tx)
                {
                    rebuildActiveRx();
                }
                resp.u16(AdminCompletion.CREATE_SQ_IDX_OFFSET, sq.idx)
                    .u32(AdminCompletion.CREATE_SQ_DOORBELL_OFFSET_OFFSET,
                        tx ? EnaRegisters.txSqDoorbell(sq.idx) : EnaRegisters.rxSqDoorbell(sq.idx));
                return EnaAdmin.SUCCESS;
            }
        }
        return EnaAdmin.RESOURCE_ALLOCATION_FAILURE;
    }

    int destroySq(final AdminCommand cmd)
    {
        final int idx = cmd.u16(AdminCommand.DESTROY_SQ_IDX_OFFSET);
        final int direction = (cmd.u8(AdminCommand.DESTROY_SQ_IDENTITY_OFFSET) & AdminCommand.SQ_DIRECTION_MASK)
            >>> AdminCommand.SQ_DIRECTION_SHIFT;
        final Sq[] table = direction == EnaAdmin.SQ_DIRECTION_TX ? txSqs
            : direction == EnaAdmin.SQ_DIRECTION_RX ? rxSqs : null;
        if (table == null || idx >= table.length || !table[idx].inUse())
        {
            return EnaAdmin.ILLEGAL_PARAMETER;
        }
        table[idx].free();
        if (table == rxSqs)
        {
            rebuildActiveRx();
        }
        return EnaAdmin.SUCCESS;
    }

    private void rebuildActiveRx()
    {
        activeRxCount = 0;
        for (final Sq sq : rxSqs)
        {
            if (sq.inUse())
            {
                activeRx[activeRxCount++] = sq;
            }
        }
    }
}
