package io.nitrosim.pci.queue;

/**
 * A position in a guest ring of {@code entries} slots and the phase tag an entry written there carries: a head
 * or a tail, as a device or a driver keeps it. Values are what the queue's doorbells and completions carry
 * ({@link RingNumbering}). Allocation-free; one owner thread.
 */
public final class RingPosition
{
    private static final int COUNTER_MASK = 0xFFFF;

    private final RingNumbering numbering;
    private int entries = 1;
    private int value;
    private boolean phase = true;

    public RingPosition(final RingNumbering numbering)
    {
        this.numbering = numbering;
    }

    /** Back to the start of a ring of {@code entries} slots: value 0, phase tag 1. */
    public void reset(final int entries)
    {
        if (entries < 1 || (numbering == RingNumbering.RUNNING_COUNTER
            && (entries > 32_768 || Integer.bitCount(entries) != 1)))
        {
            throw new IllegalArgumentException("ring of " + entries + " entries: accepted "
                + (numbering == RingNumbering.RUNNING_COUNTER ? "a power of two in 1..32768" : "at least 1"));
        }
        this.entries = entries;
        this.value = 0;
        this.phase = true;
    }

    public RingNumbering numbering()
    {
        return numbering;
    }

    public int entries()
    {
        return entries;
    }

    /** The position as doorbells and completions carry it (a running counter or a slot index). */
    public int value()
    {
        return value;
    }

    /** The slot this position is in. */
    public int slot()
    {
        return slotOf(value);
    }

    /** The phase tag of an entry at this position. */
    public boolean phase()
    {
        return phase;
    }

    /** Moves one entry on. */
    public void advance()
    {
        advance(1);
    }

    /** Moves {@code count} entries on (0..entries). */
    public void advance(final int count)
    {
        if (numbering == RingNumbering.RUNNING_COUNTER)
        {
            value = (value + count) & COUNTER_MASK;
            phase = (value & entries) == 0;
        }
        else
        {
            value += count;
            if (value >= entries)
            {
                value -= entries;
                phase = !phase;
            }
        }
    }

    /** Moves one entry back (undoes an {@link #advance()}). */
    public void retreat()
    {
        if (numbering == RingNumbering.RUNNING_COUNTER)
        {
            value = (value - 1) & COUNTER_MASK;
            phase = (value & entries) == 0;
        }
        else if (value == 0)
        {
            value = entries - 1;
            phase = !phase;
        }
        else
        {
            value--;
        }
    }

    /** The value {@code ahead} entries on (0..entries), without moving. */
    public int valueAhead(final int ahead)
    {
        if (numbering == RingNumbering.RUNNING_COUNTER)
        {
            return (value + ahead) & COUNTER_MASK;
        }
        final int v = value + ahead;
        return v >= entries ? v - entries : v;
    }

    /** The slot {@code ahead} entries on (0..entries-1). */
    public int slotAhead(final int ahead)
    {
        return slotOf(valueAhead(ahead));
    }

    /** The phase tag of the entry {@code ahead} entries on (0..entries-1). */
    public boolean phaseAhead(final int ahead)
    {
        if (numbering == RingNumbering.RUNNING_COUNTER)
        {
            return (((value + ahead) & COUNTER_MASK) & entries) == 0;
        }
        return value + ahead >= entries ? !phase : phase;
    }

    /** Entries from this position to the position value {@code to} (what lies between a head and a tail). */
    public int distanceTo(final int to)
    {
        return between(value, to);
    }

    /** Entries from position value {@code from} to position value {@code to}, in this ring's numbering. */
    public int between(final int from, final int to)
    {
        if (numbering == RingNumbering.RUNNING_COUNTER)
        {
            return (to - from) & COUNTER_MASK;
        }
        return to >= from ? to - from : to - from + entries;
    }

    /** The slot of position value {@code positionValue}. */
    public int slotOf(final int positionValue)
    {
        return numbering == RingNumbering.RUNNING_COUNTER ? positionValue & (entries - 1) : positionValue;
    }

    /** Guest-physical address of this position's entry in a ring at {@code base} of {@code entryBytes} entries. */
    public long address(final long base, final int entryBytes)
    {
        return base + (long)slot() * entryBytes;
    }

    @Override
    public String toString()
    {
        return "RingPosition{" + numbering + " " + value + "/" + entries + (phase ? " phase 1}" : " phase 0}");
    }
}
