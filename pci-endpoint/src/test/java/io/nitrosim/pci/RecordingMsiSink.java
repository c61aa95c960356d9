package io.nitrosim.pci;

import org.agrona.collections.IntArrayList;
import org.agrona.collections.LongArrayList;

/**
 * Test fixture: an {@link MsiSink} that records every (address, data) message in order. x86 layout:
 * address 0xFEE0_0000 | (APIC id &lt;&lt; 12), data bits 7:0 = vector.
 */
public final class RecordingMsiSink implements MsiSink
{
    public static final long X86_MSI_ADDRESS_BASE = 0xFEE0_0000L;

    private final LongArrayList addresses = new LongArrayList();
    private final IntArrayList data = new IntArrayList();

    /** The message address that targets {@code apicId} on x86. */
    public static long x86Address(final int apicId)
    {
        return X86_MSI_ADDRESS_BASE | ((long)apicId << 12);
    }

    @Override
    public void deliver(final long messageAddress, final int messageData)
    {
        addresses.addLong(messageAddress);
        data.addInt(messageData);
    }

    public int count()
    {
        return addresses.size();
    }

    public long address(final int i)
    {
        return addresses.getLong(i);
    }

    public int data(final int i)
    {
        return data.getInt(i);
    }

    /** Vector of message {@code i}: data bits 7:0. */
    public int vector(final int i)
    {
        return data.getInt(i) & 0xFF;
    }

    /** Destination APIC id of message {@code i}: address bits 19:12. */
    public int apicId(final int i)
    {
        return (int)((addresses.getLong(i) >>> 12) & 0xFF);
    }

    /** Number of messages carrying {@code vector}. */
    public int countVector(final int vector)
    {
        int n = 0;
        for (int i = 0; i < data.size(); i++)
        {
            if ((data.getInt(i) & 0xFF) == vector)
            {
                n++;
            }
        }
        return n;
    }

    public void clear()
    {
        addresses.clear();
        data.clear();
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < count(); i++)
        {
            sb.append(i == 0 ? "" : ", ").append("0x").append(Long.toHexString(address(i)))
                .append("/0x").append(Integer.toHexString(data(i)));
        }
        return sb.append(']').toString();
    }
}
