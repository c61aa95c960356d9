package io.nitrosim.nic.flow;

/**
 * A 5-tuple (plus the owning ENI number) packed into two longs so flow tables need no key objects.
 * <pre>
 *   hi = localIp[63:32] | remoteIp[31:0]
 *   lo = localPort[63:48] | remotePort[47:32] | protocol[31:24] | eniNumber[23:0]
 * </pre>
 * For per-flow shaping "local" is the source and "remote" the destination; connection tracking normalises to
 * the instance's side so a reply maps to the same key as its request.
 */
public final class FlowKey
{
    public static final int MAX_ENI_NUMBER = (1 << 24) - 1;

    private FlowKey()
    {
    }

    public static long hi(final int localIp, final int remoteIp)
    {
        return ((long)localIp << 32) | (remoteIp & 0xFFFF_FFFFL);
    }

    public static long lo(final int localPort, final int remotePort, final int protocol, final int eniNumber)
    {
        return ((long)(localPort & 0xFFFF) << 48) | ((long)(remotePort & 0xFFFF) << 32)
            | ((long)(protocol & 0xFF) << 24) | (eniNumber & MAX_ENI_NUMBER);
    }

    public static int localIp(final long hi)
    {
        return (int)(hi >>> 32);
    }

    public static int remoteIp(final long hi)
    {
        return (int)hi;
    }

    public static int localPort(final long lo)
    {
        return (int)(lo >>> 48) & 0xFFFF;
    }

    public static int remotePort(final long lo)
    {
        return (int)(lo >>> 32) & 0xFFFF;
    }

    public static int protocol(final long lo)
    {
        return (int)(lo >>> 24) & 0xFF;
    }

    public static int eniNumber(final long lo)
    {
        return (int)lo & MAX_ENI_NUMBER;
    }

    /** A well-mixed 32-bit hash of the key (murmur3 fmix64 of a combination of both halves). */
    public static int hash(final long hi, final long lo)
    {
        long h = hi * 0x9E3779B97F4A7C15L ^ lo;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return (int)h;
    }
}
