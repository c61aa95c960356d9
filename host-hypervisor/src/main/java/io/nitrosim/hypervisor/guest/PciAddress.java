package io.nitrosim.hypervisor.guest;

/**
 * A PCI function's address in lspci form {@code bus:device.function}, hex: "00:03.0".
 *
 * @param bus      0..255
 * @param device   0..31
 * @param function 0..7
 */
public record PciAddress(int bus, int device, int function)
{
    public PciAddress
    {
        if (bus < 0 || bus > 0xFF)
        {
            throw new IllegalArgumentException("PCI bus " + bus + " out of range 0..255");
        }
        if (device < 0 || device > 0x1F)
        {
            throw new IllegalArgumentException("PCI device " + device + " out of range 0..31");
        }
        if (function < 0 || function > 7)
        {
            throw new IllegalArgumentException("PCI function " + function + " out of range 0..7");
        }
    }

    /** Parses "bb:dd.f" (hex bus and device, one function digit), e.g. "00:1e.0". */
    public static PciAddress parse(final String text)
    {
        if (text == null || text.length() != 7 || text.charAt(2) != ':' || text.charAt(5) != '.')
        {
            throw new IllegalArgumentException("PCI address '" + text + "' is not of the form bb:dd.f, e.g. 00:03.0");
        }
        try
        {
            return new PciAddress(
                Integer.parseInt(text.substring(0, 2), 16),
                Integer.parseInt(text.substring(3, 5), 16),
                Integer.parseInt(text.substring(6, 7), 16));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("PCI address '" + text + "' is not of the form bb:dd.f, e.g. 00:03.0");
        }
    }

    @Override
    public String toString()
    {
        final String hex = "0123456789abcdef";
        return new StringBuilder(7)
            .append(hex.charAt(bus >>> 4)).append(hex.charAt(bus & 0xF)).append(':')
            .append(hex.charAt(device >>> 4)).append(hex.charAt(device & 0xF)).append('.')
            .append(hex.charAt(function))
            .toString();
    }
}
