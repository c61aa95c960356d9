package io.nitrosim.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The {@code --out} directory of a command: checked and created before anything runs (so a bad one costs no
 * simulation), and written atomically: every output file is first written into a staging directory inside it
 * and then renamed into place, so a failed write leaves the previous results (or nothing), never a half-written
 * file.
 */
final class OutputDirectory
{
    /** Writes the outputs into the given (staging) directory. */
    @FunctionalInterface
    interface Writer<T>
    {
        T write(Path dir) throws IOException;
    }

    private final Path dir;
    private final List<String> fileNames;

    private OutputDirectory(final Path dir, final List<String> fileNames)
    {
        this.dir = dir;
        this.fileNames = fileNames;
    }

    /**
     * Checks {@code dir} and creates it: refused (exit 2, one line) when it is empty, is a file, cannot be created
     * or written, or holds one of {@code fileNames} as something other than a regular file. A name ending in
     * {@code /} is an output directory (replaced whole), which must not exist as a file.
     */
    static OutputDirectory prepare(final Path dir, final List<String> fileNames)
    {
        if (dir == null || dir.toString().isEmpty())
        {
            throw new BadInputException("--out '': empty; give a directory for the results");
        }
        final String shown = "--out " + io.nitrosim.simulator.scenario.MessageText.value(dir);
        if (Files.exists(dir) && !Files.isDirectory(dir))
        {
            throw new BadInputException(shown + ": exists and is not a directory; give a directory for the results");
        }
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException | SecurityException ex)
        {
            throw new BadInputException(shown + ": cannot create the directory (" + ex.getClass().getSimpleName() + ": "
                + ex.getMessage() + ")");
        }
        for (final String name : fileNames)
        {
            final Path file = dir.resolve(name);
            if (name.endsWith("/") ? Files.exists(file) && !Files.isDirectory(file)
                : Files.exists(file) && !Files.isRegularFile(file))
            {
                throw new BadInputException(shown + ": " + name + " exists and is not a regular file; it would not be "
                    + "replaced by the results");
            }
        }
        try
        {
            Files.delete(Files.createTempFile(dir, ".nitro-sim-write-check", ".tmp"));
        }
        catch (final IOException | SecurityException ex)
        {
            throw new BadInputException(shown + ": the directory is not writable (" + ex.getMessage() + ")");
        }
        return new OutputDirectory(dir, List.copyOf(fileNames));
    }

    Path path()
    {
        return dir;
    }

    /** Writes every output into a staging directory, then renames each into place; on failure none is left. */
    <T> T write(final Writer<T> writer) throws IOException
    {
        final Path staging = Files.createTempDirectory(dir, ".nitro-sim-staging-");
        try
        {
            final T result = writer.write(staging);
            for (final String name : fileNames)
            {
                final Path file = staging.resolve(name);
                if (Files.exists(file))
                {
                    move(file, dir.resolve(name));
                }
            }
            return result;
        }
        finally
        {
            TempDirectories.deleteRecursively(staging);
        }
    }

    private static void move(final Path from, final Path to) throws IOException
    {
        if (Files.isDirectory(from) && Files.isDirectory(to))
        {
            TempDirectories.deleteRecursively(to); // an output directory is replaced whole
        }
        try
        {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final AtomicMoveNotSupportedException ex)
        {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
