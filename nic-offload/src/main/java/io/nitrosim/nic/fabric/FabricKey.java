package io.nitrosim.nic.fabric;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
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

/**
 * The secret that every process of one simulation shares to authenticate its fabric datagrams
 * ({@link FabricAuthenticator}): {@link #LENGTH} random bytes. One process generates it ({@link #generate()}, or the
 * user provides one) and hands it to the others: {@link #writeTo(Path)} creates a file readable by the owner only
 * (mode 0600, 64 hex digits and a newline) that the other processes {@link #readFrom(Path)}; or its hex form goes
 * to them over a channel that is already private (a child process's argument list is visible to other local users
 * through /proc, so prefer the file). {@link #toString()} never shows the secret.
 */
public final class FabricKey
{
    public static final int LENGTH = 32;
    private static final Set<PosixFilePermission> OWNER_ONLY =
        EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final byte[] bytes;

    private FabricKey(final byte[] bytes)
    {
        this.bytes = bytes;
    }

    public static FabricKey generate()
    {
        final byte[] bytes = new byte[LENGTH];
        new SecureRandom().nextBytes(bytes);
        return new FabricKey(bytes);
    }

    /** Parses 64 hex digits (surrounding white space ignored). */
    public static FabricKey fromHex(final String text)
    {
        final String trimmed = text == null ? "" : text.strip();
        if (trimmed.length() != 2 * LENGTH || !trimmed.chars().allMatch(c -> Character.digit(c, 16) >= 0))
        {
            throw new IllegalArgumentException("fabric key has " + trimmed.length() + " characters: accepted "
                + 2 * LENGTH + " hex digits");
        }
        return new FabricKey(HexFormat.of().parseHex(trimmed));
    }

    /** Reads a key file written by {@link #writeTo(Path)}. */
    public static FabricKey readFrom(final Path file)
    {
        try
        {
            return fromHex(Files.readString(file, StandardCharsets.US_ASCII));
        }
        catch (final NoSuchFileException ex)
        {
            throw new IllegalArgumentException("fabric key file " + file + " does not exist");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read fabric key file " + file + ": " + ex.getMessage(), ex);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("fabric key file " + file + ": " + ex.getMessage());
        }
    }

    /** Creates {@code file} (which must not exist) with mode 0600 and writes the key into it. */
    public void writeTo(final Path file)
    {
        final boolean posix = Files.getFileAttributeView(file.toAbsolutePath().getParent(),
            PosixFileAttributeView.class) != null;
        final Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try (FileChannel channel = posix
            ? FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(OWNER_ONLY))
            : FileChannel.open(file, options))
        {
            channel.write(ByteBuffer.wrap((toHex() + "\n").getBytes(StandardCharsets.US_ASCII)));
            channel.force(true);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create fabric key file " + file + ": " + ex.getMessage(), ex);
        }
    }

    public String toHex()
    {
        return HexFormat.of().formatHex(bytes);
    }

    byte[] bytes()
    {
        return bytes.clone();
    }

    @Override
    public String toString()
    {
        return "FabricKey[" + LENGTH + " bytes, redacted]";
    }
}
