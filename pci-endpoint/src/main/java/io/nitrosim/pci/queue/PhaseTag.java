package io.nitrosim.pci.queue;

/**
 * Where an entry keeps its phase tag: the bit {@code mask} of the little-endian 32-bit word at
 * {@code wordOffset} in the entry. Each layout's flyweight declares its own (for example NVMe's completion
 * entry: word at 12, bit 16; ENA's RX completion: word at 0, bit 24), so the queue code polls the tag without
 * knowing the layout.
 */
public final class PhaseTag
{
    private final int wordOffset;
    private final int mask;

    public PhaseTag(final int wordOffset, final int mask)
    {
        if (wordOffset < 0 || (wordOffset & 3) != 0 || Integer.bitCount(mask) != 1)
        {
            throw new IllegalArgumentException("phase tag at word offset " + wordOffset + " mask 0x"
                + Integer.toHexString(mask) + ": accepted a 4-byte aligned offset and a one-bit mask");
        }
        this.wordOffset = wordOffset;
        this.mask = mask;
    }

    /** Byte offset in the entry of the 32-bit word holding the tag. */
    public int wordOffset()
    {
        return wordOffset;
    }

    public int mask()
    {
        return mask;
    }

    /** The tag in {@code word} (the word at {@link #wordOffset()}). */
    public boolean of(final int word)
    {
        return (word & mask) != 0;
    }

    @Override
    public String toString()
    {
        return "PhaseTag{word " + wordOffset + ", bit " + Integer.numberOfTrailingZeros(mask) + "}";
    }
}
