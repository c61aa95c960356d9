package io.nitrosim.ebs.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

import org.agrona.MutableDirectBuffer;

/**
 * The storage server's shared secret: {@link #LENGTH} random bytes, generated at the server's first start into
 * {@code <data dir>/access-token} (64 hex digits and a newline, created with mode 0600 so only the owner can read
 * it) and presented by every client in its connection's AUTH request. A client reads it from the same file (it
 * runs as the same user on the same machine) or is given it.
 * <p>
 * The server refuses to start when the file is readable or writable by group or others (like ssh with a private
 * key), since then any local user could use the volumes. Comparison is constant-time. {@link #toString()} never
 * shows the secret.
 */
public final class AccessToken
{
    public static final int LENGTH = 32;
    public static final String FILE_NAME = "access-token";
    private static final Set<PosixFilePermission> OWNER_ONLY =
        EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final byte[] bytes;

    private AccessToken(final byte[] bytes)
    {
        this.bytes = bytes;
    }

    /** A new random token (not stored). */
    public static AccessToken generate()
    {
        final byte[] bytes = new byte[LENGTH];
        new SecureRandom().nextBytes(bytes);
        return new AccessToken(bytes);
    }

    /** Parses 64 hex digits (surrounding white space ignored). */
    public static AccessToken fromHex(final String text)
    {
        final String trimmed = text == null ? "" : text.strip();
        if (trimmed.length() != 2 * LENGTH)
        {
            throw new IllegalArgumentException("access token has " + trimmed.length() + " characters: accepted "
                + 2 * LENGTH + " hex digits");
        }
        try
        {
            return new AccessToken(HexFormat.of().parseHex(trimmed));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("access token is not hexadecimal: accepted " + 2 * LENGTH
                + " hex digits (0-9, a-f)");
        }
    }

    /** The file a server with this data directory keeps its token in. */
    public static Path fileIn(final Path dataDir)
    {
        return dataDir.resolve(FILE_NAME);
    }

    /** Reads a token file (a client's way to get the token). */
    public static AccessToken read(final Path file)
    {
        try
        {
            return fromHex(Files.readString(file, StandardCharsets.US_ASCII));
        }
        catch (final NoSuchFileException ex)
        {
            throw new IllegalArgumentException("access token file " + file + " does not exist: start the storage"
                + " server once with this data directory, or give the token");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read access token file " + file + ": " + ex.getMessage(), ex);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("access token file " + file + ": " + ex.getMessage());
        }
    }

    /**
     * The server's token: read from {@code <dataDir>/access-token}, or generated and written there (mode 0600,
     * created with that mode so it is never readable by others) on first start.
     *
     * @throws IllegalArgumentException when the existing file is accessible to group or others, or malformed.
     */
    public static AccessToken loadOrCreate(final Path dataDir)
    {
        final Path file = fileIn(dataDir);
        try
        {
            Files.createDirectories(dataDir);
            final boolean posix = Files.getFileAttributeView(dataDir, PosixFileAttributeView.class) != null;
            try
            {
                final AccessToken token = generate();
                try (FileChannel channel = posix
                    ? FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                    : FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
                {
                    channel.write(java.nio.ByteBuffer.wrap(
                        (HexFormat.of().formatHex(token.bytes) + "\n").getBytes(StandardCharsets.US_ASCII)));
                    channel.force(true);
                }
                Checkpoint.forceDirectory(dataDir);
                return token;
            }
            catch (final FileAlreadyExistsException exists)
            {
                if (posix)
                {
                    final Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
                    if (!OWNER_ONLY.containsAll(mode))
                    {
                        throw new IllegalArgumentException("access token file " + file + " has mode "
                            + PosixFilePermissions.toString(mode) + ": accepted rw------- or stricter (chmod 600 "
                            + file + ")");
                    }
                }
                return read(file);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create access token file " + file + ": " + ex.getMessage(), ex);
        }
    }

    /** Whether {@code length} bytes of {@code candidate} at {@code offset} are this token; constant time. */
    public boolean matches(final byte[] candidate, final int offset, final int length)
    {
        if (length != LENGTH || offset < 0 || offset > candidate.length - LENGTH)
        {
            return false;
        }
        int diff = 0;
        for (int i = 0; i < LENGTH; i++)
        {
            diff |= bytes[i] ^ candidate[offset + i];
        }
        return diff == 0;
    }

    /** Writes the token's {@link #LENGTH} bytes at {@code index}. */
    public void copyTo(final MutableDirectBuffer buffer, final int index)
    {
        buffer.putBytes(index, bytes);
    }

    /** The token as 64 hex digits (to hand to a client; keep it as secret as the file). */
    public String toHex()
    {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public String toString()
    {
        return "AccessToken[" + LENGTH + " bytes, redacted]";
    }
}
