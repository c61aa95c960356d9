package io.nitrosim.nic.fabric;

import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates fabric datagrams: HMAC-SHA-256 (RFC 2104) over the whole datagram before the tag, keyed with the
 * simulation's {@link FabricKey}, truncated to its first {@link #TAG_LENGTH} bytes (128 bits, as HMAC-SHA-256-128
 * of RFC 4868) and appended as the datagram's last bytes:
 * <pre>
 *   0        encapsulation header ({@link io.nitrosim.nic.frame.EncapHeader}, 32 B)
 *  32        inner frame (captured bytes)
 *  n - 16    tag: HMAC-SHA-256(key, bytes 0 .. n-17), first 16 bytes
 * </pre>
 * The tag is compared in constant time. One instance per thread (a {@link Mac} is not thread-safe).
 */
final class FabricAuthenticator
{
    static final int TAG_LENGTH = 16;
    private static final String ALGORITHM = "HmacSHA256";

    private final Mac mac;
    private final byte[] full = new byte[32];

    FabricAuthenticator(final FabricKey key)
    {
        this(key.bytes());
    }

    /** With raw key bytes (any length, as HMAC allows: the published test vectors use 20-byte keys). */
    FabricAuthenticator(final byte[] key)
    {
        try
        {
            mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
        }
        catch (final NoSuchAlgorithmException | InvalidKeyException ex)
        {
            throw new IllegalStateException("HMAC-SHA-256 is not available in this JVM: " + ex.getMessage(), ex);
        }
    }

    /** Writes the tag of {@code length} bytes at {@code offset} right after them (room for TAG_LENGTH needed). */
    void sign(final ByteBuffer buffer, final int offset, final int length)
    {
        buffer.limit(offset + length).position(offset);
        mac.update(buffer);
        finish();
        buffer.limit(offset + length + TAG_LENGTH).position(offset + length);
        buffer.put(full, 0, TAG_LENGTH);
    }

    /** Whether the last TAG_LENGTH of {@code length} bytes are the tag of the bytes before them. */
    boolean verify(final byte[] datagram, final int length)
    {
        if (length < TAG_LENGTH)
        {
            return false;
        }
        final int signed = length - TAG_LENGTH;
        mac.update(datagram, 0, signed);
        finish();
        int diff = 0;
        for (int i = 0; i < TAG_LENGTH; i++)
        {
            diff |= full[i] ^ datagram[signed + i];
        }
        return diff == 0;
    }

    private void finish()
    {
        try
        {
            mac.doFinal(full, 0);
        }
        catch (final ShortBufferException ex)
        {
            throw new IllegalStateException(ex); // cannot happen: full holds the whole 32-byte MAC
        }
    }
}
