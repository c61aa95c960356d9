package io.nitrosim.cli;

import java.nio.file.Path;

import io.nitrosim.simulator.experiment.ClusterSettings;
import picocli.CommandLine.Option;

/** The options that say how to reach a sweep cluster, shared by {@code experiment} and {@code worker}. */
final class ClusterOptions
{
    @Option(names = "--cluster", paramLabel = "HOST:PORT[,HOST:PORT...]",
        description = "Members of the sweep cluster to contact (explicit TCP/IP join, no multicast).")
    String members;

    @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = ClusterSettings.DEFAULT_CLUSTER_NAME,
        description = "The cluster's name (default: ${DEFAULT-VALUE}).")
    String clusterName;

    @Option(names = "--secret", paramLabel = "TEXT",
        description = "The cluster's shared secret (at least 8 characters); members with another one are refused. "
            + "Prefer --secret-file: a command line is visible to other users of the machine.")
    String secret;

    @Option(names = "--secret-file", paramLabel = "FILE", description = "A file whose first line is the shared secret.")
    Path secretFile;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = ClusterSettings.DEFAULT_BIND_ADDRESS,
        description = "The address this member listens on and announces (default: ${DEFAULT-VALUE}).")
    String bindAddress;

    boolean enabled()
    {
        return members != null;
    }

    /**
     * @param port              the port to listen on (0: any free one).
     * @param portAutoIncrement whether a busy port moves on to the next.
     * @param joinTimeoutSeconds how long a coordinator waits for the listed members.
     */
    ClusterSettings settings(final int port, final boolean portAutoIncrement, final int joinTimeoutSeconds)
    {
        if (secret != null && secretFile != null)
        {
            throw new BadInputException("--secret and --secret-file: give one of them, not both");
        }
        if (secret == null && secretFile == null)
        {
            throw new BadInputException("--cluster needs the cluster's shared secret: --secret-file FILE (or --secret TEXT)");
        }
        try
        {
            return new ClusterSettings(ClusterSettings.parseMembers(members), bindAddress, port, portAutoIncrement,
                clusterName, secret != null ? secret : ClusterSettings.readSecret(secretFile), joinTimeoutSeconds);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new BadInputException(ex.getMessage());
        }
    }
}
