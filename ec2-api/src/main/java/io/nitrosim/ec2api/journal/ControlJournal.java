package io.nitrosim.ec2api.journal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The EC2 control plane's write-ahead journal (Chronicle Queue): one entry per state-changing request or event,
 * appended on the region's thread right after it ran and before its response is sent, so an acknowledged change
 * is on disk (a memory-mapped file: it survives kill -9). The region's state is rebuilt by replaying the entries
 * in order: every id comes from seeded generators, so the same sequence gives the same state.
 * <p>
 * Entry: the request's wall-clock time, the outcome (OK or the EC2 error code, checked on replay) and its
 * parameters, form-encoded, as UTF-8 text: {@code millis \t outcome \t Action=...&...}.
 */
public final class ControlJournal implements AutoCloseable
{
    static
    {
        if (System.getProperty("chronicle.analytics.disable") == null)
        {
            System.setProperty("chronicle.analytics.disable", "true");
        }
    }

    /** One journaled request or event. */
    public record Entry(long millis, String outcome, Map<String, String> params)
    {
    }

    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private long appended;

    private ControlJournal(final Path dir)
    {
        // A constant clock keeps every entry in one cycle file: the journal is replayed whole, never rolled.
        queue = SingleChronicleQueueBuilder.binary(dir).rollCycle(RollCycles.FAST_DAILY).timeProvider(() -> 0L)
            .build();
        appender = queue.createAppender();
        appender.singleThreadedCheckDisabled(true); // the region's thread appends; replay reads from the caller's
    }

    public static ControlJournal open(final Path dir)
    {
        return new ControlJournal(dir);
    }

    /** Every entry, oldest first. */
    public List<Entry> readAll()
    {
        final List<Entry> entries = new ArrayList<>();
        try (ExcerptTailer tailer = queue.createTailer())
        {
            tailer.toStart();
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        break;
                    }
                    final Bytes<?> bytes = dc.wire().bytes();
                    final byte[] raw = new byte[(int)bytes.readRemaining()];
                    bytes.read(raw);
                    entries.add(decode(new String(raw, StandardCharsets.UTF_8)));
                }
            }
        }
        return entries;
    }

    public void append(final Entry entry)
    {
        final byte[] raw = encode(entry).getBytes(StandardCharsets.UTF_8);
        try (DocumentContext dc = appender.writingDocument())
        {
            dc.wire().bytes().write(raw);
        }
        appended++;
    }

    public long appended()
    {
        return appended;
    }

    static String encode(final Entry entry)
    {
        return entry.millis() + "\t" + entry.outcome() + "\t" + Form.encode(entry.params());
    }

    static Entry decode(final String text)
    {
        final String[] parts = text.split("\t", 3);
        if (parts.length != 3)
        {
            throw new IllegalStateException("damaged journal entry: " + text);
        }
        return new Entry(Long.parseLong(parts[0]), parts[1], Form.decode(parts[2]));
    }

    @Override
    public void close()
    {
        appender.close();
        queue.close();
        // Chronicle closes the files on its background releaser thread: wait, so a closed journal holds none open
        BackgroundResourceReleaser.releasePendingResources();
    }
}
