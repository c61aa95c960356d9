package io.nitrosim.nic.vpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.nitrosim.nic.flow.FlowKey;

class ConnTrackTableTest
{
    private static final long S = 1_000_000_000L;

    @Test
    void shouldRefuseFlowsBeyondTheAllowanceAndReuseExpiredEntries()
    {
        final ConnTrackTable table = new ConnTrackTable(2, 100 * S, 10 * S, 5 * S);
        final long hi = FlowKey.hi(1, 2);
        final long udpA = FlowKey.lo(1000, 53, 17, 0);
        final long udpB = FlowKey.lo(1001, 53, 17, 0);
        final long tcp = FlowKey.lo(1002, 80, 6, 0);
        assertTrue(table.track(hi, udpA, 0) >= 0);
        assertTrue(table.track(hi, tcp, 0) >= 0);
        assertEquals(-1, table.track(hi, udpB, S), "allowance of 2 reached");
        assertTrue(table.lookup(hi, udpA, 9 * S) >= 0, "refreshed at 9 s, now expires at 19 s");
        assertEquals(-1, table.track(hi, udpB, 18 * S));
        assertTrue(table.track(hi, udpB, 19 * S) >= 0, "the UDP entry expired and made room");
        assertEquals(1, table.expiredCount());
        assertEquals(-1, table.lookup(hi, udpA, 19 * S));
        assertTrue(table.lookup(hi, tcp, 99 * S) >= 0);
        assertEquals(-1, table.lookup(hi, tcp, 199 * S));
    }
}
