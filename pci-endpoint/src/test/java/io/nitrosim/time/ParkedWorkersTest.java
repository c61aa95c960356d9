package io.nitrosim.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The park flags of the concurrent runtime's workers, by handshakes: worker 0 parks for an hour, so only a wake-up
 * ends its park within the test's time limit.
 */
class ParkedWorkersTest
{
    private static final long HOUR_NS = 3_600_000_000_000L;

    @Test
    @Timeout(60)
    void shouldUnparkAParkedWorkerOnceWhenAnotherDidWorkAndCountIt() throws Exception
    {
        final AtomicReference<ParkedWorkers> lotRef = new AtomicReference<>();
        final AtomicReference<Boolean> endedByItself = new AtomicReference<>();
        final Thread zero = new Thread(() -> endedByItself.set(lotRef.get().park(0, HOUR_NS)));
        final ParkedWorkers lot = new ParkedWorkers(new Thread[] {zero, Thread.currentThread()});
        lotRef.set(lot);
        zero.start();
        while (lot.parked() < 1)
        {
            Thread.onSpinWait();
        }

        lot.wakeAllBut(0); // worker 0 itself did work: it wakes nobody but the others
        assertEquals(0, lot.wakeUps());
        assertEquals(1, lot.parked());

        lot.wakeAllBut(1); // worker 1 did work
        zero.join();
        assertFalse(endedByItself.get(), "woken, not timed out");
        assertEquals(1, lot.wakeUps());
        assertEquals(0, lot.parked());

        lot.wakeAllBut(1); // nobody parked: nobody woken
        assertEquals(1, lot.wakeUps());
    }

    @Test
    void shouldSayAParkEndedByItselfAndLeaveNobodyCountedParked()
    {
        final ParkedWorkers lot = new ParkedWorkers(new Thread[] {Thread.currentThread()});
        assertTrue(lot.park(0, 1_000L));
        assertEquals(0, lot.parked());
        assertEquals(0, lot.wakeUps());
    }
}
