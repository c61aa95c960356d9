package io.nitrosim.ebs.nvme;

/**
 * NVMe completion status values (NVMe Base Specification, "Status Field"), in the 15-bit status-field encoding
 * that sits above the phase tag in a completion: {@code SC[7:0] | SCT[10:8] | CRD[12:11] | M[13] | DNR[14]}.
 * Constants here combine SCT and SC; {@link #of} builds others, {@link #withDoNotRetry} adds DNR.
 */
public final class NvmeStatus
{
    public static final int SCT_GENERIC = 0;
    public static final int SCT_COMMAND_SPECIFIC = 1;
    public static final int SCT_MEDIA = 2;
    public static final int SCT_PATH = 3;
    public static final int SCT_VENDOR = 7;

    public static final int SC_MASK = 0xFF;
    public static final int SCT_SHIFT = 8;
    public static final int SCT_MASK = 0x7;
    public static final int SCT_SC_MASK = 0x7FF;
    public static final int MORE = 1 << 13;
    public static final int DO_NOT_RETRY = 1 << 14;
    public static final int CRD_SHIFT = 11;
    public static final int CRD_MASK = 0x3;

    // Generic command status (SCT 0)
    public static final int SUCCESS = 0x00;
    public static final int INVALID_OPCODE = 0x01;
    public static final int INVALID_FIELD = 0x02;
    public static final int COMMAND_ID_CONFLICT = 0x03;
    public static final int DATA_TRANSFER_ERROR = 0x04;
    public static final int POWER_LOSS_ABORT = 0x05;
    public static final int INTERNAL_ERROR = 0x06;
    public static final int ABORT_REQUESTED = 0x07;
    public static final int ABORTED_SQ_DELETION = 0x08;
    public static final int INVALID_NAMESPACE = 0x0B;
    public static final int COMMAND_SEQUENCE_ERROR = 0x0C;
    public static final int PRP_OFFSET_INVALID = 0x13;
    public static final int LBA_OUT_OF_RANGE = 0x80;
    public static final int CAPACITY_EXCEEDED = 0x81;
    public static final int NAMESPACE_NOT_READY = 0x82;

    // Command specific status (SCT 1)
    public static final int COMPLETION_QUEUE_INVALID = of(SCT_COMMAND_SPECIFIC, 0x00);
    public static final int INVALID_QUEUE_ID = of(SCT_COMMAND_SPECIFIC, 0x01);
    public static final int INVALID_QUEUE_SIZE = of(SCT_COMMAND_SPECIFIC, 0x02);
    public static final int ABORT_LIMIT_EXCEEDED = of(SCT_COMMAND_SPECIFIC, 0x03);
    public static final int ASYNC_EVENT_LIMIT_EXCEEDED = of(SCT_COMMAND_SPECIFIC, 0x05);
    public static final int INVALID_INTERRUPT_VECTOR = of(SCT_COMMAND_SPECIFIC, 0x08);
    public static final int INVALID_LOG_PAGE = of(SCT_COMMAND_SPECIFIC, 0x09);
    public static final int INVALID_FORMAT = of(SCT_COMMAND_SPECIFIC, 0x0A);
    public static final int INVALID_QUEUE_DELETION = of(SCT_COMMAND_SPECIFIC, 0x0C);
    public static final int FEATURE_NOT_SAVEABLE = of(SCT_COMMAND_SPECIFIC, 0x0D);
    public static final int FEATURE_NOT_CHANGEABLE = of(SCT_COMMAND_SPECIFIC, 0x0E);

    // Path related status (SCT 3)
    /** Host Aborted Command: what Linux completes a request with when the host gives up on it (reset failed). */
    public static final int HOST_ABORTED_COMMAND = of(SCT_PATH, 0x71);

    // Media and data integrity errors (SCT 2)
    public static final int WRITE_FAULT = of(SCT_MEDIA, 0x80);
    public static final int UNRECOVERED_READ_ERROR = of(SCT_MEDIA, 0x81);

    private NvmeStatus()
    {
    }

    public static int of(final int statusCodeType, final int statusCode)
    {
        return ((statusCodeType & SCT_MASK) << SCT_SHIFT) | (statusCode & SC_MASK);
    }

    /** The status with Command Retry Delay {@code crd} (1..3: the host waits CRDT{@code crd} before retrying). */
    public static int withRetryDelay(final int status, final int crd)
    {
        return (status & ~(CRD_MASK << CRD_SHIFT)) | ((crd & CRD_MASK) << CRD_SHIFT);
    }

    /** The CRD field of a status (0: retry at once). */
    public static int retryDelay(final int status)
    {
        return (status >>> CRD_SHIFT) & CRD_MASK;
    }

    public static int withDoNotRetry(final int status)
    {
        return status | DO_NOT_RETRY;
    }

    public static int statusCode(final int status)
    {
        return status & SC_MASK;
    }

    public static int statusCodeType(final int status)
    {
        return (status >>> SCT_SHIFT) & SCT_MASK;
    }

    public static boolean doNotRetry(final int status)
    {
        return (status & DO_NOT_RETRY) != 0;
    }
}
