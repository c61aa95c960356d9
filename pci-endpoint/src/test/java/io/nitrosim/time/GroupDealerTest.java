package io.nitrosim.time;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Dealing ownership groups to workers in contiguous runs, by made-up loads. */
class GroupDealerTest
{
    @Test
    void shouldDealEqualGroupsInContiguousRunsOfNearlyEqualCounts()
    {
        assertArrayEquals(new int[] {0, 0, 1}, GroupDealer.dealEvenly(3, 2));
        assertArrayEquals(new int[] {0, 0, 1, 1}, GroupDealer.dealEvenly(4, 2));
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2, 3}, GroupDealer.dealEvenly(7, 4));
    }

    @Test
    void shouldGiveEachWorkerAGroupWhileGroupsLast()
    {
        assertArrayEquals(new int[] {0, 1}, GroupDealer.dealEvenly(2, 2));
        assertArrayEquals(new int[] {0, 1, 2}, GroupDealer.deal(new long[] {5, 0, 0}, 3), "idle groups too");
        assertArrayEquals(new int[] {0}, GroupDealer.deal(new long[] {7}, 3));
        assertArrayEquals(new int[] {0, 0, 1}, GroupDealer.deal(new long[] {0, 0, 0}, 2));
    }

    @Test
    void shouldSplitWhereTheHeaviestWorkerIsLightest()
    {
        // a card as heavy as ten guests, then guests with light cards: the card and 3 guests against 12
        final long[] loads = {0, 100, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1,
            10, 1, 10, 1, 10, 1, 10, 1};
        final int[] dealt = GroupDealer.deal(loads, 2);
        assertEquals(0, dealt[1]);
        assertEquals(1, dealt[loads.length - 1]);
        for (int i = 1; i < loads.length; i++)
        {
            assertTrue(dealt[i] >= dealt[i - 1], "contiguous");
        }
        assertEquals(100 + 3 * 11, GroupDealer.heaviest(loads, dealt, 2), "the best contiguous split");
        assertArrayEquals(new int[] {0, 1, 1, 1}, GroupDealer.deal(new long[] {30, 10, 10, 10}, 2));
        assertArrayEquals(new int[] {0, 0, 0, 1}, GroupDealer.deal(new long[] {10, 10, 10, 30}, 2));
    }

    @Test
    void shouldDealAgainOnlyWhenTheHeaviestWorkerGetsATenthLighter()
    {
        final long[] loads = {30, 10, 10, 10};
        final int[] evenly = {0, 0, 1, 1};
        final int[] best = GroupDealer.deal(loads, 2);
        assertEquals(40, GroupDealer.heaviest(loads, evenly, 2));
        assertEquals(30, GroupDealer.heaviest(loads, best, 2));
        assertTrue(GroupDealer.better(loads, evenly, best, 2));
        assertFalse(GroupDealer.better(loads, best, evenly, 2));
        assertFalse(GroupDealer.better(new long[] {41, 3, 40}, new int[] {0, 0, 1}, new int[] {0, 1, 1}, 2),
            "43 against 44 is too small a gain");
        assertTrue(GroupDealer.better(new long[] {41, 40}, new int[] {0, 0}, new int[] {0, 1}, 2));
    }
}
