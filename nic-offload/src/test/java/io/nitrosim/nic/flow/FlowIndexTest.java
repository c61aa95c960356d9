package io.nitrosim.nic.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class FlowIndexTest
{
    @Test
    void shouldAgreeWithAReferenceMapUnderRandomOperations()
    {
        final FlowIndex index = new FlowIndex(5_000, 4);
        final Map<List<Long>, Integer> reference = new HashMap<>();
        final List<List<Long>> keys = new ArrayList<>();
        final SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 200_000; i++)
        {
            final long hi = random.nextInt(64);
            final long lo = random.nextInt(128);
            final List<Long> key = List.of(hi, lo);
            final Integer entry = reference.get(key);
            assertEquals(entry == null ? -1 : entry, index.find(hi, lo));
            if (entry == null && random.nextInt(3) > 0)
            {
                final int e = index.insert(hi, lo);
                assertTrue(e >= 0);
                reference.put(key, e);
                keys.add(key);
            }
            else if (entry != null && random.nextBoolean())
            {
                index.remove(entry);
                reference.remove(key);
            }
            assertEquals(reference.size(), index.size());
        }
    }

    @Test
    void shouldRefuseBeyondMaxEntriesAndHandOutIdsDeterministically()
    {
        final FlowIndex a = new FlowIndex(3, 1);
        assertEquals(0, a.insert(1, 1));
        assertEquals(1, a.insert(2, 2));
        assertEquals(2, a.insert(3, 3));
        assertEquals(-1, a.insert(4, 4));
        a.remove(1);
        assertEquals(1, a.insert(5, 5), "the freed id is reused");
        assertEquals(1, a.find(5, 5));
        assertEquals(-1, a.find(2, 2));
    }
}
