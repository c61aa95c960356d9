package io.nitrosim.nic.vpc;

/** Protocols a security group rule names (IANA numbers; ALL is EC2's "-1"). */
public enum Protocol
{
    TCP(6), UDP(17), ICMP(1), ALL(-1);

    private final int number;

    Protocol(final int number)
    {
        this.number = number;
    }

    /** IANA protocol number, -1 for ALL. */
    public int number()
    {
        return number;
    }

    /** Whether the rule's port range applies (TCP and UDP). */
    public boolean hasPorts()
    {
        return this == TCP || this == UDP;
    }

    public boolean matches(final int ipProtocol)
    {
        return this == ALL || number == ipProtocol;
    }

    /** Parses "tcp", "udp", "icmp", "all" or "-1" (case-insensitive). */
    public static Protocol parse(final String text)
    {
        if (text != null)
        {
            switch (text.toLowerCase(java.util.Locale.ROOT))
            {
                case "tcp":
                case "6":
                    return TCP;
                case "udp":
                case "17":
                    return UDP;
                case "icmp":
                case "1":
                    return ICMP;
                case "all":
                case "-1":
                    return ALL;
                default:
                    break;
            }
        }
        throw new VpcException(VpcException.INVALID_PARAMETER_VALUE,
            "invalid protocol \"" + text + "\", accepted tcp, udp, icmp, all (-1)");
    }
}
