package io.nitrosim.ebs.storage;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

import org.agrona.concurrent.SystemNanoClock;

/**
 * Runs a storage server as its own process:
 * <pre>
 * java &lt;nitro JVM flags&gt; -cp ... io.nitrosim.ebs.storage.StorageServerMain --dir DIR --port PORT [options]
 * </pre>
 * Binds 127.0.0.1 only; port 0 picks an ephemeral port. On first start it generates the access token into
 * {@code DIR/access-token} (mode 0600); clients read it from there. Prints {@code opening DIR}, then
 * {@code recovered ...} after replaying the journal, then {@code listening on 127.0.0.1:PORT} once ready.
 * Bad arguments, a port already in use, an unusable data directory or token file: one line on stderr, exit code 2.
 * On a normal shutdown (SIGTERM) it checkpoints; after kill -9 the next start replays the journal. Sizes accept a
 * binary suffix (K, M, G, T, P: KiB..PiB).
 */
public final class StorageServerMain
{
    public static final String HOST = StorageServer.LOOPBACK;
    static final String USAGE = "usage: --dir DIR --port PORT [--max-io-bytes SIZE] [--checkpoint-every-bytes SIZE]"
        + " [--checkpoint-every-records N] [--sync-journal] [--max-volumes N] [--max-volume-size SIZE]"
        + " [--max-open-files N] [--max-connections N] [--max-in-flight N] [--max-queued-bytes SIZE]"
        + " [--max-queued-bytes-total SIZE] [--idle-timeout-ms N] [--request-timeout-ms N] [--trim-chunk-bytes SIZE]"
        + " [--log-progress]";

    private StorageServerMain()
    {
    }

    /** Parsed command line: the engine's and the server's contexts. */
    record Config(Path dir, StorageEngine.Context engine, StorageServer.Context server)
    {
    }

