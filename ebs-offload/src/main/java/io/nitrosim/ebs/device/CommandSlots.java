package io.nitrosim.ebs.device;

/**
 * The controller's I/O commands in flight, one slot each: where it came from (SQ, CID), what it is (opcode, LBA,
 * bytes, when it was fetched), and for a read the guest segments its data goes to. A slot is taken when the
 * command enters the data path and released when its completion is posted; a slot whose SQ was deleted is
 * abandoned (its data-path record is dropped when it comes back). Slot numbers are handed out lowest first.
 */
final class CommandSlots
{
    static final int FREE = 0;
    static final int BUSY = 1;
    static final int ABANDONED = 2;

    final int[] state;
    final int[] sq;
    final int[] cid;
    final int[] opcode;
    final long[] lba;
    final int[] bytes;
    final long[] startNs;
    /** The command carries a storage latency added by a fault. */
    final boolean[] delayed;
    final int[] segments;
    final long[] segmentAddr;
    final int[] segmentLen;
    private final int segmentsPerSlot;
    private final int[] free;
    private int freeCount;
    private int inFlight;
    private int delayedInFlight;

    CommandSlots(final int slots, final int segmentsPerSlot)
    {
        this.segmentsPerSlot = segmentsPerSlot;
        state = new int[slots];
        sq = new int[slots];
        cid = new int[slots];
        opcode = new int[slots];
        lba = new long[slots];
        bytes = new int[slots];
        startNs = new long[slots];
        delayed = new boolean[slots];
        segments = new int[slots];
        segmentAddr = new long[slots * segmentsPerSlot];
        segmentLen = new int[slots * segmentsPerSlot];
        free = new int[slots];
        reset();
    }

    /** Every slot free (controller reset). */
    void reset()
    {
        freeCount = 0;
        for (int s = state.length - 1; s >= 0; s--)
        {
            state[s] = FREE;
            delayed[s] = false;
            free[freeCount++] = s;
        }
        inFlight = 0;
        delayedInFlight = 0;
    }

    int capacity()
    {
        return state.length;
    }

    boolean hasFree()
    {
        return freeCount > 0;
    }

    /** The slot {@link #take} will return. */
    int nextFree()
    {
        return free[freeCount - 1];
    }

    /** Takes the next free slot for a command fetched at {@code nowNs}. */
    int take(final int sqId, final int commandId, final int op, final long startLba, final int byteCount,
        final long nowNs)
    {
        final int slot = free[--freeCount];
        inFlight++;
        state[slot] = BUSY;
        sq[slot] = sqId;
        cid[slot] = commandId;
        opcode[slot] = op;
        lba[slot] = startLba;
        bytes[slot] = byteCount;
        startNs[slot] = nowNs;
        segments[slot] = 0;
        delayed[slot] = false;
        return slot;
    }

    /** Keeps the guest segments a read's data goes to. */
    void segments(final int slot, final long[] addrs, final int[] lens, final int count)
    {
        segments[slot] = count;
        System.arraycopy(addrs, 0, segmentAddr, slot * segmentsPerSlot, count);
        System.arraycopy(lens, 0, segmentLen, slot * segmentsPerSlot, count);
    }

    /** Index in {@link #segmentAddr}/{@link #segmentLen} of a slot's first segment. */
    int firstSegment(final int slot)
    {
        return slot * segmentsPerSlot;
    }

    /** Marks a taken slot's command as carrying a fault's added storage latency. */
    void markDelayed(final int slot)
    {
        delayed[slot] = true;
        delayedInFlight++;
    }

    void release(final int slot)
    {
        if (delayed[slot])
        {
            delayed[slot] = false;
            delayedInFlight--;
        }
        state[slot] = FREE;
        free[freeCount++] = slot;
        inFlight--;
    }

    /** Commands in flight that carry a fault's added storage latency. */
    int delayedInFlight()
    {
        return delayedInFlight;
    }

    /** Commands taken and not yet released. */
    int inFlight()
    {
        return inFlight;
    }
}
