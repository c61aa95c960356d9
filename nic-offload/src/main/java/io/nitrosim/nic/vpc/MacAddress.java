package io.nitrosim.nic.vpc;

/** MAC addresses as the low 48 bits of a long (02:00:00:00:00:01 = 0x020000000001). */
public final class MacAddress
{
    private MacAddress()
    {
    }

    public static String format(final long mac)
    {
        final StringBuilder sb = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8)
        {
            final int b = (int)(mac >>> shift) & 0xFF;
            sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
            if (shift > 0)
            {
                sb.append(':');
            }
        }
        return sb.toString();
    }

    public static long parse(final String text)
    {
        if (text == null || text.length() != 17)
        {
            throw new VpcException(VpcException.INVALID_PARAMETER_VALUE,
                "invalid MAC address \"" + text + "\": expected six hex pairs like 02:1a:2b:3c:4d:5e");
        }
        long mac = 0;
        for (int i = 0; i < 6; i++)
        {
            final int hi = Character.digit(text.charAt(i * 3), 16);
            final int lo = Character.digit(text.charAt(i * 3 + 1), 16);
            if (hi < 0 || lo < 0 || (i < 5 && text.charAt(i * 3 + 2) != ':'))
            {
                throw new VpcException(VpcException.INVALID_PARAMETER_VALUE,
                    "invalid MAC address \"" + text + "\": expected six hex pairs like 02:1a:2b:3c:4d:5e");
            }
            mac = (mac << 8) | (hi << 4) | lo;
        }
        return mac;
    }
}
