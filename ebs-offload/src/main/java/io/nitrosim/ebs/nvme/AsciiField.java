package io.nitrosim.ebs.nvme;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/** NVMe ASCII string fields: left-justified, padded with spaces (0x20), no terminator. */
final class AsciiField
{
    private AsciiField()
    {
    }

    static void put(final MutableDirectBuffer buffer, final int index, final int length, final String value)
    {
        if (value.length() > length)
        {
            throw new IllegalArgumentException(
                "\"" + value + "\" is " + value.length() + " characters: the field holds at most " + length);
        }
        for (int i = 0; i < length; i++)
        {
            final char c = i < value.length() ? value.charAt(i) : ' ';
            if (c < 0x20 || c > 0x7E)
            {
                throw new IllegalArgumentException("\"" + value + "\" has a non-printable-ASCII character at " + i);
            }
            buffer.putByte(index + i, (byte)c);
        }
    }

    /** The field with trailing spaces (and NULs) removed. */
    static String get(final DirectBuffer buffer, final int index, final int length)
    {
        int end = length;
        while (end > 0)
        {
            final byte b = buffer.getByte(index + end - 1);
            if (b != ' ' && b != 0)
            {
                break;
            }
            end--;
        }
        final StringBuilder sb = new StringBuilder(end);
        for (int i = 0; i < end; i++)
        {
            sb.append((char)(buffer.getByte(index + i) & 0xFF));
        }
        return sb.toString();
    }
}
