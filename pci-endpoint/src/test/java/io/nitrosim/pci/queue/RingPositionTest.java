package io.nitrosim.pci.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RingPositionTest
{
    @Test
    void shouldCountPastTheRingAndFlipThePhaseOnEveryLapWithRunningCounters()
    {
        final RingPosition p = new RingPosition(RingNumbering.RUNNING_COUNTER);
        p.reset(4);
        assertTrue(p.phase());
        p.advance(3);
        assertEquals(3, p.value());
        assertEquals(3, p.slot());
        assertTrue(p.phase());
        assertFalse(p.phaseAhead(1));
        assertEquals(0, p.slotAhead(1));
        p.advance();
        assertEquals(4, p.value());
        assertEquals(0, p.slot());
        assertFalse(p.phase());
        p.advance(4);
        assertTrue(p.phase());
        assertEquals(8, p.value());
        p.retreat();
        assertEquals(7, p.value());
        assertFalse(p.phase());
        assertEquals(3, p.distanceTo(10));
        assertEquals(0x1000 + 3 * 16, p.address(0x1000, 16));
    }

    @Test
    void shouldWrapSixteenBitCountersAndMeasureDistanceAcrossTheWrap()
    {
        final RingPosition p = new RingPosition(RingNumbering.RUNNING_COUNTER);
        p.reset(8);
        p.advance(8);
        for (int i = 0; i < 8190; i++)
        {
            p.advance(8);
        }
        assertEquals(65_528, p.value());
        assertFalse(p.phase()); // 0xFFF8: an odd lap of 8
        p.advance(8);
        assertEquals(0, p.value());
        assertTrue(p.phase());
        assertEquals(5, p.between(65_534, 3));
        assertEquals(65_534, p.valueAhead(65_534));
    }

    @Test
    void shouldWrapSlotIndexesAtAnySizeAndFlipThePhaseAtTheWrap()
    {
        final RingPosition p = new RingPosition(RingNumbering.SLOT_INDEX);
        p.reset(3);
        p.advance(2);
        assertEquals(2, p.value());
        assertTrue(p.phase());
        assertFalse(p.phaseAhead(1));
        assertEquals(0, p.valueAhead(1));
        p.advance();
        assertEquals(0, p.value());
        assertFalse(p.phase());
        p.retreat();
        assertEquals(2, p.value());
        assertTrue(p.phase());
        assertEquals(2, p.between(2, 1));
        assertEquals(1, p.distanceTo(0));
        assertEquals(0x1000 + 2 * 64, p.address(0x1000, 64));
    }

    @Test
    void shouldRefuseRingSizesTheNumberingCannotCount()
    {
        final RingPosition counter = new RingPosition(RingNumbering.RUNNING_COUNTER);
        assertEquals("ring of 6 entries: accepted a power of two in 1..32768",
            assertThrows(IllegalArgumentException.class, () -> counter.reset(6)).getMessage());
        assertEquals("ring of 65536 entries: accepted a power of two in 1..32768",
            assertThrows(IllegalArgumentException.class, () -> counter.reset(65_536)).getMessage());
        final RingPosition slots = new RingPosition(RingNumbering.SLOT_INDEX);
        slots.reset(6);
        assertEquals(6, slots.entries());
        assertEquals("ring of 0 entries: accepted at least 1",
            assertThrows(IllegalArgumentException.class, () -> slots.reset(0)).getMessage());
    }
}
