package io.nitrosim.nic.vpc;

/** IPv4 addresses as ints (network order value: 10.0.0.1 = 0x0A000001). */
public final class Ipv4
{
    private Ipv4()
    {
    }

    /** Parses dotted-quad text; throws {@link VpcException} naming the value. */
    public static int parse(final String text)
    {
        final int ip = tryParse(text);
        if (ip == 0 && !"0.0.0.0".equals(text))
        {
            throw new VpcException(VpcException.INVALID_PARAMETER_VALUE,
                "invalid IPv4 address \"" + text + "\": expected four decimal octets 0..255 like 10.0.1.5");
        }
        return ip;
    }

    /** @return the address, or 0 when the text is not a dotted quad (0.0.0.0 also gives 0). */
    static int tryParse(final String text)
    {
        if (text == null)
        {
            return 0;
        }
        int value = 0;
        int octets = 0;
        int octet = -1;
        for (int i = 0; i <= text.length(); i++)
        {
            final char c = i < text.length() ? text.charAt(i) : '.';
            if (c == '.')
            {
                if (octet < 0 || octets == 4)
                {
                    return 0;
                }
                value = (value << 8) | octet;
                octets++;
                octet = -1;
            }
            else if (c >= '0' && c <= '9')
            {
                octet = octet < 0 ? c - '0' : octet * 10 + (c - '0');
                if (octet > 255)
                {
                    return 0;
                }
            }
            else
            {
                return 0;
            }
        }
        return octets == 4 ? value : 0;
    }

    public static String format(final int ip)
    {
        return ((ip >>> 24) & 0xFF) + "." + ((ip >>> 16) & 0xFF) + "." + ((ip >>> 8) & 0xFF) + "." + (ip & 0xFF);
    }

    /** 169.254.0.0/16: DNS resolver, instance metadata, time sync. */
    public static boolean isLinkLocal(final int ip)
    {
        return (ip & 0xFFFF_0000) == 0xA9FE_0000;
    }
}
