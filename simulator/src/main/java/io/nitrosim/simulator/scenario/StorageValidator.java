package io.nitrosim.simulator.scenario;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code storage} section: where the volumes' blocks are kept when not by the run's own engine
 * ({@code storage: {server: 127.0.0.1:PORT, tokenFile: PATH}}, docs/ebs.md), checked through the path-aware
 * {@link FieldChecks} like every other section.
 */
final class StorageValidator
{
    private static final Pattern SERVER = Pattern.compile("(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}):(\\d{1,5})");

    private final FieldChecks checks;

    StorageValidator(final FieldChecks checks)
    {
        this.checks = checks;
    }

    /** The storage server, or null (the run's own engine). Real time and full payload only. */
    Scenario.Storage storage(final ScenarioSpec.StorageSpec spec, final Scenario.ClockMode clock,
        final Scenario.PayloadMode payload)
    {
        if (spec == null)
        {
            return null;
        }
        if (clock != Scenario.ClockMode.REAL)
        {
            throw checks.error("storage", "a storage server completes I/O when the network delivers it, which no "
                + "virtual-time run can reproduce: it needs 'clock: real' (this one is virtual)");
        }
        if (payload != Scenario.PayloadMode.FULL)
        {
            throw checks.error("storage", "a storage server keeps real bytes: it needs 'payload: full' (this one is "
                + "timing-only)");
        }
        final Matcher server = SERVER.matcher(spec.server() == null ? "" : spec.server());
        if (spec.server() == null)
        {
            throw checks.error("storage.server", "missing; accepted 127.x.y.z:PORT, e.g. 127.0.0.1:7070");
        }
        if (!server.matches() || !loopback(server.group(1)))
        {
            throw checks.error("storage.server", MessageText.quoted(spec.server()) + " is not a loopback address and "
                + "port; accepted 127.x.y.z:PORT, e.g. 127.0.0.1:7070 (nitro-sim reaches no other address)");
        }
        final long port = Long.parseLong(server.group(2));
        if (port < 1 || port > 65_535)
        {
            throw checks.error("storage.server", "port " + port + " is out of range; accepted 1..65535");
        }
        if (spec.tokenFile() == null)
        {
            throw checks.error("storage.tokenFile", "missing; the server writes its access token to "
                + "DIR/access-token at first start");
        }
        try
        {
            if (!Files.isRegularFile(Path.of(spec.tokenFile())))
            {
                throw checks.error("storage.tokenFile", MessageText.quoted(spec.tokenFile()) + " is not a file; the "
                    + "server writes its access token to DIR/access-token at first start");
            }
        }
        catch (final InvalidPathException ex)
        {
            throw checks.error("storage.tokenFile", MessageText.quoted(spec.tokenFile()) + " is not a path");
        }
        return new Scenario.Storage(server.group(1), (int)port, spec.tokenFile());
    }

    private static boolean loopback(final String address)
    {
        final String[] parts = address.split("\\.");
        for (final String part : parts)
        {
            if (Integer.parseInt(part) > 255)
            {
                return false;
            }
        }
        return parts[0].equals("127");
    }
}
