package io.nitrosim.hypervisor.guest;

/**
 * The x86 MSI message format a driver programs into a function's MSI-X table and the hypervisor decodes:
 * address = 0xFEE0_0000 | (destination APIC id &lt;&lt; 12) (bits 31:20 = 0xFEE, 19:12 = APIC id, upper 32 bits
 * zero); data bits 7:0 = vector. Redirection hint, destination mode and delivery mode bits are not modelled:
 * every message is fixed delivery to one physical APIC id.
 */
public final class MsiMessage
{
    public static final long ADDRESS_BASE = 0xFEE0_0000L;
    /** Bits that must equal {@link #ADDRESS_BASE}: the upper 32 bits and bits 31:20. */
    public static final long ADDRESS_BASE_MASK = 0xFFFF_FFFF_FFF0_0000L;
    public static final int MAX_APIC_ID = 0xFF;

    private MsiMessage()
    {
    }

    /** The message address targeting {@code apicId}. */
    public static long address(final int apicId)
    {
        if (apicId < 0 || apicId > MAX_APIC_ID)
        {
            throw new IllegalArgumentException("APIC id " + apicId + " out of range 0..255");
        }
        return ADDRESS_BASE | ((long)apicId << 12);
    }

    /** The message data for {@code vector}. */
    public static int data(final int vector)
    {
        if (vector < 0 || vector > 0xFF)
        {
            throw new IllegalArgumentException("interrupt vector " + vector + " out of range 0..255");
        }
        return vector;
    }

    public static boolean isValidAddress(final long messageAddress)
    {
        return (messageAddress & ADDRESS_BASE_MASK) == ADDRESS_BASE;
    }

    /** Destination APIC id of a valid address. */
    public static int apicId(final long messageAddress)
    {
        return (int)((messageAddress >>> 12) & 0xFF);
    }

    public static int vector(final int messageData)
    {
        return messageData & 0xFF;
    }
}
