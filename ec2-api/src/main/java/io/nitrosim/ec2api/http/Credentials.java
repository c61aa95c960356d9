package io.nitrosim.ec2api.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The access keys the endpoint accepts when it verifies signatures: access key id -> secret access key, read from
 * a file in the AWS shared credentials format ({@code [profile]} sections with {@code aws_access_key_id} and
 * {@code aws_secret_access_key}), so {@code ~/.aws/credentials} works as it is.
 */
public final class Credentials
{
    private final Map<String, String> secrets;

    public Credentials(final Map<String, String> secrets)
    {
        this.secrets = Map.copyOf(secrets);
    }

    /** @throws IllegalArgumentException naming the file and line when it holds no complete key pair. */
    public static Credentials load(final Path file)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(file);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("cannot read credentials file " + file + ": " + ex.getMessage());
        }
        final Map<String, String> secrets = new LinkedHashMap<>();
        String keyId = null;
        String secret = null;
        int lineNo = 0;
        for (final String raw : lines)
        {
            lineNo++;
            final String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";"))
            {
                continue;
            }
            if (line.startsWith("["))
            {
                add(secrets, keyId, secret);
                keyId = null;
                secret = null;
                continue;
            }
            final int eq = line.indexOf('=');
            if (eq < 0)
            {
                throw new IllegalArgumentException(file + ":" + lineNo + ": expected 'name = value' or '[profile]', got '"
                    + line + "'");
            }
            final String name = line.substring(0, eq).strip();
            final String value = line.substring(eq + 1).strip();
            if (name.equals("aws_access_key_id"))
            {
                keyId = value;
            }
            else if (name.equals("aws_secret_access_key"))
            {
                secret = value;
            }
        }
        add(secrets, keyId, secret);
        if (secrets.isEmpty())
        {
            throw new IllegalArgumentException(file + ": no aws_access_key_id with its aws_secret_access_key "
                + "(AWS shared credentials format: [default], aws_access_key_id = ..., aws_secret_access_key = ...)");
        }
        return new Credentials(secrets);
    }

    private static void add(final Map<String, String> secrets, final String keyId, final String secret)
    {
        if (keyId != null && secret != null && !keyId.isEmpty() && !secret.isEmpty())
        {
            secrets.put(keyId, secret);
        }
    }

    /** The secret of {@code accessKeyId}, or null. */
    public String secretOf(final String accessKeyId)
    {
        return secrets.get(accessKeyId);
    }

    public int size()
    {
        return secrets.size();
    }
}
