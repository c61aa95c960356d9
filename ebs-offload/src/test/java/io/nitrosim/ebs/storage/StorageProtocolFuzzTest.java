package io.nitrosim.ebs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.Unpooled;

/**
 * Fuzzes the storage server's protocol decoding (frame decoder, session, worker, engine) with arbitrary byte
 * streams on one connection. Input: byte 0 chooses whether the connection authenticates first (bit 0) and the size
 * of the pieces the stream arrives in (bits 1-7); the rest is the stream.
 * <p>
 * Invariants: no exception escapes (the channel records any, and the server's INTERNAL_ERROR count stays 0);
 * every response is a well-formed frame; every complete request frame is answered, unless the connection was
 * closed, and then a refusal or malformed input was counted. Regression inputs: {@code StorageProtocolFuzzTestInputs}
 * in the test resources (run by the default suite); {@code -Pfuzz} fuzzes.
 */
class StorageProtocolFuzzTest
{
    @TempDir
    static Path dir;
    private static ServerHarness harness;

    @BeforeAll
    static void open()
    {
        harness = new ServerHarness(dir, s -> s.trimChunkBytes(64 * 1024),
            e -> e.maxVolumes(4).maxVolumeSizeBytes(1 << 20).checkpointEveryRecords(1000));
    }

    @AfterAll
    static void close()
    {
        harness.close();
    }

    @FuzzTest(maxDuration = "10m")
    void shouldAnswerEveryRequestOrCountTheRefusal(final byte[] input)
    {
        if (input.length == 0)
        {
            return;
        }
        final ServerHarness h = harness;
        final long refusedBefore = refusals(h);
        final ServerHarness.Connection c = h.connect();
        if ((input[0] & 1) != 0)
        {
            c.authenticate();
        }
        final int piece = 1 + ((input[0] & 0xFF) >>> 1) * 64;
        final int requests = completeFrames(input, 1, h.core.maxFrameLength);
        int answered = 0;
        for (int at = 1; at < input.length && c.isOpen(); at += piece)
        {
            c.send(Unpooled.wrappedBuffer(input, at, Math.min(piece, input.length - at)));
            h.runWorkerToCompletion();
            answered += check(c.all());
        }
        c.channel.checkException();
        assertEquals(0, h.log.count(StorageServerLog.Reason.INTERNAL_ERROR));
        if (c.isOpen())
        {
            assertEquals(requests, answered, "every complete request answered on an open connection");
        }
        else
        {
            assertTrue(answered <= requests + 1, "at most one answer per frame (+1 for a frame too short)");
            assertTrue(refusals(h) > refusedBefore, "a closed connection counted a refusal or malformed input");
        }
        h.disconnect(c);
    }

    private static long refusals(final ServerHarness h)
    {
        long n = 0;
        for (final StorageServerLog.Reason r : StorageServerLog.Reason.values())
        {
            n += h.log.count(r);
        }
        return n;
    }

    /** Checks every response is a whole, well-formed frame; returns how many. */
    private static int check(final List<ServerHarness.Response> responses)
    {
        for (final ServerHarness.Response r : responses)
        {
            assertTrue(r.status() >= StorageStatus.OK && r.status() <= StorageStatus.LIMIT_EXCEEDED, "status " + r);
        }
        return responses.size();
    }

    /** Complete frames in the stream up to the first length the decoder refuses (independent of the server code). */
    private static int completeFrames(final byte[] input, final int from, final int maxFrame)
    {
        int frames = 0;
        int at = from;
        while (input.length - at >= StorageProtocol.LENGTH_PREFIX)
        {
            final long length = (input[at] & 0xFFL) | (input[at + 1] & 0xFFL) << 8 | (input[at + 2] & 0xFFL) << 16
                | (long)input[at + 3] << 24;
            if (length < 0 || length + StorageProtocol.LENGTH_PREFIX > maxFrame
                || input.length - at - StorageProtocol.LENGTH_PREFIX < length)
            {
                break;
            }
            frames++;
            at += StorageProtocol.LENGTH_PREFIX + (int)length;
        }
        return frames;
    }
}
