package io.nitrosim.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Temporary directories of the command line (simulation work directories, staging directories), removed when
 * the command ends and, through one shutdown hook, on every other way out: System.exit, Ctrl-C (SIGINT) and
 * SIGTERM (only kill -9 leaves them behind).
 * <p>
 * A running simulation registers a {@link Run}: on shutdown the hook first asks it to stop and waits (at most
 * {@link #STOP_WAIT_SECONDS}) until the command has closed it (which also removes the hypervisor's guest memory
 * files), then removes every directory still registered. Directories are never removed under a running
 * simulation.
 */
final class TempDirectories
{
    static final long STOP_WAIT_SECONDS = 10;

    private static final Set<Path> LIVE = new LinkedHashSet<>();
    private static final Set<Run> RUNS = new LinkedHashSet<>();
    private static boolean hookInstalled;

    private TempDirectories()
    {
    }

    /** A simulation and its work directory as the shutdown hook sees them. */
    static final class Run implements AutoCloseable
    {
        private final Path workDirectory;
        private final CountDownLatch closed = new CountDownLatch(1);
        private volatile Runnable requestStop;
        private volatile boolean stoppedByShutdown;

        private Run(final Path workDirectory)
        {
            this.workDirectory = workDirectory;
        }

        /** How to stop the simulation once it is built. */
        void stopWith(final Runnable requestStop)
        {
            this.requestStop = requestStop;
        }

        /** Whether the process is shutting down (Ctrl-C, SIGTERM) and asked this run to stop. */
        boolean stoppedByShutdown()
        {
            return stoppedByShutdown;
        }

        private void stopAndAwait()
        {
            stoppedByShutdown = true;
            final Runnable stop = requestStop;
            if (stop != null)
            {
                stop.run();
            }
            try
            {
                closed.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }

        /** Called once the simulation is closed: removes its work directory and releases the shutdown hook. */
        @Override
        public void close()
        {
            delete(workDirectory);
            synchronized (TempDirectories.class)
            {
                RUNS.remove(this);
            }
            closed.countDown();
        }
    }

    /** A new temporary directory, removed at the latest when the JVM exits. */
    static Path create(final String prefix) throws IOException
    {
        final Path dir = Files.createTempDirectory(prefix);
        synchronized (TempDirectories.class)
        {
            installHook();
            LIVE.add(dir);
        }
        return dir;
    }

    /**
     * Registers a simulation about to be built in {@code workDirectory} (from {@link #create}); open it before the
     * simulation so that it closes after it.
     */
    static synchronized Run running(final Path workDirectory)
    {
        installHook();
        final Run run = new Run(workDirectory);
        RUNS.add(run);
        return run;
    }

    private static void installHook()
    {
        if (!hookInstalled)
        {
            Runtime.getRuntime().addShutdownHook(new Thread(TempDirectories::onShutdown, "nitro-sim-cleanup"));
            hookInstalled = true;
        }
    }

    /** Removes the directory now (and forgets it). */
    static void delete(final Path dir)
    {
        synchronized (TempDirectories.class)
        {
            LIVE.remove(dir);
        }
        deleteRecursively(dir);
    }

    /** Every directory registered and not yet deleted. */
    static synchronized List<Path> live()
    {
        return new ArrayList<>(LIVE);
    }

    private static void onShutdown()
    {
        final List<Run> runs;
        synchronized (TempDirectories.class)
        {
            runs = new ArrayList<>(RUNS);
        }
        for (final Run run : runs)
        {
            run.stopAndAwait();
        }
        for (final Path dir : live())
        {
            deleteRecursively(dir);
        }
    }

    static void deleteRecursively(final Path dir)
    {
        if (dir == null || !Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException | RuntimeException ex)
        {
            // best effort: nothing more can be done for a file that cannot be deleted
        }
    }
}
