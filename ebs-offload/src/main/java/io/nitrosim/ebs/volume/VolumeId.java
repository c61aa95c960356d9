package io.nitrosim.ebs.volume;

/**
 * An EBS volume id, {@code "vol-"} followed by 17 lowercase hex digits ("vol-0123456789abcdef0").
 * <p>
 * 17 hex digits are 68 bits: the first digit is kept as {@link #high()} (0..15) and the other 16 as
 * {@link #low()}, so journals and wire frames carry the id in 12 bytes and compare ids without allocating.
 */
public final class VolumeId implements Comparable<VolumeId>
{
    public static final String PREFIX = "vol-";
    public static final int HEX_DIGITS = 17;
    /** Length of the textual form: "vol-" + 17 digits. */
    public static final int TEXT_LENGTH = PREFIX.length() + HEX_DIGITS;

    private final int high;
    private final long low;
    private final String text;

    private VolumeId(final int high, final long low)
    {
        this.high = high;
        this.low = low;
        this.text = PREFIX + Character.forDigit(high, 16) + String.format("%016x", low);
    }

    /** Parses "vol-" + 17 lowercase hex digits; a one-line error naming the value otherwise. */
    public static VolumeId parse(final String text)
    {
        if (!isValid(text))
        {
            throw new IllegalArgumentException("volume id \"" + text + "\" is invalid: accepted \"vol-\" followed by "
                + HEX_DIGITS + " lowercase hex digits (e.g. vol-0123456789abcdef0)");
        }
        final int high = Character.digit(text.charAt(PREFIX.length()), 16);
        final long low = Long.parseUnsignedLong(text.substring(PREFIX.length() + 1), 16);
        return new VolumeId(high, low);
    }

    /** The id with these parts; high must be 0..15. */
    public static VolumeId of(final int high, final long low)
    {
        if (high < 0 || high > 15)
        {
            throw new IllegalArgumentException("volume id high digit " + high + " is out of range: accepted 0..15");
        }
        return new VolumeId(high, low);
    }

    public static boolean isValid(final String text)
    {
        if (text == null || text.length() != TEXT_LENGTH || !text.startsWith(PREFIX))
        {
            return false;
        }
        for (int i = PREFIX.length(); i < TEXT_LENGTH; i++)
        {
            final char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            {
                return false;
            }
        }
        return true;
    }

    /** First hex digit, 0..15. */
    public int high()
    {
        return high;
    }

    /** Last 16 hex digits as an unsigned 64-bit value. */
    public long low()
    {
        return low;
    }

    public boolean matches(final int high, final long low)
    {
        return this.high == high && this.low == low;
    }

    /** The id without the dash, as the NVMe serial number carries it ("vol0123456789abcdef0"). */
    public String serialNumber()
    {
        return "vol" + text.substring(PREFIX.length());
    }

    @Override
    public int compareTo(final VolumeId other)
    {
        final int byHigh = Integer.compare(high, other.high);
        return byHigh != 0 ? byHigh : Long.compareUnsigned(low, other.low);
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof VolumeId && ((VolumeId)o).high == high && ((VolumeId)o).low == low;
    }

    @Override
    public int hashCode()
    {
        return 31 * high + Long.hashCode(low);
    }

    @Override
    public String toString()
    {
        return text;
    }
}
