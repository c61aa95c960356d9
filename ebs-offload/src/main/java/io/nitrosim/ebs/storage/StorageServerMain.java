package io.nitrosim.ebs.storage;

import java.nio.file.Path;

/**
 * Runs a storage server as its own process:
 * {@code java <nitro JVM flags> -cp ... io.nitrosim.ebs.storage.StorageServerMain --dir DIR --port PORT
 * [--max-io-bytes N] [--checkpoint-every-bytes N] [--checkpoint-every-records N] [--sync-journal]}.
 * Binds 127.0.0.1 only; port 0 picks an ephemeral port. Prints {@code listening on 127.0.0.1:PORT} once
 * ready. Bad arguments: one line on stderr, exit code 2. On a normal shutdown (SIGTERM) it checkpoints;
 * after kill -9 the next start replays the journal.
 */
public final class StorageServerMain
{
    public static final String HOST = "127.0.0.1";
    private static final String USAGE = "usage: --dir DIR --port PORT [--max-io-bytes N] [--checkpoint-every-bytes N]"
        + " [--checkpoint-every-records N] [--sync-journal]";

    private StorageServerMain()
    {
    }

    public static void main(final String[] args)
    {
        final StorageEngine.Context ctx;
        final int port;
        try
        {
            Path dir = null;
            int p = 0;
            boolean portGiven = false;
            StorageEngine.Context parsed;
            long everyBytes = -1;
            long everyRecords = -1;
            int maxIo = -1;
            boolean sync = false;
            for (int i = 0; i < args.length; i++)
            {
                switch (args[i])
                {
                    case "--dir":
                        dir = Path.of(value(args, ++i, "--dir"));
                        break;
                    case "--port":
                        p = parseInt(value(args, ++i, "--port"), "--port");
                        portGiven = true;
                        break;
                    case "--max-io-bytes":
                        maxIo = parseInt(value(args, ++i, "--max-io-bytes"), "--max-io-bytes");
                        break;
                    case "--checkpoint-every-bytes":
                        everyBytes = parseLong(value(args, ++i, "--checkpoint-every-bytes"), "--checkpoint-every-bytes");
                        break;
                    case "--checkpoint-every-records":
                        everyRecords = parseLong(value(args, ++i, "--checkpoint-every-records"),
                            "--checkpoint-every-records");
                        break;
                    case "--sync-journal":
                        sync = true;
                        break;
                    default:
                        throw new IllegalArgumentException("unknown argument \"" + args[i] + "\"; " + USAGE);
                }
            }
            if (dir == null || !portGiven)
            {
                throw new IllegalArgumentException("--dir and --port are required; " + USAGE);
            }
            if (p < 0 || p > 65_535)
            {
                throw new IllegalArgumentException("--port " + p + " is out of range: accepted 0..65535 (0 = ephemeral)");
            }
            parsed = StorageEngine.context(dir).syncJournal(sync);
            if (maxIo >= 0)
            {
                parsed.maxIoBytes(maxIo);
            }
            if (everyBytes >= 0)
            {
                parsed.checkpointEveryBytes(everyBytes);
            }
            if (everyRecords >= 0)
            {
                parsed.checkpointEveryRecords(everyRecords);
            }
            ctx = parsed;
            port = p;
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println(ex.getMessage());
            System.exit(2);
            return;
        }

        final StorageEngine engine;
        try
        {
            engine = ctx.open();
        }
        catch (final RuntimeException ex)
        {
            System.err.println(ex.getMessage());
            System.exit(2);
            return;
        }
        final StorageServer server = StorageServer.start(engine, HOST, port);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            server.close();
            engine.close();
        }, "storage-server-shutdown"));
        System.out.println("listening on " + HOST + ":" + server.port());
        System.out.flush();
    }

    private static String value(final String[] args, final int i, final String name)
    {
        if (i >= args.length)
        {
            throw new IllegalArgumentException(name + " needs a value; " + USAGE);
        }
        return args[i];
    }

    private static int parseInt(final String text, final String name)
    {
        try
        {
            return Integer.parseInt(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(name + " \"" + text + "\" is not a whole number");
        }
    }

    private static long parseLong(final String text, final String name)
    {
        try
        {
            return Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(name + " \"" + text + "\" is not a whole number");
        }
    }
}
