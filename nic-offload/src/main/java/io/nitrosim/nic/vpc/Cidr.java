package io.nitrosim.nic.vpc;

/**
 * An IPv4 CIDR block. {@link #parse} is strict: host bits must be zero.
 *
 * @param network      the network address (host bits zero).
 * @param prefixLength 0..32.
 */
public record Cidr(int network, int prefixLength)
{
    public static final Cidr ANY = new Cidr(0, 0);

    public Cidr
    {
        if (prefixLength < 0 || prefixLength > 32)
        {
            throw new VpcException(VpcException.INVALID_PARAMETER_VALUE,
                "prefix length " + prefixLength + " out of range, accepted 0..32");
        }
        if ((network & ~maskOf(prefixLength)) != 0)
        {
            throw new VpcException(VpcException.INVALID_PARAMETER_VALUE, "invalid CIDR \"" + Ipv4.format(network)
                + "/" + prefixLength + "\": host bits are set, did you mean " + Ipv4.format(network & maskOf(prefixLength))
                + "/" + prefixLength + "?");
        }
    }

    /** Parses "a.b.c.d/n" with n in 0..32; one-line {@link VpcException} otherwise. */
    public static Cidr parse(final String text)
    {
        final int slash = text == null ? -1 : text.indexOf('/');
        if (slash < 0)
        {
            throw new VpcException(VpcException.INVALID_PARAMETER_VALUE,
                "invalid CIDR \"" + text + "\": expected a.b.c.d/n with n in 0..32");
        }
        final String address = text.substring(0, slash);
        final String prefix = text.substring(slash + 1);
        final int ip = Ipv4.tryParse(address);
        if (ip == 0 && !"0.0.0.0".equals(address))
        {
            throw new VpcException(VpcException.INVALID_PARAMETER_VALUE,
                "invalid CIDR \"" + text + "\": \"" + address + "\" is not an IPv4 address");
        }
        final int length;
        try
        {
            length = Integer.parseInt(prefix);
        }
        catch (final NumberFormatException ex)
        {
            throw new VpcException(VpcException.INVALID_PARAMETER_VALUE,
                "invalid CIDR \"" + text + "\": prefix \"" + prefix + "\" is not a number in 0..32");
        }
        if (length < 0 || length > 32)
        {
            throw new VpcException(VpcException.INVALID_PARAMETER_VALUE,
                "invalid CIDR \"" + text + "\": prefix length " + length + " out of range, accepted 0..32");
        }
        if ((ip & ~maskOf(length)) != 0)
        {
            throw new VpcException(VpcException.INVALID_PARAMETER_VALUE, "invalid CIDR \"" + text
                + "\": host bits are set, did you mean " + Ipv4.format(ip & maskOf(length)) + "/" + length + "?");
        }
        return new Cidr(ip, length);
    }

    /**
     * Parses a CIDR whose prefix length must be in {@code minPrefix..maxPrefix}; {@code what} names it in the
     * message ("VPC CIDR", "subnet CIDR").
     */
    public static Cidr parse(final String text, final int minPrefix, final int maxPrefix, final String what)
    {
        final int slash = text == null ? -1 : text.indexOf('/');
        if (slash >= 0)
        {
            try
            {
                final int length = Integer.parseInt(text.substring(slash + 1));
                if (length < minPrefix || length > maxPrefix)
                {
                    throw new VpcException(VpcException.INVALID_PARAMETER_VALUE, "invalid " + what + " \"" + text
                        + "\": prefix length " + length + " out of range, accepted /" + minPrefix + "../" + maxPrefix);
                }
            }
            catch (final NumberFormatException ignored)
            {
                // parse() below reports it
            }
        }
        return parse(text);
    }

    public static int maskOf(final int prefixLength)
    {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    public int mask()
    {
        return maskOf(prefixLength);
    }

    public boolean contains(final int ip)
    {
        return (ip & mask()) == network;
    }

    public boolean contains(final Cidr other)
    {
        return other.prefixLength >= prefixLength && contains(other.network);
    }

    public boolean overlaps(final Cidr other)
    {
        return contains(other.network) || other.contains(network);
    }

    /** Number of addresses (2^(32-n)). */
    public long size()
    {
        return 1L << (32 - prefixLength);
    }

    /** The i-th address of the block. */
    public int address(final long i)
    {
        return network + (int)i;
    }

    @Override
    public String toString()
    {
        return Ipv4.format(network) + "/" + prefixLength;
    }
}
