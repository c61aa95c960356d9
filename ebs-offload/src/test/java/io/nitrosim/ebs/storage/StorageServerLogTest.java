package io.nitrosim.ebs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class StorageServerLogTest
{
    private final ServerHarness.ManualClock clock = new ServerHarness.ManualClock();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final StorageServerLog log =
        new StorageServerLog(new PrintStream(bytes, true, StandardCharsets.UTF_8), clock, 20);

    private String[] lines()
    {
        final String text = bytes.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? new String[0] : text.split("\n", -1);
    }

    @Test
    void shouldPrintOneLinePerEventUpToTheRateAndCountEveryEvent()
    {
        for (int i = 0; i < 100; i++)
        {
            log.log(StorageServerLog.Reason.BAD_REQUEST, "127.0.0.1:5000", StorageOp.WRITE, "length " + i);
        }
        assertEquals(20 + 1, lines().length, "a burst of 20 lines, then silence (last element: after the newline)");
        assertEquals(100, log.count(StorageServerLog.Reason.BAD_REQUEST));
        assertEquals(80, log.suppressed());
        clock.nowNs += 100_000_000L; // 0.1 s: two more lines' worth
        log.log(StorageServerLog.Reason.UNAUTHORIZED, "127.0.0.1:5001", -1, null);
        final String[] lines = lines();
        assertEquals("storage-server event=malformed reason=bad-request remote=127.0.0.1:5000 op=WRITE"
            + " detail=\"length 0\"", lines[0]);
        assertEquals("storage-server event=refused reason=unauthorized remote=127.0.0.1:5001 suppressed=80",
            lines[20]);
        assertEquals(0, log.suppressed());
    }

    @Test
    void shouldKeepEachEventOnOneEscapedAndShortLine()
    {
        log.log(StorageServerLog.Reason.MALFORMED_FRAME, "x", -1, "a\nb\"c\\" + "z".repeat(300));
        final String[] lines = lines();
        assertEquals(2, lines.length);
        assertEquals("storage-server event=malformed reason=bad-frame remote=x detail=\"a\\x0ab\\\"c\\\\"
            + "z".repeat(154) + "...(146 more)\"", lines[0]);
    }
}
