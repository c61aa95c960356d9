package io.nitrosim.simulator.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a member finds and joins a sweep cluster, validated in one place: the members to contact (explicit TCP/IP
 * join, host:port each), the address to bind (127.0.0.1 unless given), the port (0 = any free one), the
 * cluster's name and its shared secret.
 *
 * @param members            addresses of members to contact, host:port.
 * @param bindAddress        the address this member listens on and announces.
 * @param port               the port to listen on; 0 lets the system choose.
 * @param portAutoIncrement  whether a busy port moves on to the next ones (up to 100).
 * @param clusterName        the cluster's name.
 * @param secret             the shared secret; members with another one form another cluster.
 * @param joinTimeoutSeconds how long a coordinator waits for the listed members to be present.
 */
public record ClusterSettings(
    List<String> members,
    String bindAddress,
    int port,
    boolean portAutoIncrement,
    String clusterName,
    String secret,
    int joinTimeoutSeconds)
{
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    public static final String DEFAULT_CLUSTER_NAME = "nitro-sim";
    public static final int DEFAULT_PORT = 5701;
    public static final int DEFAULT_JOIN_TIMEOUT_SECONDS = 30;
    /** Shorter secrets are refused: the secret is all that keeps other members out. */
    public static final int MIN_SECRET_LENGTH = 8;

    public ClusterSettings
    {
        members = List.copyOf(members);
        for (final String m : members)
        {
            parseAddress(m);
        }
        if (bindAddress == null || bindAddress.isBlank())
        {
            throw new IllegalArgumentException("--bind: needs an address, e.g. 127.0.0.1");
        }
        if (port < 0 || port > 65_535)
        {
            throw new IllegalArgumentException("--port " + port + " is out of range, accepted 0..65535 (0: any free port)");
        }
        if (clusterName == null || !clusterName.matches("[A-Za-z0-9._-]{1,64}"))
        {
            throw new IllegalArgumentException("--cluster-name '" + clusterName + "': 1 to 64 letters, digits, '.', '_' "
                + "or '-'");
        }
        if (secret == null || secret.length() < MIN_SECRET_LENGTH)
        {
            throw new IllegalArgumentException("the cluster secret must have at least " + MIN_SECRET_LENGTH
                + " characters (--secret TEXT or --secret-file FILE)");
        }
        if (joinTimeoutSeconds < 1 || joinTimeoutSeconds > 3600)
        {
            throw new IllegalArgumentException("--join-timeout " + joinTimeoutSeconds + " is out of range, accepted "
                + "1..3600 s");
        }
    }

    /** "HOST:PORT,HOST:PORT" as given to --cluster. */
    public static List<String> parseMembers(final String list)
    {
        final List<String> members = new ArrayList<>();
        for (final String m : list.split(","))
        {
            if (!m.isBlank())
            {
                members.add(m.trim());
            }
        }
        if (members.isEmpty())
        {
            throw new IllegalArgumentException("--cluster: needs HOST:PORT[,HOST:PORT...], e.g. 127.0.0.1:5701");
        }
        return members;
    }

    /** The secret in a file: its first line, without the line end. */
    public static String readSecret(final Path file)
    {
        try
        {
            final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.isEmpty() ? "" : lines.get(0).strip();
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("--secret-file " + file + ": cannot read it (" + ex.getMessage() + ")");
        }
    }

    /** Checks HOST:PORT and returns the port. */
    static int parseAddress(final String address)
    {
        final int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1)
        {
            throw new IllegalArgumentException("--cluster: '" + address + "' is not HOST:PORT, e.g. 127.0.0.1:5701");
        }
        final int port;
        try
        {
            port = Integer.parseInt(address.substring(colon + 1));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--cluster: '" + address + "' has no port number after ':'");
        }
        if (port < 1 || port > 65_535)
        {
            throw new IllegalArgumentException("--cluster: '" + address + "': port " + port + " is out of range, "
                + "accepted 1..65535");
        }
        return port;
    }

    @Override
    public String toString()
    {
        // Never print the secret.
        return "ClusterSettings[members=" + members + ", bind=" + bindAddress + ":" + port + ", clusterName="
            + clusterName + "]";
    }
}
