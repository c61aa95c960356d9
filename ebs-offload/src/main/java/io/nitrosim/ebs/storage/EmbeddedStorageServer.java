package io.nitrosim.ebs.storage;

/**
 * A storage server inside the simulator that can be killed and restarted: one {@link StorageEngine} over its own
 * directory. {@link #kill} does what {@code kill -9} does to a {@link StorageServer} process: the engine stops
 * without a checkpoint, so its directory holds the journal records past the last checkpoint, and every write it
 * acknowledged is among them (an append is in the memory-mapped journal before the write is acknowledged; the page
 * cache outlives the process). {@link #restart} opens the directory again: {@link Recovery} replays those records
 * into the block files, as a restarted server process does. While killed, {@link #engine()} is null and an
 * {@link EmbeddedStorageBackend} routed here refuses submissions (busy: nothing is lost, the card retries).
 * <p>
 * Not thread-safe: kill, restart and the backends' calls run on one thread (the virtual-time runtime's).
 */
public final class EmbeddedStorageServer implements AutoCloseable
{
    private final StorageEngine.Context context;
    private StorageEngine engine;
    private long kills;
    private long replayedRecords;

    private EmbeddedStorageServer(final StorageEngine.Context context)
    {
        this.context = context;
        this.engine = context.open();
    }

    /** Opens the server over {@code context}'s directory (replaying its journal, as any start does). */
    public static EmbeddedStorageServer open(final StorageEngine.Context context)
    {
        return new EmbeddedStorageServer(context);
    }

    /** The running engine, or null while the server is killed. */
    public StorageEngine engine()
    {
        return engine;
    }

    public boolean isDown()
    {
        return engine == null;
    }

    /** Kills the server: no checkpoint, no flush beyond what each acknowledged write already did. */
    public void kill()
    {
        if (engine == null)
        {
            return;
        }
        engine.closeWithoutCheckpoint();
        engine = null;
        kills++;
    }

    /**
     * Starts the server again over its directory; the journal records past the checkpoint are replayed.
     *
     * @return the records the restart replayed.
     */
    public long restart()
    {
        if (engine != null)
        {
            return 0;
        }
        engine = context.open();
        replayedRecords = engine.replayedRecords();
        return replayedRecords;
    }

    /** Times the server was killed. */
    public long kills()
    {
        return kills;
    }

    /** Journal records the last restart replayed. */
    public long replayedRecords()
    {
        return replayedRecords;
    }

    @Override
    public void close()
    {
        if (engine != null)
        {
            engine.close();
            engine = null;
        }
    }
}
