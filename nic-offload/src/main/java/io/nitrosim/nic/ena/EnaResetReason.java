package io.nitrosim.nic.ena;

/**
 * ENA reset reasons (Linux {@code ena_regs_defs.h}, enum ena_regs_reset_reason_types). A driver writes the
 * reason into DEV_CTL.reset_reason[31:28] when it resets the device; this device model also reports the
 * reason for its own fatal errors in the AENQ FATAL_ERROR event's syndrome (see docs/ena.md).
 */
public final class EnaResetReason
{
    public static final int NORMAL = 0;
    public static final int KEEP_ALIVE_TO = 1;
    public static final int ADMIN_TO = 2;
    public static final int MISS_TX_CMPL = 3;
    public static final int INV_RX_REQ_ID = 4;
    public static final int INV_TX_REQ_ID = 5;
    public static final int TOO_MANY_RX_DESCS = 6;
    public static final int INIT_ERR = 7;
    public static final int DRIVER_INVALID_STATE = 8;
    public static final int OS_TRIGGER = 9;
    public static final int OS_NETDEV_WD = 10;
    public static final int SHUTDOWN = 11;
    public static final int USER_TRIGGER = 12;
    public static final int GENERIC = 13;
    public static final int MISS_INTERRUPT = 14;
    public static final int SUSPECTED_POLL_STARVATION = 15;
    public static final int RX_DESCRIPTOR_MALFORMED = 16;

    private EnaResetReason()
    {
    }

    public static String name(final int reason)
    {
        switch (reason)
        {
            case NORMAL:
                return "NORMAL";
            case KEEP_ALIVE_TO:
                return "KEEP_ALIVE_TO";
            case ADMIN_TO:
                return "ADMIN_TO";
            case MISS_TX_CMPL:
                return "MISS_TX_CMPL";
            case INV_RX_REQ_ID:
                return "INV_RX_REQ_ID";
            case INV_TX_REQ_ID:
                return "INV_TX_REQ_ID";
            case TOO_MANY_RX_DESCS:
                return "TOO_MANY_RX_DESCS";
            case INIT_ERR:
                return "INIT_ERR";
            case DRIVER_INVALID_STATE:
                return "DRIVER_INVALID_STATE";
            case OS_TRIGGER:
                return "OS_TRIGGER";
            case OS_NETDEV_WD:
                return "OS_NETDEV_WD";
            case SHUTDOWN:
                return "SHUTDOWN";
            case USER_TRIGGER:
                return "USER_TRIGGER";
            case GENERIC:
                return "GENERIC";
            case MISS_INTERRUPT:
                return "MISS_INTERRUPT";
            case SUSPECTED_POLL_STARVATION:
                return "SUSPECTED_POLL_STARVATION";
            case RX_DESCRIPTOR_MALFORMED:
                return "RX_DESCRIPTOR_MALFORMED";
            default:
                return "REASON(" + reason + ")";
        }
    }
}