    public static void main(final String[] args)
    {
        final Config config;
        try
        {
            config = parse(args, System.out);
        }
        catch (final IllegalArgumentException ex)
        {
            fail(ex.getMessage());
            return;
        }
        if (config == null)
        {
            System.out.println(USAGE);
            return;
        }
        final AccessToken token;
        try
        {
            token = AccessToken.loadOrCreate(config.dir());
        }
        catch (final IllegalArgumentException | UncheckedIOException ex)
        {
            fail(ex.getMessage());
            return;
        }
        System.out.println("opening " + config.dir());
        System.out.flush();
        final long openingNs = SystemNanoClock.INSTANCE.nanoTime();
        final StorageEngine engine;
        try
        {
            engine = config.engine().open();
        }
        catch (final RuntimeException ex)
        {
            fail(ex.getMessage());
            return;
        }
        System.out.println("recovered: replayed " + engine.replayedRecords() + " journal records, rejected "
            + engine.rejectedRecords() + ", " + engine.volumeCount() + " volumes, in "
            + (SystemNanoClock.INSTANCE.nanoTime() - openingNs) / 1_000_000 + " ms");
        if (engine.skippedVolumeFiles() > 0)
        {
            System.err.println("storage-server event=skipped-files count=" + engine.skippedVolumeFiles()
                + " detail=\"block files that are not volumes (bad name or size) were left alone\"");
        }
        final StorageServer server;
        try
        {
            server = config.server().accessToken(token).start(engine);
        }
        catch (final RuntimeException ex)
        {
            engine.close();
            fail(ex.getMessage());
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            server.close();
            engine.close();
        }, "storage-server-shutdown"));
        System.out.println("listening on " + HOST + ":" + server.port());
        System.out.flush();
    }

    private static void fail(final String message)
    {
        System.err.println(message);
        System.err.flush();
        System.exit(2);
    }

    /**
     * Parses and validates the command line (every value checked here, before anything is opened).
     *
     * @param out where {@code --log-progress} prints (replay and checkpoint start and done).
     * @return null for {@code --help}.
     * @throws IllegalArgumentException one line naming the offending value and the accepted range.
     */
    static Config parse(final String[] args, final PrintStream out)
    {
        Path dir = null;
        Integer port = null;
        Integer maxIo = null;
        Long everyBytes = null;
        Long everyRecords = null;
        boolean sync = false;
        boolean logProgress = false;
        long maxVolumes = StorageEngine.DEFAULT_MAX_VOLUMES;
        long maxVolumeSize = StorageEngine.DEFAULT_MAX_VOLUME_SIZE_BYTES;
        long maxOpenFiles = StorageEngine.DEFAULT_MAX_OPEN_FILES;
        final StorageServer.Context server = StorageServer.context().host(HOST);
        for (int i = 0; i < args.length; i++)
        {
            final String name = args[i];
            switch (name)
            {
                case "--help" -> { return null; }
                case "--dir" -> dir = Path.of(value(args, ++i, name));
                case "--port" -> port = toInt(number(value(args, ++i, name), name, false), name);
                case "--sync-journal" -> sync = true;
                case "--log-progress" -> logProgress = true;
                case "--max-io-bytes" -> maxIo = toInt(number(value(args, ++i, name), name, true), name);
                case "--checkpoint-every-bytes" -> everyBytes = number(value(args, ++i, name), name, true);
                case "--checkpoint-every-records" -> everyRecords = number(value(args, ++i, name), name, false);
                case "--max-volumes" -> maxVolumes = number(value(args, ++i, name), name, false);
                case "--max-volume-size" -> maxVolumeSize = number(value(args, ++i, name), name, true);
                case "--max-open-files" -> maxOpenFiles = number(value(args, ++i, name), name, false);
                case "--max-connections" -> server.maxConnections(toInt(number(value(args, ++i, name), name, false), name));
                case "--max-in-flight" ->
                    server.maxInFlightPerConnection(toInt(number(value(args, ++i, name), name, false), name));
                case "--max-queued-bytes" -> server.maxQueuedBytesPerConnection(number(value(args, ++i, name), name, true));
                case "--max-queued-bytes-total" -> server.maxQueuedBytesTotal(number(value(args, ++i, name), name, true));
                case "--idle-timeout-ms" -> server.idleTimeoutMs(number(value(args, ++i, name), name, false));
                case "--request-timeout-ms" -> server.requestTimeoutMs(number(value(args, ++i, name), name, false));
                case "--trim-chunk-bytes" -> server.trimChunkBytes(number(value(args, ++i, name), name, true));
                default -> throw new IllegalArgumentException("unknown argument \"" + StorageServerLog.clip(name)
                    + "\"; " + USAGE);
            }
        }
        if (dir == null || port == null)
        {
            throw new IllegalArgumentException("--dir and --port are required; " + USAGE);
        }
        server.port(port);
        final StorageEngine.Context engine = StorageEngine.context(dir).syncJournal(sync)
            .maxVolumes(toInt(maxVolumes, "--max-volumes")).maxVolumeSizeBytes(maxVolumeSize)
            .maxOpenFiles(toInt(maxOpenFiles, "--max-open-files"));
        if (maxIo != null)
        {
            engine.maxIoBytes(maxIo);
        }
        if (everyBytes != null)
        {
            engine.checkpointEveryBytes(everyBytes);
        }
        if (everyRecords != null)
        {
            engine.checkpointEveryRecords(everyRecords);
        }
        if (logProgress)
        {
            engine.progressListener(new StorageEngine.ProgressListener()
            {
                @Override
                public void onReplay(final boolean done, final long journalIndex)
                {
                    out.println("replay " + (done ? "done" : "start") + " " + journalIndex);
                    out.flush();
                }

                @Override
                public void onCheckpoint(final boolean done, final long journalIndex)
                {
                    out.println("checkpoint " + (done ? "done" : "start") + " " + journalIndex);
                    out.flush();
                }
            });
        }
        engine.validate();
        server.validate();
        return new Config(dir, engine, server);
    }

    private static String value(final String[] args, final int i, final String name)
    {
        if (i >= args.length)
        {
            throw new IllegalArgumentException(name + " needs a value; " + USAGE);
        }
        return args[i];
    }

    private static int toInt(final long value, final String name)
    {
        if (value > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException(name + " " + value + " is out of range: accepted 0.." + Integer.MAX_VALUE);
        }
        return (int)value;
    }

    /** A whole number >= 0; with {@code size}, an optional binary suffix K, M, G, T or P (KiB..PiB). */
    static long number(final String text, final String name, final boolean size)
    {
        final String t = text.trim().toUpperCase(Locale.ROOT);
        int shift = 0;
        int end = t.length();
        if (size && end > 0)
        {
            final int unit = "KMGTP".indexOf(t.charAt(end - 1));
            if (unit >= 0)
            {
                shift = 10 * (unit + 1);
                end--;
            }
        }
        final String digits = t.substring(0, end);
        final String accepted = size ? "a whole number of bytes, optionally with K, M, G, T or P" : "a whole number";
        if (digits.isEmpty() || digits.length() > 19 || !digits.chars().allMatch(Character::isDigit))
        {
            throw new IllegalArgumentException(name + " \"" + StorageServerLog.clip(text) + "\" is not " + accepted);
        }
        final long value;
        try
        {
            value = Long.parseLong(digits);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(name + " \"" + StorageServerLog.clip(text) + "\" is too large");
        }
        if (shift > 0 && value > (Long.MAX_VALUE >> shift))
        {
            throw new IllegalArgumentException(name + " \"" + StorageServerLog.clip(text) + "\" is too large");
        }
        return value << shift;
    }
}
