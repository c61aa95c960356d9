package io.nitrosim.hypervisor.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Files and directories to delete if the JVM exits while they are still registered: guest memory files (100+ GiB
 * sparse) of a host that was never closed. Unlike {@link java.io.File#deleteOnExit()}, whose JVM-wide list only
 * grows, an owner that deletes its path itself {@link #release releases} it, so a JVM that launches and closes
 * hosts for days (the EC2 API, experiment sweeps, test suites) keeps nothing per host. Paths are deleted at exit
 * in the reverse order of registration: files registered after their directory go first.
 */
public final class DeleteAtExit
{
    private static final Set<Path> LIVE = new LinkedHashSet<>();
    private static boolean hookInstalled;

    private DeleteAtExit()
    {
    }

    /** Deletes {@code path} at exit unless it is released first. */
    public static synchronized void register(final Path path)
    {
        if (!hookInstalled)
        {
            Runtime.getRuntime().addShutdownHook(new Thread(DeleteAtExit::onExit, "nitro-sim-guest-memory-cleanup"));
            hookInstalled = true;
        }
        LIVE.add(path.toAbsolutePath());
    }

    /** Its owner has deleted {@code path} (or keeps it on purpose): nothing to do at exit. */
    public static synchronized void release(final Path path)
    {
        LIVE.remove(path.toAbsolutePath());
    }

    /** How many paths are registered (what closed owners leave here: none). */
    public static synchronized int registeredCount()
    {
        return LIVE.size();
    }

    private static void onExit()
    {
        final List<Path> paths;
        synchronized (DeleteAtExit.class)
        {
            paths = new ArrayList<>(LIVE);
        }
        for (int i = paths.size() - 1; i >= 0; i--)
        {
            try
            {
                Files.deleteIfExists(paths.get(i));
            }
            catch (final IOException | RuntimeException ex)
            {
                // exiting: a directory still holding files someone else put there stays, like File.deleteOnExit
            }
        }
    }
}
