package io.nitrosim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the trace of an internal error to a log file of its own, so the console gets one line. */
final class InternalErrorLog
{
    private InternalErrorLog()
    {
    }

    /** @return "the details are in FILE" (or why they could not be written). */
    static String write(final Throwable ex)
    {
        try
        {
            final Path log = Files.createTempFile("nitro-sim-error-", ".log");
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8)))
            {
                ex.printStackTrace(w);
            }
            return "the details are in " + log;
        }
        catch (final IOException | RuntimeException | OutOfMemoryError writeFailure)
        {
            return "the details could not be written (" + writeFailure + ")";
        }
    }
}
