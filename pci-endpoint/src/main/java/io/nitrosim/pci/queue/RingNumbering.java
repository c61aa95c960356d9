package io.nitrosim.pci.queue;

/** How a guest queue numbers its positions in doorbells and completions. */
public enum RingNumbering
{
    /**
     * 16-bit running counters (ENA): a position keeps counting past the ring's end and wraps at 65536; the ring's
     * entries are a power of two (at most 32768), position p is in slot {@code p mod entries}, and its phase tag is 1
     * on the first lap and flips on every wrap ({@code (p & entries) == 0}).
     */
    RUNNING_COUNTER,

    /**
     * Slot indexes (NVMe): positions are 0..entries-1 and wrap to 0 (any number of entries); the phase tag is 1 on
     * the first lap and flips each time the position wraps.
     */
    SLOT_INDEX
}
